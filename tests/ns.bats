#!/usr/bin/env bats
# Named IPC namespaces: create, apply, exec, list, delete; safety of the
# state directory; races.

load common

setup() {
  common_setup
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  PIDS=()
  HOST_BEFORE=$(host_snapshot)
}

teardown() {
  end_spawned
  # Only the mounts below our own state directory, deepest first.
  unmount_below "$NSIPC_STATE_DIR"
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot | grep -v "$NSIPC_STATE_DIR")" "$(grep -v "$NSIPC_STATE_DIR" <<<"$HOST_BEFORE")"
}

pins() {
  awk -v d="$NSIPC_STATE_DIR/ns/" 'index($5, d) == 1 && $9 == "nsfs" { print $5 }' /proc/self/mountinfo
}

# How many mounts STATE_DIR/ns is: one bind of itself, however many
# creates raced to make it.
pin_dir_mounts() {
  awk -v d="$NSIPC_STATE_DIR/ns" '$5 == d' /proc/self/mountinfo | wc -l
}

POD='{ "version": 1, "limits": { "msgmni": 21, "shmmni": 22 },
  "objects": [ { "type": "shm", "name": "frames", "key": "0x2000", "size": 8192, "mode": "0640" },
               { "type": "sem", "name": "locks", "key": "0x2001", "nsems": 2, "values": [3, 4] },
               { "type": "mqueue", "name": "/events", "max_messages": 5, "message_size": 256 } ] }'

@test "create pins a namespace with the policy's limits and objects, visible through nsenter and exec" {
  p=$(policy pod <<<"$POD")
  run "$NSIPC" ns create pod1 --policy "$p"
  assert_success
  assert_equal "$(stat -c %a "$NSIPC_STATE_DIR")" 700
  assert_equal "$(pins)" "$NSIPC_STATE_DIR/ns/pod1"

  run nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" sh -c 'cat /proc/sys/kernel/msgmni /proc/sys/kernel/shmmni; awk "NR > 1 { print \$1, \$3, \$4 }" /proc/sysvipc/shm'
  assert_success
  assert_output "21
22
8192 640 8192"

  run "$NSIPC" exec pod1 -- sh -c 'ls /dev/mqueue; "$0" /events; ipcs -s -i "$(awk "NR == 2 { print \$2 }" /proc/sysvipc/sem)" | awk "\$1 ~ /^[0-9]+\$/ { print \$2 }"' "$MQ_ATTR"
  assert_success
  assert_output "events
maxmsg=5 msgsize=256 mode=0600 uid=0 gid=0
3
4"

  inode=$(stat -L -c %i "$NSIPC_STATE_DIR/ns/pod1")
  run jq -r '"\(.name) \(.inode) \(.policy) \(.policy_digest | startswith("sha256:")) \(.created | test("^[0-9-]+T[0-9:]+Z$"))"' "$NSIPC_STATE_DIR/ns/pod1.json"
  assert_output "pod1 $inode $p true true"
}

@test "the host keeps its own namespace and limits" {
  run "$NSIPC" ns create pod1 --policy "$(policy pod <<<"$POD")"
  assert_success
  refute [ "$(readlink /proc/self/ns/ipc)" = "ipc:[$(stat -L -c %i "$NSIPC_STATE_DIR/ns/pod1")]" ]
}

@test "two processes in the namespace see each other's objects" {
  "$NSIPC" ns create pod1
  spawn "$NSIPC" exec pod1 -- sh -c "ipcmk -M 4096 -p 0600 > /dev/null && touch $BATS_TEST_TMPDIR/made && sleep 30"
  wait_for "$BATS_TEST_TMPDIR/made"
  run nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" awk 'NR > 1 { print $4 }' /proc/sysvipc/shm
  assert_output 4096
  run "$NSIPC" run --ns pod1 -- awk 'NR > 1 { print $4 }' /proc/sysvipc/shm
  assert_output 4096
}

