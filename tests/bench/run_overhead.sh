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
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

bench_runs 200 "$@"
N=$REPLY
bench_need_root namespaces
bench_need_nsipc
command -v unshare >/dev/null || { echo "run_overhead: unshare(1) not found" >&2; exit 2; }

bench_setup overhead

policy=$tmp/empty.json
printf '{"version":1}\n' >"$policy"

# Global options keep /etc/nsipc and /run/nsipc out of the picture.
cmd_a=("$NSIPC" --policy-dir /nonexistent --state-dir "$state" run --policy "$policy" -- true)
cmd_b=(unshare --ipc --mount true)

# One untimed warm-up of each (page cache, dynamic loader), which also checks
# that both commands work at all.
"${cmd_a[@]}" || { echo "run_overhead: nsipc run failed (exit $?): ${cmd_a[*]}" >&2; exit 1; }
"${cmd_b[@]}" || { echo "run_overhead: unshare failed (exit $?): ${cmd_b[*]}" >&2; exit 1; }

a_times=() b_times=()
for ((i = 0; i < N; i++)); do
    bench_time "${cmd_a[@]}" || { echo "run_overhead: nsipc run failed (exit $?) on run $i" >&2; exit 1; }
    a_times+=("$REPLY")
    bench_time "${cmd_b[@]}" || { echo "run_overhead: unshare failed (exit $?) on run $i" >&2; exit 1; }
    b_times+=("$REPLY")
done

bench_result ratio 1.15 \
    "run_overhead: nsipc median %.2f ms, unshare median %.2f ms, ratio %.2f (target <= 1.15) [$N runs each] %s" \
    "$(median "${a_times[@]}")" "$(median "${b_times[@]}")"
