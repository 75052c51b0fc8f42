#!/usr/bin/env bats
# The orphan rules (DESIGN.md §6), one by one, with real processes: for each
# rule a live object that must survive gc and a true orphan that must go.
# Orphans are made by a uid no process keeps running (AS_GONE); users run as
# another uid (AS_USER), so that only the rule under test keeps an object.

load common

setup() {
  common_setup
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  PIDS=()
  # Processes of other uids say they are ready here (bats' own temporary
  # directories are root's alone).
  READY_DIR=$(mktemp -d /tmp/nsipc-ready.XXXXXX)
  chmod 1777 "$READY_DIR"
  READY=$READY_DIR/r
  PREFIX="nsipc-orphans-$$-$BATS_TEST_NUMBER"
  HOST_BEFORE=$(host_snapshot)
  "$NSIPC" ns create t
  PIN=$NSIPC_STATE_DIR/ns/t
}

teardown() {
  local id
  end_spawned
  for id in $(runc list -q 2>/dev/null | grep "^$PREFIX-"); do runc delete -f "$id" >/dev/null 2>&1 || true; done
  unmount_below "$BATS_TEST_TMPDIR"
  rm -rf "$READY_DIR"
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot | grep -v "$BATS_TEST_TMPDIR")" "$(grep -v "$BATS_TEST_TMPDIR" <<<"$HOST_BEFORE")"
}

in_t() {
  nsenter --ipc="$PIN" "$@"
}

# hold NAME CMD...: runs CMD in t in the background until teardown, and
# waits until it has reached its state (it touches $READY.NAME).
hold() {
  local name=$1
  shift
  spawn nsenter --ipc="$PIN" "$@" "$READY.$name"
  wait_for "$READY.$name"
}

# The keys in t, "TYPE 0xKEY" a line, and the POSIX queues, "mqueue NAME".
objects() {
  {
    in_t sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done'
    "$NSIPC" audit --json | jq -r '.namespaces[] | select(.name == "t") | .objects[] | select(.type == "mqueue") | "mqueue \(.name)"'
  } | sort
}

# The rule audit gives each object of t: "0xKEY rule" (a queue by name).
rules() {
  "$NSIPC" audit --json "$@" |
    jq -r '.namespaces[] | select(.name == "t") | .objects[] | "\(.key // .name) \(.rule)"' | sort
}

# kept_alone RULE OBJECT: audit says RULE keeps t's one object, and gc
# leaves OBJECT ("msg 0x230") where it is.
kept_alone() {
  run rules --min-idle 0
  assert_output "$1"
  run "$NSIPC" gc --ns t --min-idle 0
  assert_success
  assert_line "removed 0 orphans, kept 1 in use"
  run objects
  assert_output "$2"
}

@test "shm: attached, or its creator alive, is kept; unattached with its creator gone goes" {
  in_t "${AS_GONE[@]}" "$IPC_TOOL" shm 0x100 4096
  hold attach "${AS_USER[@]}" "$IPC_TOOL" attach 0x100
  hold creator "${AS_USER[@]}" "$IPC_TOOL" create shm 0x102
  in_t "${AS_GONE[@]}" "$IPC_TOOL" shm 0x101 4096
  run rules --min-idle 0
  assert_output "0x00000100 attached
0x00000101 orphan
0x00000102 live-pid"
  run "$NSIPC" gc --ns t --min-idle 0
  assert_success
  assert_line --regexp '^removed shm key 0x00000101 id [0-9]+ from IPC namespace [0-9]+ t: not attached, creator pid [0-9]+ gone$'
  assert_line "removed 1 orphan, kept 2 in use"
  run objects
  assert_output "shm 0x100
shm 0x102"
}

