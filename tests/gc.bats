#!/usr/bin/env bats
# audit and gc with real processes: what is in use stays, what is orphaned
# goes, and only within the scope asked.

load common

setup() {
  common_setup
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  PIDS=()
  READY=$BATS_TEST_TMPDIR/ready
  HOST_BEFORE=$(host_snapshot)
}

teardown() {
  local id
  end_spawned
  for id in $(runc list -q 2>/dev/null | grep "^nsipc-gc-$$-"); do runc delete -f "$id" >/dev/null 2>&1 || true; done
  unmount_below "$BATS_TEST_TMPDIR"
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot | grep -v "$BATS_TEST_TMPDIR")" "$(grep -v "$BATS_TEST_TMPDIR" <<<"$HOST_BEFORE")"
}

in_pod() {
  nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" "$@"
}

keys() {
  in_pod sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done'
}

# The pod: a provisioned segment; a PostgreSQL-like holder whose objects a
# short-lived child created; a queue whose receiver waits; an orphan.
make_pod() {
  echo '{ "version": 1, "objects": [ { "type": "shm", "name": "frames", "key": "0x700", "size": 4096 } ] }' \
    >"$NSIPC_POLICY_DIR/pod.json"
  "$NSIPC" ns create pod1 --policy pod
  # Made by a uid that has no process left: only the holder keeps them.
  in_pod "${AS_GONE[@]}" "$IPC_TOOL" shm 0x601 8192   # creator-child: exits at once
  in_pod "${AS_GONE[@]}" "$IPC_TOOL" sem 0x602 1
  # nsenter execs the tool: the pid we keep is the holder's.
  spawn nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" "$IPC_TOOL" hold 0x601 8192 "$READY.hold"
  spawn nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" "$IPC_TOOL" recv 0x650 "$READY.recv"
  wait_for "$READY.hold"
  wait_for "$READY.recv"
  in_pod "${AS_GONE[@]}" "$IPC_TOOL" shm 0x501 4096   # orphan: dead creator, never attached
}

@test "gc keeps the holder, the waiting receiver and the provisioned segment; removes the orphan" {
  make_pod
  run "$NSIPC" gc --min-idle 0 --ns pod1
  assert_success
  assert_line --regexp '^removed shm key 0x00000501 id [0-9]+ from IPC namespace [0-9]+ pod1: not attached, creator pid [0-9]+ gone$'
  assert_line "removed 1 orphan, kept 4 in use"
  run keys
  assert_output "msg 0x650
sem 0x602
shm 0x700
shm 0x601"
  # The holder keeps it after a second run too.
  run "$NSIPC" gc --min-idle 0 --ns pod1 --json
  assert_success
  assert_equal "$(jq -c '[.dry_run, (.removed | length), .kept_in_use, .errors]' <<<"$output")" '[false,0,4,[]]'
}

@test "--dry-run removes nothing and lists exactly what the real run removes" {
  make_pod
  in_pod "${AS_GONE[@]}" "$IPC_TOOL" msg 0x502
  before=$(keys)
  run "$NSIPC" gc --min-idle 0 --ns pod1 --dry-run --json
  assert_success
  dry=$(jq -c '[.removed[] | {type, key, id, namespace}] | sort' <<<"$output")
  assert_equal "$(jq .dry_run <<<"$output")" true
  assert_equal "$(keys)" "$before"
  run "$NSIPC" gc --min-idle 0 --ns pod1 --json
  assert_success
  assert_equal "$(jq -c '[.removed[] | {type, key, id, namespace}] | sort' <<<"$output")" "$dry"
  assert_equal "$(jq -c '[.removed[].key] | sort' <<<"$output")" '["0x00000501","0x00000502"]'
}

