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

N=${1:-10}
if ! [[ $N =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [RUNS]   (RUNS: positive integer, default 10)" >&2
    exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
NSIPC=${NSIPC:-$repo/build/nsipc}

if [[ $(id -u) -ne 0 ]]; then
    echo "provision_1000: must run as root (namespaces)" >&2
    exit 2
fi
if [[ ! -x $NSIPC ]]; then
    echo "provision_1000: nsipc binary not found or not executable: $NSIPC (set \$NSIPC or build with ninja -C build)" >&2
    exit 2
fi
for tool in unshare ipcmk; do
    command -v "$tool" >/dev/null || { echo "provision_1000: $tool not found (util-linux)" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/nsipc-bench-provision.XXXXXX)
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 130' INT TERM

policy=$tmp/policy-1000.json
baseline=$tmp/baseline-1000.sh
mkdir -m 0700 "$tmp/state"

# Benchmark a private copy of the binary, so a concurrent rebuild (ninja
# relinking build/nsipc) cannot make a run fail half-way.
cp -- "$NSIPC" "$tmp/nsipc"
NSIPC=$tmp/nsipc

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
        sep=$([[ $i -lt $((TOTAL - 1)) ]] && echo , || true)
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
cmd_a=("$NSIPC" --policy-dir /nonexistent --state-dir "$tmp/state" run --policy "$policy")
cmd_b=(unshare --ipc sh "$baseline")

# ---- sanity check: both sides really create 334/333/333 objects ------------
# /proc/sysvipc/* shows the IPC namespace of the reader, i.e. the new one.
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
now_us() { local t=$EPOCHREALTIME; REPLY=$(( ${t%.*} * 1000000 + 10#${t#*.} )); }

a_times=() b_times=()
for ((i = 0; i < N; i++)); do
    now_us; t0=$REPLY
    "${cmd_a[@]}" -- true || { echo "provision_1000: nsipc run failed (exit $?) on run $i" >&2; exit 1; }
    now_us; t1=$REPLY
    "${cmd_b[@]}" || { echo "provision_1000: baseline failed (exit $?) on run $i" >&2; exit 1; }
    now_us; t2=$REPLY
    a_times+=($((t1 - t0)))
    b_times+=($((t2 - t1)))
done

median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

med_a=$(median "${a_times[@]}")
med_b=$(median "${b_times[@]}")

awk -v a="$med_a" -v b="$med_b" -v n="$N" 'BEGIN {
    ratio = b / a
    printf "provision_1000: nsipc median %.2f ms, ipcmk baseline median %.2f ms, speed-up %.1fx (target >= 50x) [%d runs each] %s\n",
        a / 1000, b / 1000, ratio, n, (ratio >= 50 ? "PASS" : "FAIL")
}'
