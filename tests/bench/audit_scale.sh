#!/usr/bin/env bash
# audit_scale.sh — `nsipc audit` over many IPC namespaces, versus one
# nsenter+lsipc per namespace and resource, and how audit grows with the
# number of namespaces.
#
# The script pins K IPC namespaces below its temp dir, the way `ip netns add`
# does (`touch PIN; unshare --ipc=PIN true`: an nsfs bind mount, no process),
# and fills each, with one `nsenter --ipc=PIN sh -c '...'`, with 20 objects:
# 7 `ipcmk -Q`, 7 `ipcmk -S 2`, 6 `ipcmk -M 4096` (interleaved).
#
# 1. At K=100 it compares, alternating B A B A ... RUNS times (default 5,
#    first argument overrides; A right after B, cold, as a cron job's audit
#    follows other programs):
#      A: nsipc --state-dir <tmp>/state audit --json >/dev/null
#      B: for PIN in pins; do for R in --queues --semaphores --shmems; do
#             nsenter --ipc=PIN lsipc --json R >/dev/null; done; done
#    and prints the speed-up baseline/nsipc (target >= 50x). With a C
#    compiler it also times the floor, each run after one more B (untimed):
#      F: floor_audit PIN... (tests/bench/floor_audit.c, compiled with cc
#         into the temp dir): the system calls no audit of these namespaces
#         can skip (entering, listing and stat-ing the objects, each
#         semaphore's three values, an mqueue mount, the limits), nothing
#         else
#    and prints its speed-up over the baseline and nsipc's cost over it,
#    per namespace: what nsipc's own code costs.
# 2. At K=50, 100, 200, 400, 1000 (namespaces added incrementally) it times
#    nsipc audit RUNS times, alternating with the floor when there is one,
#    and prints each median, the time per namespace audited and the marginal
#    cost of each added namespace; the target is a cost per namespace at
#    K=1000 within 1.2 times the one at K=100.  The floor's own ratio, from
#    the same runs, tells what the kernel (more namespaces alive, longer
#    lists) and the VM's changing speed between the K did to both.  K=100 is
#    timed once more after K=1000 (the pins past the first 100 removed), and
#    the target is judged against the mean of both K=100 timings: the K are
#    minutes apart, and the mean cancels a steady drift of the VM's speed.
#    The ratio against the first K=100 alone is printed too.
# Each run is timed with bash's $EPOCHREALTIME; the script reports medians.
#
# audit sees every IPC namespace on the host, not only the pins: the host's,
# and those of any container or other process. They are counted and printed
# ("N audited"); they add a fixed cost to every K.
#
# Run by hand, as root. Not part of the test suite.
# nsipc binary: $NSIPC, else <repo>/build/nsipc.
# The script creates IPC objects only inside the namespaces it pins below a
# `mktemp -d` directory under /tmp. On exit, a trap unmounts every mount below
# that directory (deepest first), which frees those namespaces and their
# objects, and removes it. audit only reads the other namespaces; no other
# mount, IPC object or namespace is touched.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

bench_runs 5 "$@"
RUNS=$REPLY
AB_K=100               # namespaces for the A/B comparison
SCALE_KS=(50 100 200 400 1000)

bench_need_root "namespaces, mounts"
bench_need_nsipc
bench_need_tools "(util-linux)" unshare nsenter umount ipcmk lsipc
bench_need_tools "(needed to check audit's output)" jq
cc=$(command -v cc || command -v gcc || true)

# The pins go below the temp dir; the trap unmounts them, which is what
# frees the namespaces and the objects in them. audit only reads the state
# dir (it has no ns/ here: no named namespaces).
bench_setup audit

floor=()
if [[ -n $cc ]]; then
    "$cc" -O2 -o "$tmp/floor_audit" "$bench_dir/floor_audit.c" ||
        { echo "audit_scale: cannot build $bench_dir/floor_audit.c" >&2; exit 1; }
    floor=("$tmp/floor_audit")
fi

# Global options keep /etc/nsipc and /run/nsipc out of the picture.
cmd_a=("$NSIPC" --policy-dir /nonexistent --state-dir "$state" audit --json)

pins=()    # pin paths, in creation order
inodes=()  # their namespace inodes
host_ino=$(stat -L -c %i /proc/self/ns/ipc)

# The 20 objects of one namespace, made by one shell in it.
fill='set -e'
for ((j = 0; j < 7; j++)); do
    fill+='; ipcmk -Q; ipcmk -S 2'
    ((j < 6)) && fill+='; ipcmk -M 4096'
done

