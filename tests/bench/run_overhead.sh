#!/usr/bin/env bash
# run_overhead.sh — startup overhead of `nsipc run` versus bare unshare(1).
#
# Compares
#   A: nsipc run --policy <{"version":1}> -- true
#   B: unshare --ipc --mount true
# alternating A B A B ... for N pairs (default 200, first argument overrides),
# timing each run with bash's $EPOCHREALTIME (microsecond wall clock, no fork),
# and prints the two medians and the ratio nsipc/unshare (target <= 1.15).
#
# Run by hand, as root. Not part of the test suite.
# nsipc binary: $NSIPC, else <repo>/build/nsipc.
# Both commands run in fresh IPC + mount namespaces that die with them; the
# script never creates, reads or removes host IPC objects.

set -euo pipefail

N=${1:-200}
if ! [[ $N =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [RUNS]   (RUNS: positive integer, default 200)" >&2
    exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
NSIPC=${NSIPC:-$repo/build/nsipc}

if [[ $(id -u) -ne 0 ]]; then
    echo "run_overhead: must run as root (namespaces)" >&2
    exit 2
fi
if [[ ! -x $NSIPC ]]; then
    echo "run_overhead: nsipc binary not found or not executable: $NSIPC (set \$NSIPC or build with ninja -C build)" >&2
    exit 2
fi
command -v unshare >/dev/null || { echo "run_overhead: unshare(1) not found" >&2; exit 2; }

tmp=$(mktemp -d /tmp/nsipc-bench-overhead.XXXXXX)
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 130' INT TERM

policy=$tmp/empty.json
printf '{"version":1}\n' >"$policy"
mkdir -m 0700 "$tmp/state"

# Benchmark a private copy of the binary, so a concurrent rebuild (ninja
# relinking build/nsipc) cannot make a run fail half-way.
cp -- "$NSIPC" "$tmp/nsipc"
NSIPC=$tmp/nsipc

# Global options keep /etc/nsipc and /run/nsipc out of the picture.
cmd_a=("$NSIPC" --policy-dir /nonexistent --state-dir "$tmp/state" run --policy "$policy" -- true)
cmd_b=(unshare --ipc --mount true)

# $EPOCHREALTIME is "SECONDS.MICROSECONDS"; turn it into integer microseconds.
now_us() { local t=$EPOCHREALTIME; REPLY=$(( ${t%.*} * 1000000 + 10#${t#*.} )); }

# One untimed warm-up of each (page cache, dynamic loader), which also checks
# that both commands work at all.
"${cmd_a[@]}" || { echo "run_overhead: nsipc run failed (exit $?): ${cmd_a[*]}" >&2; exit 1; }
"${cmd_b[@]}" || { echo "run_overhead: unshare failed (exit $?): ${cmd_b[*]}" >&2; exit 1; }

a_times=() b_times=()
for ((i = 0; i < N; i++)); do
    now_us; t0=$REPLY
    "${cmd_a[@]}" || { echo "run_overhead: nsipc run failed (exit $?) on run $i" >&2; exit 1; }
    now_us; t1=$REPLY
    "${cmd_b[@]}" || { echo "run_overhead: unshare failed (exit $?) on run $i" >&2; exit 1; }
    now_us; t2=$REPLY
    a_times+=($((t1 - t0)))
    b_times+=($((t2 - t1)))
done

# median of integer microseconds, printed in microseconds (may end in .5)
median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

med_a=$(median "${a_times[@]}")
med_b=$(median "${b_times[@]}")

awk -v a="$med_a" -v b="$med_b" -v n="$N" 'BEGIN {
    ratio = a / b
    printf "run_overhead: nsipc median %.2f ms, unshare median %.2f ms, ratio %.2f (target <= 1.15) [%d runs each] %s\n",
        a / 1000, b / 1000, ratio, n, (ratio <= 1.15 ? "PASS" : "FAIL")
}'
