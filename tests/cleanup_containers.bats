#!/usr/bin/env bats
# Cleanup around real containers (DESIGN.md §6): what a policy provisioned
# is never removed, by gc or by poststop, and a start that was refused or
# killed half-way removes nothing at poststop.

load common

setup() {
  common_setup
  command -v runc >/dev/null || skip "runc is not installed"
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  # Our own runc root: `gc --runtime-root` then knows our containers only.
  RUNC_ROOT=$BATS_TEST_TMPDIR/runc
  RUNC_ROOT2=$BATS_TEST_TMPDIR/runc2 # a second runtime, for ids that meet
  PREFIX="nsipc-cc-$$-$BATS_TEST_NUMBER"
  PIDS=()
  HOST_BEFORE=$(host_snapshot)
}

teardown() {
  local id
  end_spawned
  for id in $(runc list -q 2>/dev/null | grep "^$PREFIX-"); do runc delete -f "$id" >/dev/null 2>&1 || true; done
  for id in $(command runc --root "$RUNC_ROOT2" list -q 2>/dev/null | grep "^$PREFIX-"); do
    command runc --root "$RUNC_ROOT2" delete -f "$id" >/dev/null 2>&1 || true
  done
  unmount_below "$BATS_TEST_TMPDIR"
  [ -z "${HOST_SEM:-}" ] || ipcrm -s "$HOST_SEM" 2>/dev/null || true
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot | grep -v "$BATS_TEST_TMPDIR")" "$(grep -v "$BATS_TEST_TMPDIR" <<<"$HOST_BEFORE")"
}

runc() {
  command runc --root "$RUNC_ROOT" "$@"
}

# System V keys in the named namespace pod1, one "type 0xKEY" a line.
pod_keys() {
  nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" sh -c \
    'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done' | sort
}

# join_pod DIR POLICY: the bundle joins pod1 and asks for POLICY.
join_pod() {
  bundle_edit "$1" --arg pin "$NSIPC_STATE_DIR/ns/pod1" --arg policy "$2" '.annotations = { "io.nsipc.policy": $policy }
    | .linux.namespaces |= map(if .type == "ipc" then .path = $pin else . end)'
}

# poststop_by_hand ID: what runc would run at poststop, with the strictest
# idle time, so that anything judged an orphan would go.
poststop_by_hand() {
  "$NSIPC" --state-dir "$NSIPC_STATE_DIR" --policy-dir "$NSIPC_POLICY_DIR" hook --min-idle 0 poststop \
    <<<"{\"id\": \"$1\", \"status\": \"stopped\"}"
}

# poststop_removes_nothing ID: a poststop after a start that did not finish
# says so and leaves pod1 as it was (0x501 before the start, 0x502 after it,
# 0x700 the pod's policy).
poststop_removes_nothing() {
  run poststop_by_hand "$1"
  assert_success
  assert_output "nsipc: hook poststop: container $1: its start was refused or did not finish; removed nothing"
  assert_equal "$(pod_keys)" "shm 0x501
shm 0x502
shm 0x700"
}