@test "the holder's objects stay after its creator-child is long gone; they go once it exits" {
  make_pod
  "$NSIPC" gc --min-idle 0 --ns pod1 >/dev/null
  kill "${PIDS[0]}"
  wait "${PIDS[0]}" || true
  run "$NSIPC" gc --min-idle 0 --ns pod1 --json
  assert_success
  assert_equal "$(jq -c '[.removed[].key] | sort' <<<"$output")" '["0x00000601","0x00000602"]'
}

@test "audit --json follows the contract" {
  make_pod
  run "$NSIPC" audit --min-idle 0 --json
  assert_success
  json=$output
  # Top level, and every namespace and object, with the contract's types.
  run jq -e '
    (.skipped | type == "number") and (.namespaces | type == "array") and
    all(.namespaces[];
      (.inode | type == "number") and (.kind | IN("host", "private", "shared", "pinned")) and
      (.owners | type == "array") and all(.owners[]; (.runtime | IN("nsipc", "runc", "crun", "docker", "podman", "containerd", "crio", "unknown")) and (.pids | type == "array")) and
      (.limits | type == "object") and all(.limits[]; type == "number") and
      (.usage.shm.count | type == "number") and (.usage.msg.bytes | type == "number") and (.usage.sem.semaphores | type == "number") and
      all(.objects[];
        (.type | IN("msg", "sem", "shm", "mqueue")) and (.mode | test("^0[0-7]{3}$")) and
        (.uid | type == "number") and (.gid | type == "number") and (.cuid | type == "number") and (.cgid | type == "number") and
        (.orphan | type == "boolean") and (.policy_object == null or (.policy_object | type == "string")) and
        (if .type == "mqueue" then (.name | startswith("/")) else (.key | test("^0x[0-9a-f]{8}$")) and (.id | type == "number") end) and
        (if .type == "shm" then (.size | type == "number") and (.nattch | type == "number") and (.lpid | type == "number") and (.cpid | type == "number") else true end) and
        (if .type == "sem" then (.nsems | type == "number") else true end) and
        (if .type == "msg" then (.bytes | type == "number") and (.messages | type == "number") and (.lspid | type == "number") and (.lrpid | type == "number") else true end)))' <<<"$json"
  assert_success
  inode=$(stat -L -c %i "$NSIPC_STATE_DIR/ns/pod1")
  run jq -c --argjson i "$inode" '.namespaces[] | select(.inode == $i) | [.kind, .name, (.objects | map([.key, .policy_object, .orphan]) | sort)]' <<<"$json"
  assert_output '["pinned","pod1",[["0x00000501",null,true],["0x00000601",null,false],["0x00000602",null,false],["0x00000650",null,false],["0x00000700","frames",false]]]'
  run jq -c '.namespaces[] | select(.kind == "host") | .inode' <<<"$json"
  assert_output "$(stat -L -c %i /proc/self/ns/ipc)"
  # Integers are exact, past 2^63 too (a fresh namespace's shmmax is
  # 2^64 - 2^24 - 1): the text has the kernel's digits, not a float.
  inode=$(stat -L -c %i "$NSIPC_STATE_DIR/ns/pod1")
  shmmax=$(nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" cat /proc/sys/kernel/shmmax)
  [[ $json == *"\"shmmax\": $shmmax"[,$'\n']* ]] || fail "shmmax $shmmax is not written exactly"
  [[ $json != *e+* && $json != *E+* ]] || fail "a number in exponent form"
  # A key has one type everywhere: ns list agrees with audit.
  run "$NSIPC" ns list --json
  assert_equal "$(jq -c '[.namespaces[] | select(.name == "pod1") | .provisioned[] | select(.type != "mqueue") | .key]' <<<"$output")" \
    "$(jq -c --argjson i "$inode" '[.namespaces[] | select(.inode == $i) | .objects[] | select(.policy_object != null and .type != "mqueue") | .key]' <<<"$json")"
}

@test "audit reads each namespace's own limits, past the proc instance it reads 16 of them through" {
  # The mqueue and shm_rmid_forced limits have no *_INFO call: audit reads
  # them in its own proc instance, a new one every 16 namespaces
  # (nsipc/limits.c). 40 namespaces, each with limits of its own.
  local i pin want=""
  for ((i = 0; i < 40; i++)); do
    pin=$BATS_TEST_TMPDIR/pin$i
    touch "$pin"
    unshare --ipc="$pin" true
    nsenter --ipc="$pin" sh -c "echo $((100 + i)) >/proc/sys/fs/mqueue/queues_max
      echo $((20 + i)) >/proc/sys/fs/mqueue/msg_max; echo $((i % 2)) >/proc/sys/kernel/shm_rmid_forced
      echo $((50 + i)) >/proc/sys/kernel/msgmni"
    want+="$(stat -c %i "$pin") $((100 + i)) $((20 + i)) $((i % 2)) $((50 + i))"$'\n'
  done
  run "$NSIPC" audit --json
  assert_success
  got=$(jq -r '.namespaces[] | "\(.inode) \(.limits.queues_max) \(.limits.msg_max) \(.limits.shm_rmid_forced) \(.limits.msgmni)"' \
    <<<"$output" | sort)
  assert_equal "$(comm -13 <(echo "$got") <(sort <<<"$want"))" ""
}

@test "audit lists each namespace's POSIX queues, past the 64 mqueue mounts one holder keeps" {
  # audit keeps each namespace's mqueue mount stacked on one directory of a
  # tmpfs, a new tmpfs every 64 namespaces (nsipc/inventory.c). 70
  # namespaces, each with one queue of its own name and mode.
  local i pin mode want=""
  for ((i = 0; i < 70; i++)); do
    pin=$BATS_TEST_TMPDIR/pin$i
    mode=$((i % 2 ? 600 : 640))
    touch "$pin"
    unshare --ipc="$pin" true
    # One small message each: root's RLIMIT_MSGQUEUE counts all 70 queues.
    IPC_MODE=$mode nsenter --ipc="$pin" sh -c 'echo 1 >/proc/sys/fs/mqueue/msg_default
      echo 128 >/proc/sys/fs/mqueue/msgsize_default; exec "$0" mq-create "$1"' "$IPC_TOOL" "/q$i"
    want+="$(stat -c %i "$pin") /q$i 0$mode"$'\n'
  done
  run "$NSIPC" audit --json
  assert_success
  got=$(jq -r '.namespaces[] | .inode as $i | .objects[] | select(.type == "mqueue") | "\($i) \(.name) \(.mode)"' <<<"$output" | sort)
  assert_equal "$got" "$(sort <<<"${want%$'\n'}")"
}

@test "audit: table, --orphans and --prometheus" {
  make_pod
  run "$NSIPC" audit --min-idle 0
  assert_success
  assert_line --index 0 --regexp '^NAMESPACE +KIND +NAME/OWNER +MSG +SEM +SHM +MQ +FULLEST$'
  assert_line --regexp '^[0-9]+ +pinned +pod1 pid \(unknown\) [0-9]+ \+?[0-9]* *1 +1 +3 +0  [a-z_]+ [0-9]+%$'
  assert_line --regexp '^    shm +0x00000501 id [0-9]+ +0666 +4242:4242 +4KiB nattch 0 +ORPHAN: not attached, creator pid [0-9]+ gone$'
  inode=$(stat -L -c %i "$NSIPC_STATE_DIR/ns/pod1")
  run "$NSIPC" audit --min-idle 0 --orphans --json
  assert_success
  assert_equal "$(jq -c --argjson i "$inode" '[.namespaces[] | select(.inode == $i) | .objects[].key]' <<<"$output")" '["0x00000501"]'
  run "$NSIPC" audit --min-idle 0 --prometheus
  assert_success
  assert_line "nsipc_orphan_objects{namespace=\"$inode\",kind=\"pinned\",name=\"pod1\",container=\"\",type=\"shm\"} 1"
  assert_line "nsipc_ipc_objects{namespace=\"$inode\",kind=\"pinned\",name=\"pod1\",container=\"\",type=\"shm\"} 3"
}

@test "audit -o: one row per object with chosen columns, -r and -n as lsipc has them" {
  make_pod
  run "$NSIPC" audit --min-idle 0 -n -o NAME,TYPE,KEY,RULE
  assert_success
  assert_line --regexp '^pod1 +shm +0x00000700 +policy$'
  assert_line --regexp '^pod1 +shm +0x00000501 +orphan$'
  assert_line --regexp '^pod1 +msg +0x00000650 +blocked$'
  run "$NSIPC" audit --min-idle 0 -r -o NAME,TYPE,KEY,RULE --orphans
  assert_success
  # The whole host: the namespace of a suite just ended, still going away,
  # may hold orphans of its own.
  assert_equal "$(grep -E '^(NAME|pod1) ' <<<"$output")" "NAME TYPE KEY RULE
pod1 shm 0x00000501 orphan"
  run "$NSIPC" audit -o NAME,NOPE
  assert_failure 2
  assert_output 'nsipc: audit: unknown column "NOPE" (see --help)'
  run "$NSIPC" audit -J -o NAME
  assert_failure 2
}

@test "audit names the owners: an nsipc ledger container and a runc container" {
  command -v runc >/dev/null || skip "runc is not installed"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ready; exec sleep 30'
  with_hooks "$b"
  echo '{ "version": 1 }' >"$NSIPC_POLICY_DIR/plain.json"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "plain" }'
  id=nsipc-gc-$$-1
  runc run -d --bundle "$b" "$id" >/dev/null 2>&1 </dev/null
  wait_for "$b/out/ready"
  inode=$(stat -L -c %i /proc/"$(runc state "$id" | jq .pid)"/ns/ipc)
  run "$NSIPC" audit --min-idle 0 --json --container "$id"
  assert_success
  assert_equal "$(jq -c '[.namespaces[] | [.inode, .kind, (.owners | map([.container, .runtime]))]]' <<<"$output")" \
    "[[$inode,\"private\",[[\"$id\",\"runc\"]]]]"
}

