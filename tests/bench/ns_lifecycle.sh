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
# nsipc/baseline (target <= 1.00: nsipc must not be slower).
#
# Run by hand, as root. Not part of the test suite.
# nsipc binary: $NSIPC, else <repo>/build/nsipc.
# Every namespace is pinned below a `mktemp -d` directory under /tmp and
# unpinned by the side that created it; on exit, a trap unmounts every mount
# below that directory (deepest first) and removes it. No other mount, IPC
# object or namespace is touched.

set -euo pipefail

N=${1:-100}
if ! [[ $N =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [RUNS]   (RUNS: positive integer, default 100)" >&2
    exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
NSIPC=${NSIPC:-$repo/build/nsipc}

if [[ $(id -u) -ne 0 ]]; then
    echo "ns_lifecycle: must run as root (namespaces, mounts)" >&2
    exit 2
fi
if [[ ! -x $NSIPC ]]; then
    echo "ns_lifecycle: nsipc binary not found or not executable: $NSIPC (set \$NSIPC or build with ninja -C build)" >&2
    exit 2
fi
for tool in unshare nsenter umount; do
    command -v "$tool" >/dev/null || { echo "ns_lifecycle: $tool not found (util-linux)" >&2; exit 2; }
done

# mktemp -d makes the directory 0700 and owned by us (root).
tmp=$(mktemp -d /tmp/nsipc-bench-lifecycle.XXXXXX)

# Mount points below $tmp, deepest first. mountinfo field 5 is the mount
# point; mktemp names have no characters that mountinfo would escape.
mounts_below_tmp() {
    awk -v d="$tmp/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}
cleanup() {
    # nsipc leaves STATE_DIR/ns a shared bind mount of itself; a failed run
    # may also leave pins (nsfs bind mounts) of either side.
    mounts_below_tmp | xargs -r -n1 umount -l
    if [[ -n $(mounts_below_tmp) ]]; then
        echo "ns_lifecycle: mounts left below $tmp; not removing it" >&2
        return
    fi
    rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# nsipc refuses a state directory not owned by root or writable by others.
state=$tmp/state
mkdir -m 0700 "$state"
pin=$tmp/pin

# Benchmark a private copy of the binary, so a concurrent rebuild (ninja
# relinking build/nsipc) cannot make a run fail half-way.
cp -- "$NSIPC" "$tmp/nsipc"
NSIPC=$tmp/nsipc

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

# $EPOCHREALTIME is "SECONDS.MICROSECONDS"; turn it into integer microseconds.
now_us() { local t=$EPOCHREALTIME; REPLY=$(( ${t%.*} * 1000000 + 10#${t#*.} )); }

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
left=$(mounts_below_tmp)
if [[ $left != "$state/ns" ]]; then
    echo "ns_lifecycle: unexpected mounts below $tmp after the warm-up: ${left//$'\n'/ }" >&2
    exit 1
fi

# ---- timed runs -----------------------------------------------------------
a_times=() b_times=()
for ((i = 0; i < N; i++)); do
    now_us; t0=$REPLY
    side_a || { echo "ns_lifecycle: nsipc side failed (exit $?) on iteration $i" >&2; exit 1; }
    now_us; t1=$REPLY
    side_b || { echo "ns_lifecycle: baseline side failed (exit $?) on iteration $i" >&2; exit 1; }
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
    printf "ns_lifecycle: nsipc median %.2f ms, baseline median %.2f ms, ratio %.2f (target <= 1.00, nsipc not slower) [%d runs each] %s\n",
        a / 1000, b / 1000, ratio, n, (ratio <= 1.00 ? "PASS" : "FAIL")
}'
