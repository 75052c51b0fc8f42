#!/usr/bin/env bats
# kill -9 between any two syscalls (DESIGN.md §5): strace kills nsipc at a
# chosen system call during ns create, ns apply, hook createRuntime and gc;
# then the documented recovery must leave no pin, mount, record, temp file
# or object inconsistent, and nothing on the host changed.

load common

setup() {
  common_setup
  command -v strace >/dev/null || skip "strace is not installed"
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  PIDS=()
  HOST_BEFORE=$(host_snapshot)
  cat >"$NSIPC_POLICY_DIR/p.json" <<'EOF2'
{ "version": 1, "dev_shm": { "size": "1MiB" },
  "objects": [ { "type": "msg", "key": "0x10" }, { "type": "sem", "key": "0x11", "nsems": 2 },
               { "type": "shm", "key": "0x12", "size": 4096 }, { "type": "mqueue", "name": "/q" } ] }
EOF2
  cat >"$NSIPC_POLICY_DIR/p2.json" <<'EOF2'
{ "version": 1, "objects": [ { "type": "msg", "key": "0x10" }, { "type": "sem", "key": "0x11", "nsems": 2 },
                             { "type": "shm", "key": "0x12", "size": 4096 }, { "type": "mqueue", "name": "/q" },
                             { "type": "msg", "key": "0x20" }, { "type": "shm", "key": "0x22", "size": 4096 } ] }
EOF2
}

teardown() {
  end_spawned
  unmount_below "$BATS_TEST_TMPDIR"
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot | grep -v "$BATS_TEST_TMPDIR")" "$(grep -v "$BATS_TEST_TMPDIR" <<<"$HOST_BEFORE")"
}

# killed_at SYSCALL N CMD...: runs CMD, killed with SIGKILL at its Nth
# SYSCALL; fails unless the kill happened.
killed_at() {
  local call=$1 n=$2
  shift 2
  run strace -f -o /dev/null -e trace="$call" -e inject="$call":signal=KILL:when="$n" -- "$@"
  [ "$status" -eq 137 ] || { echo "not killed at $call #$n (status $status): $output"; return 1; }
}

# What is left of namespace a: its record's state, pin, temp files, mounts.
leftovers() {
  local d=$NSIPC_STATE_DIR/ns
  [ ! -e "$d/a.json" ] || echo "record $(jq -r '.state // "ready"' "$d/a.json")"
  [ ! -e "$d/a" ] || echo "pin"
  ls -A "$d" 2>/dev/null | grep '\.tmp' || true
  grep -c " $d/a " /proc/self/mountinfo | grep -v '^0$' | sed 's/^/mounts /' || true
  grep -c " $NSIPC_STATE_DIR/shm/a " /proc/self/mountinfo | grep -v '^0$' | sed 's/^/dev_shm mounts /' || true
}

keys_in_a() {
  nsenter --ipc="$NSIPC_STATE_DIR/ns/a" sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done' | sort
  "$NSIPC" audit --json | jq -r '.namespaces[] | select(.name == "a") | .objects[] | select(.type == "mqueue") | "mqueue \(.name)"'
}

# The kill points of ns create: the intent record, the empty pin, the pin
# without its inode recorded, each object, the queue's lookup for the
# record, the /dev/shm tmpfs, the last record.
CREATE_POINTS="renameat2:1 unshare:1 renameat2:2 msgget:1 semget:1 shmget:1 mq_open:1 mq_open:2 fsmount:1 move_mount:1 renameat2:3"

@test "ns create killed at any point: ns list shows it incomplete; create again finishes it" {
  for point in $CREATE_POINTS; do
    mkdir -p "$NSIPC_STATE_DIR"
    killed_at "${point%:*}" "${point#*:}" "$NSIPC" ns create a --policy p
    # Visible, or (killed before the first record existed) only a temp file.
    complete=$("$NSIPC" ns list --json | jq -c '[.namespaces[] | select(.name == "a") | .complete]')
    case $point in renameat2:1) assert_equal "$complete" "[]" ;; *) assert_equal "$complete" "[false]" ;; esac
    run "$NSIPC" ns create a --policy p
    assert_success
    assert_equal "$("$NSIPC" ns list --json | jq -c '[.namespaces[] | select(.name == "a") | .complete]')" "[true]"
    assert_equal "$(keys_in_a)" "msg 0x10
