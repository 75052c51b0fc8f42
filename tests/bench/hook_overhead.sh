#!/usr/bin/env bash
# hook_overhead.sh — cost of nsipc as an OCI hook on `runc run`.
#
# Two runc bundles share one busybox rootfs (config.json's root.path is the
# same absolute directory) and differ only in their hooks. Their process is
# `true`.
#   A: runc run --bundle <tmp>/with     nsipc-hook as the createRuntime and
#                                       poststop hook (one entry, no stage
#                                       argument), annotation
#                                       io.nsipc.policy=bench
#   B: runc run --bundle <tmp>/without  the same config with two no-op
#                                       hooks (true(1)) instead
# The policy <tmp>/policies/bench.json has 10 objects (3 msg, 3 sem, 3 shm of
# 64KiB, 1 POSIX queue) and 3 limits. A and B alternate (A B A B ...) for N
# pairs (default 100, first argument overrides). Each run is timed with
# bash's $EPOCHREALTIME. The script prints the two medians and the ratio
# with/without (target <= 1.03), then the median of the N differences of a
# pair (with minus without), its 95% confidence interval, and the ratio they
# make to the median without: runs spread from 15 to 40 ms, and the
# interval shows how far the ratio can be trusted.
#
# Then, untimed, it runs the with-hooks bundle and the no-op one RSS_RUNS
# times each (default 5) with each hook behind hookrss (tests/bench/hookrss.c,
# compiled into the temp dir), which records the hook's peak RSS (VmHWM at
# exit) and wall time per stage, and as often the floor: floor_hook
# (tests/bench/floor_hook.c), which makes the same kernel changes, scans for
# other processes and writes the two records, and does nothing else. It
# prints the largest peak of each stage, the median hook times, what nsipc's
# two hooks add over true's (and the ratio that makes to the median run
# without hooks: hooks run while runc waits, so it is the precise figure),
# what the floor adds, and nsipc's own cost: the difference.
#
# nsipc's state directory is a tmpfs below the temp dir, as /run is on
# systemd hosts; STATE_FS=disk leaves it on the temp dir's filesystem.
#
# SECCOMP=podman gives every bundle the seccomp allowlist of podman's
# default profile (/usr/share/containers/seccomp.json, from the
# golang-github-containers-common package, turned into OCI's form), as
# podman, containerd and CRI-O write one into config.json: 2.5 KiB of
# `runc spec` becomes about 9 KiB, and runc loads the filter in A and B.
#
# Run by hand, as root. Not part of the test suite. Needs runc, busybox,
# jq and a C compiler (cc) for the RSS part (without one, that part is
# skipped).
# nsipc binary: $NSIPC, else <repo>/build/nsipc; the hook the runtime runs:
# $NSIPC_HOOK, else nsipc-hook beside it (as the hooks files name it).
# Container ids are nsipc-bench-hook-<pid>-...; runc's own state stays in
# its default root (/run/runc), as in real use. The trap deletes
# (`runc delete -f`) only containers with that prefix, unmounts only mounts
# below the temp dir, and removes the temp dir. The IPC objects live in each
# container's own IPC namespace and go with it; host IPC objects, other
# containers and other mounts are never touched.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

N=${1:-100}
RSS_RUNS=${RSS_RUNS:-5}
STATE_FS=${STATE_FS:-tmpfs}
SECCOMP=${SECCOMP:-none}
if [[ $STATE_FS != tmpfs && $STATE_FS != disk ]] || [[ $SECCOMP != none && $SECCOMP != podman ]]; then
    echo "usage: [STATE_FS=tmpfs|disk] [SECCOMP=none|podman] $0 [RUNS]   (where nsipc's state directory is; default tmpfs)" >&2
    exit 2
fi
podman_profile=/usr/share/containers/seccomp.json
if [[ $SECCOMP == podman && ! -r $podman_profile ]]; then
    echo "hook_overhead: SECCOMP=podman needs $podman_profile (golang-github-containers-common)" >&2
    exit 2
