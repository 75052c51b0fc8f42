#!/usr/bin/env bats
# Hostile input, case by case: each gives one clear line on stderr and the
# right status (1 runtime failure, 2 usage or policy error), changes nothing,
# never hangs (every command that could is bounded by `timeout`, and 124 fails
# the test), never crashes (a signal fails the test), and leaves nothing
# behind (teardown compares the host with its snapshot).

load common

setup() {
  common_setup
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  PIDS=()
  PREFIX="nsipc-hostile-$$-$BATS_TEST_NUMBER"
  # Files other uids must read (bats' own temporary directories are root's
  # alone).
  SHARED_DIR=$(mktemp -d /tmp/nsipc-hostile.XXXXXX)
  chmod 1777 "$SHARED_DIR"
  echo '{ "version": 1, "limits": { "msgmni": 77 } }' >"$NSIPC_POLICY_DIR/m77.json"
  HOST_BEFORE=$(host_snapshot)
}

teardown() {
  local id
  end_spawned
  # unmount_below cannot name a path with a newline.
  if [ -n "${OTHER_STATE:-}" ]; then
    "$NSIPC" --state-dir "$OTHER_STATE" ns delete --force t || true
    umount "$OTHER_STATE/ns" || true
  fi
  if command -v runc >/dev/null; then
    for id in $(runc list -q 2>/dev/null | grep "^$PREFIX-"); do runc delete -f "$id" >/dev/null 2>&1 || true; done
  fi
  unmount_below "$BATS_TEST_TMPDIR"
  rm -rf "$SHARED_DIR"
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot | grep -v "$BATS_TEST_TMPDIR")" "$(grep -v "$BATS_TEST_TMPDIR" <<<"$HOST_BEFORE")"
}

# bounded CMD...: `run` with stdout ($output) and stderr ($stderr) apart,
# under `timeout ${LIMIT:-10}`; a hang or a death by signal fails the test.
bounded() {
  run --separate-stderr timeout "${LIMIT:-10}" "$@"
  [ "$status" -ne 124 ] || fail "hung (killed after ${LIMIT:-10}s): $*"
  [ "$status" -lt 124 ] || fail "crashed or could not run (status $status): $*"
}

# one_line STATUS TEXT: the last bounded command exited STATUS, printed
# nothing on stdout and exactly one line on stderr, nsipc's, containing TEXT.
one_line() {
  assert_equal "$status" "$1"
  assert_equal "$output" ""
  assert_equal "${#stderr_lines[@]}" 1
  [[ $stderr == "nsipc: "* ]] || fail "not nsipc's line: $stderr"
  [[ $stderr == *"$2"* ]] || fail "stderr lacks \"$2\": $stderr"
}

ledgers() {
  ls -A "$NSIPC_STATE_DIR/containers" 2>/dev/null | wc -l
}

# sleeper [PREFIX...]: spawns PREFIX sleep 30 and waits until the process
# has become sleep (so it is in the namespace PREFIX puts it in); its pid
# is in SLEEPER.
SLEEP=$(readlink -f "$(command -v sleep)")
sleeper() {
  spawn "$@" sleep 30
  SLEEPER=${PIDS[-1]}
  for _ in $(seq 200); do
    [ "$(readlink "/proc/$SLEEPER/exe" 2>/dev/null)" = "$SLEEP" ] && return 0
    sleep 0.05
  done
  fail "$* sleep 30 did not start"
}

msgmni_of() {
  nsenter --ipc="/proc/$1/ns/ipc" cat /proc/sys/kernel/msgmni
}

# state PID BUNDLE ANNOTATION: an OCI state for createRuntime of container
# c1 (an empty BUNDLE or ANNOTATION is left out).
state() {
  jq -n --argjson pid "$1" --arg bundle "$2" --arg policy "$3" \
    '{ ociVersion: "1.0.2", id: "c1", status: "creating", pid: $pid }
     + (if $bundle == "" then {} else { bundle: $bundle } end)
     + (if $policy == "" then {} else { annotations: { "io.nsipc.policy": $policy } } end)'
}

# start_of PID: the process's start time, /proc/PID/stat field 22.
start_of() {
  awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$1/stat"
}

# --- 1. policy escape through the annotation ------------------------------

EVIL='{ "version": 1, "limits": { "msgmni": 12345 } }'

