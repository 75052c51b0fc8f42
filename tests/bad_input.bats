#!/usr/bin/env bats
# Every rejected input: one line naming the file, the JSON path and the
# reason; exit 2; the command not run; nothing created on the host.

load common

setup() {
  common_setup
  HOST_BEFORE=$(host_snapshot)
  RAN=$BATS_TEST_TMPDIR/ran
}

teardown() {
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot)" "$HOST_BEFORE"
}

# run_rejected POLICY_TEXT: nsipc run must refuse it before doing anything.
run_rejected() {
  local p
  p=$(policy bad <<<"$1")
  run "$NSIPC" run --policy "$p" -- touch "$RAN"
  assert_failure 2
  [ ! -e "$RAN" ]
  POLICY=$p
}

@test "missing policy file" {
  run "$NSIPC" run --policy "$BATS_TEST_TMPDIR/none.json" -- touch "$RAN"
  assert_failure 2
  assert_output "nsipc: run: policy $BATS_TEST_TMPDIR/none.json: cannot read: No such file or directory"
  [ ! -e "$RAN" ]
}

@test "missing policy name" {
  run "$NSIPC" run --policy web -- touch "$RAN"
  assert_failure 2
  assert_output "nsipc: run: policy $NSIPC_POLICY_DIR/web.json: cannot read: No such file or directory"
}

@test "unreadable policy file" {
  p=$(policy secret <<<'{"version":1}')
  chmod 000 "$p"
  # root without the capabilities that bypass file permissions
  run setpriv --bounding-set=-dac_override,-dac_read_search -- "$NSIPC" policy check "$p"
  assert_failure 2
  assert_output "nsipc: policy check: $p: cannot read: Permission denied"
}

@test "a directory as policy" {
  run "$NSIPC" run --policy "$BATS_TEST_TMPDIR/" -- touch "$RAN"
  assert_failure 2
  assert_output "nsipc: run: policy $BATS_TEST_TMPDIR/: cannot read: not a regular file"
}

@test "JSON syntax error gives line and column" {
  run_rejected '{ "version": 1,
  "limits": { "msgmax": 8192, } }'
  assert_output "nsipc: run: policy $POLICY: line 2, column 31: string or '}' expected near '}'"
}

@test "empty file" {
  run_rejected ''
  assert_output "nsipc: run: policy $POLICY: line 2, column 0: '[' or '{' expected near end of file"
}

@test "wrong types" {
  run_rejected '{ "version": 1, "limits": { "msgmni": "many" }, "objects": [ { "type": "shm", "key": 1, "size": true } ] }'
  assert_output "nsipc: run: policy $POLICY: limits.msgmni: must be an integer
nsipc: run: policy $POLICY: objects[0].size: must be a size in bytes or a string such as \"64MiB\""
}

@test "negative number" {
  run_rejected '{ "version": 1, "limits": { "shmmni": -1 } }'
  assert_output "nsipc: run: policy $POLICY: limits.shmmni: must be between 0 and 32768, got -1"
}

@test "huge numbers" {
  run_rejected '{ "version": 1, "limits": { "msgmax": 99999999999999999999999 } }'
  assert_output --regexp "^nsipc: run: policy $POLICY: line 1, column [0-9]+: too big integer"
  run_rejected '{ "version": 1, "limits": { "msgmax": 9999999999 } }'
  assert_output "nsipc: run: policy $POLICY: limits.msgmax: must be between 0B and 2147483647B, got 9999999999B"
  run_rejected '{ "version": 1, "limits": { "shmmax": "99999999999TiB" } }'
  assert_output "nsipc: run: policy $POLICY: limits.shmmax: \"99999999999TiB\" is too large"
}

@test "a key given twice" {
  run_rejected '{ "version": 1, "objects": [ { "type": "sem", "key": "0x10", "nsems": 1 },
    { "type": "sem", "key": 16, "nsems": 1 } ] }'
  assert_output "nsipc: run: policy $POLICY: objects[1].key: 0x00000010 is already the key of objects[0]"
}