@test "a second create of one name fails and changes nothing" {
  "$NSIPC" ns create pod1 --policy "$(policy pod <<<"$POD")"
  before=$(cat "$NSIPC_STATE_DIR/ns/pod1.json"; nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" cat /proc/sysvipc/shm)
  run "$NSIPC" ns create pod1
  assert_failure 1
  assert_output "nsipc: ns create: namespace pod1 exists"
  assert_equal "$(cat "$NSIPC_STATE_DIR/ns/pod1.json"; nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" cat /proc/sysvipc/shm)" "$before"
  assert_equal "$(pins | wc -l)" 1
}

@test "apply twice: the second changes nothing" {
  "$NSIPC" ns create pod1
  p=$(policy pod <<<"$POD")
  run "$NSIPC" ns apply pod1 --policy "$p"
  assert_success
  snapshot() { nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" sh -c 'cat /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg /proc/sys/kernel/msgmni'; }
  before=$(snapshot)
  run "$NSIPC" ns apply pod1 --policy "$p"
  assert_success
  assert_equal "$(snapshot)" "$before"
  run jq -r .policy "$NSIPC_STATE_DIR/ns/pod1.json"
  assert_output "$p"
}

@test "apply keeps semaphore values a process changed" {
  p=$(policy pod <<<"$POD")
  "$NSIPC" ns create pod1 --policy "$p"
  # Take one from semaphore 0 (3 -> 2); perl-base (always on Debian) has semop.
  nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" perl -e 'use IPC::SysV qw(IPC_NOWAIT); my $id = semget(0x2001, 0, 0); semop($id, pack("s!3", 0, -1, IPC_NOWAIT)) or die "semop: $!"'
  "$NSIPC" ns apply pod1 --policy "$p"
  run "$NSIPC" exec pod1 -- sh -c 'ipcs -s -i "$(awk "NR == 2 { print \$2 }" /proc/sysvipc/sem)" | awk "\$1 ~ /^[0-9]+\$/ { print \$2 }"'
  assert_output "2
4"
}

@test "a conflicting apply is refused and changes nothing" {
  "$NSIPC" ns create pod1 --policy "$(policy pod <<<"$POD")"
  snapshot() { nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" sh -c 'cat /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg /proc/sys/kernel/msgmni'; cat "$NSIPC_STATE_DIR/ns/pod1.json"; }
  before=$(snapshot)
  p=$(policy conflict <<<'{ "version": 1, "limits": { "msgmni": 99 },
    "objects": [ { "type": "msg", "key": "0x3000" },
                 { "type": "shm", "name": "frames", "key": "0x2000", "size": 16384, "mode": "0640" },
                 { "type": "sem", "key": "0x2001", "nsems": 5 },
                 { "type": "mqueue", "name": "/events", "max_messages": 6, "message_size": 256 } ] }')
  run "$NSIPC" ns apply pod1 --policy "$p"
  assert_failure 1
  assert_output 'nsipc: ns apply: namespace pod1: objects[1]: (shm "frames" (key 0x00002000)) exists with size 8KiB, the policy says 16KiB
nsipc: ns apply: namespace pod1: objects[2]: (sem key 0x00002001) exists with 2 semaphores, the policy says 5
nsipc: ns apply: namespace pod1: objects[3]: (mqueue "/events") exists with 5 messages of 256 bytes, the policy says 6 of 256
nsipc: ns apply: pod1: 3 objects of the policy conflict with what exists; nothing was changed'
  assert_equal "$(snapshot)" "$before"
}

@test "an owner conflict is refused too" {
  "$NSIPC" ns create pod1 --policy "$(policy pod <<<"$POD")"
  run "$NSIPC" ns apply pod1 --policy "$(policy owner <<<'{ "version": 1, "objects": [ { "type": "shm", "key": "0x2000", "size": 8192, "mode": "0640", "uid": 7 } ] }')"
  assert_failure 1
  assert_line --index 0 'nsipc: ns apply: namespace pod1: objects[0]: (shm key 0x00002000) exists owned by 0:0, the policy says 7:0'
  # One conflict, in the singular.
  assert_line --index 1 'nsipc: ns apply: pod1: 1 object of the policy conflicts with what exists; nothing was changed'
}

@test "delete refuses while processes live inside, --force unpins anyway" {
  "$NSIPC" ns create pod1
  spawn "$NSIPC" exec pod1 -- sh -c "touch $BATS_TEST_TMPDIR/in; exec sleep 30"
  wait_for "$BATS_TEST_TMPDIR/in"
  run "$NSIPC" ns delete pod1
  assert_failure 1
  # exec becomes the command (execve in place): one process inside.
  assert_output --regexp '^nsipc: ns delete: namespace pod1 is in use by 1 process \(pid [0-9]+\); --force unpins it anyway$'
  assert_equal "$(pins)" "$NSIPC_STATE_DIR/ns/pod1"

  inode=$(stat -L -c %i "$NSIPC_STATE_DIR/ns/pod1")
  run "$NSIPC" ns delete pod1 --force
  assert_success
  assert_equal "$(pins)" ""
  [ ! -e "$NSIPC_STATE_DIR/ns/pod1" ] && [ ! -e "$NSIPC_STATE_DIR/ns/pod1.json" ]
  # The namespace lives on with its member.
  assert_equal "$(readlink /proc/"${PIDS[0]}"/ns/ipc)" "ipc:[$inode]"
}

@test "delete refuses while only a thread of another process is inside" {
  "$NSIPC" ns create pod1 --policy "$(policy q <<<'{ "version": 1, "objects": [ { "type": "msg", "key": "0x230" } ] }')"
  # The process lives in a namespace of its own; one of its threads joins
  # pod1 (setns) and waits in msgrcv there.
  spawn unshare --ipc "$IPC_TOOL" thread-recv "$NSIPC_STATE_DIR/ns/pod1" 0x230 "$BATS_TEST_TMPDIR/in"
  wait_for "$BATS_TEST_TMPDIR/in"
  run "$NSIPC" ns delete pod1
  assert_failure 1
  assert_output "nsipc: ns delete: namespace pod1 is in use by 1 process (pid ${PIDS[0]}); --force unpins it anyway"
  assert_equal "$(pins)" "$NSIPC_STATE_DIR/ns/pod1"
}

@test "delete of an unused namespace leaves no nsfs mount and no record" {
  "$NSIPC" ns create pod1
  run "$NSIPC" ns delete pod1
  assert_success
  assert_equal "$(pins)" ""
  run ls -A "$NSIPC_STATE_DIR/ns"
  assert_output ""
  run "$NSIPC" ns delete pod1
  assert_failure 1
  assert_output "nsipc: ns delete: no namespace pod1"
}

@test "list shows name, inode, policy, objects, processes and creation time" {
  "$NSIPC" ns create b --policy "$(policy pod <<<"$POD")"
  "$NSIPC" ns create a
  run "$NSIPC" ns list --json
  assert_success
  run jq -c '.namespaces[] | [.name, (.inode | type), .objects.shm, .objects.sem, .objects.msg, .objects.mqueue, .processes]' <<<"$output"
  assert_output '["a","number",0,0,0,0,0]
["b","number",1,1,0,1,0]'
  run "$NSIPC" ns list
  assert_success
  assert_line --index 0 --regexp '^NAME +INODE +POLICY +MSG +SEM +SHM +MQUEUE +PROCS +CREATED +STATE$'
  assert_line --index 2 --regexp "^b +[0-9]+ +.*pod.json +0 +1 +1 +1 +0 +[0-9T:-]+Z +ready$"
}

@test "a policy given by a relative path is compared by its absolute one, from any directory" {
  policy pod <<<"$POD" >/dev/null
  (cd "$BATS_TEST_TMPDIR" && "$NSIPC" ns create rel --policy ./pod.json)
  run "$NSIPC" ns list -J
  assert_success
  assert_equal "$(jq -c '.namespaces[0] | [.policy_path, .policy_changed]' <<<"$output")" "[\"$BATS_TEST_TMPDIR/pod.json\",false]"
  (cd "$BATS_TEST_TMPDIR" && "$NSIPC" ns apply rel --policy ./pod.json)
  echo '{ "version": 1 }' >"$BATS_TEST_TMPDIR/pod.json"
  assert_equal "$("$NSIPC" ns list -J | jq .namespaces[0].policy_changed)" true
}

@test "list: -o picks columns, -r and -n as lsipc has them; a changed policy file shows" {
  file=$(policy pod <<<"$POD")
  "$NSIPC" ns create b --policy "$file"
  run "$NSIPC" ns list -o name,state,policy -n
  assert_success
  assert_output --regexp "^b +ready +$file$"
  run "$NSIPC" ns list -r -o NAME,MSG,SHM
  assert_output "NAME MSG SHM
b 0 1"
  # The file changes after it was applied: ns list says so, until applied.
  echo '{ "version": 1 }' >"$file"
  run "$NSIPC" ns list -o NAME,STATE -n
  assert_output --regexp "^b +policy changed$"
  assert_equal "$("$NSIPC" ns list -J | jq .namespaces[0].policy_changed)" true
  run "$NSIPC" ns list -o NAME,BOGUS
  assert_failure 2
  assert_output 'nsipc: ns list: unknown column "BOGUS" (see --help)'
  run "$NSIPC" ns create c -o NAME
  assert_failure 2
}

@test "list with no state directory is empty" {
  run "$NSIPC" ns list --json
  assert_success
  assert_equal "$(jq -c . <<<"$output")" '{"namespaces":[]}'
}

@test "bad names are usage errors" {
  for name in ../x '' .hidden "$(printf 'a%.0s' $(seq 65))" 'a/b' 'a b'; do
    run "$NSIPC" ns create "$name"
    assert_failure 2
    assert_output --partial "is not a namespace name"
  done
  [ ! -e "$NSIPC_STATE_DIR/ns" ] || [ -z "$(ls -A "$NSIPC_STATE_DIR/ns")" ]
  run "$NSIPC" ns create "$(printf 'a%.0s' $(seq 64))"
  assert_success
}

@test "a symlink planted at STATE_DIR/ns is refused" {
  mkdir -p "$NSIPC_STATE_DIR" "$BATS_TEST_TMPDIR/elsewhere"
  chmod 700 "$NSIPC_STATE_DIR"
  ln -s "$BATS_TEST_TMPDIR/elsewhere" "$NSIPC_STATE_DIR/ns"
  run "$NSIPC" ns create pod1
  assert_failure 1
  assert_output "nsipc: ns create: $NSIPC_STATE_DIR/ns is not a directory (a symlink?); refusing to use it"
  run ls -A "$BATS_TEST_TMPDIR/elsewhere"
  assert_output ""
}

@test "a symlink planted at STATE_DIR/ns/NAME is refused, never followed" {
  "$NSIPC" ns create real
  ln -s real "$NSIPC_STATE_DIR/ns/fake"
  run "$NSIPC" ns create fake
  assert_failure 1
  assert_output "nsipc: ns create: namespace fake exists"
  run "$NSIPC" exec fake -- true
  assert_failure 1
  assert_output "nsipc: exec: pin fake is a symlink; refusing to follow it"
  run "$NSIPC" ns delete fake
  assert_failure 1
  assert_output "nsipc: ns delete: pin fake is a symlink; refusing to follow it"
  assert_equal "$(pins)" "$NSIPC_STATE_DIR/ns/real"
}

@test "a state directory others can write to is refused" {
  mkdir -p "$NSIPC_STATE_DIR"
  chmod 777 "$NSIPC_STATE_DIR"
  run "$NSIPC" ns create pod1
  assert_failure 1
  assert_output "nsipc: ns create: state directory $NSIPC_STATE_DIR must belong to uid 0 and not be writable by others"
}

@test "20 parallel creates of distinct names all succeed" {
  for i in $(seq 20); do "$NSIPC" ns create "p$i" & done
  wait
  assert_equal "$(pins | wc -l)" 20
  assert_equal "$(pin_dir_mounts)" 1
  assert_equal "$(ls "$NSIPC_STATE_DIR"/ns/*.json | wc -l)" 20
  run "$NSIPC" ns list --json
  assert_equal "$(jq '.namespaces | length' <<<"$output")" 20
  for i in $(seq 20); do "$NSIPC" ns delete "p$i" & done
  wait
  assert_equal "$(pins | wc -l)" 0
}

@test "10 racing creates of one name: exactly one wins" {
  for i in $(seq 10); do
    ( rc=0; "$NSIPC" ns create same 2>"$BATS_TEST_TMPDIR/err$i" || rc=$?; echo $rc >"$BATS_TEST_TMPDIR/rc$i" ) &
  done
  wait
  assert_equal "$(cat "$BATS_TEST_TMPDIR"/rc* | sort | uniq -c | awk '{ print $1 ":" $2 }' | tr '\n' ' ')" "1:0 9:1 "
  assert_equal "$(cat "$BATS_TEST_TMPDIR"/err* | sort -u)" "nsipc: ns create: namespace same exists"
  assert_equal "$(pins)" "$NSIPC_STATE_DIR/ns/same"
  assert_equal "$(pin_dir_mounts)" 1
  run ls -A "$NSIPC_STATE_DIR/ns"
  assert_output "same
same.json"
}

@test "exec --pid joins a process's namespace; the status propagates" {
  spawn unshare --ipc sh -c "ipcmk -Q -p 0600 >/dev/null; touch $BATS_TEST_TMPDIR/ready; exec sleep 30"
  wait_for "$BATS_TEST_TMPDIR/ready"
  pid=$(pgrep -P "${PIDS[0]}" sleep || echo "${PIDS[0]}")
  run "$NSIPC" exec --pid "$pid" -- sh -c 'awk "NR > 1 { print \$3 }" /proc/sysvipc/msg; exit 7'
  assert_failure 7
  assert_output 600
}

@test "exec --container joins the namespace its ledger records" {
  spawn unshare --ipc sh -c "ipcmk -S 3 >/dev/null; touch $BATS_TEST_TMPDIR/ready; exec sleep 30"
  wait_for "$BATS_TEST_TMPDIR/ready"
  pid=${PIDS[0]}
  start=$(awk '{ sub(/.*\) /, ""); print $20 }' /proc/"$pid"/stat)
  inode=$(stat -L -c %i /proc/"$pid"/ns/ipc)
  mkdir -p -m 700 "$NSIPC_STATE_DIR/containers"
  echo "{ \"id\": \"c1\", \"ns_kind\": \"private\", \"ns_inode\": $inode, \"pid\": $pid, \"pid_start\": $start,
          \"preexisting\": [], \"provisioned\": [] }" >"$NSIPC_STATE_DIR/containers/c1.json"
  run "$NSIPC" exec --container c1 -- awk 'NR > 1 { print $4 }' /proc/sysvipc/sem
  assert_success
  assert_output 3
  # A recycled pid (another start time) is never joined.
  jq ".pid_start = $((start + 1))" "$NSIPC_STATE_DIR/containers/c1.json" >"$NSIPC_STATE_DIR/containers/c2.json"
  run "$NSIPC" exec --container c2 -- true
  assert_failure 1
  assert_output "nsipc: exec: container c2 has stopped: its process $pid is gone"
  run "$NSIPC" exec --container nope -- true
  assert_failure 1
  assert_output "nsipc: exec: no container nope recorded"
}

@test "exec and run --ns usage errors" {
  run "$NSIPC" exec -- true
  assert_failure 2
  assert_output --partial "give exactly one of NAME, --pid and --container"
  run "$NSIPC" exec pod1 true
  assert_failure 2
  assert_output --partial 'missing "--" and a command'
  run "$NSIPC" exec --pid abc -- true
  assert_failure 2
  assert_output 'nsipc: exec: "abc" is not a pid'
  run "$NSIPC" exec nope -- true
  assert_failure 1
  assert_output "nsipc: exec: no namespace nope"
  run "$NSIPC" run --ns pod1 --policy x.json -- true
  assert_failure 2
  assert_output 'nsipc: run: --policy and --ns exclude each other: a named namespace has its policy (nsipc ns apply)'
}

@test "exec NAME takes its options after NAME, in the order its synopsis writes them" {
  "$NSIPC" ns create pod1
  # nsipc exec NAME|--pid PID|--container ID [--user UID[:GID]] [--keep-caps] -- CMD [ARG...]
  run "$NSIPC" exec pod1 --user 1:2 -- sh -c 'echo $(id -u):$(id -g) "$@"' sh --user 3 -- x
  assert_success
  assert_output "1:2 --user 3 -- x"
  run "$NSIPC" exec --keep-caps pod1 -- true
  assert_success
  assert_output --partial "--keep-caps"
  # Two ways into a namespace are one too many, in any order.
  run "$NSIPC" exec pod1 --pid 1 -- true
  assert_failure 2
  assert_output --partial "give exactly one of NAME, --pid and --container"
  run "$NSIPC" exec pod1 pod2 -- true
  assert_failure 2
  assert_output --partial 'unexpected argument "pod2"'
  run "$NSIPC" exec pod1 true -- true
  assert_failure 2
  assert_output --partial 'unexpected argument "true"'
  run "$NSIPC" exec pod1 --user 1 true
  assert_failure 2
  assert_output --partial 'missing "--" and a command'
  run "$NSIPC" exec pod1 --user 1 --
  assert_failure 2
  assert_output --partial 'missing "--" and a command'
  "$NSIPC" ns delete pod1
}

@test "README's ns list example is what ns list prints" {
  cd "$SOURCE_ROOT"
  "$NSIPC" ns create pod1 --policy policy/examples/pod.json
  run "$NSIPC" ns list
  assert_success
  # The example, with the inode and time this run has.
  expected=$(sed -n '/^# nsipc ns list$/,/^# nsipc ns delete/p' README.md | sed '1d;$d' |
    sed "s/4026532178/$(stat -L -c %i "$NSIPC_STATE_DIR/ns/pod1")/; s/2026-11-26T21:40:22Z/$(jq -r .created "$NSIPC_STATE_DIR/ns/pod1.json")/")
  assert_output "$expected"
  "$NSIPC" ns delete pod1
}

@test "shm_rmid_forced with provisioned segments cannot be pinned; nothing is left" {
  p=$(policy rmid <<<'{ "version": 1, "limits": { "shm_rmid_forced": true }, "objects": [ { "type": "shm", "key": 1, "size": 4096 } ] }')
  run "$NSIPC" ns create pod1 --policy "$p"
  assert_failure 1
  assert_output "nsipc: ns create: pod1: objects[0]: a provisioned segment cannot outlive nsipc in a namespace with kernel.shm_rmid_forced set"
  assert_equal "$(pins)" ""
  run ls -A "$NSIPC_STATE_DIR/ns"
  assert_output ""
}

@test "a kernel refusal while provisioning leaves no pin and no record" {
  p=$(policy mqbig <<<'{ "version": 1, "objects": [ { "type": "mqueue", "name": "/big", "max_messages": 10, "message_size": 8192 } ] }')
  run prlimit --msgqueue=4096 -- "$NSIPC" ns create pod1 --policy "$p"
  assert_failure 1
  assert_output --partial 'nsipc: ns create: pod1: objects[0] (mqueue "/big"): mq_open'
  assert_equal "$(pins)" ""
  run ls -A "$NSIPC_STATE_DIR/ns"
  assert_output ""
}

@test "ns usage errors" {
  run "$NSIPC" ns
  assert_failure 2
  run "$NSIPC" ns frob
  assert_failure 2
  assert_output 'nsipc: ns: unknown subcommand "frob" (see nsipc ns --help)'
  run "$NSIPC" ns apply pod1
  assert_failure 2
  assert_output 'nsipc: ns apply: --policy is required (see nsipc ns apply --help)'
  run "$NSIPC" ns delete
  assert_failure 2
  run "$NSIPC" ns list --force
  assert_failure 2
}

@test "exec and run --ns give the command least privilege; --user switches ids" {
  "$NSIPC" ns create a
  for cmd in "exec a" "run --ns a"; do
    run "$NSIPC" $cmd -- sh -c 'grep ^CapBnd /proc/self/status; echo 1 > /proc/sys/kernel/msgmni 2>/dev/null || echo refused'
    assert_success
    mask=$(awk '$1 == "CapBnd:" { print $2 }' <<<"$output")
    (( (0x$mask & ((1 << 15) | (1 << 21) | (1 << 24))) == 0 )) || fail "$cmd: CapBnd $mask"
    assert_line refused
  done
  run "$NSIPC" exec --user 4242 a -- id -u
  assert_success
  assert_output 4242
  # After NAME too, as the synopsis writes them.
  run "$NSIPC" exec a --user 4242 -- id -u
  assert_success
  assert_output 4242
}

@test "twelve namespaces with a 10 x 8 KiB queue each: root's RLIMIT_MSGQUEUE is no limit to nsipc" {
  p=$(policy q <<<'{ "version": 1, "limits": { "mqueue": { "msgsize_max": 8192 } },
    "objects": [ { "type": "mqueue", "name": "/jobs", "max_messages": 10, "message_size": 8192 } ] }')
  # A soft limit below what the queue needs is raised for the create, and the
  # command gets it back as it was.
  run prlimit --msgqueue=4096: -- "$NSIPC" run --policy "$p" -- bash -c 'ulimit -q; ls /dev/mqueue'
  assert_success
  assert_output "4096
jobs"
  # Raising the limit's hard value takes CAP_SYS_RESOURCE (bit 24).  Without
  # it, the create that goes over says so, and what to do.
  if (( (0x$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status) & (1 << 24)) == 0 )); then
    for i in $(seq 12); do
      run "$NSIPC" ns create "q$i" --policy "$p"
      [ "$status" -eq 0 ] || break
    done
    assert_failure 1
    assert_output --regexp "RLIMIT_MSGQUEUE \(.* bytes\), which nsipc cannot raise without CAP_SYS_RESOURCE: raise its hard limit"
    for n in $(seq "$i"); do "$NSIPC" ns delete "q$n" 2>/dev/null || true; done
    skip "no CAP_SYS_RESOURCE here: the limit cannot be raised (create $i of 12 said why)"
  fi
  for i in $(seq 12); do
    run "$NSIPC" ns create "q$i" --policy "$p"
    assert_success
  done
  # The command nsipc becomes has the limit it had.
  run "$NSIPC" exec q1 -- sh -c 'ulimit -q'
  assert_output "$(ulimit -q)"
  for i in $(seq 12); do "$NSIPC" ns delete "q$i"; done
}

@test "a named namespace keeps its seal: exec (by name and by pid) and run --ns apply it" {
  p=$(policy sealed <<<'{ "version": 1, "seal": true, "objects": [ { "type": "msg", "key": "0x1001" } ] }')
  "$NSIPC" ns create s --policy "$p"
  spawn nsenter --ipc="$NSIPC_STATE_DIR/ns/s" sleep 30
  for cmd in "exec s" "run --ns s" "exec --pid ${PIDS[-1]}"; do
    run "$NSIPC" $cmd -- sh -c "$IPC_TOOL use 0x1001 msg && echo declared; $IPC_TOOL msg 0x2001 2>&1; ipcrm -Q 0x1001 2>&1 || true"
    assert_success
    assert_output "declared
msgget: Operation not permitted
ipcrm: permission denied for key (0)"
  done
  assert_equal "$(nsenter --ipc="$NSIPC_STATE_DIR/ns/s" awk 'NR > 1 { print $1 }' /proc/sysvipc/msg)" 4097
}

@test "dev_shm: a named namespace owns a tmpfs that exec and run --ns share; the host's /dev/shm is untouched" {
  p=$(policy shm8 <<<'{ "version": 1, "dev_shm": { "size": "8MiB" } }')
  "$NSIPC" ns create d --policy "$p"
  run findmnt -n -o FSTYPE,OPTIONS "$NSIPC_STATE_DIR/shm/d"
  assert_output --regexp '^tmpfs +rw,nosuid,nodev,.*size=8192k'

  run "$NSIPC" exec d -- sh -c "df -k /dev/shm | awk 'NR == 2 { print \$2 }'; echo written-by-exec > /dev/shm/nsipc-test-$$"
  assert_success
  assert_output 8192
  run "$NSIPC" run --ns d -- cat "/dev/shm/nsipc-test-$$"
  assert_output written-by-exec
  [ ! -e "/dev/shm/nsipc-test-$$" ]
  # exec --pid of a process in it sees what that process sees: the same tmpfs.
  spawn "$NSIPC" exec d -- sleep 30
  sleep 0.2
  run "$NSIPC" exec --pid "${PIDS[-1]}" -- cat "/dev/shm/nsipc-test-$$"
  assert_output written-by-exec
  # PostgreSQL-style: writing 100 MiB more than the size ends in ENOSPC, not in the host's RAM.
  run "$NSIPC" exec d -- dd if=/dev/zero of=/dev/shm/big bs=1M count=108
  assert_failure
  assert_output --partial "No space left on device"
  # ns apply resizes it (what is written stays); a size below what is used is refused, nothing changed.
  "$NSIPC" exec d -- rm /dev/shm/big
  "$NSIPC" ns apply d --policy "$(policy shm16 <<<'{ "version": 1, "dev_shm": { "size": "16MiB" } }')"
  run "$NSIPC" exec d -- sh -c "df -k /dev/shm | awk 'NR == 2 { print \$2 }'; cat /dev/shm/nsipc-test-$$"
  assert_output "16384
written-by-exec"
  # An apply to a size below what the files take is refused, and leaves the
  # namespace whole: gc --pins and a create of its name keep it, with its
  # data, and an apply that fits finishes it.
  "$NSIPC" exec d -- dd if=/dev/zero of=/dev/shm/six bs=1M count=6 status=none
  run "$NSIPC" ns apply d --policy "$(policy shm4 <<<'{ "version": 1, "dev_shm": { "size": "4MiB" } }')"
  assert_failure 1
  assert_output --regexp '^nsipc: ns apply: d: /dev/shm of namespace d: resize the tmpfs to 4194304 bytes: its files take [0-9]+ bytes$'
  end_spawned
  run "$NSIPC" gc --pins --ns d --min-idle 0
  assert_success
  run "$NSIPC" ns create d --policy "$p"
  assert_failure 1
  assert_output "nsipc: ns create: namespace d exists (an apply did not finish: run ns apply again)"
  assert_equal "$(pins)" "$NSIPC_STATE_DIR/ns/d"
  run "$NSIPC" ns apply d --policy "$(policy shm16 <<<'{ "version": 1, "dev_shm": { "size": "16MiB" } }')"
  assert_success
  run "$NSIPC" exec d -- sh -c "stat -c %s /dev/shm/six; cat /dev/shm/nsipc-test-$$"
  assert_output "6291456
written-by-exec"
  # Nobody in it and no IPC object, but files in its /dev/shm: gc --pins keeps it.
  run "$NSIPC" gc --pins --ns d --min-idle 0
  assert_success
  assert_equal "$(pins)" "$NSIPC_STATE_DIR/ns/d"
  "$NSIPC" ns delete d
  run findmnt "$NSIPC_STATE_DIR/shm/d"
  assert_failure
  [ ! -e "$NSIPC_STATE_DIR/shm/d" ]
}