sem 0x11
shm 0x12
mqueue /q"
    assert_equal "$(leftovers)" "record ready
pin
mounts 1
dev_shm mounts 1"
    run "$NSIPC" ns delete a
    assert_success
    assert_equal "$(leftovers)" ""
    unmount_below "$NSIPC_STATE_DIR"
    rm -rf "$NSIPC_STATE_DIR"
  done
}

@test "ns create killed at any point: ns delete, or gc --pins, removes every trace" {
  for point in $CREATE_POINTS; do
    for recovery in "ns delete a" "gc --pins --min-idle 0"; do
      mkdir -p "$NSIPC_STATE_DIR"
      killed_at "${point%:*}" "${point#*:}" "$NSIPC" ns create a --policy p
      # Killed before any record: ns delete has nothing to delete (and
      # says so); the next write takes the temp file over.
      if [ "$point" = renameat2:1 ] && [ "$recovery" = "ns delete a" ]; then
        run "$NSIPC" ns delete a
        assert_failure 1
        assert_output "nsipc: ns delete: no namespace a"
      else
        run "$NSIPC" $recovery
        assert_success
      fi
      [ "$point" = renameat2:1 ] || assert_equal "$(leftovers)" ""
      unmount_below "$NSIPC_STATE_DIR"
      rm -rf "$NSIPC_STATE_DIR"
    done
  done
}

# The kill points of ns delete: the record marked "deleting", the pin's
# unmount and file, the /dev/shm tmpfs's unmount and directory, the record.
DELETE_POINTS="renameat2:1 umount2:1 unlinkat:1 umount2:2 rmdir:1 unlinkat:3"

@test "ns delete killed at any point: ns delete, gc --pins or ns create finishes it" {
  for point in $DELETE_POINTS; do
    for recovery in "ns delete a" "gc --pins --min-idle 0" "ns create a --policy p"; do
      mkdir -p "$NSIPC_STATE_DIR"
      "$NSIPC" ns create a --policy p
      killed_at "${point%:*}" "${point#*:}" "$NSIPC" ns delete a
      run "$NSIPC" $recovery
      whole="record ready
pin
mounts 1
dev_shm mounts 1"
      # Killed before its mark, nothing changed: the namespace holds its
      # policy's objects, which gc --pins keeps, and its name is taken.
      case "$point/$recovery" in
        renameat2:1/ns\ create*)
          assert_failure 1
          assert_output "nsipc: ns create: namespace a exists"
          ;;
        renameat2:1/gc* | */ns\ create*)
          assert_success
          assert_equal "$(leftovers)" "$whole"
          ;;
        *)
          assert_success
          assert_equal "$(leftovers)" ""
          ;;
      esac
      "$NSIPC" ns delete a 2>/dev/null || true
      assert_equal "$(leftovers)" ""
      unmount_below "$NSIPC_STATE_DIR"
      rm -rf "$NSIPC_STATE_DIR"
    done
  done
}

@test "ns apply killed at any point: ns list shows it incomplete; apply again finishes it" {
  # The intent, the new objects, the queue's lookup for the record (its
  # plan's is mq_open:1), the record.
  for point in renameat2:1 msgget:1 shmget:1 mq_open:2 renameat2:2; do
    "$NSIPC" ns create a --policy p
    killed_at "${point%:*}" "${point#*:}" "$NSIPC" ns apply a --policy p2
    complete=$("$NSIPC" ns list --json | jq -c '[.namespaces[] | select(.name == "a") | .complete]')
    # The intent is written by the first rename: killed before it, the
    # record is as it was.
    case $point in renameat2:1) assert_equal "$complete" "[true]" ;; *) assert_equal "$complete" "[false]" ;; esac
    # Not a half-made create: nobody is in it, yet gc --pins keeps it with
    # every object, and a create of its name is refused.
    run "$NSIPC" gc --pins --ns a --min-idle 0
    assert_success
    assert_equal "$("$NSIPC" ns list --json | jq -c '[.namespaces[] | .name]')" '["a"]'
    run "$NSIPC" ns create a --policy p
    assert_failure 1
    assert_output --partial "namespace a exists"
    run "$NSIPC" ns apply a --policy p2
    assert_success
    assert_equal "$("$NSIPC" ns list --json | jq -c '[.namespaces[] | select(.name == "a") | [.complete, .policy, (.provisioned | length)]]')" '[[true,"p2",6]]'
    assert_equal "$(leftovers)" "record ready