@test "oci-config --policy and precreate never read a policy from the working directory" {
  b=$BATS_TEST_TMPDIR/b
  mkdir -p "$b"
  echo "$EVIL" >"$b/evil.json"
  echo '{ "ociVersion": "1.0.2", "process": { "args": ["true"] }, "root": { "path": "rootfs" },
          "linux": { "namespaces": [ { "type": "ipc" } ] } }' >"$b/config.json"
  jq '.annotations = { "io.nsipc.policy": "evil.json" }' "$b/config.json" >"$b/annotated.json"
  cd "$b"
  bounded "$NSIPC" oci-config --policy evil.json <config.json
  one_line 2 "nsipc: oci-config: policy $NSIPC_POLICY_DIR/evil.json.json: cannot read: No such file or directory"
  # precreate passes the config on unchanged (podman would not show its
  # words); createRuntime refuses the container with them.
  bounded "$NSIPC" hook precreate <annotated.json
  assert_equal "$status" 0
  assert_equal "$(jq -c . <<<"$output")" "$(jq -c . annotated.json)"
  assert_equal "$stderr" "nsipc: hook precreate: policy $NSIPC_POLICY_DIR/evil.json.json: cannot read: No such file or directory"
  cd - >/dev/null
  [ ! -e "$NSIPC_STATE_DIR" ]
}

@test "runc: a policy planted in the bundle and named by the annotation stops the container" {
  command -v runc >/dev/null || skip "runc is not installed"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'cat /proc/sys/kernel/msgmni >/out/msgmni; touch /out/ran'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "evil.json" }'
  echo "$EVIL" >"$b/evil.json"
  id=$(cid 1)
  run timeout 60 runc run --bundle "$b" "$id"
  [ "$status" -ne 124 ]
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: policy $NSIPC_POLICY_DIR/evil.json.json: cannot read: No such file or directory"
  [ ! -e "$b/out/ran" ]
  [ ! -e "$b/out/msgmni" ]
  assert_equal "$(ledgers)" 0
  run runc state "$id"
  assert_failure
}

# --- 2. a semaphore set with more members than fit a stack ----------------

@test "a set of 2,200,000 semaphores is audited and collected without a crash" {
  n=2200000
  p=$(policy bigsem <<<"{ \"version\": 1, \"limits\": { \"sem\": { \"semmsl\": $n, \"semmns\": $n, \"semopm\": 32, \"semmni\": 32 } } }")
  bounded "$NSIPC" policy check "$p"
  assert_success
  assert_output "$p: ok"
  "$NSIPC" ns create t --policy "$p"
  PIN=$NSIPC_STATE_DIR/ns/t
  assert_equal "$(nsenter --ipc="$PIN" cat /proc/sys/kernel/sem)" "$n	$n	32	32"
  # ipc-tool sem SETVALs member by member, and each SETVAL makes the kernel
  # look at every member of the set (do_smart_update): quadratic, hours for
  # this set. One SETALL sets every value and every member's pid at once.
  nsenter --ipc="$PIN" "${AS_GONE[@]}" perl -e '
    use IPC::SysV qw(IPC_CREAT IPC_EXCL SETALL);
    my $n = $ARGV[0];
    my $id = semget(0x900, $n, IPC_CREAT | IPC_EXCL | 0666);
    defined $id or die "semget: $!\n";
    semctl($id, 0, SETALL, pack("S!*", (1) x $n)) or die "semctl SETALL: $!\n";' "$n"
  assert_equal "$(nsenter --ipc="$PIN" awk 'NR > 1 { print $1, $3, $4 }' /proc/sysvipc/sem)" "2304 666 $n"
  LIMIT=60 bounded "$NSIPC" audit --json --min-idle 0
  assert_success
  assert_equal "$(jq -c '[.namespaces[] | select(.name == "t") | .objects[] | [.type, .key, .nsems, .orphan]]' <<<"$output")" \
    "[[\"sem\",\"0x00000900\",$n,true]]"
  LIMIT=60 bounded "$NSIPC" gc --ns t --min-idle 0
  assert_success
  assert_line --regexp '^removed sem key 0x00000900 id [0-9]+ from IPC namespace [0-9]+ t: '
  assert_line "removed 1 orphan, kept 0 in use"
  assert_equal "$(nsenter --ipc="$PIN" awk 'NR > 1' /proc/sysvipc/sem)" ""
}

# --- 3. a report that could grow quadratically ----------------------------

@test "5000 objects sharing one key: 100 problems shown, the rest counted, at once" {
  p=$BATS_TEST_TMPDIR/dup.json
  jq -n '{ version: 1, objects: [range(5000) | { type: "msg", key: "0x100" }] }' >"$p"
  LIMIT=20 bounded "$NSIPC" policy check "$p"
  assert_equal "$status" 2
  assert_equal "$output" ""
  assert_equal "${#stderr_lines[@]}" 101
  assert_equal "${stderr_lines[0]}" "nsipc: policy check: $p: objects[1].key: 0x00000100 is already the key of objects[0]"
  assert_equal "${stderr_lines[99]}" "nsipc: policy check: $p: objects[100].key: 0x00000100 is already the key of objects[0]"
  # 4999 duplicates, 100 of them shown.
  assert_equal "${stderr_lines[100]}" "nsipc: policy check: $p: … and 4899 more problems"
}

