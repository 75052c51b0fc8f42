#!/usr/bin/env bash
# provision_1000.sh — provisioning 1000 System V objects: nsipc versus ipcmk.
#
# Generates (in a temp dir) a policy with 1000 objects, interleaved
#   334 msg queues, 333 semaphore sets (nsems 4), 333 shm segments (64KiB),
# with distinct keys (msg 0x00010000+i, sem 0x00020000+i, shm 0x00030000+i)
# and raised limits, then compares
#   A: nsipc run --policy P -- true
#   B: unshare --ipc sh S     where S runs one `ipcmk` per object (same mix)
# alternating A B A B ... for N pairs (default 10, first argument overrides).
# Before timing, each side is run once to check that it really creates
# 334/333/333 objects. Prints the medians and the speed-up baseline/nsipc
# (target >= 50x).
#
# Run by hand, as root. Not part of the test suite.
# nsipc binary: $NSIPC, else <repo>/build/nsipc.
# All objects live in fresh IPC namespaces that are destroyed (with their
# objects) when the command exits; host IPC objects are never touched.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

bench_runs 10 "$@"
N=$REPLY
bench_need_root namespaces
bench_need_nsipc
bench_need_tools "(util-linux)" unshare ipcmk

bench_setup provision

policy=$tmp/policy-1000.json
baseline=$tmp/baseline-1000.sh

TOTAL=1000
SEM_NSEMS=4
SHM_SIZE=65536          # 64KiB

# ---- generate the policy and the equivalent ipcmk script -------------------
# Object i: i%3==0 msg, i%3==1 sem, i%3==2 shm  -> 334 / 333 / 333.
{
    cat <<'EOF'
{
  "version": 1,
  "limits": {
    "msgmni": 4096,
    "sem": { "semmsl": 250, "semmns": 32000, "semopm": 32, "semmni": 4096 },
    "shmmax": "64MiB",
    "shmall": 65536,
    "shmmni": 4096
  },
  "objects": [
EOF
    for ((i = 0; i < TOTAL; i++)); do
        sep=,
        if ((i == TOTAL - 1)); then sep=; fi
        case $((i % 3)) in
        0) printf '    { "type": "msg", "name": "bench-msg-%d", "key": "0x%08x", "mode": "0600" }%s\n' \
               "$i" $((0x10000 + i)) "$sep" ;;
        1) printf '    { "type": "sem", "name": "bench-sem-%d", "key": "0x%08x", "nsems": %d, "mode": "0600" }%s\n' \
               "$i" $((0x20000 + i)) "$SEM_NSEMS" "$sep" ;;
        2) printf '    { "type": "shm", "name": "bench-shm-%d", "key": "0x%08x", "size": "64KiB", "mode": "0600" }%s\n' \
               "$i" $((0x30000 + i)) "$sep" ;;
        esac
    done
    cat <<'EOF'
  ]
}
EOF
} >"$policy"
# 333 x 64KiB = 21 MiB = 5328 pages << shmall 65536 pages (256 MiB);
# 333 x 4 = 1332 semaphores << semmns 32000.

{
    echo 'set -e'
    for ((i = 0; i < TOTAL; i++)); do
        case $((i % 3)) in
        0) echo 'ipcmk -Q -p 0600 >/dev/null' ;;
        1) echo "ipcmk -S $SEM_NSEMS -p 0600 >/dev/null" ;;
        2) echo "ipcmk -M $SHM_SIZE -p 0600 >/dev/null" ;;
        esac
    done
} >"$baseline"

# Global options keep /etc/nsipc and /run/nsipc out of the picture.
cmd_a=("$NSIPC" --policy-dir /nonexistent --state-dir "$state" run --policy "$policy")
cmd_b=(unshare --ipc sh "$baseline")

# ---- sanity check: both sides really create 334/333/333 objects ------------
# /proc/sysvipc/* shows the IPC namespace of the reader, i.e. the new one.
# shellcheck disable=SC2016  # expanded by the sh inside the namespace
count='echo "$(($(wc -l </proc/sysvipc/msg) - 1)) $(($(wc -l </proc/sysvipc/sem) - 1)) $(($(wc -l </proc/sysvipc/shm) - 1))"'
want="334 333 333"
if ! got_a=$("${cmd_a[@]}" -- sh -c "$count" 2>"$tmp/err"); then
    echo "provision_1000: nsipc run failed on the generated policy:" >&2
    cat "$tmp/err" >&2
    exit 1
fi
got_b=$(unshare --ipc sh -c "sh '$baseline' && $count")
if [[ $got_a != "$want" || $got_b != "$want" ]]; then
    echo "provision_1000: object counts (msg sem shm) differ from '$want': nsipc '$got_a', ipcmk '$got_b'" >&2
    exit 1
fi

# ---- timing ---------------------------------------------------------------
a_times=() b_times=()
for ((i = 0; i < N; i++)); do
    bench_time "${cmd_a[@]}" -- true || { echo "provision_1000: nsipc run failed (exit $?) on run $i" >&2; exit 1; }
    a_times+=("$REPLY")
    bench_time "${cmd_b[@]}" || { echo "provision_1000: baseline failed (exit $?) on run $i" >&2; exit 1; }
    b_times+=("$REPLY")
done

bench_result speedup 50 \
    "provision_1000: nsipc median %.2f ms, ipcmk baseline median %.2f ms, speed-up %.1fx (target >= 50x) [$N runs each] %s" \
    "$(median "${a_times[@]}")" "$(median "${b_times[@]}")"
