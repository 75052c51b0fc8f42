#!/usr/bin/env bats
# podman with the shipped oci-hooks(5) file, pointed at the built binary.
# podman keeps all its state in this file's temporary directory.

load common

setup_file() {
  command -v podman >/dev/null || skip "podman is not installed"
  export PODMAN_DIR=$BATS_FILE_TMPDIR/podman
  mkdir -p "$PODMAN_DIR/image/bin" "$PODMAN_DIR/hooks"
  cp /bin/busybox "$PODMAN_DIR/image/bin/"
  for applet in sh cat ls true sleep awk touch wc; do ln -s busybox "$PODMAN_DIR/image/bin/$applet"; done
  tar -C "$PODMAN_DIR/image" -cf "$PODMAN_DIR/image.tar" .
  podman_cmd import "$PODMAN_DIR/image.tar" localhost/nsipc-busybox:test >/dev/null
}

teardown_file() {
  [ -n "${PODMAN_DIR:-}" ] || return 0
  podman_cmd rm -a -f >/dev/null 2>&1 || true
  local m
  for m in $(awk -v d="$PODMAN_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$m"
  done
}

# The flags this kind of machine needs (README: podman).
podman_cmd() {
  podman --root "$PODMAN_DIR/root" --runroot "$PODMAN_DIR/run" --tmpdir "$PODMAN_DIR/tmp" \
    --storage-driver vfs --cgroup-manager cgroupfs --runtime runc --events-backend none \
    --hooks-dir "$PODMAN_DIR/hooks" "$@"
}

podman_run() {
  podman_cmd run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"
}

setup() {
  common_setup
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  cat >"$NSIPC_POLICY_DIR/web.json" <<'EOF2'
{ "version": 1, "limits": { "msgmni": 23, "sem": { "semmni": 24 } },
  "objects": [ { "type": "shm", "name": "frames", "key": "0x42", "size": 8192, "mode": "0640" },
               { "type": "msg", "name": "jobs", "key": "0x43", "mode": "0600", "gid": 7 } ] }
EOF2
  # The shipped hooks.d files, pointed at this build and this test's directories.
  local f
  for f in nsipc nsipc-precreate; do
    jq --arg path "$([ $f = nsipc ] && echo "$NSIPC_HOOK" || echo "$NSIPC")" --arg state "$NSIPC_STATE_DIR" --arg policies "$NSIPC_POLICY_DIR" \
      --arg log "$BATS_TEST_TMPDIR/log/nsipc.log" \
      '.hook.path = $path | .hook.args = ["nsipc", "--state-dir", $state, "--policy-dir", $policies] + .hook.args[1:]
       | .hook.env = ["NSIPC_LOG=" + $log]' \
      "$SOURCE_ROOT/hooks/$f.json.in" >"$PODMAN_DIR/hooks/$f.json"
  done
}

@test "podman: a container with the annotation gets its limits and objects" {
  run podman_run --annotation io.nsipc.policy=web localhost/nsipc-busybox:test \
    sh -c 'cat /proc/sys/kernel/msgmni; awk "{ print \$4 }" /proc/sys/kernel/sem; awk "FNR > 1 { print \$1, \$3, \$9 }" /proc/sysvipc/shm /proc/sysvipc/msg'
  assert_success
  assert_output "23
24
66 640 0
67 600 7"
  # poststop ran: the ledger is gone.
  run ls -A "$NSIPC_STATE_DIR/containers"
  assert_output ""
  # Both stages wrote the event log the hooks.d file names; nsipc log shows it.
  run "$NSIPC" --log "$BATS_TEST_TMPDIR/log/nsipc.log" log
  assert_line --regexp '^[0-9T:.-]+Z hook createRuntime created: [0-9a-f]{64}$'
  assert_line --regexp '^[0-9T:.-]+Z hook poststop poststop: container [0-9a-f]{64}: '
  run jq -r '.event' "$BATS_TEST_TMPDIR/log/nsipc.log"
  assert_output "created
poststop"
}

@test "podman: a container without the annotation is untouched" {
  run podman_run localhost/nsipc-busybox:test sh -c 'cat /proc/sys/kernel/msgmni; wc -l < /proc/sysvipc/shm'
  assert_success
  assert_output "32000
1"
  [ ! -e "$NSIPC_STATE_DIR" ]
}

@test "podman: a bad annotation stops the container with nsipc's message" {
  run podman_run --annotation io.nsipc.policy=../etc/passwd localhost/nsipc-busybox:test touch /ran
  assert_failure
  assert_output --partial 'annotation io.nsipc.policy: "../etc/passwd" is not a policy name'
  run -127 podman_run --annotation io.nsipc.policy=missing localhost/nsipc-busybox:test true
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: policy $NSIPC_POLICY_DIR/missing.json: cannot read: No such file or directory"
}

@test "podman: a sealed policy holds through the precreate hook, on podman's own seccomp profile" {
  cp "$IPC_TOOL" "$BATS_TEST_TMPDIR/ipc-tool"
  cat >"$NSIPC_POLICY_DIR/sealed.json" <<'EOF2'
{ "version": 1, "seal": true,
  "objects": [ { "type": "shm", "key": "0x1000", "size": 4096 }, { "type": "msg", "key": "0x1001" } ] }
EOF2
  run podman_run --annotation io.nsipc.policy=sealed -v "$BATS_TEST_TMPDIR/ipc-tool:/bin/ipc-tool:ro" \
    localhost/nsipc-busybox:test sh -c "
    ipc-tool use 0x1000 shm && echo 'shm 0x1000 ok'
    ipc-tool use 0x1001 msg && echo 'msg 0x1001 ok'
    ipc-tool shm 0x2000 4096 2>&1
    ipc-tool private 4096 /dev/null 2>&1
    ipc-tool rm 0x1000 shm 2>&1
    awk 'NR > 1 { print \"left\", \$1 }' /proc/sysvipc/shm
    grep Seccomp: /proc/self/status"
  assert_success
  assert_output "shm 0x1000 ok
msg 0x1001 ok
shmget: Operation not permitted
private: Operation not permitted
rm: Operation not permitted
left 4096
Seccomp:	2"
}

@test "podman: a config with an unlimited rlimit (18446744073709551615, past jansson's integers) is amended, the number kept" {
  run podman_run --ulimit core=-1:-1 --annotation io.nsipc.policy=web localhost/nsipc-busybox:test \
    sh -c 'cat /proc/sys/kernel/msgmni; ulimit -c'
  assert_success
  assert_output "23
unlimited"
}

@test "podman: dev_shm resizes podman's own /dev/shm; a --shm-size that contradicts it stops the container" {
  echo '{ "version": 1, "dev_shm": { "size": "8MiB" } }' >"$NSIPC_POLICY_DIR/shm8.json"
  run podman_run --annotation io.nsipc.policy=shm8 localhost/nsipc-busybox:test sh -c 'df -k /dev/shm | awk "NR == 2 { print \$2 }"'
  assert_success
  assert_output 8192
  run podman_run --annotation io.nsipc.policy=shm8 --shm-size 100m localhost/nsipc-busybox:test touch /ran
  assert_failure
  assert_output --partial "/dev/shm is 100MiB (podman --shm-size, or size= in the config), the policy's dev_shm 8MiB: the admin's policy is not overridden"
  run podman_run --annotation io.nsipc.policy=shm8 --shm-size 8m localhost/nsipc-busybox:test true
  assert_success
}

@test "podman: --sysctl kernel.shm_rmid_forced=1 stops a container whose policy provisions segments, which the kernel would remove" {
  run podman_run --annotation io.nsipc.policy=web --sysctl kernel.shm_rmid_forced=1 localhost/nsipc-busybox:test \
    sh -c 'touch /ran; awk "NR > 1 { print \$1 }" /proc/sysvipc/shm'
  assert_failure
  assert_output --partial "the config sets kernel.shm_rmid_forced = 1, which removes the policy's segment objects[0] once the hook that makes it exits: drop the setting"
  assert_equal "$(ls "$NSIPC_STATE_DIR/containers" 2>/dev/null | wc -l)" 0
}
