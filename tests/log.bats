#!/usr/bin/env bats
# The event log: one JSON line per event, whole lines under concurrency,
# rotated past its size; nsipc log reads it back.

load common

setup() {
  common_setup
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  export NSIPC_LOG=$BATS_TEST_TMPDIR/log/nsipc.log
}

# refuse ID: a createRuntime the hook refuses (no such policy), which it logs.
refuse() {
  "$NSIPC" hook createRuntime <<<"{ \"ociVersion\": \"1.0.2\", \"id\": \"$1\", \"status\": \"creating\", \"pid\": $$,
    \"bundle\": \"/nonexistent\", \"annotations\": { \"io.nsipc.policy\": \"missing\" } }" 2>/dev/null || true
}

@test "log: twenty hooks at once write twenty whole lines; nsipc log shows the last, per container" {
  for i in $(seq 20); do refuse "c$i" & done
  wait
  assert_equal "$(wc -l <"$NSIPC_LOG")" 20
  run jq -r 'select(.verb == "hook createRuntime" and .event == "refused") | .container' "$NSIPC_LOG"
  assert_equal "$(sort -u <<<"$output" | wc -l)" 20
  assert_equal "$(stat -c %a "$NSIPC_LOG")" 600
  run "$NSIPC" log --container c7
  assert_success
  assert_output --regexp "^[0-9-]+T[0-9:.]+Z hook createRuntime refused: hook createRuntime: policy $NSIPC_POLICY_DIR/missing.json: cannot read: No such file or directory$"
  run "$NSIPC" log -n 3 --json
  assert_equal "$(jq length <<<"$output")" 3
  run "$NSIPC" --log "$BATS_TEST_TMPDIR/none" log
  assert_success
  assert_output ""
  unset NSIPC_LOG
  run "$NSIPC" log
  assert_failure 2
  assert_output "nsipc: log: no event log: give --log FILE or set NSIPC_LOG"
}

@test "log: past 1MiB the file becomes FILE.1 and a new one starts; nsipc log reads both" {
  mkdir -p "${NSIPC_LOG%/*}"
  for i in $(seq 10000); do printf '{"time":"t","verb":"gc","event":"removed","message":"old %05d %s"}\n' "$i" "$(printf '%060d' 0)"; done >"$NSIPC_LOG"
  [ "$(stat -c %s "$NSIPC_LOG")" -gt 1000000 ]
  refuse new
  assert_equal "$(wc -l <"$NSIPC_LOG")" 1
  assert_equal "$(wc -l <"$NSIPC_LOG.1")" 10000
  run "$NSIPC" log -n 2
  assert_line --index 0 --partial "gc removed: old 10000"
  assert_line --index 1 --partial "hook createRuntime refused"
}