pin
mounts 1
dev_shm mounts 1"
    "$NSIPC" ns delete a
  done
}

@test "hook createRuntime killed at any point: gc and poststop remove nothing, no ledger is left; the pod's record stays whole" {
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x700", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/pod.json"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  "$NSIPC" ns create pod1 --policy pod
  pin=$NSIPC_STATE_DIR/ns/pod1
  # An orphan by every rule, which a poststop that ran would remove.
  nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" shm 0x501 4096
  spawn nsenter --ipc="$pin" sleep 60
  b=$BATS_TEST_TMPDIR/b
  mkdir "$b"
  jq -n --arg pin "$pin" '{ "linux": { "namespaces": [ { "type": "ipc", "path": $pin } ] } }' >"$b/config.json"
  pod_keys() {
    nsenter --ipc="$pin" sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done' | sort
  }
  # The ledger's intent, the preexisting snapshot's listing, the queue, the
  # named record's update, the ledger's completion.
  for point in renameat2:1 fsmount:1 msgget:1 renameat2:2 renameat2:3; do
    id=c-${point/:/-}
    state=$(jq -nc --arg id "$id" --arg bundle "$b" --argjson pid "${PIDS[0]}" \
      '{ "ociVersion": "1.0.2", "id": $id, "status": "creating", "pid": $pid, "bundle": $bundle,
         "annotations": { "io.nsipc.policy": "member" } }')
    before=$(pod_keys)
    killed_at "${point%:*}" "${point#*:}" "$NSIPC" hook createRuntime <<<"$state"
    after_kill=$(pod_keys)
    # Its ledger, incomplete, keeps every object of the pod from gc, even
    # what it made and had not listed yet (DESIGN.md §6, rule 1).
    if [ -e "$NSIPC_STATE_DIR/containers/$id.json" ]; then
      run "$NSIPC" gc --ns pod1 --min-idle 0
      assert_success
      assert_output --regexp '^removed 0 orphans, kept [1-9][0-9]* in use$'
      assert_equal "$(pod_keys)" "$after_kill"
    fi
    run "$NSIPC" hook --min-idle 0 poststop <<<"{\"id\": \"$id\", \"status\": \"stopped\"}"
    assert_success
    assert_equal "$(pod_keys)" "$after_kill"
    [ ! -e "$NSIPC_STATE_DIR/containers/$id.json" ]
    assert_equal "$(ls -A "$NSIPC_STATE_DIR/containers" | grep -c tmp)" 0
    assert_equal "$(jq -r '.state' "$NSIPC_STATE_DIR/ns/pod1.json")" ready
    grep -q "shm 0x501" <<<"$after_kill"
  done
  # A record's writer killed before its rename leaves a temp file, which the
  # next write of that record takes over, and gc sweeps.
  run "$NSIPC" gc --ns pod1
  assert_success
  assert_equal "$(find "$NSIPC_STATE_DIR/ns" "$NSIPC_STATE_DIR/containers" -name '.*.tmp*' | wc -l)" 0
}

@test "gc killed at any point: nothing mounted is left, and the next gc finishes the job" {
  "$NSIPC" ns create a
  pin=$NSIPC_STATE_DIR/ns/a
  for point in fsmount:1 msgctl:2 semctl:3 shmctl:2; do
    nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" msg 0x30
    nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" sem 0x31 1
    nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" shm 0x32 4096
    nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" mq-create /r
    mounts=$(grep -c . /proc/self/mountinfo)
    killed_at "${point%:*}" "${point#*:}" "$NSIPC" gc --ns a --min-idle 0
    assert_equal "$(grep -c . /proc/self/mountinfo)" "$mounts"
    run "$NSIPC" gc --ns a --min-idle 0
    assert_success
    assert_equal "$(keys_in_a)" ""
  done
}