fi
if ! [[ $N =~ ^[1-9][0-9]*$ && $RSS_RUNS =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: [RSS_RUNS=K] $0 [RUNS]   (positive integers; RUNS default 100, RSS_RUNS default 5)" >&2
    exit 2
fi
bench_need_root runc
bench_need_nsipc
hook=${NSIPC_HOOK:-$(dirname "$NSIPC")/nsipc-hook}
if [[ ! -x $hook ]]; then
    echo "hook_overhead: nsipc-hook not found or not executable: $hook (set \$NSIPC_HOOK)" >&2
    exit 2
fi
bench_need_tools "" runc busybox jq
busybox=$(command -v busybox)
# The rootfs has no libraries: busybox must be static (busybox-static).
if ldd "$busybox" >/dev/null 2>&1; then
    echo "hook_overhead: $busybox is dynamically linked; install busybox-static" >&2
    exit 2
fi

prefix=nsipc-bench-hook-$$
our_containers() {
    runc list -q 2>/dev/null | grep "^$prefix-" || true
}
# Containers first, before the trap unmounts anything below the temp dir and
# removes it: `runc delete -f` runs their poststop hook, which is the nsipc
# copy in the temp dir. The script itself mounts nothing; the trap's umount
# is for what a failed run may have left below the temp dir.
delete_our_containers() {
    local id
    for id in $(our_containers); do
        runc delete -f "$id" >/dev/null 2>&1 || echo "hook_overhead: could not delete container $id" >&2
    done
}
bench_cleanup_first+=(delete_our_containers)
bench_setup hook
# nsipc keeps its ledgers in /run/nsipc, which is a tmpfs on systemd hosts:
# the state directory is one here too, so that a ledger's writes cost what
# they cost there. STATE_FS=disk leaves it on the temp dir's filesystem (on
# ext4, as this VM's /run and /tmp are, each replace of a ledger starts a
# writeback: createRuntime takes about 0.25 ms more).
if [[ $STATE_FS == tmpfs ]]; then
    mount -t tmpfs -o mode=0700,size=16m nsipc-bench-state "$state"
fi
policies=$tmp/policies
mkdir -m 0700 "$policies"

# ---- the policy: 10 objects, 3 limits ---------------------------------------
cat >"$policies/bench.json" <<'EOF'
{ "version": 1,
  "limits": { "msgmni": 32, "shmmax": "16MiB", "mqueue": { "queues_max": 16 } },
  "objects": [
    { "type": "msg", "name": "q1", "key": "0x4201", "mode": "0660" },
    { "type": "msg", "name": "q2", "key": "0x4202", "mode": "0660", "max_bytes": 8192 },
    { "type": "msg", "name": "q3", "key": "0x4203", "mode": "0600", "uid": 1000, "gid": 1000 },
    { "type": "sem", "name": "s1", "key": "0x4211", "nsems": 1, "values": [1] },
    { "type": "sem", "name": "s2", "key": "0x4212", "nsems": 4, "values": [1, 1, 0, 0], "mode": "0660" },
    { "type": "sem", "name": "s3", "key": "0x4213", "nsems": 8 },
    { "type": "shm", "name": "m1", "key": "0x4221", "size": "64KiB" },
    { "type": "shm", "name": "m2", "key": "0x4222", "size": "64KiB", "mode": "0640" },
    { "type": "shm", "name": "m3", "key": "0x4223", "size": 4096, "gid": 1000 },
    { "type": "mqueue", "name": "/bench", "max_messages": 8, "message_size": 256, "mode": "0660" } ] }
EOF
"$NSIPC" --policy-dir "$policies" policy check "$policies/bench.json" >/dev/null ||
    { echo "hook_overhead: nsipc refuses the benchmark policy" >&2; exit 1; }

# ---- one rootfs, bundles that point at it -----------------------------------
rootfs=$tmp/rootfs
mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys" "$rootfs/tmp"
cp -- "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
done

# The seccomp profile of SECCOMP=podman: its allow rules that no capability
# excludes (a root container's).
seccomp='null'
if [[ $SECCOMP == podman ]]; then
    seccomp=$(jq -c '{ defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
        architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        syscalls: [.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and .excludes == {}) | { names, action, args }] }' \
        "$podman_profile")
fi

# bundle DIR JQ-FILTER [JQ-ARGS...]: DIR/config.json from `runc spec`, with
# the shared rootfs, no terminal, the annotation, the seccomp profile of
# SECCOMP, then the filter.
bundle() {
    local dir=$1 filter=$2
    shift 2
    mkdir -p "$dir"
    (cd "$dir" && runc spec)
    jq --arg root "$rootfs" --argjson seccomp "$seccomp" "$@" '.root.path = $root | .process.terminal = false
        | .annotations = { "io.nsipc.policy": "bench" }
        | if $seccomp then .linux.seccomp = $seccomp else . end | '"$filter" \
        "$dir/config.json" >"$dir/config.json.new"
    mv -- "$dir/config.json.new" "$dir/config.json"
}
# The hook entry of tests/common.bash (with_hooks): nsipc-hook, no stage argument.
hook_args=(nsipc-hook --state-dir "$state" --policy-dir "$policies" hook)
# shellcheck disable=SC2016  # jq variables, not shell ones
hooks_filter='.hooks = { "createRuntime": [{ "path": $nsipc, "args": $args }],
                         "poststop": [{ "path": $nsipc, "args": $args }] }'
