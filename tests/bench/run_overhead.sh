#!/usr/bin/env bash
# run_overhead.sh — startup overhead of `nsipc run` versus bare unshare(1).
#
# Compares
#   A: nsipc run --policy <{"version":1}> -- true
#   B: unshare --ipc --mount true
# and, for what the seal costs,
#   C: nsipc run --policy <100 msg keys, "seal": true> -- true
#   D: nsipc run --policy <the same 100 keys, no seal> -- true
# alternating A B C D A B C D ... for N rounds (default 200, first argument
# overrides), timing each run with bash's $EPOCHREALTIME (microsecond wall
# clock, no fork), and prints the medians, the ratio nsipc/unshare (target
# <= 1.05) and what the seal adds, C - D (target <= 1 ms).  The warm-up run
# of C compiles the seal's filter, which later runs load from
# STATE_DIR/seal; that first compile is printed too.
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
keys=$(for k in $(seq 4096 4195); do printf '{"type":"msg","key":%d},' "$k"; done)
printf '{"version":1,"seal":true,"objects":[%s]}\n' "${keys%,}" >"$tmp/sealed.json"
printf '{"version":1,"objects":[%s]}\n' "${keys%,}" >"$tmp/unsealed.json"

# Global options keep /etc/nsipc and /run/nsipc out of the picture.
nsipc_run=("$NSIPC" --policy-dir /nonexistent --state-dir "$state" run --policy)
cmd_a=("${nsipc_run[@]}" "$policy" -- true)
cmd_b=(unshare --ipc --mount true)
cmd_c=("${nsipc_run[@]}" "$tmp/sealed.json" -- true)
cmd_d=("${nsipc_run[@]}" "$tmp/unsealed.json" -- true)

# One untimed warm-up of each (page cache, dynamic loader), which also checks
# that the commands work at all; C's is timed: it compiles the seal.
bench_time "${cmd_c[@]}" || { echo "run_overhead: nsipc run (sealed) failed (exit $?): ${cmd_c[*]}" >&2; exit 1; }
first_sealed=$REPLY
"${cmd_a[@]}" || { echo "run_overhead: nsipc run failed (exit $?): ${cmd_a[*]}" >&2; exit 1; }
"${cmd_b[@]}" || { echo "run_overhead: unshare failed (exit $?): ${cmd_b[*]}" >&2; exit 1; }
"${cmd_d[@]}" || { echo "run_overhead: nsipc run (unsealed) failed (exit $?): ${cmd_d[*]}" >&2; exit 1; }

a_times=() b_times=() c_times=() d_times=()
for ((i = 0; i < N; i++)); do
    for x in a b c d; do
        declare -n cmd=cmd_$x times=${x}_times
        bench_time "${cmd[@]}" || { echo "run_overhead: ${cmd[*]} failed (exit $?) on run $i" >&2; exit 1; }
        times+=("$REPLY")
    done
done

bench_result ratio 1.05 \
    "run_overhead: nsipc median %.2f ms, unshare median %.2f ms, ratio %.2f (target <= 1.05) [$N runs each] %s" \
    "$(median "${a_times[@]}")" "$(median "${b_times[@]}")"
awk -v c="$(median "${c_times[@]}")" -v d="$(median "${d_times[@]}")" -v first="$first_sealed" 'BEGIN {
    added = (c - d) / 1000
    printf "run_overhead: seal of 100 keys adds %.2f ms (sealed %.2f ms, unsealed %.2f ms; target <= 1 ms) %s; the first sealed run, which compiles the filter, took %.2f ms\n",
        added, c / 1000, d / 1000, (added <= 1 ? "PASS" : "FAIL"), first / 1000
}'