# --- 4. FIFOs where files are expected: errors, never hangs ---------------

@test "a FIFO as policy, or as a bundle's config.json" {
  mkfifo "$BATS_TEST_TMPDIR/fifo.json"
  bounded "$NSIPC" policy check "$BATS_TEST_TMPDIR/fifo.json"
  one_line 2 "nsipc: policy check: $BATS_TEST_TMPDIR/fifo.json: cannot read: not a regular file"
  bounded "$NSIPC" run --policy "$BATS_TEST_TMPDIR/fifo.json" -- touch "$BATS_TEST_TMPDIR/ran"
  one_line 2 "nsipc: run: policy $BATS_TEST_TMPDIR/fifo.json: cannot read: not a regular file"
  [ ! -e "$BATS_TEST_TMPDIR/ran" ]

  b=$BATS_TEST_TMPDIR/b
  mkdir -p "$b"
  mkfifo "$b/config.json"
  sleeper unshare --ipc
  before=$(msgmni_of "$SLEEPER")
  bounded "$NSIPC" hook createRuntime < <(state "$SLEEPER" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: config.json is not a regular file"
  assert_equal "$(msgmni_of "$SLEEPER")" "$before"
  assert_equal "$(ledgers)" 0
}

@test "a FIFO as the event log, or as its rotated file, is refused, never waited on" {
  mkfifo "$BATS_TEST_TMPDIR/log"
  bounded "$NSIPC" --log "$BATS_TEST_TMPDIR/log" hook poststop <<<'{ "id": "c1", "status": "stopped" }'
  assert_success
  [[ $stderr == *"nsipc: hook poststop: log $BATS_TEST_TMPDIR/log: not a regular file"* ]] || fail "$stderr"
  echo '{ "time": "2026-01-01T00:00:00.000Z", "verb": "gc", "event": "removed", "container": "c1" }' >"$BATS_TEST_TMPDIR/log2"
  mkfifo "$BATS_TEST_TMPDIR/log2.1"
  bounded "$NSIPC" --log "$BATS_TEST_TMPDIR/log2" log
  assert_success
  assert_output --partial "gc removed"
}

@test "a FIFO as a named namespace's record" {
  "$NSIPC" ns create y
  mkfifo "$NSIPC_STATE_DIR/ns/x.json"
  bounded "$NSIPC" ns list
  assert_success
  assert_line --regexp '^y +[0-9]+ '
  refute_line --regexp '^x '
  bounded "$NSIPC" ns list --json
  assert_success
  assert_equal "$(jq -c '[.namespaces[].name]' <<<"$output")" '["y"]'
  bounded "$NSIPC" ns create x
  one_line 1 "nsipc: ns create: namespace x exists"
  [ -p "$NSIPC_STATE_DIR/ns/x.json" ]
  [ ! -e "$NSIPC_STATE_DIR/ns/x" ]
}

@test "a FIFO as a ledger, and a ledger whose namespace path is a FIFO" {
  mkdir -p -m 700 "$NSIPC_STATE_DIR/containers"
  mkfifo "$NSIPC_STATE_DIR/containers/c1.json"
  bounded "$NSIPC" hook poststop <<<'{"id":"c1","status":"stopped"}'
  one_line 0 "nsipc: hook poststop: container c1: c1.json is not a regular file; the record is dropped"
  [ ! -e "$NSIPC_STATE_DIR/containers/c1.json" ]

  mkfifo "$BATS_TEST_TMPDIR/ns-fifo"
  sleeper
  jq -n --arg path "$BATS_TEST_TMPDIR/ns-fifo" --argjson pid "$SLEEPER" --argjson start "$(start_of "$SLEEPER")" \
    '{ id: "c2", ns_kind: "shared", ns_path: $path, ns_inode: 1, pid: $pid, pid_start: $start,
       complete: true, preexisting: [], provisioned: [] }' >"$NSIPC_STATE_DIR/containers/c2.json"
  bounded "$NSIPC" exec --container c2 -- touch "$BATS_TEST_TMPDIR/ran"
  one_line 1 "nsipc: exec: container c2: $BATS_TEST_TMPDIR/ns-fifo is not an IPC namespace"
  [ ! -e "$BATS_TEST_TMPDIR/ran" ]
  bounded "$NSIPC" gc --container c2 --min-idle 0
  assert_success
  refute_output --partial "removed mqueue"
  refute_output --regexp '^removed (msg|sem|shm) '
  [ -p "$BATS_TEST_TMPDIR/ns-fifo" ]
}