@test "msg: a task blocked in msgrcv on a fresh queue, or in msgsnd on a full one, keeps it" {
  in_t "${AS_GONE[@]}" "$IPC_TOOL" msg 0x200
  in_t "${AS_GONE[@]}" "$IPC_TOOL" msg 0x201
  in_t "${AS_GONE[@]}" "$IPC_TOOL" fill 0x201
  in_t "${AS_GONE[@]}" "$IPC_TOOL" msg 0x202
  hold recv "${AS_USER[@]}" "$IPC_TOOL" wait-recv 0x200
  hold send "${AS_USER[@]}" "$IPC_TOOL" wait-send 0x201
  # Blocked in the kernel, not merely about to be.
  for _ in $(seq 100); do grep -q '^7[01] ' /proc/"${PIDS[1]}"/syscall && break; sleep 0.02; done
  run "$NSIPC" audit --json --min-idle 0
  assert_equal "$(jq -r '.namespaces[] | select(.name == "t") | .objects[] | select(.key == "0x00000200") | .reason' <<<"$output")" \
    "blocked msgrcv by pid ${PIDS[0]}"
  run rules --min-idle 0
  assert_output "0x00000200 blocked
0x00000201 blocked
0x00000202 orphan"
  run "$NSIPC" gc --ns t --min-idle 0 --json
  assert_success
  assert_equal "$(jq -c '[.removed[] | [.type, .key]]' <<<"$output")" '[["msg","0x00000202"]]'
  # The receiver still gets what is sent: its queue is the same.
  in_t "$IPC_TOOL" use 0x200 msg
  run objects
  assert_output "msg 0x200
msg 0x201"
}

@test "msg: a 32-bit program blocked in msgrcv, by i386's call or its ipc(2), keeps the queue" {
  run "$IPC_TOOL" i386
  [ "$status" -ne 77 ] || skip "the kernel runs no i386 calls here"
  in_t "${AS_GONE[@]}" "$IPC_TOOL" msg 0x210
  in_t "${AS_GONE[@]}" "$IPC_TOOL" msg 0x211
  hold recv32 "${AS_USER[@]}" "$IPC_TOOL" wait-recv32 0x210
  hold ipc32 "${AS_USER[@]}" "$IPC_TOOL" wait-ipc32 0x211
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do grep -q '^\(401\|117\) ' /proc/"$pid"/syscall && break; sleep 0.02; done
  done
  run rules --min-idle 0
  assert_output "0x00000210 blocked
0x00000211 blocked"
  run "$NSIPC" gc --ns t --min-idle 0
  assert_success
  assert_line "removed 0 orphans, kept 2 in use"
}

@test "a process whose main thread has exited: its other thread, blocked in msgrcv or holding a queue open, keeps the object" {
  in_t "${AS_GONE[@]}" "$IPC_TOOL" msg 0x220
  in_t "${AS_GONE[@]}" "$IPC_TOOL" mq-create /held
  hold recv "${AS_USER[@]}" "$IPC_TOOL" leaderless-recv 0x220
  hold mq "${AS_USER[@]}" "$IPC_TOOL" leaderless-mq /held
  for _ in $(seq 100); do cat /proc/"${PIDS[0]}"/task/*/syscall | grep -q '^70 ' && break; sleep 0.02; done
  run rules --min-idle 0
  assert_output "/held open
0x00000220 blocked"
  run "$NSIPC" gc --ns t --min-idle 0
  assert_success
  assert_line "removed 0 orphans, kept 2 in use"
  kill -0 "${PIDS[0]}"
}

@test "a thread that joined the namespace alone (setns), blocked in msgrcv there, keeps the queue; its process is elsewhere" {
  in_t "${AS_GONE[@]}" "$IPC_TOOL" msg 0x230
  "$NSIPC" ns create u
  # The process lives in u; one of its threads enters t and waits there.
  spawn nsenter --ipc="$NSIPC_STATE_DIR/ns/u" "$IPC_TOOL" thread-recv "$PIN" 0x230 "$READY.thread"
  wait_for "$READY.thread"
  for _ in $(seq 100); do cat /proc/"${PIDS[0]}"/task/*/syscall | grep -q '^70 ' && break; sleep 0.02; done
  kept_alone "0x00000230 blocked" "msg 0x230"
  kill -0 "${PIDS[0]}"
}