@test "a running container's policy objects survive a host-wide gc" {
  cat >"$NSIPC_POLICY_DIR/web.json" <<'EOF2'
{ "version": 1,
  "objects": [
    { "type": "msg", "name": "jobs", "key": "0x1000" },
    { "type": "sem", "name": "locks", "key": "0x1001", "nsems": 1 },
    { "type": "shm", "name": "frames", "key": "0x1002", "size": 4096 },
    { "type": "mqueue", "name": "/events", "max_messages": 4, "message_size": 128 } ] }
EOF2
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ready; exec sleep 30'
  with_hooks "$b" '["--min-idle", "0"]'
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" }'
  id=$(cid 1)
  runc run -d --bundle "$b" "$id" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null || { cat "$BATS_TEST_TMPDIR/out"; false; }
  wait_for "$b/out/ready"
  pid=$(runc state "$id" | jq .pid)
  inode=$(stat -L -c %i "/proc/$pid/ns/ipc")
  run jq '.provisioned | length' "$NSIPC_STATE_DIR/containers/$id.json"
  assert_output 4
  # A real orphan beside them (its creator exits at once): proof that gc
  # did judge this namespace.
  runc exec "$id" ipc-tool shm 0x1005 4096

  # Host-wide gc reaches every container on the machine: only go on if it
  # would remove nothing outside this test's container.
  run "$NSIPC" gc --dry-run --min-idle 0 --json --runtime-root "$RUNC_ROOT"
  assert_success
  others=$(jq --argjson ns "$inode" '[.removed[] | select(.namespace != $ns)] | length' <<<"$output")
  [ "$others" -eq 0 ] || skip "a host-wide gc would remove objects of other containers on this machine"

  run "$NSIPC" gc --min-idle 0 --json --runtime-root "$RUNC_ROOT"
  assert_success
  assert_equal "$(jq -c --argjson ns "$inode" '[.removed[] | select(.namespace == $ns) | .key]' <<<"$output")" '["0x00001005"]'
  # What the container itself sees.
  run runc exec "$id" sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done; ls /dev/mqueue'
  assert_output "msg 0x1000
sem 0x1001
shm 0x1002
events"
  run jq '.provisioned | length' "$NSIPC_STATE_DIR/containers/$id.json"
  assert_output 4
}