# --- 5. createRuntime aimed at a process that is not the container --------

@test "createRuntime refuses a pid whose namespace the config does not describe" {
  sleeper unshare --ipc
  pid=$SLEEPER
  sleeper unshare --ipc
  other=$SLEEPER
  before=$(msgmni_of "$pid")
  b=$BATS_TEST_TMPDIR/b
  mkdir -p "$b"

  bounded "$NSIPC" hook createRuntime < <(state "$pid" "" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: the state has no bundle; createRuntime needs the container's config"

  echo '{ "ociVersion": "1.0.2", "linux": { "namespaces": [ { "type": "pid" }, { "type": "mount" } ] } }' >"$b/config.json"
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: the config shares the runtime's IPC namespace, but process $pid is in another"

  jq -n --arg path "/proc/$other/ns/ipc" '{ ociVersion: "1.0.2", linux: { namespaces: [ { type: "ipc", path: $path } ], readonlyPaths: ["/proc/sys"] } }' >"$b/config.json"
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: the config joins /proc/$other/ns/ipc, but process $pid is in another IPC namespace"

  echo '{ "ociVersion": "1.0.2", "linux": { "namespaces": [ { "type": "ipc" } ], "readonlyPaths": ["/proc/sys"] } }' >"$b/config.json"
  sleeper nsenter --ipc="/proc/$pid/ns/ipc"
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: the config asks for a new IPC namespace, but 1 other process shares that of process $pid"

  # The hook reads only the members it needs (nsipc/jsonpick.h): keys
  # spelled with escapes are read as the runtime decodes them, and the
  # entry is found after 64 KiB of other members (a seccomp profile is
  # 20 to 30 KiB).
  echo '{ "ociVersion": "1.0.2", "li\u006eux": { "n\u0061mespaces": [ { "typ\u0065": "ipc" } ], "readonlyPaths": ["/proc/sys"] } }' >"$b/config.json"
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: the config asks for a new IPC namespace, but 1 other process shares that of process $pid"
  jq -n '{ ociVersion: "1.0.2", process: { env: [range(2048) | "VAR\(.)=\("x" * 24)"] },
           linux: { seccomp: { syscalls: [range(512) | { names: ["s\(.)"], action: "SCMP_ACT_ALLOW" }] },
                    namespaces: [ { type: "ipc" } ], readonlyPaths: ["/proc/sys"] } }' >"$b/config.json"
  [ "$(stat -c %s "$b/config.json")" -gt 65536 ]
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: the config asks for a new IPC namespace, but 1 other process shares that of process $pid"

  assert_equal "$(msgmni_of "$pid")" "$before"
  assert_equal "$(msgmni_of "$other")" "$before"
  assert_equal "$(ledgers)" 0

  # The control: once the process is alone in its namespace, the same
  # state and config are accepted, so the refusals above were for the
  # reasons they gave.
  kill "$SLEEPER"
  wait "$SLEEPER" 2>/dev/null || true
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  assert_success
  assert_equal "$(msgmni_of "$pid")" 77
}