@test "sem: a waiter, a live last operator, and a SEM_UNDO holder's uid keep a set; a dead set goes" {
  in_t "${AS_GONE[@]}" "$IPC_TOOL" sem 0x300 1
  in_t "${AS_GONE[@]}" "$IPC_TOOL" semop 0x300 -1
  hold wait "${AS_USER[@]}" "$IPC_TOOL" wait-sem 0x300
  in_t "${AS_GONE[@]}" "$IPC_TOOL" sem 0x301 1
  hold undo "${AS_USER[@]}" "$IPC_TOOL" undo 0x301
  # PostgreSQL's pattern: the holder created the set and took it with
  # SEM_UNDO; a short-lived process operated on it last and exited.
  in_t "${AS_USER[@]}" "$IPC_TOOL" sem 0x302 1
  hold undo2 "${AS_USER[@]}" "$IPC_TOOL" undo 0x302
  in_t "${AS_GONE[@]}" "$IPC_TOOL" semop 0x302 0
  in_t "${AS_GONE[@]}" "$IPC_TOOL" sem 0x303 2
  for _ in $(seq 100); do grep -q '^\(65\|220\) ' /proc/"${PIDS[0]}"/syscall && break; sleep 0.02; done
  run rules --min-idle 0
  assert_output "0x00000300 waiters
0x00000301 live-pid
0x00000302 creator-uid
0x00000303 orphan"
  run "$NSIPC" gc --ns t --min-idle 0 --json
  assert_success
  assert_equal "$(jq -c '[.removed[] | [.type, .key]]' <<<"$output")" '[["sem","0x00000303"]]'
}

@test "a process that begins to wait on a set while gc judges it keeps the set: the re-check before IPC_RMID" {
  command -v strace >/dev/null || skip "strace is not installed"
  # A set of 64: reading its members takes long enough that gc reads it
  # again before it removes it (a small one was read microseconds before).
  in_t "${AS_GONE[@]}" "$IPC_TOOL" sem 0x300 64
  in_t "${AS_GONE[@]}" "$IPC_TOOL" semop 0x300 -1
  # gc's semctl calls up to the last member it reads to judge the set (its
  # waiters, GETZCNT): a dry run makes the same.
  strace -f -o "$BATS_TEST_TMPDIR/calls" -e trace=semctl "$NSIPC" gc --ns t --min-idle 0 --dry-run >/dev/null
  n=$(grep -c 'semctl(' "$BATS_TEST_TMPDIR/calls")
  [ "$(grep 'semctl(' "$BATS_TEST_TMPDIR/calls" | tail -1 | grep -c GETZCNT)" = 1 ]
  # The real run holds there for a second, while a process begins to wait.
  strace -f -o /dev/null -e trace=semctl -e inject=semctl:delay_exit=1000000:when="$n" \
    "$NSIPC" gc --ns t --min-idle 0 >"$BATS_TEST_TMPDIR/gc.out" &
  gc=$!
  sleep 0.3
  hold wait "${AS_USER[@]}" "$IPC_TOOL" wait-sem 0x300
  for _ in $(seq 100); do grep -q '^\(64\|65\|220\) ' /proc/"${PIDS[0]}"/syscall && break; sleep 0.02; done
  wait "$gc"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/gc.out")" "removed 0 orphans, kept 1 in use"
  run objects
  assert_output "sem 0x300"
  kill -0 "${PIDS[0]}"
}

@test "creator uid: a queue whose creator is alive but never used it stays; by-pid drops the rule" {
  echo '{ "version": 1, "cleanup": "by-pid" }' >"$NSIPC_POLICY_DIR/bypid.json"
  "$NSIPC" ns create b --policy bypid
  # The python sysv_ipc server: creates its queue, then does other work.
  hold server "${AS_USER[@]}" "$IPC_TOOL" create msg 0x400
  spawn nsenter --ipc="$NSIPC_STATE_DIR/ns/b" "${AS_USER[@]}" "$IPC_TOOL" create msg 0x400 "$READY.b"
  wait_for "$READY.b"
  run rules --min-idle 0
  assert_output "0x00000400 creator-uid"
  assert_equal "$("$NSIPC" audit --json --min-idle 0 | jq -r '.namespaces[] | select(.name == "t") | .objects[0].reason')" \
    "creator uid 4343 has 1 process here"
  run "$NSIPC" gc --ns t --min-idle 0 --json
  assert_equal "$(jq '.removed | length' <<<"$output")" 0
  run "$NSIPC" gc --ns b --min-idle 0 --json
  assert_equal "$(jq -c '[.removed[] | [.name, .key, .reason]]' <<<"$output")" '[["b","0x00000400","no live sender, receiver or waiter"]]'
}