@test "two containers in a pod: one's poststop leaves the other's policy objects and ns apply's objects" {
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x700", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/podA.json"
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x700", "size": 4096 },
                                     { "type": "shm", "key": "0x730", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/podA2.json"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/memberA.json"
  echo '{ "version": 1, "objects": [ { "type": "sem", "key": "0x720", "nsems": 1 } ] }' >"$NSIPC_POLICY_DIR/memberB.json"
  "$NSIPC" ns create pod1 --policy podA

  # Both run as a uid other than the provisioning root's: no live creator
  # keeps an object, only the records of what policies provisioned do.  A
  # also leaves a real orphan, proof that its poststop did clean up.
  for x in a b; do
    make_bundle "$BATS_TEST_TMPDIR/$x" '[ "$(hostname)" != a ] || ipc-tool shm 0x501 4096
      touch /out/ready; while [ ! -e /out/go ]; do sleep 0.1; done'
    chmod 777 "$BATS_TEST_TMPDIR/$x/out"
    with_hooks "$BATS_TEST_TMPDIR/$x" '["--min-idle", "0"]'
    bundle_edit "$BATS_TEST_TMPDIR/$x" --arg h "$x" '.process.user = { "uid": 4242, "gid": 4242 } | .hostname = $h'
  done
  a=$BATS_TEST_TMPDIR/a
  b=$BATS_TEST_TMPDIR/b
  join_pod "$a" memberA
  join_pod "$b" memberB
  ida=$(cid a)
  idb=$(cid b)
  runc run -d --bundle "$a" "$ida" >/dev/null 2>&1 </dev/null
  runc run -d --bundle "$b" "$idb" >/dev/null 2>&1 </dev/null
  wait_for "$a/out/ready"
  wait_for "$b/out/ready"
  run "$NSIPC" ns apply pod1 --policy podA2
  assert_success
  assert_equal "$(pod_keys)" "msg 0x710
sem 0x720
shm 0x501
shm 0x700
shm 0x730"

  touch "$a/out/go"
  wait_stopped "$ida"
  run runc delete "$ida"
  assert_success
  expected="msg 0x710
sem 0x720
shm 0x700
shm 0x730"
  assert_equal "$(pod_keys)" "$expected"

  # A's ledger is gone; the namespace's record still protects its queue.
  run "$NSIPC" gc --ns pod1 --min-idle 0
  assert_success
  assert_equal "$(pod_keys)" "$expected"
}

@test "a refused start followed by poststop removes nothing" {
  echo '{ "version": 1, "limits": { "msgmni": 21 }, "objects": [ { "type": "shm", "key": "0x700", "size": 4096 } ] }' \
    >"$NSIPC_POLICY_DIR/pod.json"
  echo '{ "version": 1, "limits": { "msgmni": 22 } }' >"$NSIPC_POLICY_DIR/greedy.json"
  "$NSIPC" ns create pod1 --policy pod
  # An orphan by every rule: its creator's uid has no process left.
  nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" "${AS_GONE[@]}" "$IPC_TOOL" shm 0x501 4096
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  # runc runs poststop itself after a failed createRuntime, at once; without
  # it here, the poststop we run later still finds the ledger of the refused
  # start, and an orphan made in between that is not "pre-existing".
  with_hooks "$b" '["--min-idle", "0"]'
  bundle_edit "$b" 'del(.hooks.poststop)'
  join_pod "$b" greedy
  id=$(cid 1)
  run runc run --bundle "$b" "$id"
  assert_failure
  assert_output --partial "policy greedy asks limits.msgmni = 22, but the shared namespace (namespace pod1, policy pod) has 21"
  [ ! -e "$b/out/ran" ]
  run jq .complete "$NSIPC_STATE_DIR/containers/$id.json"
  assert_output false
  nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" "${AS_GONE[@]}" "$IPC_TOOL" shm 0x502 4096

  poststop_removes_nothing "$id"
  [ ! -e "$NSIPC_STATE_DIR/containers/$id.json" ]
}

@test "a kill -9 of the createRuntime hook, then poststop, removes nothing" {
  command -v strace >/dev/null || skip "strace is not installed"
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x700", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/pod.json"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  "$NSIPC" ns create pod1 --policy pod
  pin=$NSIPC_STATE_DIR/ns/pod1
  nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" shm 0x501 4096
  # The "container": a process in pod1 (nsenter execs sleep: $! is its pid),
  # and a bundle whose config joins pod1.
  spawn nsenter --ipc="$pin" sleep 30
  b=$BATS_TEST_TMPDIR/b
  mkdir "$b"
  jq -n --arg pin "$pin" '{ "linux": { "namespaces": [ { "type": "ipc", "path": $pin } ] } }' >"$b/config.json"
  id=$(cid 1)
  state=$(jq -nc --arg id "$id" --arg bundle "$b" --argjson pid "${PIDS[0]}" \
    '{ "ociVersion": "1.0.2", "id": $id, "status": "creating", "pid": $pid, "bundle": $bundle,
       "annotations": { "io.nsipc.policy": "member" } }')

  # Killed as it creates the policy's queue: after the ledger, before the end.
  run strace -f -o /dev/null -e inject=msgget:signal=KILL -- \
    "$NSIPC" --state-dir "$NSIPC_STATE_DIR" --policy-dir "$NSIPC_POLICY_DIR" hook createRuntime <<<"$state"
  assert_failure 137
  run jq .complete "$NSIPC_STATE_DIR/containers/$id.json"
  assert_output false
  # An orphan made after the hook's snapshot: not "pre-existing" either.
  nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" shm 0x502 4096

  poststop_removes_nothing "$id"
}

# member_bundle DIR SCRIPT NSPATH: an app container of policy member that
# runs SCRIPT as uid 4242 in the pod's IPC namespace at NSPATH, with hooks
# that keep nothing for idleness (--min-idle 0).
member_bundle() {
  make_bundle "$1" "$2"
  chmod 777 "$1/out"
  with_hooks "$1" '["--min-idle", "0"]'
  bundle_edit "$1" '.process.user = { "uid": 4242, "gid": 4242 } | .annotations = { "io.nsipc.policy": "member" }'
  join_ipc "$1" "$3"
}

@test "a pod without a named namespace: a stopped container's ledger protects its policy objects until the namespace is gone" {
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  # The pause container: a process holding an IPC namespace of its own
  # (unshare execs sleep: $! is its pid).
  ipc_sleeper
  pause=$IPC_SLEEPER
  a=$BATS_TEST_TMPDIR/a
  member_bundle "$a" 'ipc-tool shm 0x501 4096; touch /out/ready; while [ ! -e /out/go ]; do sleep 0.1; done' "/proc/$pause/ns/ipc"
  id=$(cid a)
  runc run -d --bundle "$a" "$id" >/dev/null 2>&1 </dev/null
  wait_for "$a/out/ready"
  touch "$a/out/go"
  wait_stopped "$id"
  run runc delete "$id"
  assert_success
  keys() {
    nsenter --ipc=/proc/"$pause"/ns/ipc sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done'
  }
  # poststop removed the orphan, kept the policy's queue.
  assert_equal "$(keys)" "msg 0x710"
  # No record of its own: the ledger stays while the namespace lives, and
  # gc, which reaches the namespace through it, keeps the queue.
  [ -e "$NSIPC_STATE_DIR/containers/$id.json" ]
  run "$NSIPC" exec --container "$id" -- true
  assert_failure 1
  assert_output --partial "nsipc: exec: container $id has stopped"
  run "$NSIPC" gc --container "$id" --min-idle 0 --json --runtime-root "$RUNC_ROOT"
  assert_success
  assert_equal "$(jq -c '[.removed, .records_removed]' <<<"$output")" '[[],[]]'
  assert_equal "$(keys)" "msg 0x710"
  # Once the namespace is gone, so is the record.
  kill "$pause"
  wait "$pause" || true
  run "$NSIPC" gc --container "$id" --min-idle 0 --runtime-root "$RUNC_ROOT"
  assert_success
  assert_line "dropped stale record of container $id"
  [ ! -e "$NSIPC_STATE_DIR/containers/$id.json" ]
}

@test "a pod whose sandbox stops first: its ledger stays while the app containers hold its namespace, and gc keeps its policy's objects" {
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x700" }, { "type": "sem", "key": "0x701", "nsems": 1 } ] }' >"$NSIPC_POLICY_DIR/pod.json"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  # The sandbox: a container of its own IPC namespace, its policy "pod".
  s=$BATS_TEST_TMPDIR/s
  make_bundle "$s" 'exec sleep 60'
  with_hooks "$s" '["--min-idle", "0"]'
  bundle_edit "$s" '.annotations = { "io.nsipc.policy": "pod" }'
  sid=$(cid s)
  runc run -d --bundle "$s" "$sid" >/dev/null 2>&1 </dev/null
  spid=$(runc state "$sid" | jq .pid)
  # Its ledger names the namespace by a file handle, which poststop asks first.
  run jq -r .ns_handle "$NSIPC_STATE_DIR/containers/$sid.json"
  assert_output --regexp '^[0-9]+:[0-9a-f]+$'
  # The app container joins it, as a uid that created nothing there.
  a=$BATS_TEST_TMPDIR/a
  member_bundle "$a" 'touch /out/ready; exec sleep 60' "/proc/$spid/ns/ipc"
  aid=$(cid a)
  runc run -d --bundle "$a" "$aid" >/dev/null 2>&1 </dev/null
  wait_for "$a/out/ready"
  apid=$(runc state "$aid" | jq .pid)
  keys() {
    nsenter --ipc=/proc/"$apid"/ns/ipc sh -c 'for t in msg sem; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done'
  }
  # gc removes nothing: every object of both policies stays.
  gc_keeps_all() {
    run "$NSIPC" gc --min-idle 0 --json --runtime-root "$RUNC_ROOT"
    assert_success
    assert_equal "$(jq -c '[.removed, .records_removed]' <<<"$output")" '[[],[]]'
    assert_equal "$(keys)" "msg 0x700
msg 0x710
sem 0x701"
  }
  assert_equal "$(keys)" "msg 0x700
msg 0x710
sem 0x701"
  # The sandbox's process dies first (OOM, a crash); its poststop runs.
  runc kill "$sid" KILL
  wait_stopped "$sid"
  run runc delete "$sid"
  assert_success
  run "$NSIPC" hook --min-idle 0 poststop <<<"{\"id\": \"$sid\", \"status\": \"stopped\"}"
  assert_success
  assert_output --regexp "^nsipc: hook poststop: container $sid: its IPC namespace [0-9]+ outlives it \(1 process in it\); removed nothing, the record stays to keep the policy's objects$"
  [ -e "$NSIPC_STATE_DIR/containers/$sid.json" ]
  # The pod's namespace lives on: nothing of either policy is an orphan.
  gc_keeps_all
  # The sandbox's id again, for a new container of its own namespace: the
  # stopped sandbox's ledger still protects the pod's objects.
  rm -rf "$s"
  make_bundle "$s" true
  with_hooks "$s" '["--min-idle", "0"]'
  bundle_edit "$s" '.annotations = { "io.nsipc.policy": "member" }'
  run runc run --bundle "$s" "$sid"
  assert_success
  gc_keeps_all
  retired=$(ls "$NSIPC_STATE_DIR/containers" | sed -n "s/^\($sid\.stopped-[0-9]*\)\.json\$/\1/p")
  [ -n "$retired" ]
  # Once the last container of the pod is gone, so are the records.
  runc kill "$aid" KILL
  wait_stopped "$aid"
  runc delete "$aid"
  run "$NSIPC" gc --min-idle 0 --runtime-root "$RUNC_ROOT"
  assert_success
  assert_line "dropped stale record of container $retired"
  [ ! -e "$NSIPC_STATE_DIR/containers/$retired.json" ]
}

@test "a container that restarts in a pod keeps one ledger, not one per start; the policy's objects stay protected" {
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x720" } ] }' >"$NSIPC_POLICY_DIR/other.json"
  ipc_sleeper
  pause=$IPC_SLEEPER
  keys() {
    nsenter --ipc=/proc/"$pause"/ns/ipc awk 'NR > 1 { printf "msg 0x%x\n", $1 }' /proc/sysvipc/msg
  }
  records() {
    ls "$NSIPC_STATE_DIR/containers" | sed 's/\.json$//' | sort | tr '\n' ' '
  }
  a=$BATS_TEST_TMPDIR/a
  make_bundle "$a" true
  with_hooks "$a" '["--min-idle", "0"]'
  bundle_edit "$a" '.annotations = { "io.nsipc.policy": "other" }'
  join_ipc "$a" "/proc/$pause/ns/ipc"
  run runc run --bundle "$a" "$(cid o)"
  assert_success
  # The same container, started again and again (a crash loop: CRI gives
  # each start a new id), under the pod's policy.
  bundle_edit "$a" '.annotations = { "io.nsipc.policy": "member" }'
  for i in 1 2 3 4; do
    run runc run --bundle "$a" "$(cid "$i")"
    assert_success
  done
  assert_equal "$(records)" "$(cid 4) $(cid o) "
  run "$NSIPC" gc --min-idle 0 --json --runtime-root "$RUNC_ROOT"
  assert_success
  assert_equal "$(jq -c '[.removed, .records_removed]' <<<"$output")" '[[],[]]'
  assert_equal "$(keys)" "msg 0x720
msg 0x710"
  # Once the pod is gone, so are the records.
  end_spawned
  PIDS=()
  run "$NSIPC" gc --min-idle 0 --runtime-root "$RUNC_ROOT"
  assert_success
  assert_equal "$(records)" ""
}

@test "an id used again: a stopped container's ledger still protects its policy objects; a running one's is never replaced" {
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x720" } ] }' >"$NSIPC_POLICY_DIR/own.json"
  ipc_sleeper
  pause=$IPC_SLEEPER
  keys() {
    nsenter --ipc=/proc/"$pause"/ns/ipc awk 'NR > 1 { printf "msg 0x%x\n", $1 }' /proc/sysvipc/msg
  }
  a=$BATS_TEST_TMPDIR/a
  make_bundle "$a" true
  with_hooks "$a" '["--min-idle", "0"]'
  bundle_edit "$a" '.annotations = { "io.nsipc.policy": "member" }'
  join_ipc "$a" "/proc/$pause/ns/ipc"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ready; sleep 60'
  with_hooks "$b" '["--min-idle", "0"]'
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "own" }'
  id=$(cid 1)
  run runc run --bundle "$a" "$id"
  assert_success
  assert_equal "$(keys)" "msg 0x710"
  # The same id again, in a namespace of its own: the first container's
  # ledger is kept under another name, and gc still keeps its queue.
  runc run -d --bundle "$b" "$id" >/dev/null 2>&1 </dev/null
  wait_for "$b/out/ready"
  run jq -r .bundle "$NSIPC_STATE_DIR/containers/$id.json"
  assert_output "$b"
  retired=$(ls "$NSIPC_STATE_DIR/containers" | sed -n "s/^\($id\.stopped-[0-9]*\)\.json\$/\1/p")
  [ -n "$retired" ]
  run "$NSIPC" gc --container "$retired" --min-idle 0 --json --runtime-root "$RUNC_ROOT"
  assert_success
  assert_equal "$(jq -c '[.removed, .records_removed]' <<<"$output")" '[[],[]]'
  assert_equal "$(keys)" "msg 0x710"
  # The same id in another runtime, while the container runs: refused; the
  # running one's ledger stays, and the refused one's poststop leaves it.
  c=$BATS_TEST_TMPDIR/c
  make_bundle "$c" true
  with_hooks "$c"
  bundle_edit "$c" '.annotations = { "io.nsipc.policy": "own" }'
  run command runc --root "$RUNC_ROOT2" run --bundle "$c" "$id"
  assert_failure
  assert_output --regexp "nsipc: hook createRuntime: container $id: a running container \(process [0-9]+, bundle $b\) has this id: ids must be unique among the runtimes that share a state directory"
  run "$NSIPC" hook poststop <<<"{\"id\": \"$id\", \"status\": \"stopped\", \"bundle\": \"$c\"}"
  assert_success
  assert_output --regexp "^nsipc: hook poststop: container $id: its ledger is of a running container \(process [0-9]+, bundle $b\), left alone$"
  run jq -r .bundle "$NSIPC_STATE_DIR/containers/$id.json"
  assert_output "$b"
  run "$NSIPC" exec --container "$id" -- awk 'NR > 1 { printf "msg 0x%x\n", $1 }' /proc/sysvipc/msg
  assert_output "msg 0x720"
  runc kill "$id" KILL
  wait_stopped "$id"
  runc delete "$id"
  [ ! -e "$NSIPC_STATE_DIR/containers/$id.json" ]
  # Once the shared namespace is gone, gc drops the kept record.
  end_spawned
  run "$NSIPC" gc --container "$retired" --min-idle 0 --runtime-root "$RUNC_ROOT"
  assert_success
  assert_line "dropped stale record of container $retired"
}

