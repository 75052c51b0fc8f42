#!/usr/bin/env bats
# The bash completion offers verbs, options, named namespaces, policy names
# and container ids, read from where nsipc keeps them.

load common

# Made by meson from contrib/completion/nsipc.bash.in, beside the binary.
COMPLETION=${NSIPC%/*}/nsipc.bash

setup() {
  common_setup
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  mkdir -p "$NSIPC_STATE_DIR/ns" "$NSIPC_STATE_DIR/containers"
  touch "$NSIPC_STATE_DIR/ns/pod1.json" "$NSIPC_STATE_DIR/ns/pod2.json" "$NSIPC_STATE_DIR/containers/web-1.json"
  touch "$NSIPC_POLICY_DIR/web.json" "$NSIPC_POLICY_DIR/db.json"
  # --policy also offers the *.json files here: none.
  mkdir "$BATS_TEST_TMPDIR/cwd"
  cd "$BATS_TEST_TMPDIR/cwd"
}

# complete WORDS...: what completing the last word offers, sorted, one line.
complete_words() {
  bash -c '. "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nsipc
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$COMPLETION" "$@"
}

@test "completion: verbs, sub-verbs and options" {
  run complete_words nsipc ""
  assert_output "--help --log --policy-dir --state-dir --version audit exec gc hook log ns oci-config policy run "
  run complete_words nsipc ns ""
  assert_output "--help apply create delete list "
  run complete_words nsipc gc --d
  assert_output "--dry-run "
  run complete_words nsipc hook ""
  assert_output "--help --min-idle createRuntime poststop precreate "
}

@test "completion: named namespaces, policy names and container ids from the state and policy directories" {
  run complete_words nsipc exec --user 1 p
  assert_output "pod1 pod2 "
  run complete_words nsipc ns delete ""
  assert_output "--force --help pod1 pod2 "
  run complete_words nsipc run --policy ""
  assert_output "db web "
  run complete_words nsipc gc --container ""
  assert_output "web-1 "
  # --state-dir and --policy-dir on the line win over the environment.
  mkdir -p "$BATS_TEST_TMPDIR/other/ns"
  touch "$BATS_TEST_TMPDIR/other/ns/elsewhere.json"
  run complete_words nsipc --state-dir "$BATS_TEST_TMPDIR/other" run --ns ""
  assert_output "elsewhere "
}