@test "a config runc reads otherwise than nsipc would (a key in another case, or twice) stops the container" {
  sleeper unshare --ipc
  pid=$SLEEPER
  sleeper unshare --ipc
  other=$SLEEPER
  before=$(msgmni_of "$other")
  b=$BATS_TEST_TMPDIR/b
  mkdir -p "$b"
  # Go's encoding/json fills a field from a key in any case: runc joins
  # $other's namespace by "Path", which nsipc must not take for a new one.
  jq -n --arg path "/proc/$other/ns/ipc" '{ linux: { namespaces: [ { type: "ipc", Path: $path } ] } }' >"$b/config.json"
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: config.json: linux.namespaces has a key that runc (Go) reads as \"path\", spelled otherwise: write it so"
  # A "Sysctl" runc writes after the hook; "ſ" (U+017F) is an s to Go.
  printf '{ "linux": { "namespaces": [ { "type": "ipc" } ],\n  "\xc5\xbfysctl": { "kernel.msgmni": "100" } } }' >"$b/config.json"
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: config.json: a key that runc (Go) reads as \"sysctl\" is spelled otherwise (line 2, column 3)"
  # Twins: Go merges two "linux" objects, jansson keeps the last.
  echo '{ "linux": { "sysctl": { "kernel.msgmni": "100" } }, "linux": { "namespaces": [ { "type": "ipc" } ] } }' >"$b/config.json"
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: config.json: \"linux\" is given twice, and runc (Go) reads both (line 1, column 54)"
  echo '{ "linux": { "namespaces": [ { "type": "ipc", "path": "/run/netns/x", "path": "" } ] } }' >"$b/config.json"
  bounded "$NSIPC" hook createRuntime < <(state "$pid" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: config.json gives a key twice (line 1, column 76), and runc (Go) reads both"
  # oci-config refuses the same.
  jq -n '{ linux: { namespaces: [ { type: "ipc", Path: "/proc/1/ns/ipc" } ] } }' >"$b/config.json"
  bounded "$NSIPC" oci-config --policy m77 <"$b/config.json"
  one_line 2 "nsipc: oci-config: config.json: linux.namespaces has a key that runc (Go) reads as \"path\", spelled otherwise: write it so"
  assert_equal "$(msgmni_of "$pid")" "$before"
  assert_equal "$(msgmni_of "$other")" "$before"
  assert_equal "$(ledgers)" 0
}

# --- 6. records are validated again when read back ------------------------

@test "a planted record naming ../../outside is ignored by gc --pins and ns list" {
  "$NSIPC" ns create y
  echo '{"name": "../../outside", "state": "creating"}' >"$NSIPC_STATE_DIR/ns/x.json"
  mkdir "$BATS_TEST_TMPDIR/outside"
  mount -t tmpfs none "$BATS_TEST_TMPDIR/outside"
  touch "$BATS_TEST_TMPDIR/outside/keep"
  # gc --pins must run unscoped to read every record, and an unscoped gc
  # also reaches containers it finds by their runtime's state or cgroup:
  # ours only (an empty runtime root), and no test runs unless the dry run
  # shows that nothing but ours is within reach.
  roots=(--runtime-root "$BATS_TEST_TMPDIR/runc")
  bounded "$NSIPC" gc --pins --min-idle 0 --dry-run --json "${roots[@]}"
  assert_success
  [ "$(jq '.removed | length' <<<"$output")" -eq 0 ] || skip "gc would remove objects of containers not ours"
  assert_equal "$(jq -c '[.pins_removed[].name]' <<<"$output")" '["y"]'
  inode=$(jq '.pins_removed[0].namespace' <<<"$output")
  mountpoint -q "$BATS_TEST_TMPDIR/outside"
  bounded "$NSIPC" gc --pins --min-idle 0 "${roots[@]}"
  assert_success
  assert_output "unpinned unused pinned namespace y ($inode)
removed 0 orphans, kept 0 in use"
  mountpoint -q "$BATS_TEST_TMPDIR/outside"
  [ -e "$BATS_TEST_TMPDIR/outside/keep" ]
  bounded "$NSIPC" ns list --json
  assert_success
  assert_equal "$(jq -c '[.namespaces[].name | select(. != "y")]' <<<"$output")" '[]'
  refute_output --partial outside
}

# --- 7. log forging and terminal escapes ---------------------------------

@test "a queue name with a newline cannot forge a gc line" {
  "$NSIPC" ns create t
  PIN=$NSIPC_STATE_DIR/ns/t
  name=$'/a\nremoved shm key 0x00000001 id 1 from IPC namespace 1: forged'
  nsenter --ipc="$PIN" "${AS_GONE[@]}" "$IPC_TOOL" mq-create "$name"
  bounded "$NSIPC" gc --ns t --min-idle 0 --dry-run --json
  assert_success
  jq -e . <<<"$output" >/dev/null
  assert_equal "$(jq -r '.removed[0].mqueue' <<<"$output")" "$name"
  assert_equal "$(jq '.removed | length' <<<"$output")" 1

  bounded "$NSIPC" gc --ns t --min-idle 0
  assert_success
  assert_equal "$(grep -c '^removed mqueue ' <<<"$output")" 1
  assert_line --regexp '^removed mqueue /a\\x0aremoved shm key 0x00000001 id 1 from IPC namespace 1: forged .* t: '
  refute_line --regexp '^removed shm'
  assert_line "removed 1 orphan, kept 0 in use"

  nsenter --ipc="$PIN" "${AS_GONE[@]}" "$IPC_TOOL" mq-create "$name"
  bounded "$NSIPC" gc --ns t --min-idle 0 --json
  assert_success
  assert_equal "$(jq -c '[.removed[] | [.type, .mqueue]]' <<<"$output")" "$(jq -nc --arg n "$name" '[["mqueue", $n]]')"
  bounded "$NSIPC" audit --json --min-idle 0
  assert_equal "$(jq -c '[.namespaces[] | select(.name == "t") | .objects[]]' <<<"$output")" '[]'

  # A terminal's CSI as a C1 control, a right-to-left override, a byte that
  # is no UTF-8: escaped byte by byte, as the audit table does.
  for name in $'/c1\xc2\x9b31mRED' $'/bidi\xe2\x80\xaeevil' $'/raw\x9b31m'; do
    nsenter --ipc="$PIN" "${AS_GONE[@]}" "$IPC_TOOL" mq-create "$name"
  done
  bounded "$NSIPC" gc --ns t --min-idle 0
  assert_success
  assert_equal "$(grep '^removed mqueue' <<<"$output" | cut -d' ' -f3 | sort)" '/bidi\xe2\x80\xaeevil
/c1\xc2\x9b31mRED
/raw\x9b31m'
  # The byte 0xff, and the four characters \xff: two names, in JSON too.
  nsenter --ipc="$PIN" "${AS_GONE[@]}" "$IPC_TOOL" mq-create $'/two\xff'
  nsenter --ipc="$PIN" "${AS_GONE[@]}" "$IPC_TOOL" mq-create '/two\xff'
  bounded "$NSIPC" gc --ns t --min-idle 0 --json
  assert_success
  assert_equal "$(jq -r '[.removed[].mqueue] | sort | join(" ")' <<<"$output")" '/two\x5cxff /two\xff'
}

@test "a pin whose path has a newline or ESC cannot forge an audit table line" {
  # Another state directory's pin is named by its mount path, which root
  # may have spelled with any byte.
  OTHER_STATE=$BATS_TEST_TMPDIR/$'x\n4026531839   host     forged\e[31m'/st
  mkdir -m 0700 "${OTHER_STATE%/st}"
  "$NSIPC" --state-dir "$OTHER_STATE" ns create t
  bounded "$NSIPC" audit
  assert_success
  refute_line --partial forged
  assert_line --regexp '^[0-9]+ +pinned +.*/x\\x0a'
  bounded "$NSIPC" audit --prometheus
  assert_success
  assert_line --partial 'kind="pinned",name="'"$BATS_TEST_TMPDIR"'/x\n4026531839   host     forged'
}

@test "an annotation with ESC and BEL is escaped in the message" {
  b=$BATS_TEST_TMPDIR/b
  mkdir -p "$b"
  echo '{ "ociVersion": "1.0.2", "linux": { "namespaces": [ { "type": "ipc" } ] } }' >"$b/config.json"
  sleeper unshare --ipc
  before=$(msgmni_of "$SLEEPER")
  bounded "$NSIPC" hook createRuntime < <(state "$SLEEPER" "$b" $'\e[31mred\a')
  one_line 2 'nsipc: hook createRuntime: container c1: annotation io.nsipc.policy: "\x1b[31mred\x07" is not a policy name'
  assert_equal "$(grep -c $'\e' <<<"$stderr$output")" 0
  assert_equal "$(grep -c $'\a' <<<"$stderr$output")" 0
  assert_equal "$(msgmni_of "$SLEEPER")" "$before"
  assert_equal "$(ledgers)" 0
}

# --- 8. policy values -----------------------------------------------------

@test "queue names /. and /.., past 255 characters, and with control characters, are refused" {
  p=$BATS_TEST_TMPDIR/q.json
  for name in '/..' '/.'; do
    jq -n --arg n "$name" '{ version: 1, objects: [ { type: "mqueue", name: $n } ] }' >"$p"
    bounded "$NSIPC" policy check "$p"
    one_line 2 "nsipc: policy check: $p: objects[0].name: \"$name\" must start with \"/\""
  done
  # NAME_MAX after the slash, as mq_open counts: 255 characters make a
  # queue, 256 none.
  long=$(printf 'q%.0s' $(seq 255))
  jq -n --arg n "/$long" '{ version: 1, objects: [ { type: "mqueue", name: $n } ] }' >"$p"
  bounded "$NSIPC" run --policy "$p" -- ls /dev/mqueue
  assert_success
  assert_output "$long"
  jq -n --arg n "/${long}q" '{ version: 1, objects: [ { type: "mqueue", name: $n } ] }' >"$p"
  bounded "$NSIPC" policy check "$p"
  one_line 2 "nsipc: policy check: $p: objects[0].name: \"/${long}q\" must start with \"/\", have no other \"/\", not be \"/.\" or \"/..\", and have at most 255 characters after it"
  for name in $'/a\nb' $'/a\tb' $'/a\x01b' $'/a\x7fb' $'/\e[2J'; do
    jq -n --arg n "$name" '{ version: 1, objects: [ { type: "mqueue", name: $n } ] }' >"$p"
    bounded "$NSIPC" policy check "$p"
    one_line 2 "nsipc: policy check: $p: objects[0].name: must not contain control characters"
  done
  # The label of a System V object too.
  jq -n '{ version: 1, objects: [ { type: "msg", key: 1, name: "jobs\nnsipc: forged" } ] }' >"$p"
  bounded "$NSIPC" policy check "$p"
  one_line 2 "nsipc: policy check: $p: objects[0].name: must not contain control characters"
}

# --- 9. a config.json that points elsewhere --------------------------------

@test "a bundle's config.json that is a symlink to a root-only file is not followed" {
  b=$BATS_TEST_TMPDIR/b
  mkdir -p "$b"
  ln -s /etc/shadow "$b/config.json"
  sleeper unshare --ipc
  before=$(msgmni_of "$SLEEPER")
  bounded "$NSIPC" hook createRuntime < <(state "$SLEEPER" "$b" m77)
  one_line 1 "nsipc: hook createRuntime: container c1: bundle $b: config.json is a symlink; refusing to follow it"
  refute_output --partial "root:"
  [[ $stderr != *"root:"* ]]
  assert_equal "$(msgmni_of "$SLEEPER")" "$before"
  assert_equal "$(ledgers)" 0
}

@test "runc: dev_shm in a container without a mount namespace of its own mounts nothing on the host and stops it" {
  command -v runc >/dev/null || skip "runc is not installed"
  echo '{ "version": 1, "dev_shm": { "size": "8MiB" } }' >"$NSIPC_POLICY_DIR/shm8.json"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  # No mount namespace (runc then mounts in the host's, and runs
  # createRuntime twice), no /dev mount: the image's /dev/shm is a plain
  # directory in the host's mount namespace.
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "shm8" }
    | .linux.namespaces |= map(select(.type != "mount")) | .linux.maskedPaths = [] | .linux.readonlyPaths = []
    | .mounts |= map(select(.destination | startswith("/dev") | not))'
  mkdir -p "$b/rootfs/dev/shm"
  id=$(cid 1)
  run timeout 60 runc run --bundle "$b" "$id"
  [ "$status" -ne 124 ]
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $id: the container's /dev/shm: process"
  assert_output --partial "has no mount namespace of its own, and nsipc mounts nothing in the host's"
  [ ! -e "$b/out/ran" ]
  run findmnt -n "$b/rootfs/dev/shm"
  assert_failure
  assert_equal "$(ledgers)" 0
}