@test "a container sharing the host's IPC namespace cannot loosen how gc --host judges it: its policy's cleanup \"by-pid\" is not the host's" {
  # A host semaphore set of ours whose creator's uid still runs a process
  # that has not used it yet (rule 6); removed by us, by id, in teardown.
  "${AS_GONE[@]}" "$IPC_TOOL" sem 0x7fffff21 1
  HOST_SEM=$(ipcs -s | awk '$1 == "0x7fffff21" { print $2 }')
  spawn "${AS_GONE[@]}" sleep 60
  host_sem_removed() {
    run "$NSIPC" gc --min-idle 0 --dry-run --host --json --runtime-root "$RUNC_ROOT"
    assert_success
    jq -c '[.removed[] | select(.key == "0x7fffff21")] | length' <<<"$output"
  }
  assert_equal "$(host_sem_removed)" 0
  # A container in the host's IPC namespace names a policy of "by-pid".
  echo '{ "version": 1, "cleanup": "by-pid" }' >"$NSIPC_POLICY_DIR/loose.json"
  a=$BATS_TEST_TMPDIR/a
  make_bundle "$a" 'exec sleep 60'
  with_hooks "$a"
  bundle_edit "$a" '.annotations = { "io.nsipc.policy": "loose" } | .linux.namespaces |= map(select(.type != "ipc"))'
  id=$(cid 1)
  runc run -d --bundle "$a" "$id" >/dev/null 2>&1 </dev/null
  assert_equal "$(jq -r '"\(.ns_kind) \(.cleanup)"' "$NSIPC_STATE_DIR/containers/$id.json")" "host by-pid"
  assert_equal "$(host_sem_removed)" 0
  run "$NSIPC" audit --json --runtime-root "$RUNC_ROOT"
  assert_equal "$(jq -r '.namespaces[] | select(.kind == "host") | .objects[] | select(.key == "0x7fffff21") | .rule' <<<"$output")" "creator-uid"
}