@test "an unreadable namespace is skipped and counted, never fatal" {
  spawn unshare --ipc setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30
  # unshare and setpriv exec: the pid we started becomes the sleep, as nobody.
  pid=${PIDS[0]}
  for _ in $(seq 100); do [ "$(stat -c %u /proc/"$pid")" = 65534 ] && break; sleep 0.05; done
  inode=$(stat -L -c %i /proc/"$pid"/ns/ipc)
  run "$NSIPC" audit --min-idle 0 --json
  assert_success
  seen=$(jq --argjson i "$inode" '[.namespaces[] | select(.inode == $i)] | length' <<<"$output")
  skipped=$(jq .skipped <<<"$output")
  assert_equal "$seen" 1
  # Without CAP_SYS_PTRACE another user's namespace link cannot be read.
  run setpriv --bounding-set=-sys_ptrace -- "$NSIPC" audit --min-idle 0 --json
  assert_success
  assert_equal "$(jq --argjson i "$inode" '[.namespaces[] | select(.inode == $i)] | length' <<<"$output")" 0
  [ "$(jq .skipped <<<"$output")" -gt "$skipped" ]
}

# Tests scope every real gc (--ns, --container): other tests' containers and
# namespaces are out of bounds.  Dry runs change nothing anywhere.
@test "gc never touches the host namespace without --host" {
  # An orphan of our own in the host namespace: removed by us, by id, after.
  id=$("$IPC_TOOL" shm 0x7fffff01 4096 && ipcs -m | awk '$1 == "0x7fffff01" { print $2 }')
  HOST_BEFORE=$(host_snapshot)
  run "$NSIPC" gc --min-idle 0 --dry-run --json
  assert_success
  assert_equal "$(jq '[.removed[] | select(.key == "0x7fffff01")] | length' <<<"$output")" 0
  run "$NSIPC" gc --min-idle 0 --dry-run --host --json
  assert_success
  assert_equal "$(jq '[.removed[] | select(.key == "0x7fffff01")] | length' <<<"$output")" 1
  ipcrm -m "$id"
  HOST_BEFORE=$(host_snapshot)
}