@test "creator uid: a thread that took the creator's uid for itself alone keeps the queue its process's main thread does not run as" {
  # Each thread has its own credentials: the raw setresuid call (glibc's
  # changes every thread's) gives one thread uid 4545, which creates the
  # queue, while the main thread stays root.
  hold thread "$IPC_TOOL" thread-create msg 0x410 4545
  kept_alone "0x00000410 creator-uid" "msg 0x410"
}

@test "POSIX queues: one held open stays, one whose owner has a process stays, a forgotten one goes" {
  in_t "${AS_GONE[@]}" "$IPC_TOOL" mq-create /held
  hold open "${AS_USER[@]}" "$IPC_TOOL" mq-open /held
  in_t "${AS_USER[@]}" "$IPC_TOOL" mq-create /mine
  in_t "${AS_GONE[@]}" "$IPC_TOOL" mq-create /gone
  run rules --min-idle 0
  assert_output "/gone orphan
/held open
/mine creator-uid"
  run "$NSIPC" gc --ns t --min-idle 0 --json
  assert_success
  assert_equal "$(jq -c '[.removed[] | [.type, .mqueue]]' <<<"$output")" '[["mqueue","/gone"]]'
  run objects
  assert_output "mqueue /held
mqueue /mine"
}

@test "POSIX queues: who holds them open is read again in each namespace; one opened while gc was in another stays" {
  "$NSIPC" ns create u
  in_t "${AS_GONE[@]}" "$IPC_TOOL" mq-create /qt
  nsenter --ipc="$NSIPC_STATE_DIR/ns/u" "${AS_GONE[@]}" "$IPC_TOOL" mq-create /qu
  mkdir "$BATS_TEST_TMPDIR/runc"
  # gc reads the open files at t's queue (t's pin is older: judged first)
  # and holds for a second before it removes it, at its one mq_open.
  strace -f -o /dev/null -e trace=mq_open -e inject=mq_open:delay_exit=1000000:when=1 \
    "$NSIPC" gc --min-idle 0 --runtime-root "$BATS_TEST_TMPDIR/runc" >"$BATS_TEST_TMPDIR/gc.out" &
  gc=$!
  sleep 0.4
  spawn nsenter --ipc="$NSIPC_STATE_DIR/ns/u" "${AS_USER[@]}" "$IPC_TOOL" mq-open /qu "$READY.open"
  wait_for "$READY.open"
  wait "$gc"
  run cat "$BATS_TEST_TMPDIR/gc.out"
  assert_line --partial "removed mqueue /qt from IPC namespace"
  refute_line --partial "/qu"
  assert_line "removed 1 orphan, kept 1 in use"
  assert_equal "$("$NSIPC" audit --json | jq -r '.namespaces[] | select(.name == "u") | .objects[].name')" "/qu"
}

@test "--min-idle: a fresh orphan is kept for 30 s by default; 0 removes it; bad values are usage errors" {
  in_t "${AS_GONE[@]}" "$IPC_TOOL" shm 0x500 4096
  run rules
  assert_output --regexp '^0x00000500 recent$'
  run "$NSIPC" gc --ns t
  assert_success
  assert_line "removed 0 orphans, kept 1 in use"
  run "$NSIPC" gc --ns t --min-idle 0
  assert_line "removed 1 orphan, kept 0 in use"
  for bad in -1 abc 1.5 "" " 5" +5; do
    run "$NSIPC" gc --ns t --min-idle "$bad"
    assert_failure 2
    assert_output "nsipc: gc: --min-idle \"$bad\": not a whole number of seconds"
    run "$NSIPC" audit --min-idle "$bad"
    assert_failure 2
  done
  run "$NSIPC" gc --ns t --min-idle 99999999999999999999
  assert_failure 2
  assert_output "nsipc: gc: --min-idle \"99999999999999999999\": more seconds than there are"
  # A usage error is one line.
  run "$NSIPC" audit --bogus
  assert_failure 2
  assert_equal "${#lines[@]}" 1
  refute_output --partial '\x0a'
}

