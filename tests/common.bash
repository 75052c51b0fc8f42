# Shared by the bats files: the binary under test, a private policy
# directory, and a snapshot of what the host has, to prove it is untouched.

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

NSIPC=$(readlink -f "${NSIPC:-$BATS_TEST_DIRNAME/../build/nsipc}")
# The hook the runtime runs; beside nsipc in a build, as oci-config finds it.
NSIPC_HOOK=$(readlink -f "${NSIPC_HOOK:-$(dirname "$NSIPC")/nsipc-hook}")
MQ_ATTR=$(readlink -f "${MQ_ATTR:-$BATS_TEST_DIRNAME/../build/tests/mq-attr}")
SOURCE_ROOT=${NSIPC_SOURCE_ROOT:-$BATS_TEST_DIRNAME/..}

common_setup() {
  [ "$(id -u)" -eq 0 ] || skip "needs root"
  # No test may pick up /etc/nsipc/policies/default.json by accident.
  export NSIPC_POLICY_DIR=$BATS_TEST_TMPDIR/policies
  mkdir -p "$NSIPC_POLICY_DIR"
}

# Writes stdin to $BATS_TEST_TMPDIR/NAME.json and prints the path.
policy() {
  local file=$BATS_TEST_TMPDIR/$1.json
  cat >"$file"
  echo "$file"
}

# What a run must never change: the host's IPC objects, IPC sysctls and the
# mounts on /dev/shm and /dev/mqueue.
host_snapshot() {
  cat /proc/sysvipc/msg /proc/sysvipc/sem /proc/sysvipc/shm
  grep -r . /proc/sys/kernel/msgmax /proc/sys/kernel/msgmnb /proc/sys/kernel/msgmni \
    /proc/sys/kernel/sem /proc/sys/kernel/shmmax /proc/sys/kernel/shmall /proc/sys/kernel/shmmni \
    /proc/sys/kernel/shm_rmid_forced /proc/sys/fs/mqueue/
  readlink /proc/self/ns/ipc /proc/self/ns/mnt
  awk '$5 == "/dev/shm" || $5 == "/dev/mqueue" { print $5, $9, $10 }' /proc/self/mountinfo
  ls /dev/mqueue 2>/dev/null || true
}

IPC_TOOL=$(readlink -f "${IPC_TOOL:-$BATS_TEST_DIRNAME/../build/tests/ipc-tool}")

