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
#   A: nsipc --state-dir <tmp>/state gc --ns bench >/dev/null
#   B: nsenter --ipc=<tmp>/state/ns/bench ipcrm -a
# timing each with bash's $EPOCHREALTIME, and prints the two medians and the
# ratio nsipc/ipcrm (target <= 2). Filling and checking are not timed.
# When the target is missed, one more (untimed) gc runs under `strace -c -f`
# and the script prints its busiest system calls, to show where the time goes.
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

RUNS=${1:-3}
if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [RUNS]   (RUNS: positive integer, default 3)" >&2
    exit 2
fi
N_MSG=3334 N_SEM=3333 N_SHM=3333
TOTAL=$((N_MSG + N_SEM + N_SHM))
NAME=bench

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
NSIPC=${NSIPC:-$repo/build/nsipc}

if [[ $(id -u) -ne 0 ]]; then
    echo "gc_10000: must run as root (namespaces, mounts)" >&2
    exit 2
fi
if [[ ! -x $NSIPC ]]; then
    echo "gc_10000: nsipc binary not found or not executable: $NSIPC (set \$NSIPC or build with ninja -C build)" >&2
    exit 2
fi
for tool in nsenter umount ipcrm; do
    command -v "$tool" >/dev/null || { echo "gc_10000: $tool not found (util-linux)" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "gc_10000: jq not found (needed to check gc's output)" >&2; exit 2; }
cc=$(command -v cc || command -v gcc || true)
if [[ -z $cc ]]; then
    command -v ipcmk >/dev/null || { echo "gc_10000: neither a C compiler nor ipcmk(1) found" >&2; exit 2; }
fi

# mktemp -d makes the directory 0700 and owned by us (root).
tmp=$(mktemp -d /tmp/nsipc-bench-gc.XXXXXX)

# Mount points below $tmp, deepest first. mountinfo field 5 is the mount
# point; mktemp names have no characters that mountinfo would escape.
mounts_below_tmp() {
    awk -v d="$tmp/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}
cleanup() {
    # <tmp>/state/ns/bench (the pin) and <tmp>/state/ns (the shared bind
    # mount ns create makes). Unpinning frees the namespace and its objects.
    mounts_below_tmp | xargs -r -n1 umount -l
    if [[ -n $(mounts_below_tmp) ]]; then
        echo "gc_10000: mounts left below $tmp; not removing it" >&2
        return
    fi
    rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# nsipc refuses a state directory not owned by root or writable by others.
state=$tmp/state
mkdir -m 0700 "$state"
pin=$state/ns/$NAME

# Benchmark a private copy of the binary, so a concurrent rebuild (ninja
# relinking build/nsipc) cannot make a run fail half-way.
cp -- "$NSIPC" "$tmp/nsipc"
NSIPC=$tmp/nsipc
nsipc=("$NSIPC" --policy-dir /nonexistent --state-dir "$state")

policy=$tmp/limits.json
printf '{"version":1,"limits":{"msgmni":16384,"shmmni":16384}}\n' >"$policy"

# ---- the filler ------------------------------------------------------------
if [[ -n $cc ]]; then
    "$cc" -O2 -o "$tmp/mkorphans" "$here/mkorphans.c" ||
        { echo "gc_10000: cannot build $here/mkorphans.c" >&2; exit 1; }
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

side_a() { "${nsipc[@]}" gc --ns "$NAME" >/dev/null; }
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

# One run of each side, untimed (warm-up). gc must judge all 10 000 orphans
# and remove them without an error; ipcrm -a must leave nothing either.
fill || exit 1
out=$("${nsipc[@]}" gc --ns "$NAME" --json) || { echo "gc_10000: nsipc gc failed (exit $?)" >&2; exit 1; }
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

# $EPOCHREALTIME is "SECONDS.MICROSECONDS"; turn it into integer microseconds.
now_us() { local t=$EPOCHREALTIME; REPLY=$(( ${t%.*} * 1000000 + 10#${t#*.} )); }

# ---- timed runs -------------------------------------------------------------
a_times=() b_times=()
for ((i = 0; i < RUNS; i++)); do
    fill || exit 1
    now_us; t0=$REPLY
    side_a || { echo "gc_10000: nsipc gc failed (exit $?) on run $i" >&2; exit 1; }
    now_us; t1=$REPLY
    expect_empty "nsipc gc" || exit 1
    fill || exit 1
    now_us; t2=$REPLY
    side_b || { echo "gc_10000: ipcrm -a failed (exit $?) on run $i" >&2; exit 1; }
    now_us; t3=$REPLY
    expect_empty "ipcrm -a" || exit 1
    a_times+=($((t1 - t0)))
    b_times+=($((t3 - t2)))
done

# median of integer microseconds, printed in microseconds (may end in .5)
median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

med_a=$(median "${a_times[@]}")
med_b=$(median "${b_times[@]}")

line=$(awk -v a="$med_a" -v b="$med_b" -v n="$RUNS" -v total="$TOTAL" -v f="$filler_name" 'BEGIN {
    ratio = a / b
    printf "gc_10000: nsipc gc median %.2f ms, ipcrm -a median %.2f ms, ratio %.2f (target <= 2.00) [%d orphans by %s, %d runs each] %s\n",
        a / 1000, b / 1000, ratio, total, f, n, (ratio <= 2 ? "PASS" : "FAIL")
}')
echo "$line"

# ---- where gc's time goes, when the target is missed --------------------------
if [[ $line == *FAIL ]]; then
    if ! command -v strace >/dev/null; then
        echo "gc_10000: no strace(1); not profiling gc"
        exit 0
    fi
    fill || exit 1
    strace -c -f -o "$tmp/strace.txt" "${nsipc[@]}" gc --ns "$NAME" >/dev/null ||
        { echo "gc_10000: nsipc gc under strace failed (exit $?)" >&2; exit 1; }
    expect_empty "nsipc gc under strace" || exit 1
    echo "gc_10000: gc's busiest system calls (strace -c -f, one untimed run of $TOTAL orphans; times are inflated by strace):"
    # header, ruler, the 10 busiest calls, and the total line
    { head -n 12 "$tmp/strace.txt"; tail -n 1 "$tmp/strace.txt"; } | sed 's/^/    /'
fi