@test "runc: a container without a mount namespace of its own starts with its objects (runc runs createRuntime twice)" {
  command -v runc >/dev/null || skip "runc is not installed"
  # No limits: the container's /proc/sys is the host's mount of it,
  # writable (a policy with limits is refused for that, hook.bats).
  echo '{ "version": 1, "objects": [ { "type": "msg", "name": "jobs", "key": "0x1000", "mode": "0660" } ] }' \
    >"$NSIPC_POLICY_DIR/jobs.json"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'awk "NR > 1 { print \$1, \$3 }" /proc/sysvipc/msg >/out/msg'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "jobs" }
    | .linux.namespaces |= map(select(.type != "mount")) | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
  id=$(cid 1)
  run timeout 60 runc run --bundle "$b" "$id"
  [ "$status" -ne 124 ]
  assert_success
  assert_equal "$(cat "$b/out/msg")" "4096 660"
  assert_equal "$(ledgers)" 0
}

@test "createRuntime run again for the same process and policy does nothing more" {
  sleeper unshare --ipc
  echo '{ "version": 1, "objects": [ { "type": "msg", "name": "jobs", "key": "0x1000", "mode": "0660" } ] }' \
    >"$NSIPC_POLICY_DIR/jobs.json"
  b=$BATS_TEST_TMPDIR/b
  mkdir -p "$b"
  echo '{ "ociVersion": "1.0.2", "linux": { "namespaces": [ { "type": "ipc" } ] } }' >"$b/config.json"
  bounded "$NSIPC" hook createRuntime < <(state "$SLEEPER" "$b" jobs)
  assert_success
  ledger=$(cat "$NSIPC_STATE_DIR/containers/c1.json")
  bounded "$NSIPC" hook createRuntime < <(state "$SLEEPER" "$b" jobs)
  assert_success
  assert_equal "$stderr" ""
  assert_equal "$(cat "$NSIPC_STATE_DIR/containers/c1.json")" "$ledger"
  run nsenter --ipc="/proc/$SLEEPER/ns/ipc" awk 'NR > 1 { print $1 }' /proc/sysvipc/msg
  assert_output 4096
}

