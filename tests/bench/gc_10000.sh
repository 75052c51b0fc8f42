#!/usr/bin/env bash
# gc_10000.sh — `nsipc gc` removing 10 000 orphans from a named namespace,
# versus `ipcrm -a` in the same namespace.
#
# The script creates one named namespace,
#   nsipc ns create bench --policy P     (P: {"version":1, "limits":
#                                          {"msgmni":16384, "shmmni":16384}})
# and before every timed run fills it with 10 000 orphans, interleaved:
# 3334 msg queues, 3333 semaphore sets (2 semaphores) and 3333 shm segments
# (4096 bytes), made by tests/bench/mkorphans.c (compiled with cc into the
# temp dir) run under `nsenter --ipc=<state>/ns/bench`. Without a C compiler
# it falls back to one ipcmk(1) call per object (-Q / -S 2 / -M 4096),
# which takes some 10-20 s per fill. Nobody ever sends, receives, operates
# on or attaches to them, and the creating process has exited: all 10 000 are
# orphans by nsipc's rules.
# It then compares, alternating A B A B ... RUNS times (default 3, first
# argument overrides), each on a freshly filled namespace:
#   A: nsipc --state-dir <tmp>/state gc --ns bench --min-idle 0 >/dev/null
#      (the orphans are fresh: without --min-idle 0, rule 7 keeps them all)
#   B: nsenter --ipc=<tmp>/state/ns/bench ipcrm -a
# timing each with bash's $EPOCHREALTIME, and prints the two medians and the
# ratio nsipc/ipcrm (target <= 1.5). Filling and checking are not timed.
# When the target is missed, one more (untimed) gc runs under `strace -c -f`
# and the script prints its busiest system calls, to show where the time goes.
#
# With PROCS=N in the environment (the issue measures N=1000), N processes
# (`sleep`, as uid 65534, so that rule 6 keeps nothing root made) live in the
# namespace through every run: gc then reads each one's /proc/PID/syscall and
# status once per run, and the target is <= 3. The trap ends them by pid.
#
# Run by hand, as root. Not part of the test suite.
# nsipc binary: $NSIPC, else <repo>/build/nsipc.
# gc runs with --ns bench, so it enters and changes no namespace but the one
# this script created. It logs every removal to syslog (LOG_DAEMON), as it
# would in production: on a host with a syslog daemon each run adds 10 000
# lines to the log. On exit, a trap unmounts every mount below the
# `mktemp -d` directory (the pin and <tmp>/state/ns; deepest first), which
# frees the namespace with whatever is left in it, and removes the directory.
# No other mount, IPC object or namespace is touched.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

bench_runs 3 "$@"
RUNS=$REPLY
N_MSG=3334 N_SEM=3333 N_SHM=3333
TOTAL=$((N_MSG + N_SEM + N_SHM))
NAME=bench

bench_need_root "namespaces, mounts"
bench_need_nsipc
bench_need_tools "(util-linux)" nsenter umount ipcrm
bench_need_tools "(needed to check gc's output)" jq
cc=$(command -v cc || command -v gcc || true)
if [[ -z $cc ]]; then
    command -v ipcmk >/dev/null || { echo "gc_10000: neither a C compiler nor ipcmk(1) found" >&2; exit 2; }
fi

# The trap unmounts <tmp>/state/ns/bench (the pin) and <tmp>/state/ns (the
# shared bind mount ns create makes). Unpinning frees the namespace and its
# objects.
bench_setup gc
pin=$state/ns/$NAME
nsipc=("$NSIPC" --policy-dir /nonexistent --state-dir "$state")

policy=$tmp/limits.json
printf '{"version":1,"limits":{"msgmni":16384,"shmmni":16384}}\n' >"$policy"

# ---- the filler ------------------------------------------------------------
if [[ -n $cc ]]; then
    "$cc" -O2 -o "$tmp/mkorphans" "$bench_dir/mkorphans.c" ||
        { echo "gc_10000: cannot build $bench_dir/mkorphans.c" >&2; exit 1; }
    filler=(nsenter --ipc="$pin" "$tmp/mkorphans" "$N_MSG" "$N_SEM" "$N_SHM")
    filler_name=mkorphans
else
    {
        echo 'set -e'
        for ((i = 0; i < TOTAL; i++)); do
            case $((i % 3)) in
            0) echo 'ipcmk -Q' ;;
            1) echo 'ipcmk -S 2' ;;
            2) echo 'ipcmk -M 4096' ;;
            esac
        done
    } >"$tmp/fill.sh"
    filler=(nsenter --ipc="$pin" sh "$tmp/fill.sh")
    filler_name="ipcmk loop"
fi

# counts: "MSG SEM SHM" objects in the namespace, read from inside it.
counts() {
    nsenter --ipc="$pin" awk 'FNR > 1 { n[FILENAME]++ }
        END { printf "%d %d %d\n", n["/proc/sysvipc/msg"], n["/proc/sysvipc/sem"], n["/proc/sysvipc/shm"] }' \
        /proc/sysvipc/msg /proc/sysvipc/sem /proc/sysvipc/shm
}
expect_empty() {   # LABEL
    local c
    c=$(counts) || { echo "gc_10000: cannot read /proc/sysvipc in the namespace" >&2; return 1; }
    if [[ $c != "0 0 0" ]]; then
        echo "gc_10000: $1 left msg/sem/shm objects $c, expected none" >&2
        return 1
    fi
}
fill() {
    local c
    expect_empty "the previous run" || return 1
    "${filler[@]}" >/dev/null || { echo "gc_10000: $filler_name failed (exit $?)" >&2; return 1; }
    c=$(counts) || return 1
    if [[ $c != "$N_MSG $N_SEM $N_SHM" ]]; then
        echo "gc_10000: after filling, msg/sem/shm objects are $c, expected $N_MSG $N_SEM $N_SHM" >&2
        return 1
    fi
}

