#!/usr/bin/env bats
# Resources running out under nsipc (EMFILE, ENOSPC, kernel limits): each
# failure is one line and a non-zero exit, and never a reason to remove an
# object or lose a record.  strace injects the error at a chosen call, so
# that the failure is where the test says, not where a limit happens to bite.

load common

setup() {
  common_setup
  command -v strace >/dev/null || skip "strace is not installed"
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  PIDS=()
  READY_DIR=$(mktemp -d /tmp/rtc-ready.XXXXXX)
  chmod 1777 "$READY_DIR"
  READY=$READY_DIR/r
  HOST_BEFORE=$(host_snapshot)
}

teardown() {
  end_spawned
  unmount_below "$BATS_TEST_TMPDIR"
  rm -rf "$READY_DIR"
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot | grep -v "$BATS_TEST_TMPDIR")" "$(grep -v "$BATS_TEST_TMPDIR" <<<"$HOST_BEFORE")"
}

# pod_member OBJECT: the named namespace rtc-pod (policy pod: shm 0x700)
# with a process in it, and in $state the OCI state of a container rtc-c1
# of that process that joins it with policy member (OBJECT).
pod_member() {
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x700", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/pod.json"
  echo "{ \"version\": 1, \"objects\": [ $1 ] }" >"$NSIPC_POLICY_DIR/member.json"
  "$NSIPC" ns create rtc-pod --policy pod
  local pin=$NSIPC_STATE_DIR/ns/rtc-pod b=$BATS_TEST_TMPDIR/b
  spawn nsenter --ipc="$pin" sleep 60
  mkdir "$b"
  jq -n --arg pin "$pin" '{ "linux": { "namespaces": [ { "type": "ipc", "path": $pin } ] } }' >"$b/config.json"
  state=$(jq -nc --arg bundle "$b" --argjson pid "${PIDS[0]}" \
    '{ "ociVersion": "1.0.2", "id": "rtc-c1", "status": "creating", "pid": $pid, "bundle": $bundle,
       "annotations": { "io.nsipc.policy": "member" } }')
}

# failing_at ERRNO PATH CMD...: runs CMD with every call on PATH failing
# with ERRNO.
failing_at() {
  local errno=$1 path=$2
  shift 2
  run strace -f -o /dev/null -P "$path" -e inject=all:error="$errno" -- "$@"
}

objects_in() {
  {
    nsenter --ipc="$NSIPC_STATE_DIR/ns/$1" sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done'
    "$NSIPC" audit --json | jq -r --arg n "$1" '.namespaces[] | select(.name == $n) | .objects[] | select(.type == "mqueue") | "mqueue \(.name)"'
  } | sort
}

@test "EMFILE reading a holder's open files: gc removes no queue it holds" {
  "$NSIPC" ns create rtc-t
  pin=$NSIPC_STATE_DIR/ns/rtc-t
  nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" mq-create /held
  spawn nsenter --ipc="$pin" "${AS_USER[@]}" "$IPC_TOOL" mq-open /held "$READY.open"
  wait_for "$READY.open"
  # Every table but the holder's is read: its queue must not pass for
  # one nobody holds.
  failing_at EMFILE "/proc/${PIDS[0]}/fd" "$NSIPC" gc --ns rtc-t --min-idle 0
  assert_success
  assert_output "removed 0 orphans, kept 1 in use"
  failing_at EMFILE "/proc/${PIDS[0]}/fd" "$NSIPC" audit --json
  assert_equal "$(jq -r '.namespaces[] | select(.name == "rtc-t") | .objects[] | .reason' <<<"$output")" \
    "who holds it open could not be read"
  assert_equal "$(objects_in rtc-t)" "mqueue /held"
}

@test "EMFILE reading a blocked receiver's /proc/PID/syscall: gc keeps its queue, under cleanup by-pid too" {
  echo '{ "version": 1, "cleanup": "by-pid" }' >"$NSIPC_POLICY_DIR/bypid.json"
  "$NSIPC" ns create rtc-b --policy bypid
  pin=$NSIPC_STATE_DIR/ns/rtc-b
  nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" msg 0x530
  spawn nsenter --ipc="$pin" "${AS_USER[@]}" "$IPC_TOOL" wait-recv 0x530 "$READY.recv"
  wait_for "$READY.recv"
  for _ in $(seq 100); do grep -q '^70 ' /proc/"${PIDS[0]}"/syscall && break; sleep 0.02; done
  # by-pid drops rule 6, not rule 3: the one process not read may be the
  # one blocked.
  failing_at EMFILE "/proc/${PIDS[0]}/syscall" "$NSIPC" gc --ns rtc-b --min-idle 0
  assert_success
  assert_output "removed 0 orphans, kept 1 in use"
  assert_equal "$(objects_in rtc-b)" "msg 0x530"
  kill -0 "${PIDS[0]}"
}