@test "gc drops stale ledger records of containers that are gone" {
  mkdir -p -m 700 "$NSIPC_STATE_DIR/containers"
  echo '{ "id": "gone", "ns_kind": "private", "ns_inode": 1, "pid": 999999, "pid_start": 1, "preexisting": [], "provisioned": [] }' \
    >"$NSIPC_STATE_DIR/containers/gone.json"
  spawn sleep 30
  start=$(awk '{ sub(/.*\) /, ""); print $20 }' /proc/"${PIDS[0]}"/stat)
  echo "{ \"id\": \"alive\", \"ns_kind\": \"private\", \"ns_inode\": 1, \"pid\": ${PIDS[0]}, \"pid_start\": $start, \"preexisting\": [], \"provisioned\": [] }" \
    >"$NSIPC_STATE_DIR/containers/alive.json"
  run "$NSIPC" gc --min-idle 0 --container gone --dry-run --json
  assert_equal "$(jq -c .records_removed <<<"$output")" '["gone"]'
  [ -e "$NSIPC_STATE_DIR/containers/gone.json" ]
  run "$NSIPC" gc --min-idle 0 --container alive
  assert_success
  [ -e "$NSIPC_STATE_DIR/containers/alive.json" ]
  run "$NSIPC" gc --min-idle 0 --container gone
  assert_success
  assert_line "dropped stale record of container gone"
  [ ! -e "$NSIPC_STATE_DIR/containers/gone.json" ]
  [ -e "$NSIPC_STATE_DIR/containers/alive.json" ]
  # One of a container that shared the host's namespace, which is always
  # there: nothing was provisioned in it, so the record goes too.
  echo "{ \"id\": \"gone-host\", \"ns_kind\": \"host\", \"ns_inode\": $(stat -L -c %i /proc/self/ns/ipc), \"pid\": 999999,
          \"pid_start\": 1, \"complete\": true, \"preexisting\": [], \"provisioned\": [] }" >"$NSIPC_STATE_DIR/containers/gone-host.json"
  run "$NSIPC" gc --min-idle 0 --container gone-host
  assert_success
  assert_line "dropped stale record of container gone-host"
  [ ! -e "$NSIPC_STATE_DIR/containers/gone-host.json" ]
}