# held_at SYSCALL N CMD...: starts CMD in the background, stopped as it
# enters its Nth SYSCALL, which then runs once continued; a flock fails
# with EINTR instead (the lock is not taken while stopped, and the retry
# takes it).  HELD is its pid: resume with `kill -CONT "$HELD"`, then
# `wait "$HELD_STRACE"`; its output is in $BATS_TEST_TMPDIR/held.out.
# Stopped is what strace says, not a `t` in ps: a traced process shows
# that at each of its syscalls too, and the test went on while CMD ran.
held_at() {
  local call=$1 n=$2 out=$BATS_TEST_TMPDIR/held.out calls=$BATS_TEST_TMPDIR/held.calls
  local inject=$1:signal=STOP:when=$2
  shift 2
  [ "$call" != flock ] || inject=$call:signal=STOP:error=EINTR:when=$n
  : >"$calls"
  strace -o "$calls" -e trace="$call" -e inject="$inject" -- "$@" <&0 >"$out" 2>&1 &
  HELD_STRACE=$!
  HELD=
  for _ in $(seq 200); do
    grep -q -- '--- stopped by SIGSTOP ---' "$calls" && HELD=$(pgrep -P "$HELD_STRACE") && return 0
    sleep 0.05
  done
  echo "never stopped at $call #$n: $(cat "$out")"
  return 1
}

@test "gc --pins stopped between its judgement and the unpin: an ns apply or a new namespace of the name that comes between is kept" {
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x901", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/rtc-p.json"
  for between in "ns apply a --policy rtc-p" "ns delete a; ns create a" "ns delete a; ns create a --policy rtc-p"; do
    "$NSIPC" ns create a
    # Its flocks: the two record directories (the judgement), then the
    # unpin's.  The namespace made again often gets the deleted one's inode
    # number (under load, 4 runs in 40 unpinned it): gc holds the one it
    # judged open until the unpin, so that no other can have its number.
    held_at flock 3 "$NSIPC" gc --pins --ns a --min-idle 0
    (IFS=';'; for cmd in $between; do eval "\"\$NSIPC\" $cmd"; done)
    want=$(keys_in_a)
    kill -CONT "$HELD"
    wait "$HELD_STRACE"
    assert_equal "$(keys_in_a)" "$want"
    assert_equal "$("$NSIPC" ns list --json | jq -c '[.namespaces[] | [.name, .complete]]')" '[["a",true]]'
    assert_equal "$(leftovers)" "record ready
pin
mounts 1"
    "$NSIPC" ns delete a
    assert_equal "$(leftovers)" ""
  done
}

# start_member ID POLICY: a container of namespace pod1 (a process in it),
# started by the createRuntime hook; MEMBER is its pid.
start_member() {
  local pin=$NSIPC_STATE_DIR/ns/pod1 b=$BATS_TEST_TMPDIR/b
  mkdir -p "$b"
  jq -n --arg pin "$pin" '{ "linux": { "namespaces": [ { "type": "ipc", "path": $pin } ] } }' >"$b/config.json"
  spawn nsenter --ipc="$pin" sleep 60
  MEMBER=${PIDS[-1]}
  jq -nc --arg id "$1" --arg bundle "$b" --argjson pid "$MEMBER" --arg policy "$2" \
    '{ "ociVersion": "1.0.2", "id": $id, "status": "creating", "pid": $pid, "bundle": $bundle,
       "annotations": { "io.nsipc.policy": $policy } }' | "$NSIPC" hook createRuntime
}

@test "a stale ledger's drop by gc, or by poststop, stopped until its id has started again: the new container's ledger stays" {
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  "$NSIPC" ns create pod1
  # gc: the record directories' flocks (the judgement), then the drop's.
  # poststop: the ledger's read, the record directories', then the drop's.
  for dropper in "gc --container rtc-c1 --min-idle 0:3" "hook --min-idle 0 poststop:4"; do
    start_member rtc-c1 member
    kill "$MEMBER"
    wait "$MEMBER" || true
    held_at flock "${dropper##*:}" "$NSIPC" ${dropper%:*} <<<'{"id": "rtc-c1", "status": "stopped"}'
    start_member rtc-c1 member
    kill -CONT "$HELD"
    wait "$HELD_STRACE"
    assert_equal "$(jq -c '[.pid, .complete]' "$NSIPC_STATE_DIR/containers/rtc-c1.json")" "[$MEMBER,true]"
    kill "$MEMBER"
    wait "$MEMBER" || true
    "$NSIPC" hook --min-idle 0 poststop <<<'{"id": "rtc-c1", "status": "stopped"}'
    [ ! -e "$NSIPC_STATE_DIR/containers/rtc-c1.json" ]
  done
}