@test "cleanup none: nothing is ever removed" {
  echo '{ "version": 1, "cleanup": "none" }' >"$NSIPC_POLICY_DIR/keep.json"
  "$NSIPC" ns apply t --policy keep
  in_t "${AS_GONE[@]}" "$IPC_TOOL" shm 0x600 4096
  run rules --min-idle 0
  assert_output "0x00000600 cleanup-none"
  run "$NSIPC" gc --ns t --min-idle 0
  assert_line "removed 0 orphans, kept 1 in use"
}

@test "in a child pid namespace gc removes nothing and says why; audit keeps everything" {
  # Objects host processes use: a waited-on semaphore, an open queue.
  in_t "${AS_GONE[@]}" "$IPC_TOOL" sem 0x700 1
  in_t "${AS_GONE[@]}" "$IPC_TOOL" semop 0x700 -1
  hold wait "${AS_USER[@]}" "$IPC_TOOL" wait-sem 0x700
  in_t "${AS_GONE[@]}" "$IPC_TOOL" mq-create /q
  hold open "${AS_USER[@]}" "$IPC_TOOL" mq-open /q
  in_t "${AS_GONE[@]}" "$IPC_TOOL" shm 0x701 4096
  before=$(objects)
  run unshare --pid --fork --mount-proc "$NSIPC" gc --ns t --min-idle 0
  assert_failure 1
  assert_output --regexp '^nsipc: gc: nsipc runs in a child pid namespace \(pid:\[[0-9]+\]\), not the host.s: cannot tell live processes from dead ones, removed nothing$'
  assert_equal "$(objects)" "$before"
  run unshare --pid --fork --mount-proc "$NSIPC" audit --json --min-idle 0
  assert_success
  assert_equal "$(jq -c '[.namespaces[] | select(.name == "t") | .objects[].rule] | unique' <<<"$output")" '["pid-namespace"]'
}

@test "without CAP_SYS_PTRACE or CAP_DAC_READ_SEARCH gc removes nothing and says why: other users' processes read as none" {
  # Another user's process blocked in msgrcv, another holding a queue open:
  # without those capabilities their /proc files read as absent or empty.
  in_t "${AS_GONE[@]}" "$IPC_TOOL" msg 0x710
  hold recv "${AS_USER[@]}" "$IPC_TOOL" wait-recv 0x710
  in_t "${AS_GONE[@]}" "$IPC_TOOL" mq-create /q
  hold open "${AS_USER[@]}" "$IPC_TOOL" mq-open /q
  before=$(objects)
  for caps in -sys_ptrace -dac_read_search,-dac_override; do
    missing=CAP_SYS_PTRACE
    [ "$caps" = -sys_ptrace ] || missing=CAP_DAC_READ_SEARCH
    run setpriv --bounding-set "$caps" --inh-caps "$caps" "$NSIPC" gc --ns t --min-idle 0
    assert_failure 1
    assert_output "nsipc: gc: nsipc cannot read other users' processes (it lacks $missing): cannot tell live processes from dead ones, removed nothing"
    assert_equal "$(objects)" "$before"
    run setpriv --bounding-set "$caps" --inh-caps "$caps" "$NSIPC" audit --json --min-idle 0
    assert_success
    assert_equal "$(jq -c '[.namespaces[] | select(.name == "t") | .objects[].rule] | unique' <<<"$output")" '["pid-namespace"]'
  done
  kill -0 "${PIDS[0]}"
}

@test "in an IPC namespace not process 1's, audit refuses in one line rather than take its own for the host's" {
  # Process 1 (sh, in a pid namespace of its own) stays in ours; nsipc
  # runs in a new IPC namespace below it, as in a pod without hostIPC.
  run unshare --pid --fork --mount-proc sh -c '"$0" audit --json; echo "status $?"' "$NSIPC"
  assert_equal "${lines[-1]}" "status 0" # from process 1's namespace, audit works
  run unshare --pid --fork --mount-proc sh -c 'unshare --ipc "$0" audit --json; echo "status $?"' "$NSIPC"
  assert_line --index 0 --regexp "^nsipc: audit: nsipc is in IPC namespace [0-9]+, not the host's \([0-9]+, process 1's\), and would take its own for the host's: run it in the host's IPC namespace \(a Kubernetes pod: hostIPC: true\)$"
  assert_line --index 1 "status 1"
}