PROCS=${PROCS:-0}
[[ $PROCS =~ ^[0-9]+$ ]] || { echo "gc_10000: PROCS must be a number of processes" >&2; exit 2; }
target=1.5
((PROCS > 0)) && target=3
sleepers=()
end_sleepers() { ((${#sleepers[@]} == 0)) || kill "${sleepers[@]}" 2>/dev/null || true; }
bench_cleanup_first+=(end_sleepers)

side_a() { "${nsipc[@]}" gc --ns "$NAME" --min-idle 0 >/dev/null; }
side_b() { nsenter --ipc="$pin" ipcrm -a; }

# ---- set up and check, untimed ---------------------------------------------
"${nsipc[@]}" ns create "$NAME" --policy "$policy" ||
    { echo "gc_10000: nsipc ns create failed (exit $?)" >&2; exit 1; }
if [[ "ipc:[$(stat -c %i -- "$pin")]" == "$(readlink /proc/self/ns/ipc)" ]]; then
    echo "gc_10000: pin $pin is the host's IPC namespace" >&2
    exit 1
fi
limits=$(nsenter --ipc="$pin" cat /proc/sys/kernel/msgmni /proc/sys/kernel/shmmni | paste -sd ' ')
if [[ $limits != "16384 16384" ]]; then
    echo "gc_10000: the policy did not apply: msgmni/shmmni are $limits, expected 16384 16384" >&2
    exit 1
fi

for ((i = 0; i < PROCS; i++)); do
    nsenter --ipc="$pin" setpriv --reuid 65534 --regid 65534 --clear-groups sleep 100000 &
    sleepers+=("$!")
done
if ((PROCS > 0)); then
    sleep 1
    n=$(nsenter --ipc="$pin" sh -c 'ls -d /proc/[0-9]* | while read -r p; do [ "$(readlink $p/ns/ipc)" = "$(readlink /proc/self/ns/ipc)" ] && echo; done | wc -l')
    echo "gc_10000: $PROCS processes started in the namespace ($n there, counting the counter)"
fi

# One run of each side, untimed (warm-up). gc must judge all 10 000 orphans
# and remove them without an error; ipcrm -a must leave nothing either.
fill || exit 1
out=$("${nsipc[@]}" gc --ns "$NAME" --min-idle 0 --json) || { echo "gc_10000: nsipc gc failed (exit $?)" >&2; exit 1; }
verdict=$(jq -r '"\(.removed | length) \(.kept_in_use) \(.errors | length)"' <<<"$out")
if [[ $verdict != "$TOTAL 0 0" ]]; then
    echo "gc_10000: gc removed/kept/errors $verdict, expected $TOTAL 0 0" >&2
    jq -r '.errors[]' <<<"$out" | head -5 >&2
    exit 1
fi
expect_empty "nsipc gc" || exit 1
fill || exit 1
side_b || { echo "gc_10000: ipcrm -a failed (exit $?)" >&2; exit 1; }
expect_empty "ipcrm -a" || exit 1

# ---- timed runs -------------------------------------------------------------
a_times=() b_times=()
for ((i = 0; i < RUNS; i++)); do
    fill || exit 1
    bench_time side_a || { echo "gc_10000: nsipc gc failed (exit $?) on run $i" >&2; exit 1; }
    a_times+=("$REPLY")
    expect_empty "nsipc gc" || exit 1
    fill || exit 1
    bench_time side_b || { echo "gc_10000: ipcrm -a failed (exit $?) on run $i" >&2; exit 1; }
    b_times+=("$REPLY")
    expect_empty "ipcrm -a" || exit 1
done

line=$(bench_result ratio "$target" \
    "gc_10000: nsipc gc median %.2f ms, ipcrm -a median %.2f ms, ratio %.2f (target <= $target) [$TOTAL orphans by $filler_name, $PROCS processes in the namespace, $RUNS runs each] %s" \
    "$(median "${a_times[@]}")" "$(median "${b_times[@]}")")
echo "$line"

# ---- where gc's time goes, when the target is missed --------------------------
if [[ $line == *FAIL ]]; then
    if ! command -v strace >/dev/null; then
        echo "gc_10000: no strace(1); not profiling gc"
        exit 0
    fi
    fill || exit 1
    strace -c -f -o "$tmp/strace.txt" "${nsipc[@]}" gc --ns "$NAME" --min-idle 0 >/dev/null ||
        { echo "gc_10000: nsipc gc under strace failed (exit $?)" >&2; exit 1; }
    expect_empty "nsipc gc under strace" || exit 1
    echo "gc_10000: gc's busiest system calls (strace -c -f, one untimed run of $TOTAL orphans; times are inflated by strace):"
    # header, ruler, the 10 busiest calls, and the total line
    { head -n 12 "$tmp/strace.txt"; tail -n 1 "$tmp/strace.txt"; } | sed 's/^/    /'
fi