# make_bundle DIR: a busybox bundle for runc, its process `sh -c "$2"`, with
# ipc-tool in /bin; the config is edited later with jq (bundle_edit).
make_bundle() {
  local dir=$1
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/dev" "$dir/rootfs/sys" "$dir/rootfs/tmp" "$dir/rootfs/out"
  cp /bin/busybox "$IPC_TOOL" "$dir/rootfs/bin/"
  local applet
  for applet in $(busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$dir/rootfs/bin/$applet"
  done
  (cd "$dir" && runc spec)
  bundle_edit "$dir" --arg cmd "$2" '.process.terminal = false | .process.args = ["sh", "-c", $cmd]
    | .root.readonly = false
    | .mounts += [{ "destination": "/out", "type": "bind", "source": "'"$dir"'/out", "options": ["rbind", "rw"] }]'
  mkdir -p "$dir/out"
}

# bundle_edit DIR JQ-ARGS...: rewrites DIR/config.json through jq.
bundle_edit() {
  local dir=$1
  shift
  jq "$@" "$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}

# with_hooks DIR [JSON-ARRAY]: nsipc-hook ($NSIPC_HOOK, as the hooks files
# name it) as createRuntime and poststop hook, one entry with no stage
# argument serving both; the array adds hook options (e.g. '["--min-idle", "0"]').
with_hooks() {
  bundle_edit "$1" --arg nsipc "$NSIPC_HOOK" --arg state "$NSIPC_STATE_DIR" --arg policies "$NSIPC_POLICY_DIR" \
    --argjson extra "${2:-[]}" \
    '(["nsipc", "--state-dir", $state, "--policy-dir", $policies, "hook"] + $extra) as $args
     | .hooks = { "createRuntime": [{ "path": $nsipc, "args": $args }], "poststop": [{ "path": $nsipc, "args": $args }] }'
}

# ipc_sleeper: a process in an IPC namespace of its own (unshare execs
# sleep: its pid is the process's), returned once it is there; its pid in
# $IPC_SLEEPER.  Teardown ends it.
ipc_sleeper() {
  spawn unshare --ipc sleep 60
  IPC_SLEEPER=${PIDS[-1]}
  for _ in $(seq 100); do
    [ "$(readlink /proc/"$IPC_SLEEPER"/ns/ipc)" != "$(readlink /proc/self/ns/ipc)" ] && break
    sleep 0.02
  done
}

# join_ipc DIR NSPATH: the container of bundle DIR joins the IPC namespace
# at NSPATH.
join_ipc() {
  bundle_edit "$1" --arg ns "$2" '.linux.namespaces |= map(if .type == "ipc" then .path = $ns else . end)'
}

# with_syslog LOG CMD...: CMD in a mount namespace of its own, whose
# /dev/log writes each datagram as a line of LOG (tests/helpers/with-syslog.sh).
with_syslog() {
  unshare --mount --propagation private bash "$BATS_TEST_DIRNAME/helpers/with-syslog.sh" "$@"
}

# spawn CMD...: runs it in the background; teardown ends it by its pid.
spawn() {
  "$@" &
  PIDS+=("$!")
}

end_spawned() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}

wait_for() {
  for _ in $(seq 200); do [ -e "$1" ] && return 0; sleep 0.05; done
  echo "timed out waiting for $1" >&2
  return 1
}

# unmount_below DIR: every mount below DIR (ours), deepest first.
unmount_below() {
  local m
  for m in $(awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$m"
  done
}

# Prefixes that run a command as a uid no other process runs with: what it
# creates (mode 0666, for others to use) has a creator that is gone once it
# exits.  AS_USER is a second such uid, for users that are not the creator.
AS_GONE=(setpriv --reuid=4242 --regid=4242 --clear-groups env IPC_MODE=0666)
AS_USER=(setpriv --reuid=4343 --regid=4343 --clear-groups env IPC_MODE=0666)

# cid N: a container id of this test ($PREFIX; teardowns delete by it).
cid() {
  echo "$PREFIX-$1"
}

# wait_stopped ID: until runc says the container has stopped.
wait_stopped() {
  for _ in $(seq 200); do
    [ "$(runc state "$1" 2>/dev/null | jq -r .status)" = stopped ] && return 0
    sleep 0.05
  done
  return 1
}

# READ_ALL: a container command printing what the web policy sets, as the
# runtime suites check it: limits, objects (key, mode, owners), queues and
# the size of /dev/shm.
READ_ALL='for f in kernel/msgmni kernel/shmmni kernel/sem fs/mqueue/queues_max; do echo "$f=$(cat /proc/sys/$f)"; done
  awk "NR > 1 { print \"msg\", \$1, \$3, \$8, \$9 }" /proc/sysvipc/msg
  awk "NR > 1 { print \"sem\", \$1, \$3, \$4, \$5, \$6 }" /proc/sysvipc/sem
  awk "NR > 1 { print \"shm\", \$1, \$3, \$4, \$8, \$9 }" /proc/sysvipc/shm
  ls -ln /dev/mqueue | awk "NR > 1 { print \"mqueue\", \$9, \$1, \$3, \$4 }"
  df -k /dev/shm | awk "NR == 2 { print \"dev_shm\", \$2 }"'

# write_web_policy: POLICY_DIR/web.json, the policy the runtime suites
# (runc, containerd) run containers with: limits, /dev/shm and one object
# of each type, with owners.
write_web_policy() {
  cat >"$NSIPC_POLICY_DIR/web.json" <<'EOF2'
{ "version": 1,
  "limits": { "msgmni": 17, "shmmni": 18, "sem": { "semmni": 19 }, "mqueue": { "queues_max": 20 } },
  "dev_shm": { "size": "8MiB" },
  "objects": [
    { "type": "msg", "name": "jobs", "key": "0x1000", "mode": "0660", "uid": 1000, "gid": 1000 },
    { "type": "sem", "name": "locks", "key": "0x1001", "nsems": 2, "values": [5, 6], "mode": "0600" },
    { "type": "shm", "name": "frames", "key": "0x1002", "size": 65536, "mode": "0640", "gid": 1000 },
    { "type": "mqueue", "name": "/events", "max_messages": 4, "message_size": 128, "mode": "0660", "uid": 1000 } ] }
EOF2
}
