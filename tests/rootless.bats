#!/usr/bin/env bats
# Rootless: an unprivileged user runs nsipc in a user namespace of its own
# (unshare -r).  run works there; what needs the host's root says so.

load common

setup() {
  common_setup
  command -v unshare >/dev/null || skip "unshare is not installed"
  # nobody, in a user namespace where it is root; the repo's policies are
  # world-readable, this test's temp dir is not.
  AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups unshare -r)
  "${AS_NOBODY[@]}" true 2>/dev/null || skip "unprivileged user namespaces are disabled here"
  EXAMPLES=$SOURCE_ROOT/policy/examples
  HOST_BEFORE=$(host_snapshot)
}

teardown() {
  end_spawned
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot)" "$HOST_BEFORE"
}

@test "rootless run: the policy's limits and /dev/shm, in namespaces the user owns" {
  run "${AS_NOBODY[@]}" "$NSIPC" --state-dir /nonexistent run --policy "$EXAMPLES/minimal.json" -- sh -c '
    cat /proc/sys/kernel/msgmni /proc/sys/kernel/shmmax
    df -k /dev/shm | awk "NR == 2 { print \$2 }"
    (echo 1 > /proc/sys/kernel/msgmni) 2>/dev/null || echo "sysctls read-only"'
  assert_success
  assert_output "0
1048576
1024
sysctls read-only"
}

@test "rootless: owners other than the user cannot be mapped; named namespaces, the hook, gc and audit need root" {
  run "${AS_NOBODY[@]}" "$NSIPC" run --policy "$EXAMPLES/pod.json" -- true
  assert_failure 1
  assert_output --partial 'msgctl IPC_SET: its owner is not mapped in this user namespace (rootless, only yours is)'
  for verb in "ns create x" "ns list" "gc" "audit"; do
    run "${AS_NOBODY[@]}" "$NSIPC" --state-dir /nonexistent $verb
    assert_failure 1
    assert_output "nsipc: ${verb% x}: rootless (in a user namespace), nsipc can only run: ${verb% x} needs the host's root"
  done
  run "${AS_NOBODY[@]}" "$NSIPC" hook createRuntime <<<'{ "ociVersion": "1.0.2", "id": "c1", "status": "creating", "pid": 1, "bundle": "/" }'
  assert_failure 1
  assert_output --partial "the hook needs the host's root"
}

@test "root in a user namespace whose ids all map to themselves is still not the host's root" {
  # The maps a privileged runtime may write.  Capabilities there reach only
  # that namespace: audit used to read no process's IPC namespace and print
  # an empty table, and the hook went on.
  spawn unshare --user sleep 60
  local pid=${PIDS[-1]}
  for _ in $(seq 200); do [ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break; sleep 0.05; done
  echo "0 0 4294967295" >"/proc/$pid/uid_map"
  echo "0 0 4294967295" >"/proc/$pid/gid_map"
  run nsenter --user -t "$pid" cat /proc/self/uid_map
  assert_output --regexp '^ +0 +0 4294967295$'
  for verb in "audit" "gc"; do
    run nsenter --user -t "$pid" "$NSIPC" --state-dir /nonexistent $verb
    assert_failure 1
    assert_output "nsipc: $verb: rootless (in a user namespace), nsipc can only run: $verb needs the host's root"
  done
  run nsenter --user -t "$pid" "$NSIPC" hook createRuntime <<<'{ "ociVersion": "1.0.2", "id": "c1", "status": "creating", "pid": 1, "bundle": "/" }'
  assert_failure 1
  assert_output --partial "the hook needs the host's root"
}