# --- 10. exit statuses ----------------------------------------------------

@test "names that are paths are usage errors; unknown names are runtime failures" {
  bounded "$NSIPC" exec ../x -- true
  one_line 2 'nsipc: exec: "../x" is not a namespace name'
  bounded "$NSIPC" exec --container ../x -- true
  one_line 2 'nsipc: exec: "../x" is not a container id'
  bounded "$NSIPC" run --ns ../x -- true
  one_line 2 'nsipc: run: "../x" is not a namespace name'
  bounded "$NSIPC" gc --ns ../x
  one_line 2 'nsipc: gc: "../x" is not a namespace name'
  bounded "$NSIPC" gc --container ../x
  one_line 2 'nsipc: gc: "../x" is not a container id'
  bounded "$NSIPC" audit --container ../x
  one_line 2 'nsipc: audit: "../x" is not a container id'
  bounded "$NSIPC" gc --ns typo
  one_line 1 "nsipc: gc: no namespace typo"
  bounded "$NSIPC" audit --container typo
  one_line 1 "nsipc: audit: no container typo"
  # --json writes namespaces as it goes: nothing of the document before the error.
  bounded "$NSIPC" audit --json --container typo
  one_line 1 "nsipc: audit: no container typo"
}

@test "without privilege, a bad policy gets the privilege message, not its problems" {
  bad=$SHARED_DIR/bad.json
  echo '{ "version": 1, "limits": { "msgmni": -1 }, "objects": [ { "type": "bogus" } ] }' >"$bad"
  chmod 644 "$bad"
  # The problems are there for whoever may look at them.
  bounded "$NSIPC" policy check "$bad"
  assert_equal "$status" 2
  [ "${#stderr_lines[@]}" -ge 2 ]
  nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
  bounded "${nobody[@]}" "$NSIPC" run --policy "$bad" -- touch "$SHARED_DIR/ran"
  one_line 1 "nsipc: run: needs CAP_SYS_ADMIN"
  [ ! -e "$SHARED_DIR/ran" ]
  bounded "${nobody[@]}" "$NSIPC" ns create z --policy "$bad"
  one_line 1 "nsipc: ns create: needs CAP_SYS_ADMIN"
  [ ! -e "$NSIPC_STATE_DIR" ]
}

