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
  assert_output 'nsipc: policy check: no policy given (usage: nsipc policy check FILE|NAME...)'
  run "$NSIPC" policy
  assert_failure 2
  assert_output 'nsipc: policy: missing subcommand (usage: nsipc policy check FILE|NAME...)'
  run "$NSIPC" policy lint x
  assert_failure 2
  assert_output 'nsipc: policy: unknown subcommand "lint" (usage: nsipc policy check FILE|NAME...)'
}

@test "check takes NAMEs, as every verb does: POLICY_DIR/NAME.json" {
  cp "$SOURCE_ROOT/policy/default.json" "$NSIPC_POLICY_DIR/web.json"
  run "$NSIPC" policy check web "$SOURCE_ROOT/policy/examples/pod.json"
  assert_success
  assert_output "$NSIPC_POLICY_DIR/web.json: ok
$SOURCE_ROOT/policy/examples/pod.json: ok"
  run "$NSIPC" policy check nothere
  assert_failure 2
  assert_output "nsipc: policy check: $NSIPC_POLICY_DIR/nothere.json: cannot read: No such file or directory"
}

@test "check does not need privileges" {
  run setpriv --bounding-set=-all -- "$NSIPC" policy check "$SOURCE_ROOT/policy/default.json"
  assert_success
}

@test "--help and --version" {
  run "$NSIPC" --help
  assert_success
  assert_line --index 0 'usage: nsipc [--state-dir DIR] [--policy-dir DIR] [--log FILE] COMMAND [ARGS]'
  # Each verb once, and what is true of it.
  for verb in run exec "ns create" "ns apply" "ns list" "ns delete" "policy check" hook oci-config audit gc log; do
    assert_equal "$(grep -c "^  $verb " <<<"$output")" "$( [ "$verb" = run ] && echo 2 || echo 1)"
  done
  refute_output --partial "applying the policy first"
  run "$NSIPC" --version
  assert_success
  assert_output --regexp '^nsipc [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "every verb and sub-verb has --help and -h: usage, a line per option, exit 0" {
  for verb in run exec ns "ns create" "ns apply" "ns list" "ns delete" policy "policy check" hook oci-config audit gc log; do
    for h in --help -h; do
      run "$NSIPC" $verb $h
      assert_success
      assert_line --index 0 --regexp "^usage: nsipc $verb"
    done
    # Every long option the verb's usage names is explained on a line of its own.
    for opt in $(grep -o -- '--[a-z][a-z-]*' <<<"${lines[0]}" | sort -u); do
      [ "$verb" = ns ] || [ "$verb" = policy ] || assert_line --regexp "^  (-[a-zA-Z], )?$opt( |$)"
    done
  done
}

@test "check reads options as every verb does: --help anywhere, -- before a file named -x.json, unknown options refused" {
  good=$(policy good <<<'{ "version": 1 }')
  cd "$BATS_TEST_TMPDIR"
  cp good.json ./-x.json
  run "$NSIPC" policy check -- -x.json good.json
  assert_success
  assert_output "-x.json: ok
good.json: ok"
  run "$NSIPC" policy check good.json --help
  assert_success
  assert_line --index 0 'usage: nsipc policy check FILE|NAME...'
  run "$NSIPC" policy check -x.json
  assert_failure 2
  assert_output 'nsipc: policy check: unknown option "-x" (usage: nsipc policy check FILE|NAME...)'
  run "$NSIPC" policy check --
  assert_failure 2
  assert_output 'nsipc: policy check: no policy given (usage: nsipc policy check FILE|NAME...)'
}

@test "numbers past 2^63: a size as a string goes to 2^64 - 1; a JSON integer stops at 2^63 - 1, with line and column" {
  big=$(policy big <<<'{ "version": 1, "limits": { "shmmax": "18446744073709551615", "shmall": 9223372036854775807 } }')
  run "$NSIPC" policy check "$big"
  assert_success
  over=$(policy over <<<'{ "version": 1, "limits": { "shmall": 9223372036854775808 } }')
  run "$NSIPC" policy check "$over"
  assert_failure 2
  assert_output "nsipc: policy check: $over: line 1, column 57: too big integer near '9223372036854775808'"
  wrap=$(policy wrap <<<'{ "version": 1, "limits": { "shmmax": "18446744073709551616" } }')
  run "$NSIPC" policy check "$wrap"
  assert_failure 2
  assert_output --partial "limits.shmmax: "
  # What the man page says about it.
  run grep -c "2^63 - 1" "$SOURCE_ROOT/doc/nsipc-policy.5.scd"
  assert_output 2
}