@test "--pins unpins named namespaces nobody uses; not those in use" {
  "$NSIPC" ns create idle
  "$NSIPC" ns create busy
  spawn "$NSIPC" exec busy -- sh -c "touch $READY; exec sleep 30"
  wait_for "$READY"
  run "$NSIPC" gc --min-idle 0 --ns idle
  assert_success
  run "$NSIPC" ns list --json
  assert_equal "$(jq -c '[.namespaces[].name]' <<<"$output")" '["busy","idle"]'
  run "$NSIPC" gc --min-idle 0 --ns busy --pins --json
  assert_success
  assert_equal "$(jq -c '.pins_removed' <<<"$output")" '[]'
  run "$NSIPC" gc --min-idle 0 --ns idle --pins --json
  assert_success
  assert_equal "$(jq -c '[.pins_removed[].name]' <<<"$output")" '["idle"]'
  run "$NSIPC" ns list --json
  assert_equal "$(jq -c '[.namespaces[].name]' <<<"$output")" '["busy"]'
}

@test "gc --ns and --container limit the scope" {
  make_pod
  "$NSIPC" ns create other
  nsenter --ipc="$NSIPC_STATE_DIR/ns/other" "$IPC_TOOL" shm 0x801 4096
  run "$NSIPC" gc --min-idle 0 --ns other --json
  assert_success
  assert_equal "$(jq -c '[.removed[] | [.name, .key]]' <<<"$output")" '[["other","0x00000801"]]'
  # An unknown container is an error, not "nothing to do"; nothing changes.
  before=$(keys)
  run "$NSIPC" gc --min-idle 0 --container nope --json
  assert_failure 1
  assert_output "nsipc: gc: no container nope"
  assert_equal "$(keys)" "$before"
  run "$NSIPC" gc --min-idle 0 --ns pod1 --container x
  assert_failure 2
}

