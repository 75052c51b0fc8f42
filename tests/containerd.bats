#!/usr/bin/env bats
# containerd (Debian's 1.6) with nsipc's hooks in the spec `ctr run --config`
# takes.  The file starts a containerd of its own: its root, state, socket,
# runc root and ctr fifos are below $CTD_DIR, and its CRI plugin is off.  The
# one thing outside is the runc shim's socket, which containerd 1.6 always
# puts in /run/containerd/s/ (named by a hash of our socket path, removed
# when the shim exits).

load common

# bats 1.8 (Debian 12) cannot skip in setup_file: it says why in CTD_SKIP,
# and setup skips each test with it.
setup_file() {
  export CTD_SKIP=""
  if [ "$(id -u)" -ne 0 ]; then CTD_SKIP="needs root"; fi
  if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
    CTD_SKIP="containerd is not installed (apt-get install containerd)"
  fi
  if ! command -v runc >/dev/null; then CTD_SKIP="runc is not installed"; fi
  if [ -n "$CTD_SKIP" ]; then return 0; fi
  export CTD_DIR=$BATS_FILE_TMPDIR/ctd
  # Whether /run/containerd was there before us: if not, teardown_file
  # removes the empty directories the shim made in it.
  export CTD_RUN_NEW=1
  [ ! -e /run/containerd ] || CTD_RUN_NEW=0
  mkdir -p "$CTD_DIR"
  cat >"$CTD_DIR/config.toml" <<EOF2
version = 2
root = "$CTD_DIR/root"
state = "$CTD_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                    "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$CTD_DIR/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CTD_DIR/opt"
EOF2
  containerd --config "$CTD_DIR/config.toml" >"$CTD_DIR/containerd.log" 2>&1 </dev/null 3>&- &
  export CTD_PID=$!
  for _ in $(seq 100); do
    ctr_cmd version >/dev/null 2>&1 && return 0
    kill -0 "$CTD_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$CTD_DIR/containerd.log" >&3
  false
}

teardown_file() {
  if [ -z "${CTD_DIR:-}" ]; then return 0; fi
  local id pid
  if [ -n "${CTD_PID:-}" ] && kill -0 "$CTD_PID" 2>/dev/null; then
    for id in $(ctr_cmd containers list -q 2>/dev/null); do
      timeout 30 ctr_cmd tasks delete -f "$id" >/dev/null 2>&1 || true
      timeout 30 ctr_cmd containers delete "$id" >/dev/null 2>&1 || true
    done
    kill "$CTD_PID"
    for _ in $(seq 100); do kill -0 "$CTD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CTD_PID" 2>/dev/null || true
    wait "$CTD_PID" 2>/dev/null || true
  fi
  # Shims of our containerd (their command line names our socket), should a
  # test have been interrupted; and runc containers under our runc root.
  local shim f
  shim=$(command -v containerd-shim-runc-v2 || true)
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    [ -n "$shim" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$shim" ] || continue
    tr '\0' ' ' <"$f" 2>/dev/null | grep -q -F -- "-address $CTD_DIR/containerd.sock " && kill "$pid" 2>/dev/null || true
  done
  for id in $(runc --root "$CTD_DIR/runc/nsipc-test" list -q 2>/dev/null); do
    runc --root "$CTD_DIR/runc/nsipc-test" delete -f "$id" >/dev/null 2>&1 || true
  done
  unmount_below "$CTD_DIR"
  if [ "${CTD_RUN_NEW:-0}" = 1 ]; then
    rmdir /run/containerd/s /run/containerd/fifo /run/containerd 2>/dev/null || true
  fi
}

ctr_cmd() {
  ctr --address "$CTD_DIR/containerd.sock" --namespace nsipc-test "$@"
}

# ctr_run [CTR-RUN-FLAGS...] SPEC ID: `ctr run --config SPEC ID` on our containerd.
ctr_run() {
  local spec=${*: -2:1} id=${*: -1}
  timeout 120 ctr --address "$CTD_DIR/containerd.sock" --namespace nsipc-test run --fifo-dir "$CTD_DIR/fifo" \
    --runc-root "$CTD_DIR/runc" "${@:1:$#-2}" --config "$spec" "$id"
}

setup() {
  if [ -n "${CTD_SKIP:-}" ]; then skip "$CTD_SKIP"; fi
  common_setup
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  PREFIX="nsipc-ctd-$$-$BATS_TEST_NUMBER"
  write_web_policy
  HOST_BEFORE=$(host_snapshot)
}

teardown() {
  if [ -z "${CTD_DIR:-}" ]; then return 0; fi
  local id
  for id in $(ctr_cmd containers list -q 2>/dev/null | grep "^$PREFIX-"); do
    timeout 30 ctr_cmd tasks delete -f "$id" >/dev/null 2>&1 || true
    timeout 30 ctr_cmd containers delete "$id" >/dev/null 2>&1 || true
  done
  unmount_below "$BATS_TEST_TMPDIR"
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot | grep -v "$NSIPC_STATE_DIR")" "$(grep -v "$NSIPC_STATE_DIR" <<<"$HOST_BEFORE")"
}

# ctd_bundle DIR CMD: make_bundle's busybox bundle, its root an absolute path
# (containerd's own bundle directory holds only the spec).
ctd_bundle() {
  make_bundle "$1" "$2"
  bundle_edit "$1" --arg root "$1/rootfs" '.root.path = $root'
}

ledgers() {
  ls "$NSIPC_STATE_DIR/containers" 2>/dev/null | grep -c '\.json$' || true
}