hooks_json=$(printf '%s\n' "${hook_args[@]}" | jq -R . | jq -sc .)

bundle "$tmp/with" '.process.args = ["true"] | '"$hooks_filter" \
    --arg nsipc "$hook" --argjson args "$hooks_json"
# The baseline runs two no-op hooks (true(1)): runc's own cost of spawning
# hooks is not nsipc's.
# shellcheck disable=SC2016  # jq variables, not shell ones
bundle "$tmp/without" '.process.args = ["true"]
    | .hooks = { "createRuntime": [{ "path": $true, "args": ["true"] }], "poststop": [{ "path": $true, "args": ["true"] }] }' \
    --arg true "$(type -P true)"
cmp -s <(jq -S 'del(.hooks)' "$tmp/with/config.json") <(jq -S 'del(.hooks)' "$tmp/without/config.json") ||
    { echo "hook_overhead: the two bundles differ in more than their hooks" >&2; exit 1; }

# A check bundle: the hooks of A, a process that reports what it sees.
# shellcheck disable=SC2016  # expanded by the sh in the container
report='for t in msg sem shm; do echo "$t $(($(wc -l < /proc/sysvipc/$t) - 1))"; done
    echo "mqueue $(ls /dev/mqueue | wc -l)"; echo "msgmni $(cat /proc/sys/kernel/msgmni)"'
# shellcheck disable=SC2016  # jq variables, not shell ones
bundle "$tmp/check" '.process.args = ["sh", "-c", $cmd] | '"$hooks_filter" \
    --arg nsipc "$hook" --argjson args "$hooks_json" --arg cmd "$report"
# shellcheck disable=SC2016  # jq variables, not shell ones
bundle "$tmp/check-without" '.process.args = ["sh", "-c", $cmd]' --arg cmd "$report"

log=$tmp/runc.log
# run_one BUNDLE ID: runc run, output to $log; on failure, show it.
run_one() {
    if ! runc run --bundle "$1" "$2" </dev/null >"$log" 2>&1; then
        echo "hook_overhead: runc run --bundle $1 $2 failed:" >&2
        sed 's/^/  /' "$log" >&2
        return 1
    fi
}
ledgers() {
    find "$state" -path '*/containers/*.json' 2>/dev/null | wc -l
}

