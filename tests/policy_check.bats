#!/usr/bin/env bats
# nsipc policy check FILE...: "FILE: ok" or every problem; exit 0 or 2.

load common

setup() {
  common_setup
}

@test "the shipped policies are valid" {
  run "$NSIPC" policy check "$SOURCE_ROOT"/policy/default.json "$SOURCE_ROOT"/policy/examples/*.json
  assert_success
  assert_line "$SOURCE_ROOT/policy/default.json: ok"
  assert_equal "${#lines[@]}" "$(( 1 + $(ls "$SOURCE_ROOT"/policy/examples/*.json | wc -l) ))"
}

@test "good and bad files together: each reported, exit 2" {
  good=$(policy good <<<'{ "version": 1 }')
  bad=$(policy bad <<<'{ "version": 1, "objects": [ { "type": "shm", "key": 1 } ] }')
  run "$NSIPC" policy check "$good" "$bad"
  assert_failure 2
  assert_output "$good: ok
nsipc: policy check: $bad: objects[0].size: required field is missing"
}

@test "every bad fixture is refused with its expected problems" {
  for f in "$SOURCE_ROOT"/tests/fixtures/bad/*.json; do
    run "$NSIPC" policy check "$f"
    assert_failure 2
    assert_output "$(sed "s|^|nsipc: policy check: $f: |" "${f%.json}.expected")"
  done
}

@test "check needs a file; policy needs a subcommand" {
  run "$NSIPC" policy check
  assert_failure 2
  assert_output 'nsipc: policy check: no policy file given (usage: nsipc policy check FILE...)'
  run "$NSIPC" policy
  assert_failure 2
  assert_output 'nsipc: policy: missing subcommand (usage: nsipc policy check FILE...)'
  run "$NSIPC" policy lint x
  assert_failure 2
  assert_output 'nsipc: policy: unknown subcommand "lint" (usage: nsipc policy check FILE...)'
}

@test "check does not need privileges" {
  run setpriv --bounding-set=-all -- "$NSIPC" policy check "$SOURCE_ROOT/policy/default.json"
  assert_success
}

@test "--help and --version" {
  run "$NSIPC" --help
  assert_success
  assert_line --index 0 'usage: nsipc [--state-dir DIR] [--policy-dir DIR] COMMAND [ARGS]'
  run "$NSIPC" --version
  assert_success
  assert_output --regexp '^nsipc [0-9]+\.[0-9]+\.[0-9]+$'
  run "$NSIPC" run --help
  assert_success
  assert_output 'usage: nsipc run [--policy FILE|NAME | --ns NAME] [--user UID[:GID]] [--keep-caps] -- CMD [ARG...]'
}