# grow_to K: pin and fill namespaces until there are K.
grow_to() {
    local k=$1 i pin ino
    for ((i = ${#pins[@]}; i < k; i++)); do
        pin=$tmp/pin$i
        touch "$pin"
        unshare --ipc="$pin" true || { echo "audit_scale: unshare --ipc=$pin failed" >&2; return 1; }
        ino=$(stat -c %i -- "$pin")
        if [[ $ino == "$host_ino" ]]; then
            echo "audit_scale: pin $pin is the host's IPC namespace" >&2
            return 1
        fi
        nsenter --ipc="$pin" sh -c "$fill" >/dev/null ||
            { echo "audit_scale: filling $pin failed" >&2; return 1; }
        pins+=("$pin")
        inodes+=("$ino")
    done
}

# check_audit: one untimed audit (also the warm-up) must list every pin with
# exactly 7 msg, 7 sem and 6 shm objects. Sets $audited to the number of
# namespaces it reported.
audited=0
check_audit() {
    local out bad
    out=$("${cmd_a[@]}") || { echo "audit_scale: nsipc audit failed (exit $?)" >&2; return 1; }
    bad=$(jq -r --argjson want "$(printf '%s\n' "${inodes[@]}" | jq -s .)" '
        [.namespaces[] | { key: (.inode | tostring),
                           value: ([.objects[].type] | "\(map(select(. == "msg")) | length)/\(map(select(. == "sem")) | length)/\(map(select(. == "shm")) | length)") }]
        | from_entries as $seen
        | $want[] | tostring | select($seen[.] != "7/7/6") | "\(.)=\($seen[.] // "missing")"' <<<"$out")
    if [[ -n $bad ]]; then
        echo "audit_scale: audit does not show 7/7/6 msg/sem/shm objects in pinned namespace(s): ${bad//$'\n'/ }" >&2
        return 1
    fi
    audited=$(jq '.namespaces | length' <<<"$out")
}

side_b() {
    local pin r
    for pin in "${pins[@]}"; do
        for r in --queues --semaphores --shmems; do
            nsenter --ipc="$pin" lsipc --json "$r" >/dev/null || return 1
        done
    done
}

# check_baseline: lsipc in the first pin really sees its 7/7/6 objects.
check_baseline() {
    local n
    n=$(for r in --queues --semaphores --shmems; do nsenter --ipc="${pins[0]}" lsipc --json "$r"; done |
        jq -s -r 'map(to_entries[0].value | length) | map(tostring) | join("/")') ||
        { echo "audit_scale: nsenter+lsipc failed in ${pins[0]}" >&2; return 1; }
    if [[ $n != 7/7/6 ]]; then
        echo "audit_scale: lsipc in ${pins[0]} lists $n msg/sem/shm objects, expected 7/7/6" >&2
        return 1
    fi
}

# shrink_to K: unpin the namespaces past the first K (their objects go with
# them), newest first.
shrink_to() {
    local k=$1 i
    for ((i = ${#pins[@]} - 1; i >= k; i--)); do
        if ! umount "${pins[i]}" || ! rm -f -- "${pins[i]}"; then
            echo "audit_scale: cannot unpin ${pins[i]}" >&2
            return 1
        fi
        unset 'pins[i]' 'inodes[i]'
    done
}

# time_scale K KEY [NOTE]: audit at K, RUNS times alternating with the floor;
# the medians and the number audited are kept under KEY.
declare -A scale_med scale_audited scale_floor
time_scale() {
    local k=$1 key=$2 note=${3:-} i times=() f_times=()
    for ((i = 0; i < RUNS; i++)); do
        bench_time "${cmd_a[@]}" >/dev/null || { echo "audit_scale: nsipc audit failed (exit $?) at K=$k, run $i" >&2; return 1; }
        times+=("$REPLY")
        if ((${#floor[@]})); then
            bench_time "${floor[@]}" "${pins[@]}" || { echo "audit_scale: floor_audit failed at K=$k, run $i" >&2; return 1; }
            f_times+=("$REPLY")
        fi
    done
    scale_med[$key]=$(median "${times[@]}")
    scale_floor[$key]=$( ((${#f_times[@]})) && median "${f_times[@]}" || echo 0)
    scale_audited[$key]=$audited
    awk -v k="$k" -v m="${scale_med[$key]}" -v f="${scale_floor[$key]}" -v n="$audited" -v r="$RUNS" -v note="$note" 'BEGIN {
        printf "audit_scale: K=%d%s nsipc audit median %.2f ms, %.1f us per namespace (%d audited: %d pinned + %d others) [%d runs]",
            k, note, m / 1000, m / n, n, k, n - k, r
        if (f > 0)
            printf "; floor %.1f us per pinned namespace", f / k
        printf "\n"
    }'
}

for k in "${SCALE_KS[@]}"; do
    grow_to "$k" || exit 1
    check_audit || exit 1
    time_scale "$k" "$k" || exit 1

    # ---- A/B at AB_K ---------------------------------------------------------
    if ((k == AB_K)); then
        check_baseline || exit 1
        side_b || { echo "audit_scale: baseline warm-up failed" >&2; exit 1; }
        ((${#floor[@]})) && { "${floor[@]}" "${pins[@]}" || { echo "audit_scale: floor_audit failed" >&2; exit 1; }; }
        a_times=() b_times=() f_times=()
        # A and F each right after B, as a cron job's audit follows other
        # programs: run after the floor, on the same namespaces, audit took
        # 3 to 5 % less.
        for ((i = 0; i < RUNS; i++)); do
            bench_time side_b || { echo "audit_scale: baseline failed on A/B run $i" >&2; exit 1; }
            b_times+=("$REPLY")
            bench_time "${cmd_a[@]}" >/dev/null || { echo "audit_scale: nsipc audit failed (exit $?) on A/B run $i" >&2; exit 1; }
            a_times+=("$REPLY")
            if ((${#floor[@]})); then
                side_b || { echo "audit_scale: baseline failed before the floor on run $i" >&2; exit 1; }
                bench_time "${floor[@]}" "${pins[@]}" || { echo "audit_scale: floor_audit failed on run $i" >&2; exit 1; }
                f_times+=("$REPLY")
            fi
        done
        a_med=$(median "${a_times[@]}") b_med=$(median "${b_times[@]}")
        bench_result speedup 50 \
            "audit_scale: K=$k nsipc audit median %.2f ms, nsenter+lsipc baseline median %.2f ms ($((3 * k)) calls), speed-up %.1fx (target >= 50x) [$RUNS runs each] %s" \
            "$a_med" "$b_med"
        if ((${#floor[@]})); then
            awk -v a="$a_med" -v b="$b_med" -v f="$(median "${f_times[@]}")" -v k="$k" -v n="$audited" 'BEGIN {
                printf "audit_scale: K=%d floor (floor_audit.c: the system calls alone) median %.2f ms, speed-up %.1fx; nsipc over the floor %.2f ms, %.1f us a namespace\n",
                    k, f / 1000, b / f, (a - f) / 1000, (a - f) / n
            }'
        fi
    fi
done

# ---- AB_K again ---------------------------------------------------------------
# The K are timed minutes apart and the VM's speed drifts meanwhile: AB_K is
# timed once more after the last K (the first AB_K pins kept, the others
# unpinned), and the per-namespace cost at the last K is compared with the
# mean of both, which cancels a steady drift.
shrink_to "$AB_K" || exit 1
sleep 3 # the kernel frees the unpinned namespaces in a worker: not while timing
check_audit || exit 1
time_scale "$AB_K" after " again (after K=${SCALE_KS[-1]})" || exit 1

# ---- growth -------------------------------------------------------------------
# The cost per namespace audited at each K, and the marginal cost of one more
# namespace between consecutive K. Linear growth keeps both flat.
args=()
for k in "${SCALE_KS[@]}"; do args+=("$k" "${scale_med[$k]}" "${scale_audited[$k]}" "${scale_floor[$k]}"); done
awk -v list="${args[*]}" -v first="$AB_K" -v t_after="${scale_med[after]}" -v a_after="${scale_audited[after]}" \
    -v f_after="${scale_floor[after]}" 'BEGIN {
    n = split(list, f, " ") / 4
    for (i = 1; i <= n; i++) {
        k[i] = f[4 * i - 3]; t[i] = f[4 * i - 2]; a[i] = f[4 * i - 1]; fl[i] = f[4 * i]
        per[k[i]] = t[i] / a[i]; fper[k[i]] = fl[i] / k[i]
    }
    out = ""
    for (i = 2; i <= n; i++)
        out = out sprintf("%s%d->%d %.1f us", (i > 2 ? ", " : ""), k[i - 1], k[i], (t[i] - t[i - 1]) / (a[i] - a[i - 1]))
    printf "audit_scale: marginal cost per added namespace %s\n", out
    last = k[n]; after = t_after / a_after; mean = (per[first] + after) / 2; ratio = per[last] / mean
    printf "audit_scale: per namespace %.1f us at K=%d (%.1f before K=%d, %.1f after), %.1f us at K=%d; ratio %.2f (%.2f against K=%d before alone) (target <= 1.20) %s\n",
        mean, first, per[first], last, after, per[last], last, ratio, per[last] / per[first], first, (ratio <= 1.2 ? "PASS" : "FAIL")
    if (fper[first] > 0) {
        fmean = (fper[first] + f_after / first) / 2
        printf "audit_scale: the floor, same runs: per pinned namespace %.1f us at K=%d (%.1f before, %.1f after), %.1f us at K=%d; ratio %.2f (%.2f against before alone): what the kernel and the VM do with more namespaces\n",
            fmean, first, fper[first], f_after / first, fper[last], last, fper[last] / fmean, fper[last] / fper[first]
    }
}'