# ---- check, untimed: the hooks provision, poststop drops the ledger ---------
# (this is also the warm-up of runc, nsipc and the page cache)
want=$'msg 3\nsem 3\nshm 3\nmqueue 1\nmsgmni 32'
run_one "$tmp/check" "$prefix-check" || exit 1
if [[ $(<"$log") != "$want" ]]; then
    echo "hook_overhead: with hooks, the container does not see the policy; it reports:" >&2
    sed 's/^/  /' "$log" >&2
    exit 1
fi
run_one "$tmp/check-without" "$prefix-check-without" || exit 1
if [[ $(<"$log") != $'msg 0\nsem 0\nshm 0\nmqueue 0\nmsgmni 32000' ]]; then
    echo "hook_overhead: without hooks, the container is not in a fresh IPC namespace; it reports:" >&2
    sed 's/^/  /' "$log" >&2
    exit 1
fi
if [[ $(ledgers) -ne 0 ]]; then
    echo "hook_overhead: poststop left a ledger in $state/containers" >&2
    exit 1
fi
run_one "$tmp/with" "$prefix-warm-a" || exit 1
run_one "$tmp/without" "$prefix-warm-b" || exit 1

# ---- timed runs -------------------------------------------------------------
a_times=() b_times=()
for ((i = 0; i < N; i++)); do
    bench_time run_one "$tmp/with" "$prefix-a-$i" || { echo "hook_overhead: run $i with hooks failed" >&2; exit 1; }
    a_times+=("$REPLY")
    bench_time run_one "$tmp/without" "$prefix-b-$i" || { echo "hook_overhead: run $i without hooks failed" >&2; exit 1; }
    b_times+=("$REPLY")
done
if [[ $(ledgers) -ne 0 || -n $(our_containers) ]]; then
    echo "hook_overhead: ledgers or containers left after the timed runs" >&2
    exit 1
fi

without=$(median "${b_times[@]}")
bench_result ratio 1.03 \
    "hook_overhead: with hooks median %.2f ms, without %.2f ms, ratio %.2f (target <= 1.03) [$N runs each, state on $STATE_FS, seccomp $SECCOMP] %s" \
    "$(median "${a_times[@]}")" "$without"
# Paired: each run with hooks minus the run without beside it, with a 95%
# confidence interval (a pair of order statistics, as for a sign test:
# n/2 -+ 1.96 sqrt(n)/2).  One runc run takes 15 to 40 ms here: the
# interval says how little the ratio above can tell (about -+0.03 with
# 1000 pairs), and the hook wall times below are the figure to go by.
diffs=()
for ((i = 0; i < N; i++)); do diffs+=($((a_times[i] - b_times[i]))); done
printf '%s\n' "${diffs[@]}" | sort -n | awk -v m="$(median "${diffs[@]}")" -v b="$without" '
    { v[NR] = $1 }
    END {
        h = 0.98 * sqrt(NR); lo = int(NR / 2 - h); hi = int(NR / 2 + h) + 1
        if (lo < 1) lo = 1
        if (hi > NR) hi = NR
        printf "hook_overhead, paired: with minus without, median %+.2f ms (95%% CI %+.2f to %+.2f), ratio %.3f (%.3f to %.3f) (target <= 1.03) %s\n",
            m / 1000, v[lo] / 1000, v[hi] / 1000, 1 + m / b, 1 + v[lo] / b, 1 + v[hi] / b, (1 + m / b <= 1.03 ? "PASS" : "FAIL")
    }'

# ---- peak RSS and wall time of each hook stage (untimed runs) ---------------
cc=$(command -v cc || command -v gcc || true)
if [[ -z $cc ]]; then
    echo "hook peak RSS: skipped (no C compiler to build hookrss and floor_hook)"
    exit 0
fi
for prog in hookrss floor_hook; do
    "$cc" -O2 -o "$tmp/$prog" "$bench_dir/$prog.c" ||
        { echo "hook_overhead: cannot build $bench_dir/$prog.c" >&2; exit 1; }