# --- 11. the state directory ----------------------------------------------

@test "a state directory that is a symlink, or below a directory anyone may write to, is refused" {
  mkdir "$BATS_TEST_TMPDIR/real"
  ln -s real "$BATS_TEST_TMPDIR/link"
  NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/link bounded "$NSIPC" ns create a
  one_line 1 "nsipc: ns create: state directory $BATS_TEST_TMPDIR/link is not a directory (a symlink?); refusing to use it"
  assert_equal "$(ls -A "$BATS_TEST_TMPDIR/real")" ""

  mkdir "$BATS_TEST_TMPDIR/open"
  chmod 0777 "$BATS_TEST_TMPDIR/open"
  NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/open/state bounded "$NSIPC" ns create a
  one_line 1 "nsipc: ns create: state directory $BATS_TEST_TMPDIR/open/state: $BATS_TEST_TMPDIR/open is writable by others and not sticky; refusing to use it"
  assert_equal "$(ls -A "$BATS_TEST_TMPDIR/open")" ""

  mkdir "$BATS_TEST_TMPDIR/sticky"
  chmod 1777 "$BATS_TEST_TMPDIR/sticky"
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/sticky/state
  bounded "$NSIPC" ns create a
  assert_success
  [ -e "$NSIPC_STATE_DIR/ns/a" ]
  bounded "$NSIPC" ns delete a
  assert_success
  assert_equal "$(ls -A "$NSIPC_STATE_DIR/ns")" ""
}

@test "a record directory of the state directory that others may write to, or another user's, is refused" {
  bounded "$NSIPC" ns create a
  assert_success
  bounded "$NSIPC" ns delete a
  assert_success
  mkdir -p "$NSIPC_STATE_DIR/containers"
  chmod 0777 "$NSIPC_STATE_DIR/containers"
  bounded "$NSIPC" gc --dry-run
  one_line 1 "nsipc: gc: $NSIPC_STATE_DIR/containers must belong to uid 0 and not be writable by others; refusing to use it"
  sleeper unshare --ipc
  b=$BATS_TEST_TMPDIR/b
  mkdir -p "$b"
  echo '{ "ociVersion": "1.0.2", "linux": { "namespaces": [ { "type": "ipc" } ], "readonlyPaths": [ "/proc/sys" ] } }' \
    >"$b/config.json"
  before=$(msgmni_of "$SLEEPER")
  bounded "$NSIPC" hook createRuntime < <(state "$SLEEPER" "$b" m77)
  assert_equal "$status" 1
  [[ $stderr == *"$NSIPC_STATE_DIR/containers must belong to uid 0 and not be writable by others; refusing to use it"* ]]
  assert_equal "$(ledgers)" 0
  chmod 0700 "$NSIPC_STATE_DIR/containers"
  chown 4242 "$NSIPC_STATE_DIR/ns"
  bounded "$NSIPC" ns create a
  one_line 1 "nsipc: ns create: $NSIPC_STATE_DIR/ns must belong to uid 0 and not be writable by others; refusing to use it"
  assert_equal "$(ls -A "$NSIPC_STATE_DIR/ns")" ""
}
