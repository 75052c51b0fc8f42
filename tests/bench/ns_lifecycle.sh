#!/usr/bin/env bash
# ns_lifecycle.sh — lifecycle of a named IPC namespace: nsipc versus util-linux.
#
# One iteration of each side creates a pinned IPC namespace, runs `true` in
# it, and unpins it again:
#   A: nsipc ns create bench
#      nsipc exec bench -- true
#      nsipc ns delete bench
#   B: touch PIN; unshare --ipc=PIN true      (new IPC namespace, bind-mounted
#                                              on PIN, like `ip netns add`)
#      nsenter --ipc=PIN true
#      umount PIN; rm PIN
# nsipc always gets `--state-dir <tmp>/state --policy-dir /nonexistent` and
# no --policy, so the namespace keeps the kernel's defaults and gets no
# objects (there is no default.json to find).
# A and B alternate (A B A B ...) for N iterations (default 100, first
# argument overrides). Each iteration of a side is timed as a whole with
# bash's $EPOCHREALTIME; the script prints the two medians and the ratio
# nsipc/baseline (target <= 0.80).
#
# Run by hand, as root. Not part of the test suite.
# nsipc binary: $NSIPC, else <repo>/build/nsipc.
# Every namespace is pinned below a `mktemp -d` directory under /tmp and
# unpinned by the side that created it; on exit, a trap unmounts every mount
# below that directory (deepest first) and removes it. No other mount, IPC
# object or namespace is touched.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

bench_runs 100 "$@"
N=$REPLY
bench_need_root "namespaces, mounts"
bench_need_nsipc
bench_need_tools "(util-linux)" unshare nsenter umount

# nsipc leaves <tmp>/state/ns a shared bind mount of itself; a failed run
# may also leave pins (nsfs bind mounts) of either side. The trap unmounts
# them all.
bench_setup lifecycle
pin=$tmp/pin

# Global options keep /etc/nsipc and /run/nsipc out of the picture.
nsipc=("$NSIPC" --state-dir "$state" --policy-dir /nonexistent)

side_a() {
    "${nsipc[@]}" ns create bench &&
        "${nsipc[@]}" exec bench -- true &&
        "${nsipc[@]}" ns delete bench
}
side_b() {
    touch "$pin" &&
        unshare --ipc="$pin" true &&
        nsenter --ipc="$pin" true &&
        umount "$pin" &&
        rm "$pin"
}

# ---- check, untimed, that both sides really pin a new IPC namespace ------
# (this also warms the page cache and the dynamic loader, and leaves
# STATE_DIR/ns as the shared bind mount that every timed `ns create` finds)
host_ipc=$(readlink /proc/self/ns/ipc)
check_pinned() {   # PIN-FILE ENTER-COMMAND...: the pin is a new IPC namespace that the command enters
    local file=$1 label=$2 ino inside
    shift 2
    ino=$(stat -c %i -- "$file") || return 1
    if [[ "ipc:[$ino]" == "$host_ipc" ]]; then
        echo "ns_lifecycle: $label: pin $file is the host's IPC namespace" >&2
        return 1
    fi
    inside=$("$@" readlink /proc/self/ns/ipc) || { echo "ns_lifecycle: $label: entering failed: $*" >&2; return 1; }
    if [[ $inside != "ipc:[$ino]" ]]; then
        echo "ns_lifecycle: $label: entered $inside, pin is ipc:[$ino]" >&2
        return 1
    fi
}

"${nsipc[@]}" ns create bench || { echo "ns_lifecycle: nsipc ns create failed (exit $?)" >&2; exit 1; }
check_pinned "$state/ns/bench" "nsipc" "${nsipc[@]}" exec bench -- || exit 1
"${nsipc[@]}" ns delete bench || { echo "ns_lifecycle: nsipc ns delete failed (exit $?)" >&2; exit 1; }

touch "$pin"
# unshare(1) wants the pin's parent mount private only for --mount=FILE;
# --ipc=FILE works below a shared /tmp too (checked with util-linux 2.38.1),
# so $tmp needs no private bind mount of itself.
unshare --ipc="$pin" true || { echo "ns_lifecycle: unshare --ipc=$pin failed (exit $?)" >&2; exit 1; }
check_pinned "$pin" "baseline" nsenter --ipc="$pin" || exit 1
if ! { umount "$pin" && rm "$pin"; }; then
    echo "ns_lifecycle: baseline unpin failed" >&2
    exit 1
fi

# After one lifecycle each, only STATE_DIR/ns itself may still be mounted.
left=$(bench_mounts_below_tmp)
if [[ $left != "$state/ns" ]]; then
    echo "ns_lifecycle: unexpected mounts below $tmp after the warm-up: ${left//$'\n'/ }" >&2
    exit 1
fi

# ---- timed runs -----------------------------------------------------------
a_times=() b_times=()
for ((i = 0; i < N; i++)); do
    bench_time side_a || { echo "ns_lifecycle: nsipc side failed (exit $?) on iteration $i" >&2; exit 1; }
    a_times+=("$REPLY")
    bench_time side_b || { echo "ns_lifecycle: baseline side failed (exit $?) on iteration $i" >&2; exit 1; }
    b_times+=("$REPLY")
done

bench_result ratio 0.80 \
    "ns_lifecycle: nsipc median %.2f ms, baseline median %.2f ms, ratio %.2f (target <= 0.80) [$N runs each] %s" \
    "$(median "${a_times[@]}")" "$(median "${b_times[@]}")"