done
# The same hooks as A, each behind hookrss, which appends "KiB us status"
# to <tmp>/rss.<stage>. The entries differ only in that file name; nsipc
# still gets no stage argument. Then B's no-op hooks (true) behind it, to
# <tmp>/rss-true.<stage>: what any hook process costs here (this VM's
# glibc start-up alone, its cache sizes read with cpuid, is about 0.3 ms).
# shellcheck disable=SC2016  # jq variables, not shell ones
rss_hooks='.process.args = ["true"]
    | .hooks = { "createRuntime": [{ "path": $w, "args": (["hookrss", $out + ".createRuntime", $prog] + $args) }],
                 "poststop": [{ "path": $w, "args": (["hookrss", $out + ".poststop", $prog] + $args) }] }'
bundle "$tmp/rss" "$rss_hooks" --arg w "$tmp/hookrss" --arg out "$tmp/rss" --arg prog "$hook" \
    --argjson args "$hooks_json"
bundle "$tmp/rss-true" "$rss_hooks" --arg w "$tmp/hookrss" --arg out "$tmp/rss-true" --arg prog "$(type -P true)" \
    --argjson args '["true"]'
# And the floor (tests/bench/floor_hook.c): the same kernel changes, the
# scan and two records, with nothing else; its records go in a directory of
# its own on the same tmpfs.
mkdir -m 0700 "$state/floor"
bundle "$tmp/rss-floor" "$rss_hooks" --arg w "$tmp/hookrss" --arg out "$tmp/rss-floor" --arg prog "$tmp/floor_hook" \
    --argjson args "$(jq -nc --arg dir "$state/floor" '["floor_hook", $dir]')"
for ((i = 0; i < RSS_RUNS; i++)); do
    run_one "$tmp/rss" "$prefix-rss-$i" || exit 1
    run_one "$tmp/rss-true" "$prefix-rss-true-$i" || exit 1
    run_one "$tmp/rss-floor" "$prefix-rss-floor-$i" || exit 1
done
for f in rss{,-true,-floor}.{createRuntime,poststop}; do
    if [[ $(wc -l <"$tmp/$f") -ne $RSS_RUNS ]] || awk '$1 < 0 || $3 != 0 { bad = 1 } END { exit !bad }' "$tmp/$f"; then
        echo "hook_overhead: hookrss recorded a failed or unmeasured hook in $f:" >&2
        sed 's/^/  /' "$tmp/$f" >&2
        exit 1
    fi
done
peak() { awk 'BEGIN { m = 0 } $1 > m { m = $1 } END { print m }' "$tmp/$1"; }
wall() { local us; mapfile -t us < <(awk '{ print $2 }' "$tmp/$1"); median "${us[@]}"; }
echo "hook peak RSS: $(peak rss.createRuntime) KiB (createRuntime), $(peak rss.poststop) KiB (poststop); true: $(peak rss-true.createRuntime) KiB [max of $RSS_RUNS runs]"
awk -v c="$(wall rss.createRuntime)" -v p="$(wall rss.poststop)" -v tc="$(wall rss-true.createRuntime)" \
    -v tp="$(wall rss-true.poststop)" -v fc="$(wall rss-floor.createRuntime)" -v fp="$(wall rss-floor.poststop)" \
    -v k="$RSS_RUNS" -v b="$without" 'BEGIN {
    printf "hook wall time: createRuntime median %.2f ms, poststop median %.2f ms; true %.2f and %.2f ms; nsipc adds %.2f ms a container, %.3f of a run without hooks [%d runs, fork to exit]\n",
        c / 1000, p / 1000, tc / 1000, tp / 1000, (c + p - tc - tp) / 1000, 1 + (c + p - tc - tp) / b, k
    printf "the floor (floor_hook.c: the same changes, scan and records, nothing else): %.2f and %.2f ms, adds %.2f ms; nsipc adds %.2f ms more (createRuntime %+.2f, poststop %+.2f)\n",
        fc / 1000, fp / 1000, (fc + fp - tc - tp) / 1000, (c + p - fc - fp) / 1000, (c - fc) / 1000, (p - fp) / 1000
}'
