#!/usr/bin/env bats
# nsipc run: limits and objects inside a private IPC namespace, read back
# from inside it; exit statuses; signals; the host left as it was.

load common

setup() {
  common_setup
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  HOST_BEFORE=$(host_snapshot)
}

teardown() {
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot)" "$HOST_BEFORE"
}

@test "limits are written into the new namespace" {
  p=$(policy limits <<'EOF2'
{ "version": 1,
  "limits": { "msgmax": 4096, "msgmnb": "32KiB", "msgmni": 32,
              "sem": { "semmsl": 250, "semmns": 32000, "semopm": 32, "semmni": 128 },
              "shmmax": "64MiB", "shmall": 16384, "shmmni": 64, "shm_rmid_forced": true,
              "mqueue": { "queues_max": 16, "msg_max": 20, "msgsize_max": 4096,
                          "msg_default": 5, "msgsize_default": 1024 } } }
EOF2
)
  run "$NSIPC" run --policy "$p" -- sh -c 'cd /proc/sys; for f in kernel/msgmax kernel/msgmnb kernel/msgmni kernel/sem kernel/shmmax kernel/shmall kernel/shmmni kernel/shm_rmid_forced fs/mqueue/queues_max fs/mqueue/msg_max fs/mqueue/msgsize_max fs/mqueue/msg_default fs/mqueue/msgsize_default; do echo "$f=$(tr "\t" " " < $f)"; done'
  assert_success
  assert_output "kernel/msgmax=4096
kernel/msgmnb=32768
kernel/msgmni=32
kernel/sem=250 32000 32 128
kernel/shmmax=67108864
kernel/shmall=16384
kernel/shmmni=64
kernel/shm_rmid_forced=1
fs/mqueue/queues_max=16
fs/mqueue/msg_max=20
fs/mqueue/msgsize_max=4096
fs/mqueue/msg_default=5
fs/mqueue/msgsize_default=1024"
}

@test "a partial kernel.sem keeps the other fields of the new namespace" {
  p=$(policy sem <<<'{ "version": 1, "limits": { "sem": { "semmni": 7 } } }')
  run "$NSIPC" run --policy "$p" -- cat /proc/sys/kernel/sem
  assert_success
  assert_output "$(printf '32000\t1024000000\t500\t7')"
}

@test "message queue: key, mode, owner and msg_qbytes" {
  p=$(policy msg <<<'{ "version": 1, "objects": [ { "type": "msg", "name": "jobs", "key": "0x1000",
      "mode": "0660", "uid": 1000, "gid": 1001, "max_bytes": "64KiB" } ], "limits": { "msgmnb": 65536 } }')
  run "$NSIPC" run --policy "$p" -- sh -c 'awk "NR > 1 { print \$1, \$3, \$8, \$9, \$10 }" /proc/sysvipc/msg; ipcs -q -i "$(awk "NR == 2 { print \$2 }" /proc/sysvipc/msg)" | grep -o "qbytes=[0-9]*"'
  assert_success
  # key 4096 = 0x1000; perms 660; uid gid; cuid root
  assert_output "4096 660 1000 1001 0
qbytes=65536"
}

@test "semaphore set: key, nsems, initial values, mode and owner" {
  p=$(policy sem <<<'{ "version": 1, "objects": [ { "type": "sem", "name": "locks", "key": 4097,
      "nsems": 3, "values": [1, 0, 32767], "mode": "0600", "gid": 50 } ] }')
  run "$NSIPC" run --policy "$p" -- sh -c 'awk "NR > 1 { print \$1, \$3, \$4, \$5, \$6 }" /proc/sysvipc/sem; ipcs -s -i "$(awk "NR == 2 { print \$2 }" /proc/sysvipc/sem)" | awk "\$1 ~ /^[0-9]+\$/ { print \$1 \"=\" \$2 }"'
  assert_success
  assert_output "4097 600 3 0 50
0=1
1=0
2=32767"
}

@test "semaphores without values start at 0" {
  p=$(policy sem0 <<<'{ "version": 1, "objects": [ { "type": "sem", "key": 9, "nsems": 2 } ] }')
  run "$NSIPC" run --policy "$p" -- sh -c 'ipcs -s -i "$(awk "NR == 2 { print \$2 }" /proc/sysvipc/sem)" | awk "\$1 ~ /^[0-9]+\$/ { print \$1 \"=\" \$2 }"'
  assert_success
  assert_output "0=0
1=0"
}

@test "shared memory segment: key, size, mode and owner" {
  p=$(policy shm <<<'{ "version": 1, "objects": [ { "type": "shm", "name": "frames", "key": "0x1002",
      "size": "1MiB", "mode": "0640", "uid": 70, "gid": 71 } ] }')
  run "$NSIPC" run --policy "$p" -- awk 'NR > 1 { print $1, $3, $4, $7, $8, $9 }' /proc/sysvipc/shm
  assert_success
  # key 4098 = 0x1002, perms 640, size, nattch 0, uid, gid
  assert_output "4098 640 1048576 0 70 71"
}