@test "poststop logs each removal and its summary to syslog, and only then" {
  command -v perl >/dev/null || skip "perl is not installed"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  "$NSIPC" ns create pod1
  pin=$NSIPC_STATE_DIR/ns/pod1
  # The "container": a process in pod1 (nsenter execs sleep: $! is its pid),
  # a bundle whose config joins pod1, and the orphan it leaves.
  spawn nsenter --ipc="$pin" sleep 60
  b=$BATS_TEST_TMPDIR/b
  mkdir "$b"
  jq -n --arg pin "$pin" '{ "linux": { "namespaces": [ { "type": "ipc", "path": $pin } ] } }' >"$b/config.json"
  id=$(cid 1)
  jq -nc --arg id "$id" --arg bundle "$b" --argjson pid "${PIDS[0]}" \
    '{ "ociVersion": "1.0.2", "id": $id, "status": "creating", "pid": $pid, "bundle": $bundle,
       "annotations": { "io.nsipc.policy": "member" } }' >"$BATS_TEST_TMPDIR/state.json"
  "$NSIPC" --state-dir "$NSIPC_STATE_DIR" --policy-dir "$NSIPC_POLICY_DIR" hook createRuntime <"$BATS_TEST_TMPDIR/state.json"
  nsenter --ipc="$pin" "${AS_GONE[@]}" "$IPC_TOOL" shm 0x502 4096
  end_spawned
  PIDS=()

  poststop() {
    with_syslog "$BATS_TEST_TMPDIR/syslog" \
      "$NSIPC" --state-dir "$NSIPC_STATE_DIR" --policy-dir "$NSIPC_POLICY_DIR" hook --min-idle 0 poststop \
      <<<"{\"id\": \"$id\", \"status\": \"stopped\"}"
  }
  run poststop
  assert_success
  assert_output --regexp "^nsipc: hook poststop: container $id: .*removed 1"
  run grep -c "nsipc\[[0-9]*\]:" "$BATS_TEST_TMPDIR/syslog"
  assert_output 2
  run grep "nsipc\[[0-9]*\]:" "$BATS_TEST_TMPDIR/syslog"
  assert_line --index 0 --regexp "^<30>.* nsipc\[[0-9]+\]: container $id: removed shm key 0x00000502 .*creator pid [0-9]+ gone$"
  assert_line --index 1 --regexp "^<30>.* nsipc\[[0-9]+\]: container $id: removed 1 orphan, kept 1 in use, "
  assert_equal "$(pod_keys)" "msg 0x710"

  # Nothing removed (the ledger has gone): a note on stderr, no syslog.
  run poststop
  assert_success
  assert_output "nsipc: hook poststop: container $id: no ledger, nothing to clean"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/syslog")" "ready
end"
}
