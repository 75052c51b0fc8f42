# Shared by the bats files: the binary under test, a private policy
# directory, and a snapshot of what the host has, to prove it is untouched.

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

NSIPC=${NSIPC:-$BATS_TEST_DIRNAME/../build/nsipc}
MQ_ATTR=${MQ_ATTR:-$BATS_TEST_DIRNAME/../build/tests/mq-attr}
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