# start_sandbox BUNDLE NAME APP: runs BUNDLE (a pause) detached as NAME, as CRI
# starts a pod's sandbox, and points APP's IPC namespace at it; sets
# SANDBOX_PID.
start_sandbox() {
  ctr_run -d --null-io "$1/config.json" "$(cid "$2")"
  SANDBOX_PID=$(ctr_cmd tasks list | awk -v id="$(cid "$2")" '$1 == id { print $2 }')
  join_ipc "$3" "/proc/$SANDBOX_PID/ns/ipc"
}

# What our containerd and runc still know of this test.
leftovers() {
  ctr_cmd containers list -q | grep "^$PREFIX-" || true
  runc --root "$CTD_DIR/runc/nsipc-test" list -q 2>/dev/null | grep "^$PREFIX-" || true
}

@test "containerd: ctr run with the hooks and the annotation in its spec; limits and objects inside, poststop cleans" {
  b=$BATS_TEST_TMPDIR/b
  ctd_bundle "$b" "$READ_ALL"
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" }'
  run ctr_run --rm "$b/config.json" "$(cid 1)"
  assert_success
  assert_output "kernel/msgmni=17
kernel/shmmni=18
kernel/sem=32000	1024000000	500	19
fs/mqueue/queues_max=20
msg 4096 660 1000 1000
sem 4097 600 2 0 0
shm 4098 640 65536 0 1000
mqueue events -rw-rw---- 1000 0
dev_shm 8192"
  # poststop ran: no ledger is left.
  run ls -A "$NSIPC_STATE_DIR/containers"
  assert_success
  assert_output ""
  run leftovers
  assert_output ""
}

@test "containerd: a bad annotation stops the container with nsipc's message" {
  b=$BATS_TEST_TMPDIR/b
  ctd_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "nope" }'
  run ctr_run --rm "$b/config.json" "$(cid 1)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: policy $NSIPC_POLICY_DIR/nope.json: cannot read: No such file or directory"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "../web" }'
  run ctr_run --rm "$b/config.json" "$(cid 2)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 2): annotation io.nsipc.policy: \"../web\" is not a policy name"
  [ ! -e "$b/out/ran" ]
  assert_equal "$(ledgers)" 0
  run leftovers
  assert_output ""
}

@test "containerd: a spec that nsipc oci-config amended runs under ctr run --config" {
  b=$BATS_TEST_TMPDIR/b
  ctd_bundle "$b" "$READ_ALL"
  "$NSIPC" oci-config --policy web <"$b/config.json" >"$b/spec.json"
  run ctr_run --rm "$b/spec.json" "$(cid 1)"
  assert_success
  assert_line "kernel/msgmni=17"
  assert_line "shm 4098 640 65536 0 1000"
  assert_line "dev_shm 8192"
  # Its hooks use this test's state directory; poststop emptied it.
  [ -d "$NSIPC_STATE_DIR/containers" ]
  assert_equal "$(ledgers)" 0
}

# The CRI plugin gives a pod's containers the IPC namespace of its sandbox
# (pause) container, whose spec never comes from base_runtime_spec: the hook
# runs for the containers only, in a namespace they share, whose limits are
# the pod's sysctls.
@test "containerd, a pod as CRI makes it: objects in the sandbox's namespace; limits must be the pod's sysctls" {
  cat >"$NSIPC_POLICY_DIR/pod.json" <<'EOF2'
{ "version": 1, "limits": { "msgmni": 17, "sem": { "semmni": 19 } },
  "objects": [ { "type": "shm", "name": "frames", "key": "0x1002", "size": 65536, "mode": "0640" },
               { "type": "msg", "name": "jobs", "key": "0x1000", "mode": "0600", "gid": 7 } ] }
EOF2
  p=$BATS_TEST_TMPDIR/pause
  ctd_bundle "$p" 'exec sleep 300'
  a=$BATS_TEST_TMPDIR/app
  ctd_bundle "$a" 'cat /proc/sys/kernel/msgmni; awk "FNR > 1 { print \$1, \$3, \$9 }" /proc/sysvipc/shm /proc/sysvipc/msg'
  with_hooks "$a"
  bundle_edit "$a" '.annotations = { "io.nsipc.policy": "pod" }'

  # A sandbox without the sysctls: the namespace's limits are the kernel's,
  # and the container does not start.
  start_sandbox "$p" pause1 "$a"
  run ctr_run --rm "$a/config.json" "$(cid app1)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid app1): policy pod asks limits.msgmni = 17, but the shared namespace (IPC namespace /proc/$SANDBOX_PID/ns/ipc) has 32000"
  assert_equal "$(ledgers)" 0

  # The pod's sysctls (securityContext.sysctls) are the policy's limits.
  bundle_edit "$p" '.linux.sysctl = { "kernel.msgmni": "17", "kernel.sem": "32000 1024000000 500 19" }'
  start_sandbox "$p" pause2 "$a"
  run ctr_run --rm "$a/config.json" "$(cid app2)"
  assert_success
  assert_output "17
4098 640 0
4096 600 7"
  # The objects stay in the pod's namespace, and so does the ledger that
  # protects them: the sandbox has no record of its own (README: poststop).
  run nsenter --ipc="/proc/$SANDBOX_PID/ns/ipc" awk 'FNR > 1 { print $1 }' /proc/sysvipc/shm /proc/sysvipc/msg
  assert_output "4098
4096"
  run jq -r '"\(.ns_kind) \(.complete) \(.policy)"' "$NSIPC_STATE_DIR/containers/$(cid app2).json"
  assert_output "shared true pod"
  # The app containers are gone from containerd and runc; the sandboxes
  # are teardown's.
  run leftovers
  refute_output --partial "$(cid app)"
}