@test "POSIX message queue: attributes, mode and owner, listed in /dev/mqueue" {
  p=$(policy mq <<<'{ "version": 1, "limits": { "mqueue": { "msg_max": 50 } },
      "objects": [ { "type": "mqueue", "name": "/events", "max_messages": 50, "message_size": 1024,
      "mode": "0660", "uid": 1000, "gid": 1000 } ] }')
  run "$NSIPC" run --policy "$p" -- sh -c 'ls /dev/mqueue; "$0" /events' "$MQ_ATTR"
  assert_success
  assert_output "events
maxmsg=50 msgsize=1024 mode=0660 uid=1000 gid=1000"
}

@test "a POSIX queue with only max_messages gets the namespace's default message size" {
  p=$(policy mq1 <<<'{ "version": 1, "limits": { "mqueue": { "msgsize_default": 512 } },
      "objects": [ { "type": "mqueue", "name": "/half", "max_messages": 3 } ] }')
  run "$NSIPC" run --policy "$p" -- "$MQ_ATTR" /half
  assert_success
  assert_output "maxmsg=3 msgsize=512 mode=0600 uid=0 gid=0"
}

@test "a POSIX queue without attributes gets what mq_open (NULL) gives: the default, but no more than the maximum" {
  # policy check accepts this policy; run must build it, as the kernel would.
  p=$(policy mqmin <<<'{ "version": 1, "limits": { "mqueue": { "msg_max": 5, "msgsize_max": 1024 } },
    "objects": [ { "type": "mqueue", "name": "/small" }, { "type": "mqueue", "name": "/half", "max_messages": 3 } ] }')
  run "$NSIPC" policy check "$p"
  assert_success
  run "$NSIPC" run --policy "$p" -- sh -c '"$0" /small; "$0" /half' "$MQ_ATTR"
  assert_success
  assert_output "maxmsg=5 msgsize=1024 mode=0600 uid=0 gid=0
maxmsg=3 msgsize=1024 mode=0600 uid=0 gid=0"
}

@test "dev_shm mounts a tmpfs of that size on /dev/shm" {
  p=$(policy devshm <<<'{ "version": 1, "dev_shm": { "size": "16MiB" } }')
  run "$NSIPC" run --policy "$p" -- df -B1 --output=size /dev/shm
  assert_success
  assert_line --index 1 --regexp '^ *16777216$'
}

@test "the namespace is new: host objects are not visible and the inode differs" {
  host_ns=$(readlink /proc/self/ns/ipc)
  run "$NSIPC" run --policy "$(policy empty <<<'{"version":1}')" -- sh -c 'readlink /proc/self/ns/ipc; wc -l < /proc/sysvipc/shm'
  assert_success
  refute_line "$host_ns"
  assert_line --index 1 "1"
}

@test "all four types from one policy, the example in DESIGN.md" {
  run "$NSIPC" run --policy "$SOURCE_ROOT/tests/fixtures/good/design_example.json" -- sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { print t, \$1 }" /proc/sysvipc/$t; done; ls /dev/mqueue'
  assert_success
  assert_output "msg 4096
sem 4097
shm 4098
events"
}

@test "without --policy, POLICY_DIR/default.json is used" {
  echo '{ "version": 1, "limits": { "msgmni": 11 } }' >"$NSIPC_POLICY_DIR/default.json"
  run "$NSIPC" run -- cat /proc/sys/kernel/msgmni
  assert_success
  assert_output 11
}

@test "without --policy and without default.json, the kernel defaults stay" {
  run "$NSIPC" run -- cat /proc/sys/kernel/msgmni
  assert_success
  assert_output 32000
}

@test "a policy NAME resolves in --policy-dir" {
  echo '{ "version": 1, "limits": { "shmmni": 12 } }' >"$BATS_TEST_TMPDIR/web.json"
  run "$NSIPC" --policy-dir "$BATS_TEST_TMPDIR" run --policy web -- cat /proc/sys/kernel/shmmni
  assert_success
  assert_output 12
}