@test "audit --orphans, gc --dry-run and gc agree exactly" {
  in_t "${AS_GONE[@]}" "$IPC_TOOL" shm 0x800 4096
  in_t "${AS_GONE[@]}" "$IPC_TOOL" msg 0x801
  in_t "${AS_GONE[@]}" "$IPC_TOOL" sem 0x802 3
  in_t "${AS_GONE[@]}" "$IPC_TOOL" mq-create /orphan
  in_t "${AS_GONE[@]}" "$IPC_TOOL" shm 0x803 4096
  hold attach "${AS_USER[@]}" "$IPC_TOOL" attach 0x803
  audit=$("$NSIPC" audit --orphans --json --min-idle 0 |
    jq -c '[.namespaces[] | select(.name == "t") | .objects[] | [.type, (.key // .name), .reason]] | sort')
  dry=$("$NSIPC" gc --ns t --dry-run --json --min-idle 0 | jq -c '[.removed[] | [.type, (.key // .mqueue), .reason]] | sort')
  real=$("$NSIPC" gc --ns t --json --min-idle 0 | jq -c '[.removed[] | [.type, (.key // .mqueue), .reason]] | sort')
  assert_equal "$dry" "$audit"
  assert_equal "$real" "$audit"
  assert_equal "$(jq -c '[.[] | .[1]]' <<<"$real")" '["/orphan","0x00000801","0x00000802","0x00000800"]'
}

@test "a gc loop racing short-lived creators and their immediate users loses nothing" {
  stop=$BATS_TEST_TMPDIR/stop
  (while [ ! -e "$stop" ]; do "$NSIPC" gc --ns t >/dev/null 2>&1; done) &
  PIDS+=("$!")
  lost=0
  types=(shm msg sem)
  for i in $(seq 300); do
    type=${types[i % 3]}
    key=$((0x10000 + i))
    case $type in
      shm) in_t "${AS_GONE[@]}" "$IPC_TOOL" shm "$key" 4096 ;;
      msg) in_t "${AS_GONE[@]}" "$IPC_TOOL" msg "$key" ;;
      sem) in_t "${AS_GONE[@]}" "$IPC_TOOL" sem "$key" 1 ;;
    esac
    in_t "${AS_USER[@]}" "$IPC_TOOL" use "$key" "$type" 2>/dev/null || lost=$((lost + 1))
  done
  touch "$stop"
  echo "# 300 objects created, $lost lost" >&3
  assert_equal "$lost" 0
  assert_equal "$(objects | wc -l)" 300
}

@test "pgpool: a segment holder OOM-killed and restarted ten times; orphans stay bounded, the live one survives" {
  command -v runc >/dev/null || skip "runc is not installed"
  b=$BATS_TEST_TMPDIR/b
  # pgpool's shape: an IPC_PRIVATE segment, attached, until killed.
  make_bundle "$b" 'exec ipc-tool private 1048576 /out/ready'
  with_hooks "$b" '["--min-idle", "0"]'
  echo '{ "version": 1 }' >"$NSIPC_POLICY_DIR/pgpool.json"
  bundle_edit "$b" --arg pin "$PIN" '.annotations = { "io.nsipc.policy": "pgpool" }
    | .linux.namespaces |= map(if .type == "ipc" then .path = $pin else . end)'
  segments() {
    in_t awk 'NR > 1 && $1 == 0 { n++ } END { print n + 0 }' /proc/sysvipc/shm
  }
  for i in $(seq 10); do
    rm -f "$b/out/ready"
    runc run -d --bundle "$b" "$PREFIX-$i" >/dev/null 2>&1 </dev/null
    wait_for "$b/out/ready"
    # The killed one's poststop removed its segment; gc finds nothing more
    # and keeps the live one.
    assert_equal "$(segments)" 1
    "$NSIPC" gc --ns t --min-idle 0 >/dev/null
    assert_equal "$(segments)" 1
    [ "$i" -eq 10 ] && break
    runc kill "$PREFIX-$i" KILL
    for _ in $(seq 100); do [ "$(runc state "$PREFIX-$i" | jq -r .status)" = stopped ] && break; sleep 0.05; done
    runc delete "$PREFIX-$i" 2>/dev/null # poststop
  done
  assert_equal "$(in_t awk 'NR > 1 && $1 == 0 { print $7 }' /proc/sysvipc/shm)" 1
}