@test "ns delete while exec has opened the pin but not joined: exec never runs in the deleted namespace with the host's /dev/shm" {
  "$NSIPC" ns create a --policy p
  # exec's last openat before its join opens the pin's namespace.
  strace -o "$BATS_TEST_TMPDIR/calls" -e trace=openat,setns "$NSIPC" exec a -- true
  n=$(sed '/^setns(/q' "$BATS_TEST_TMPDIR/calls" | grep -c '^openat(')
  held_at openat "$n" "$NSIPC" exec a -- sh -c 'df -k /dev/shm | awk "NR == 2 { print \$2 }"'
  "$NSIPC" ns delete a >"$BATS_TEST_TMPDIR/delete.out" 2>&1 &
  deleter=$!
  # Until it is done, or waits for the lock (in flock, syscall 73).
  for _ in $(seq 200); do
    [ -e "/proc/$deleter" ] && [ "$(cut -d' ' -f1 "/proc/$deleter/syscall" 2>/dev/null)" != 73 ] || break
    sleep 0.05
  done
  kill -CONT "$HELD"
  wait "$HELD_STRACE" || true
  delete_status=0
  wait "$deleter" || delete_status=$?
  # Either delete won and exec says there is no namespace, or exec's
  # command ran in the namespace with its /dev/shm (1 MiB), and delete
  # was refused or went after it: never the host's /dev/shm.
  run cat "$BATS_TEST_TMPDIR/held.out"
  if [ "$output" != 1024 ]; then
    assert_output "nsipc: exec: no namespace a"
    assert_equal "$delete_status" 0
  fi
  if [ "$delete_status" -eq 0 ]; then
    assert_equal "$(leftovers)" ""
  else
    assert_equal "$(cat "$BATS_TEST_TMPDIR/delete.out")" "nsipc: ns delete: namespace a is in use by 1 process (pid $HELD); --force unpins it anyway"
  fi
}

@test "ns delete while an audit visits the namespace waits for it to leave, rather than refuse" {
  "$NSIPC" ns create a --policy p
  # audit's first msgctl after it joins a (through its pin) is its first
  # look inside.
  strace -y -o "$BATS_TEST_TMPDIR/calls" -e trace=msgctl,setns "$NSIPC" audit >/dev/null
  n=$(sed "\|^setns([0-9]*<$NSIPC_STATE_DIR/ns/a>|q" "$BATS_TEST_TMPDIR/calls" | grep -c '^msgctl(' || true)
  held_at msgctl $((n + 1)) "$NSIPC" audit
  [ "$(readlink "/proc/$HELD/ns/ipc")" = "ipc:[$(stat -L -c %i "$NSIPC_STATE_DIR/ns/a")]" ]
  "$NSIPC" ns delete a >"$BATS_TEST_TMPDIR/delete.out" 2>&1 &
  deleter=$!
  sleep 0.1
  kill -CONT "$HELD"
  wait "$HELD_STRACE" || true
  wait "$deleter"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/delete.out")" ""
  assert_equal "$(leftovers)" ""
}

@test "exec and run --ns refuse a namespace whose delete was killed, rather than join what is being taken apart" {
  "$NSIPC" ns create a --policy p
  killed_at umount2 1 "$NSIPC" ns delete a
  assert_equal "$(jq -r .state "$NSIPC_STATE_DIR/ns/a.json")" deleting
  for cmd in "exec a" "run --ns a"; do
    run $NSIPC $cmd -- true
    assert_failure 1
    assert_output "nsipc: ${cmd%% *}: namespace a is incomplete (its create or delete was interrupted): run ns create a again, or ns delete"
  done
  run "$NSIPC" ns delete a
  assert_success
  assert_equal "$(leftovers)" ""
}