@test "mode 0999" {
  run_rejected '{ "version": 1, "objects": [ { "type": "msg", "key": 1, "mode": "0999" } ] }'
  assert_output "nsipc: run: policy $POLICY: objects[0].mode: \"0999\" is not an octal mode of at most 0777"
}

@test "semaphore value 40000" {
  run_rejected '{ "version": 1, "objects": [ { "type": "sem", "key": 1, "nsems": 1, "values": [40000] } ] }'
  assert_output "nsipc: run: policy $POLICY: objects[0].values[0]: 40000 is over the semaphore maximum 32767"
}

@test "a segment larger than shmmax" {
  run_rejected '{ "version": 1, "limits": { "shmmax": "1GiB" },
    "objects": [ { "type": "shm", "key": 1, "size": "2GiB" } ] }'
  assert_output "nsipc: run: policy $POLICY: objects[0].size: 2GiB exceeds limits.shmmax (1GiB)"
}

@test "an unknown field" {
  run_rejected '{ "version": 1, "limits": { "shmmax": "1GiB", "shmmaxx": 1 } }'
  assert_output "nsipc: run: policy $POLICY: limits.shmmaxx: unknown field"
}

@test "every problem is reported, one line each" {
  run_rejected '{ "version": 1, "colour": 1, "objects": [ { "type": "msg", "key": 0, "mode": "0999" } ], "cleanup": "all" }'
  assert_equal "${#lines[@]}" 4
  assert_line --index 0 "nsipc: run: policy $POLICY: colour: unknown field"
}

@test "a missing --" {
  run "$NSIPC" run --policy x.json touch "$RAN"
  assert_failure 2
  assert_output 'nsipc: run: missing "--" before the command (usage: nsipc run [--policy FILE|NAME | --ns NAME] [--user UID[:GID]] [--keep-caps] -- CMD [ARG...])'
  [ ! -e "$RAN" ]
}

@test "nothing after --" {
  run "$NSIPC" run --
  assert_failure 2
  assert_output 'nsipc: run: missing command after "--" (usage: nsipc run [--policy FILE|NAME | --ns NAME] [--user UID[:GID]] [--keep-caps] -- CMD [ARG...])'
}

@test "an unknown option and a missing option argument" {
  run "$NSIPC" run --polcy x -- true
  assert_failure 2
  assert_output 'nsipc: run: unknown option "--polcy" (usage: nsipc run [--policy FILE|NAME | --ns NAME] [--user UID[:GID]] [--keep-caps] -- CMD [ARG...])'
  run "$NSIPC" run --policy
  assert_failure 2
  assert_output 'nsipc: run: option "--policy" needs an argument (usage: nsipc run [--policy FILE|NAME | --ns NAME] [--user UID[:GID]] [--keep-caps] -- CMD [ARG...])'
}

@test "a policy argument that is neither file nor name" {
  run "$NSIPC" run --policy '..' -- touch "$RAN"
  assert_failure 2
  assert_output 'nsipc: run: policy ".." is neither a file (with / or .json) nor a name of [A-Za-z0-9][A-Za-z0-9_.-]'
}

@test "an unknown verb" {
  run "$NSIPC" frobnicate
  assert_failure 2
  assert_output 'nsipc: unknown command "frobnicate" (see nsipc --help)'
}

@test "no verb, an unknown global option" {
  run "$NSIPC"
  assert_failure 2
  assert_output 'nsipc: missing command (see nsipc --help)'
  run "$NSIPC" --frob run
  assert_failure 2
  assert_output 'nsipc: unknown option "--frob" (see nsipc --help)'
}

@test "an invalid default.json is an error, not ignored" {
  echo '{ "version": 3 }' >"$NSIPC_POLICY_DIR/default.json"
  run "$NSIPC" run -- touch "$RAN"
  assert_failure 2
  assert_output "nsipc: run: policy $NSIPC_POLICY_DIR/default.json: version: must be 1"
  [ ! -e "$RAN" ]
}