@test "a state directory gc cannot trust, or a record it cannot read, stops gc and audit: nothing is judged" {
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x700", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/pod.json"
  "$NSIPC" ns create pod1 --policy pod
  # The provisioned segment's creator (ns create) is gone: only its record
  # keeps it.
  chmod 0770 "$NSIPC_STATE_DIR"
  run "$NSIPC" gc --ns pod1 --min-idle 0
  assert_failure 1
  assert_output "nsipc: gc: state directory $NSIPC_STATE_DIR must belong to uid 0 and not be writable by others"
  run "$NSIPC" audit --orphans --min-idle 0
  assert_failure 1
  chmod 0700 "$NSIPC_STATE_DIR"
  cp "$NSIPC_STATE_DIR/ns/pod1.json" "$BATS_TEST_TMPDIR/pod1.json"
  echo '{ "name": "pod1", ' >"$NSIPC_STATE_DIR/ns/pod1.json"
  run "$NSIPC" gc --ns pod1 --min-idle 0
  assert_failure 1
  assert_output --regexp "^nsipc: gc: the record of namespace pod1 cannot be read \\(.*\\); it may keep objects, so nothing is judged: ns delete pod1, or mend $NSIPC_STATE_DIR/ns/pod1.json$"
  cp "$BATS_TEST_TMPDIR/pod1.json" "$NSIPC_STATE_DIR/ns/pod1.json"
  mkdir -p -m 700 "$NSIPC_STATE_DIR/containers"
  echo '{ "id": "c9", "ns_kind": "shared", "ns_inode": 7, "provisioned": 5 }' >"$NSIPC_STATE_DIR/containers/c9.json"
  run "$NSIPC" gc --ns pod1 --min-idle 0
  assert_failure 1
  assert_output "nsipc: gc: ledger of c9: malformed object list; it may keep objects, so nothing is judged: remove $NSIPC_STATE_DIR/containers/c9.json once its container is gone"
  assert_equal "$(keys)" "shm 0x700"
  rm "$NSIPC_STATE_DIR/containers/c9.json"
  run "$NSIPC" gc --ns pod1 --min-idle 0
  assert_success
  assert_output "removed 0 orphans, kept 1 in use"
  "$NSIPC" ns delete pod1
}

@test "audit sums past 2^63 exactly: two segments of 2^63 - 4 KiB in --json and --prometheus" {
  "$NSIPC" ns create big
  pin=$NSIPC_STATE_DIR/ns/big
  for key in 0x100 0x101; do
    IPC_NORESERVE=1 nsenter --ipc="$pin" "$IPC_TOOL" shm "$key" 9223372036854771712
  done
  inode=$(stat -L -c %i "$pin")
  run "$NSIPC" audit --json
  assert_success
  # jq reads numbers as doubles: the text itself.
  grep -A3 '"shm": {' <<<"$output" | grep -q '"bytes": 18446744073709543424'
  run "$NSIPC" audit --prometheus
  assert_line "nsipc_ipc_bytes{namespace=\"$inode\",kind=\"pinned\",name=\"big\",container=\"\",type=\"shm\"} 18446744073709543424"
  "$NSIPC" ns delete big
}