@test "the shipped default policy and examples run" {
  for p in "$SOURCE_ROOT"/policy/default.json "$SOURCE_ROOT"/policy/examples/*.json; do
    run "$NSIPC" run --policy "$p" -- true
    assert_success
  done
}

@test "the command's exit status is nsipc's" {
  run "$NSIPC" run -- sh -c 'exit 42'
  assert_failure 42
  run "$NSIPC" run -- true
  assert_success
}

@test "killed by signal N gives 128+N" {
  run "$NSIPC" run -- sh -c 'kill -KILL $$'
  assert_failure 137
}

@test "a command that is not found gives 127 and says so" {
  run -127 "$NSIPC" run -- /nonexistent/cmd
  assert_failure 127
  assert_output "nsipc: run: /nonexistent/cmd: No such file or directory"
}

@test "a command that cannot be executed gives 126 and says so" {
  touch "$BATS_TEST_TMPDIR/not-exec"
  run "$NSIPC" run -- "$BATS_TEST_TMPDIR/not-exec"
  assert_failure 126
  assert_output "nsipc: run: $BATS_TEST_TMPDIR/not-exec: Permission denied"
}

@test "TERM, INT and HUP sent to nsipc reach the command" {
  for sig in TERM INT HUP; do
    ready=$BATS_TEST_TMPDIR/ready-$sig
    # bats starts background jobs with INT ignored; give it back its default.
    env --default-signal="$sig" "$NSIPC" run -- sh -c "trap 'exit 40' $sig; touch $ready; while :; do sleep 0.05; done" &
    pid=$!
    for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.05; done
    kill -"$sig" "$pid"
    status=0
    wait "$pid" || status=$?
    assert_equal "$sig:$status" "$sig:40"
  done
}

@test "arguments reach the command unchanged" {
  run "$NSIPC" run -- printf '<%s>' 'a b' '' '--policy' '--'
  assert_success
  assert_output '<a b><><--policy><-->'
}

@test "a kernel refusal halfway exits 1, names the object, does not run the command" {
  p=$(policy mqbig <<<'{ "version": 1, "objects": [ { "type": "shm", "key": 1, "size": 4096 },
      { "type": "mqueue", "name": "/big", "max_messages": 10, "message_size": 8192 } ] }')
  # The refusal is RLIMIT_MSGQUEUE's, which nsipc raises where it may.
  (( (0x$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status) & (1 << 24)) == 0 )) ||
    skip "CAP_SYS_RESOURCE here: nsipc raises RLIMIT_MSGQUEUE, and the kernel does not refuse"
  run prlimit --msgqueue=4096 -- "$NSIPC" run --policy "$p" -- touch "$BATS_TEST_TMPDIR/ran"
  assert_failure 1
  assert_output 'nsipc: run: objects[1] (mqueue "/big"): mq_open: the queues of uid 0, in all namespaces, would need more than RLIMIT_MSGQUEUE (4096 bytes), which nsipc cannot raise without CAP_SYS_RESOURCE: raise its hard limit (systemd LimitMSGQUEUE=, ulimit -Hq) or run nsipc with that capability'
  [ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "without CAP_SYS_ADMIN, run says so and does nothing" {
  run setpriv --bounding-set=-sys_admin -- "$NSIPC" run --policy "$SOURCE_ROOT/policy/default.json" -- touch "$BATS_TEST_TMPDIR/ran"
  assert_failure 1
  assert_output "nsipc: run: needs CAP_SYS_ADMIN to create namespaces (run it as root)"
  [ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "the command keeps least privilege: no CAP_SYS_ADMIN/SYS_RESOURCE/IPC_OWNER/SYS_PTRACE/SYS_MODULE/SYS_RAWIO, no_new_privs, read-only sysctls and state" {
  p=$(policy p <<<'{ "version": 1, "limits": { "msgmni": 77 } }')
  mkdir -p "$NSIPC_STATE_DIR"
  # Root's command: its own /proc/sys is read-only, and so is the host's
  # procfs it would reach through /proc/PID/root of a host process (the
  # kernel writes IPC sysctls into the writer's namespace), and the state
  # directory (the seal's cached filter, the records).
  run "$NSIPC" run --policy "$p" -- sh -c 'grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs)" /proc/self/status
    echo 20000 > /proc/sys/kernel/msgmni 2>/dev/null || echo "write refused"
    echo 20000 > /proc/2/root/proc/sys/kernel/msgmni 2>/dev/null || echo "write through /proc/2/root refused"
    echo 20000 > /proc/$PPID/root/proc/sys/kernel/msgmni 2>/dev/null || echo "write through the parent refused"
    touch "$0/planted" 2>/dev/null || echo "state directory read-only"
    cat /proc/sys/kernel/msgmni' "$NSIPC_STATE_DIR"
  assert_success
  # bit 15 IPC_OWNER, 16 SYS_MODULE, 17 SYS_RAWIO, 19 SYS_PTRACE, 21
  # SYS_ADMIN, 24 SYS_RESOURCE: none in any set.
  for set in CapEff CapPrm CapBnd; do
    mask=$(awk -v s="$set:" '$1 == s { print $2 }' <<<"$output")
    (( (0x$mask & ((1 << 15) | (1 << 16) | (1 << 17) | (1 << 19) | (1 << 21) | (1 << 24))) == 0 )) || fail "$set has $mask"
  done
  assert_line $'NoNewPrivs:\t1'
  assert_line "write refused"
  assert_line "write through /proc/2/root refused"
  assert_line "write through the parent refused"
  assert_line "state directory read-only"
  assert_line 77
  [ ! -e "$NSIPC_STATE_DIR/planted" ]
}

@test "--user switches ids and drops every capability; --keep-caps keeps them, loudly" {
  run "$NSIPC" run --user 4242:4243 -- sh -c 'id -u; id -g; grep -E "^(CapEff|CapBnd)" /proc/self/status'
  assert_success
  assert_output "4242
4243
CapEff:	0000000000000000
CapBnd:	0000000000000000"
  run "$NSIPC" run --keep-caps -- sh -c 'grep ^CapEff /proc/self/status'
  assert_success
  assert_line --index 0 "nsipc: run: --keep-caps: the command keeps every capability and can undo the namespace's limits and remove its objects"
  mask=$(awk '$1 == "CapEff:" { print $2 }' <<<"$output")
  (( (0x$mask & (1 << 21)) != 0 ))
  for bad in abc 12: -1 1:x; do
    run "$NSIPC" run --user "$bad" -- true
    assert_failure 2
    assert_output "nsipc: run: --user \"$bad\": not UID[:GID] (numbers)"
  done
}

@test "--user with --keep-caps is a usage error: the uid switch leaves no capability to keep" {
  # It said "the command keeps every capability" and ran CMD with none.
  for opts in "--user 4242 --keep-caps" "--keep-caps --user 4242"; do
    run "$NSIPC" run $opts -- touch "$BATS_TEST_TMPDIR/ran"
    assert_failure 2
    assert_output "nsipc: run: --user and --keep-caps exclude each other: --user drops every capability"
    run "$NSIPC" exec $opts --pid $$ -- touch "$BATS_TEST_TMPDIR/ran"
    assert_failure 2
    assert_output "nsipc: exec: --user and --keep-caps exclude each other: --user drops every capability"
  done
  [ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "run becomes the command (execve in place): same pid, its status is ours" {
  "$NSIPC" run -- sh -c "echo \$\$ >$BATS_TEST_TMPDIR/pid; exit 3" &
  pid=$!
  status=0
  wait "$pid" || status=$?
  assert_equal "$status" 3
  assert_equal "$(cat "$BATS_TEST_TMPDIR/pid")" "$pid"
}

@test "a sealed policy: the declared keys work; undeclared keys, IPC_PRIVATE and ipcrm fail with EPERM" {
  p=$(policy sealed <<<'{ "version": 1, "seal": true,
    "objects": [ { "type": "shm", "key": "0x1000", "size": 4096 }, { "type": "msg", "key": "0x1001" } ] }')
  run "$NSIPC" run --policy "$p" -- sh -c "
    $IPC_TOOL use 0x1000 shm && echo 'shm 0x1000 ok'
    $IPC_TOOL use 0x1001 msg && echo 'msg 0x1001 ok'
    $IPC_TOOL shm 0x2000 4096 2>&1
    $IPC_TOOL msg 0x1000 2>&1
    $IPC_TOOL private 4096 /dev/null 2>&1
    ipcrm -M 0x1000 2>&1 || true
    awk 'NR > 1 { print \"left\", \$1 }' /proc/sysvipc/shm"
  assert_success
  assert_output "shm 0x1000 ok
msg 0x1001 ok
shmget: Operation not permitted
msgget: Operation not permitted
private: Operation not permitted
ipcrm: permission denied for key (0)
left 4096"
  # The compiled filter is kept; a damaged copy is compiled again, never loaded.
  cached=$(ls "$NSIPC_STATE_DIR"/seal/*.bpf)
  assert_equal "$(wc -l <<<"$cached")" 1
  cp "$cached" "$BATS_TEST_TMPDIR/good.bpf"
  # A "return ALLOW" planted over an instruction.
  printf '\x06\x00\x00\x00\x00\x00\xff\x7f' | dd of="$cached" bs=1 seek=200 conv=notrunc status=none
  run "$NSIPC" run --policy "$p" -- "$IPC_TOOL" msg 0x1000
  assert_failure
  assert_output "msgget: Operation not permitted"
  cmp "$cached" "$BATS_TEST_TMPDIR/good.bpf"
  # Without the seal the same undeclared key works: it is the seal that refuses.
  run "$NSIPC" run -- "$IPC_TOOL" shm 0x2000 4096
  assert_success
  run "$NSIPC" policy check "$(policy badseal <<<'{ "version": 1, "seal": "yes" }')"
  assert_failure 2
  assert_output --partial "seal: must be true or false"
}