@test "hook poststop and gc --container killed at any point: what is held or provisioned stays, and gc --container finishes the job" {
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x700", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/pod.json"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  "$NSIPC" ns create pod1 --policy pod
  pin=$NSIPC_STATE_DIR/ns/pod1
  ready=$(mktemp -d /tmp/rtc-ready.XXXXXX)
  chmod 1777 "$ready"
  # A holder of its own segment (attached) and set (last semop).
  spawn nsenter --ipc="$pin" "${AS_USER[@]}" "$IPC_TOOL" hold 0x601 4096 "$ready/hold"
  wait_for "$ready/hold"
  pod_keys() {
    nsenter --ipc="$pin" sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done' | sort
  }
  # The kill points: the census's locks, the queues' listing, each removal,
  # the ledger's drop.
  for cmd in "hook --min-idle 0 poststop" "gc --container rtc-m --min-idle 0"; do
    for point in flock:2 fsmount:1 msgctl:2 semctl:2 shmctl:2 mq_unlink:1 unlinkat:1; do
      start_member rtc-m member
      kill "$MEMBER"
      wait "$MEMBER" || true
      nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" msg 0x30
      nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" sem 0x31 1
      nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" shm 0x32 4096
      nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" mq-create /r
      mounts=$(grep -c . /proc/self/mountinfo)
      run strace -f -o /dev/null -e trace="${point%:*}" -e inject="${point%:*}":signal=KILL:when="${point#*:}" -- \
        "$NSIPC" $cmd <<<'{"id": "rtc-m", "status": "stopped"}'
      [ "$status" -eq 137 ] || { echo "$cmd: not killed at $point (status $status): $output"; false; }
      assert_equal "$(grep -c . /proc/self/mountinfo)" "$mounts"
      run pod_keys
      assert_line "msg 0x710"
      assert_line "shm 0x601"
      assert_line "sem 0x602"
      assert_line "shm 0x700"
      # No half-written record: the ledger is whole or gone.
      [ ! -e "$NSIPC_STATE_DIR/containers/rtc-m.json" ] || jq -e .complete "$NSIPC_STATE_DIR/containers/rtc-m.json" >/dev/null
      run "$NSIPC" gc --container rtc-m --min-idle 0
      [ "$status" -eq 0 ] || assert_output "nsipc: gc: no container rtc-m"
      run "$NSIPC" gc --ns pod1 --min-idle 0
      assert_success
      assert_equal "$(pod_keys)" "msg 0x710
sem 0x602
shm 0x601
shm 0x700"
      [ ! -e "$NSIPC_STATE_DIR/containers/rtc-m.json" ]
      assert_equal "$("$NSIPC" audit --json | jq -r '.namespaces[] | select(.name == "pod1") | .objects[] | select(.type == "mqueue") | .name')" ""
    done
  done
  rm -rf "$ready"
}

@test "exec and run --ns killed at any point of the join and the /dev/shm bind: nothing mounted is left, the namespace stays whole" {
  "$NSIPC" ns create a --policy p
  for cmd in "exec a" "run --ns a"; do
    for point in flock:1 setns:1 unshare:1 mount:1 open_tree:1 move_mount:1 execve:2; do
      mounts=$(grep -c . /proc/self/mountinfo)
      killed_at "${point%:*}" "${point#*:}" "$NSIPC" $cmd -- true
      assert_equal "$(grep -c . /proc/self/mountinfo)" "$mounts"
      assert_equal "$(leftovers)" "record ready
pin
mounts 1
dev_shm mounts 1"
      run "$NSIPC" $cmd -- sh -c 'df -k /dev/shm | awk "NR == 2 { print \$2 }"'
      assert_success
      assert_output 1024
    done
  done
  run "$NSIPC" ns delete a
  assert_success
  assert_equal "$(leftovers)" ""
}