@test "audit --orphans lists only what gc would remove: not in a namespace nobody it knows owns" {
  ipc_sleeper
  pid=$IPC_SLEEPER
  inode=$(stat -L -c %i /proc/"$pid"/ns/ipc)
  nsenter --ipc=/proc/"$pid"/ns/ipc "${AS_GONE[@]}" "$IPC_TOOL" shm 0x777 4096
  run "$NSIPC" audit --json --min-idle 0
  assert_equal "$(jq -r --argjson i "$inode" '.namespaces[] | select(.inode == $i) | .objects[] | .rule' <<<"$output")" orphan
  run "$NSIPC" audit --orphans --json --min-idle 0
  assert_success
  assert_equal "$(jq --argjson i "$inode" '[.namespaces[] | select(.inode == $i)] | length' <<<"$output")" 0
  run "$NSIPC" gc --dry-run --json --min-idle 0
  assert_success
  assert_equal "$(jq --argjson i "$inode" '[.removed[] | select(.namespace == $i)] | length' <<<"$output")" 0
}

@test "gc racing ns apply loses no object a policy provisioned" {
  "$NSIPC" ns create r2
  n=60
  for i in $(seq $n); do
    printf '{ "version": 1, "objects": [ { "type": "shm", "key": %d, "size": 4096 }, { "type": "sem", "key": %d, "nsems": 1 } ] }\n' \
      $((0x1000 + i)) $((0x2000 + i)) >"$NSIPC_POLICY_DIR/r$i.json"
  done
  # Every object's creator (ns apply) is gone at once, and --min-idle 0:
  # only the record keeps them, and gc must see each in it.
  (while [ ! -e "$BATS_TEST_TMPDIR/stop" ]; do "$NSIPC" gc --ns r2 --min-idle 0 >>"$BATS_TEST_TMPDIR/gc.out" 2>&1; done) &
  looper=$!
  for i in $(seq $n); do
    "$NSIPC" ns apply r2 --policy "r$i"
  done
  touch "$BATS_TEST_TMPDIR/stop"
  wait "$looper" || true
  run grep -c '^removed [a-z]* key' "$BATS_TEST_TMPDIR/gc.out"
  assert_output 0
  run grep -c '^removed 0 orphans' "$BATS_TEST_TMPDIR/gc.out"
  (( output > 0 ))
  run "$NSIPC" ns list --json
  assert_equal "$(jq -c '.namespaces[] | select(.name == "r2") | [.complete, .objects.shm, .objects.sem]' <<<"$output")" "[true,$n,$n]"
  "$NSIPC" ns delete r2
}

@test "gc logs every removal to syslog, with --json too; --dry-run logs nothing" {
  command -v perl >/dev/null || skip "perl is not installed"
  "$NSIPC" ns create pod1
  for how in "" --json; do
    in_pod "${AS_GONE[@]}" "$IPC_TOOL" shm 0x503 4096
    run with_syslog "$BATS_TEST_TMPDIR/syslog" "$NSIPC" gc --min-idle 0 --ns pod1 --dry-run $how
    assert_success
    assert_equal "$(cat "$BATS_TEST_TMPDIR/syslog")" "ready
end"
    run with_syslog "$BATS_TEST_TMPDIR/syslog" "$NSIPC" gc --min-idle 0 --ns pod1 $how
    assert_success
    run grep "nsipc\[[0-9]*\]:" "$BATS_TEST_TMPDIR/syslog"
    assert_output --regexp "^<30>.* nsipc\[[0-9]+\]: removed shm key 0x00000503 id [0-9]+ from IPC namespace [0-9]+ pod1: not attached, creator pid [0-9]+ gone$"
  done
  "$NSIPC" ns delete pod1
}

@test "gc --dry-run changes nothing on disk: a state directory that does not exist is not made" {
  # A mistyped --state-dir used to be made, parents and all, by a dry run.
  local typo=$BATS_TEST_TMPDIR/typo/state
  run "$NSIPC" --state-dir "$typo" gc --dry-run
  assert_success
  assert_output "would remove 0 orphans, kept 0 in use"
  run "$NSIPC" --state-dir "$typo" gc --dry-run --json
  assert_success
  assert_equal "$(jq -c '[.dry_run, .removed, .errors]' <<<"$output")" '[true,[],[]]'
  [ ! -e "$BATS_TEST_TMPDIR/typo" ]
}