@test "EMFILE listing the ledgers: gc stops, and a killed createRuntime's segment stays" {
  pod_member '{ "type": "shm", "key": "0x710", "size": 4096 }'
  # Killed after its segment, before the pod's record lists it: only its
  # incomplete ledger keeps the segment.
  run strace -f -o /dev/null -e trace=renameat2 -e inject=renameat2:signal=KILL:when=2 -- "$NSIPC" hook createRuntime <<<"$state"
  assert_equal "$status" 137
  assert_equal "$(objects_in rtc-pod)" "shm 0x700
shm 0x710"
  # The first directory listing is the named records', the second the
  # ledgers'.
  run strace -f -o /dev/null -e trace=dup -e inject=dup:error=EMFILE:when=2 -- "$NSIPC" gc --min-idle 0
  assert_failure 1
  assert_output "nsipc: gc: $NSIPC_STATE_DIR/containers: list its records: Too many open files"
  run strace -f -o /dev/null -e trace=dup -e inject=dup:error=EMFILE:when=1 -- "$NSIPC" gc --ns rtc-pod --min-idle 0
  assert_failure 1
  assert_output "nsipc: gc: $NSIPC_STATE_DIR/ns: list its records: Too many open files"
  run strace -f -o /dev/null -e trace=dup -e inject=dup:error=EMFILE:when=1 -- "$NSIPC" ns list
  assert_failure 1
  assert_output "nsipc: ns list: $NSIPC_STATE_DIR/ns: list its records: Too many open files"
  assert_equal "$(objects_in rtc-pod)" "shm 0x700
shm 0x710"
}

@test "EMFILE reading a live creator's /proc/PID/stat: gc keeps its segment" {
  "$NSIPC" ns create rtc-t
  pin=$NSIPC_STATE_DIR/ns/rtc-t
  # A creator that lives on, never attached: only its pid keeps the segment
  # (rule 2; no creator-uid rule for shm).
  spawn nsenter --ipc="$pin" "${AS_USER[@]}" python3 -c '
import ctypes, sys, time
if ctypes.CDLL(None).shmget(0x520, 4096, 0o1666) < 0: sys.exit(1)
open(sys.argv[1], "w").close()
time.sleep(60)' "$READY.made"
  wait_for "$READY.made"
  # Its own start time, or the boot time all start times count from.
  for file in "/proc/${PIDS[0]}/stat" /proc/stat; do
    failing_at EMFILE "$file" "$NSIPC" gc --ns rtc-t --min-idle 0
    assert_success
    assert_output "removed 0 orphans, kept 1 in use"
    assert_equal "$(objects_in rtc-t)" "shm 0x520"
  done
}

# no_space_from N CMD...: runs CMD with its Nth and later writes of a
# record of namespace rtc-w (through its temp file) failing with ENOSPC.
no_space_from() {
  local n=$1
  shift
  run strace -f -o /dev/null -P "$NSIPC_STATE_DIR/ns/.rtc-w.json.tmp" -e trace=write -e inject=write:error=ENOSPC:when="$n+" -- "$@"
}

@test "ENOSPC writing a namespace's record: ns create fails in one line and leaves nothing; apply and delete change nothing" {
  echo '{ "version": 1, "dev_shm": { "size": "1MiB" }, "objects": [ { "type": "shm", "key": "0x901", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/p.json"
  mkdir -p "$NSIPC_STATE_DIR"
  # The intent is written; the pin's inode, or the last record, is not.
  for n in 2 3; do
    no_space_from "$n" "$NSIPC" ns create rtc-w --policy p
    assert_failure 1
    assert_output "nsipc: ns create: rtc-w: write rtc-w.json: No space left on device"
    assert_equal "$("$NSIPC" ns list --json | jq -c '.namespaces')" "[]"
    assert_equal "$(ls -A "$NSIPC_STATE_DIR/ns")" ""
    assert_equal "$(grep -c " $NSIPC_STATE_DIR/ns/rtc-w \| $NSIPC_STATE_DIR/shm/rtc-w " /proc/self/mountinfo)" 0
  done
  "$NSIPC" ns create rtc-w --policy p
  before=$(cat "$NSIPC_STATE_DIR/ns/rtc-w.json")
  for cmd in "ns apply rtc-w --policy p" "ns delete rtc-w"; do
    no_space_from 1 "$NSIPC" $cmd
    assert_failure 1
    assert_output "nsipc: ${cmd% rtc-w*}: write rtc-w.json: No space left on device"
    assert_equal "$(cat "$NSIPC_STATE_DIR/ns/rtc-w.json")" "$before"
  done
  run "$NSIPC" ns delete rtc-w
  assert_success
  assert_equal "$(ls -A "$NSIPC_STATE_DIR/ns")" ""
}

@test "EMFILE opening a named namespace's pin while reading the records: gc stops rather than judge without them" {
  pod_member '{ "type": "msg", "key": "0x710" }'
  "$NSIPC" hook createRuntime <<<"$state"
  # The first open of the pin is the records' reading.  Only the opens in
  # STATE_DIR/ns are counted: those of /proc before it vary with the
  # host's processes.
  strace -o "$BATS_TEST_TMPDIR/calls" -P "$NSIPC_STATE_DIR/ns" -e trace=openat "$NSIPC" gc --container rtc-c1 --dry-run >/dev/null
  n=$(sed '/"rtc-pod", O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_PATH/q' "$BATS_TEST_TMPDIR/calls" | grep -c '^openat(')
  run strace -o /dev/null -P "$NSIPC_STATE_DIR/ns" -e trace=openat -e inject=openat:error=EMFILE:when="$n" -- \
    "$NSIPC" gc --container rtc-c1 --min-idle 0
  assert_failure 1
  assert_output "nsipc: gc: namespace rtc-pod: open pin rtc-pod: Too many open files; it may keep objects, so nothing is judged"
  assert_equal "$(objects_in rtc-pod)" "msg 0x710
shm 0x700"
}