@test "pod members starting and stopping in parallel with gc, audit and ns apply loops: no provisioned object and no ledger is lost" {
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x700", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/pod.json"
  n=8
  for i in $(seq $n); do
    printf '{ "version": 1, "objects": [ { "type": "msg", "key": %d }, { "type": "sem", "key": %d, "nsems": 1 } ] }\n' \
      $((0x8000 + i)) $((0x9000 + i)) >"$NSIPC_POLICY_DIR/m$i.json"
    printf '{ "version": 1, "objects": [ { "type": "shm", "key": %d, "size": 4096 } ] }\n' $((0xa000 + i)) >"$NSIPC_POLICY_DIR/a$i.json"
  done
  "$NSIPC" ns create pod1 --policy pod
  pin=$NSIPC_STATE_DIR/ns/pod1
  stop=$BATS_TEST_TMPDIR/stop
  (while [ ! -e "$stop" ]; do "$NSIPC" gc --ns pod1 --min-idle 0 >>"$BATS_TEST_TMPDIR/gc.out" 2>&1; done) &
  gc_loop=$!
  (while [ ! -e "$stop" ]; do "$NSIPC" audit --json >/dev/null 2>>"$BATS_TEST_TMPDIR/audit.err"; done) &
  audit_loop=$!
  (for i in $(seq $n); do "$NSIPC" ns apply pod1 --policy "a$i" || echo "apply a$i failed"; done >"$BATS_TEST_TMPDIR/apply.out" 2>&1) &
  apply_loop=$!
  member() {
    local i=$1 b=$BATS_TEST_TMPDIR/b$1 round
    mkdir -p "$b"
    jq -n --arg pin "$pin" '{ "linux": { "namespaces": [ { "type": "ipc", "path": $pin } ] } }' >"$b/config.json"
    for round in $(seq 10); do
      nsenter --ipc="$pin" sleep 60 &
      local pid=$!
      jq -nc --arg id "rtc-m$i" --arg bundle "$b" --argjson pid "$pid" --arg policy "m$i" \
        '{ "ociVersion": "1.0.2", "id": $id, "status": "creating", "pid": $pid, "bundle": $bundle,
           "annotations": { "io.nsipc.policy": $policy } }' | "$NSIPC" hook createRuntime || echo "m$i: start $round failed"
      [ "$(jq -c '[.pid, .complete]' "$NSIPC_STATE_DIR/containers/rtc-m$i.json")" = "[$pid,true]" ] || echo "m$i: ledger $round lost"
      kill "$pid"
      wait "$pid" 2>/dev/null || true
      "$NSIPC" hook --min-idle 0 poststop <<<"{\"id\": \"rtc-m$i\", \"status\": \"stopped\"}" 2>/dev/null || echo "m$i: stop $round failed"
    done
  }
  members=()
  for i in $(seq $n); do
    member "$i" >"$BATS_TEST_TMPDIR/m$i.out" 2>&1 &
    members+=($!)
  done
  wait "${members[@]}" "$apply_loop" || true
  touch "$stop"
  wait "$gc_loop" "$audit_loop" || true
  run cat "$BATS_TEST_TMPDIR"/m*.out "$BATS_TEST_TMPDIR/apply.out" "$BATS_TEST_TMPDIR/audit.err"
  assert_output ""
  run grep '^removed [a-z]* key' "$BATS_TEST_TMPDIR/gc.out"
  assert_output ""
  want=$( (echo "shm 0x700"; for i in $(seq $n); do printf 'msg 0x%x\nsem 0x%x\nshm 0x%x\n' $((0x8000 + i)) $((0x9000 + i)) $((0xa000 + i)); done) | sort)
  assert_equal "$(nsenter --ipc="$pin" sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done' | sort)" "$want"
  assert_equal "$(ls -A "$NSIPC_STATE_DIR/containers")" ""
  assert_equal "$("$NSIPC" ns list --json | jq -c '.namespaces[] | [.complete, (.provisioned | length)]')" "[true,$((3 * n + 1))]"
}

@test "audit stopped between listing the ledgers and reading one that a poststop drops meanwhile: audit goes on" {
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  "$NSIPC" ns create pod1
  start_member rtc-x member
  kill "$MEMBER"
  wait "$MEMBER" || true
  # The last directory read before the ledger's open.
  strace -o "$BATS_TEST_TMPDIR/calls" -e trace=getdents64,openat "$NSIPC" audit --json >/dev/null
  n=$(sed '/"rtc-x.json"/q' "$BATS_TEST_TMPDIR/calls" | grep -c '^getdents64(')
  held_at getdents64 "$n" "$NSIPC" audit --json
  "$NSIPC" hook --min-idle 0 poststop <<<'{"id": "rtc-x", "status": "stopped"}'
  [ ! -e "$NSIPC_STATE_DIR/containers/rtc-x.json" ]
  kill -CONT "$HELD"
  audit_status=0
  wait "$HELD_STRACE" || audit_status=$?
  [ "$audit_status" -eq 0 ] || { cat "$BATS_TEST_TMPDIR/held.out"; false; }
  run jq -c '[.namespaces[] | select(.name == "pod1") | .objects[] | [.key, .rule]]' "$BATS_TEST_TMPDIR/held.out"
  assert_output '[["0x00000710","policy"]]'
}

@test "an exec stopped in its join holds up ns delete, not another exec" {
  "$NSIPC" ns create a --policy p
  strace -o "$BATS_TEST_TMPDIR/calls" -e trace=openat,setns "$NSIPC" exec a -- true
  n=$(sed '/^setns(/q' "$BATS_TEST_TMPDIR/calls" | grep -c '^openat(')
  held_at openat "$n" "$NSIPC" exec a -- true
  run timeout 10 "$NSIPC" exec a -- cat /proc/sys/kernel/msgmni
  assert_success
  kill -CONT "$HELD"
  wait "$HELD_STRACE"
  run "$NSIPC" ns delete a
  assert_success
}