@test "an empty --state-dir is refused, and nothing is made where nsipc runs" {
  mkdir "$BATS_TEST_TMPDIR/cwd"
  cd "$BATS_TEST_TMPDIR/cwd"
  for verb in "ns create x" "ns list" "gc --dry-run --ns x"; do
    run "$NSIPC" --state-dir '' $verb
    assert_failure 1
    assert_output --regexp '^nsipc: [a-z ]+: the state directory is an empty path$'
  done
  assert_equal "$(ls -A)" ""
}

@test "numbers on the command line are decimal digits only: no sign, no space, no overflow" {
  # --min-idle always refused these; --user, --pid and --lines took them.
  local bad
  for bad in "+1" " 1" "1 " "-1" "0x10" "" "99999999999999999999999"; do
    run "$NSIPC" run --user "$bad" -- touch "$RAN"
    assert_failure 2
    assert_output "nsipc: run: --user \"$bad\": not UID[:GID] (numbers)"
    run "$NSIPC" run --user "1:$bad" -- touch "$RAN"
    assert_failure 2
    assert_output "nsipc: run: --user \"1:$bad\": not UID[:GID] (numbers)"
    run "$NSIPC" exec --pid "$bad" -- touch "$RAN"
    assert_failure 2
    assert_output "nsipc: exec: \"$bad\" is not a pid"
    run "$NSIPC" --log "$BATS_TEST_TMPDIR/log" log -n "$bad"
    assert_failure 2
    assert_output "nsipc: log: --lines \"$bad\": not a number"
    run "$NSIPC" gc --dry-run --ns rtx-none --min-idle "$bad"
    assert_failure 2
    assert_output --partial "nsipc: gc: --min-idle \"$bad\": "
  done
  [ ! -e "$RAN" ]
  # Leading zeros are still decimal.
  run "$NSIPC" run --user 010:07 -- id -u
  assert_success
  assert_output 10
}

@test "a usage error says what is wrong, not only the usage" {
  # expect_usage WHY ARGS...: exit 2, one line that names WHY.
  expect_usage() {
    local why=$1
    shift
    run "$NSIPC" "$@"
    assert_failure 2
    assert_equal "${#lines[@]}" 1
    assert_output --partial "$why"
  }
  expect_usage '--json, --prometheus and -o, -r, -n exclude each other' audit --json --prometheus
  expect_usage '--json, --prometheus and -o, -r, -n exclude each other' audit --prometheus -o KEY
  expect_usage 'unexpected argument "extra"' audit extra
  expect_usage '--container and --ns exclude each other' gc --container c1 --ns n1
  expect_usage 'unexpected argument "extra"' gc --dry-run extra
  expect_usage 'unexpected argument "extra"' hook poststop extra
  expect_usage 'unexpected argument "extra"' --log "$BATS_TEST_TMPDIR/log" log extra
  expect_usage 'missing --policy' oci-config
  expect_usage 'unexpected argument "extra"' oci-config --policy web extra
  expect_usage 'missing NAME' ns create
  expect_usage 'unexpected argument "extra"' ns create n1 extra
  expect_usage '--policy is not an option of ns delete' ns delete n1 --policy web
  expect_usage '--force is not an option of ns create' ns create n1 --force
  expect_usage 'unknown option "--bogus"' ns list --bogus
  expect_usage 'option "-o" needs an argument' ns list -o
  expect_usage 'unexpected argument "extra"' ns list extra
  expect_usage '--json and -o, -r, -n exclude each other' ns list --json -r
  # An unknown letter in a cluster is named, not the word before it.
  expect_usage 'unknown option "-q"' audit -qJ
  expect_usage 'unknown option "-q"' ns create n1 -qh
  expect_usage 'unknown option "-x"' -xV audit
}
