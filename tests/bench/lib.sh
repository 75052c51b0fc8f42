# shellcheck shell=bash
# lib.sh — the parts every benchmark in tests/bench shares. Each script
# sources it right after `set -euo pipefail`:
#
#   # shellcheck source-path=SCRIPTDIR source=lib.sh
#   . "$(dirname "$0")/lib.sh"
#
# Sourcing only defines functions and these variables:
#   bench_name  the script's name without .sh, the prefix of its messages
#   bench_dir   this directory (tests/bench), for the C helpers
#   NSIPC       $NSIPC if set, else <repo>/build/nsipc
# bench_setup then sets tmp, state and NSIPC (the copy in tmp).
#
# Messages go to stderr as "<bench_name>: ...". Exit status 2 means a usage
# problem (bad argument, not root, binary or tool missing), as in README.md.

bench_name=${0##*/}
bench_name=${bench_name%.sh}
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NSIPC=${NSIPC:-$(cd "$bench_dir/../.." && pwd)/build/nsipc}

# ---- checks before anything is created ------------------------------------

# bench_runs DEFAULT [ARG]: REPLY=ARG, or DEFAULT if ARG is empty or absent.
# Exits 2 with a usage line unless it is a positive integer (no leading 0).
bench_runs() {
    REPLY=${2:-$1}
    if ! [[ $REPLY =~ ^[1-9][0-9]*$ ]]; then
        echo "usage: $0 [RUNS]   (RUNS: positive integer, default $1)" >&2
        exit 2
    fi
}

# bench_need_root WHY: exit 2 unless running as root.
bench_need_root() {
    if [[ $(id -u) -ne 0 ]]; then
        echo "$bench_name: must run as root ($1)" >&2
        exit 2
    fi
}

# bench_need_nsipc: exit 2 unless $NSIPC is an executable.
bench_need_nsipc() {
    if [[ ! -x $NSIPC ]]; then
        echo "$bench_name: nsipc binary not found or not executable: $NSIPC (set \$NSIPC or build with ninja -C build)" >&2
        exit 2
    fi
}

# bench_need_tools NOTE TOOL...: exit 2 unless every TOOL is on PATH; the
# message for a missing one is "<name>: TOOL not found NOTE" (NOTE may be "").
bench_need_tools() {
    local note=${1:+ $1} tool
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$bench_name: $tool not found$note" >&2; exit 2; }
    done
}

# ---- the temp dir and its cleanup -----------------------------------------

_bench_tmp=                # what cleanup may remove; set once mktemp succeeded
bench_cleanup_first=()     # commands cleanup runs before it unmounts anything

# bench_mounts_below_tmp: mount points below $tmp, deepest first. mountinfo
# field 5 is the mount point; mktemp names have no characters that mountinfo
# would escape.
bench_mounts_below_tmp() {
    [[ -n $_bench_tmp ]] || return 0
    awk -v d="$_bench_tmp/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# bench_cleanup: the EXIT trap. Runs bench_cleanup_first, then unmounts
# (umount -l) every mount below the temp dir, deepest first: pins, the
# shared bind mount `ns create` makes of STATE/ns, whatever a failed run left.
# Unpinning is what frees a pinned namespace and the objects in it. Then it
# removes the temp dir, unless something is still mounted below it (rm -rf
# would descend into the mount). It touches nothing outside the temp dir,
# other than what bench_cleanup_first does.
bench_cleanup() {
    local cmd
    for cmd in "${bench_cleanup_first[@]}"; do
        "$cmd" || true
    done
    # Only a temp dir this script made (never "", which would match every mount).
    [[ $_bench_tmp == /tmp/nsipc-bench-* && -d $_bench_tmp ]] || return 0
    bench_mounts_below_tmp | xargs -r -n1 umount -l || true
    if [[ -n $(bench_mounts_below_tmp) ]]; then
        echo "$bench_name: mounts left below $_bench_tmp; not removing it" >&2
        return
    fi
    rm -rf -- "$_bench_tmp"
}

# bench_setup TAG: make the temp dir /tmp/nsipc-bench-TAG.XXXXXX (tmp) and
# trap its cleanup on EXIT, INT and TERM; make tmp/state (state, 0700: nsipc
# refuses a state directory not owned by root or writable by others); copy
# $NSIPC into tmp and point NSIPC at the copy, so a concurrent rebuild (ninja
# relinking build/nsipc) cannot make a run fail half-way.
# Call it from the script's top level, not in a subshell.
bench_setup() {
    # mktemp -d makes the directory 0700 and owned by us (root).
    tmp=$(mktemp -d "/tmp/nsipc-bench-$1.XXXXXX")
    _bench_tmp=$tmp
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    state=$tmp/state
    mkdir -m 0700 "$state"
    cp -- "$NSIPC" "$tmp/nsipc"
    NSIPC=$tmp/nsipc
}

# ---- timing and results ---------------------------------------------------

# bench_time CMD [ARGS...]: run CMD, set REPLY to its wall time in integer
# microseconds ($EPOCHREALTIME, "SECONDS.MICROSECONDS": no fork), and
# return CMD's exit status.
bench_time() {
    local t0 t1 rc=0
    t0=$EPOCHREALTIME
    "$@" || rc=$?
    t1=$EPOCHREALTIME
    REPLY=$(( (${t1%.*} - ${t0%.*}) * 1000000 + 10#${t1#*.} - 10#${t0#*.} ))
    return "$rc"
}

# median INT...: the median of integer microseconds, printed in
# microseconds (may end in .5).
median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_result MODE TARGET FORMAT A B: print the result line of an A/B
# comparison, A (nsipc) and B (the baseline) being medians in microseconds.
#   MODE ratio:   R = A/B, PASS when R <= TARGET
#   MODE speedup: R = B/A, PASS when R >= TARGET
# FORMAT is a printf format without the newline; it gets, in this order,
# A in ms, B in ms, R, and PASS or FAIL.
bench_result() {
    awk -v mode="$1" -v target="$2" -v fmt="$3" -v a="$4" -v b="$5" 'BEGIN {
        if (mode == "ratio") { r = a / b; ok = (r <= target) }
        else if (mode == "speedup") { r = b / a; ok = (r >= target) }
        else { print "bench_result: bad mode " mode > "/dev/stderr"; exit 1 }
        printf fmt "\n", a / 1000, b / 1000, r, (ok ? "PASS" : "FAIL")
    }'
}
