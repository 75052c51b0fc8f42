#!/usr/bin/env bats
# meson install puts everything in place, with paths that agree with the
# prefix; the systemd units verify and are sandboxed.

load common

setup_file() {
  export INSTALL_DIR=$BATS_FILE_TMPDIR/install
  meson setup --prefix /usr --sysconfdir /etc -Dcron=true "$INSTALL_DIR/build" "$SOURCE_ROOT" >/dev/null
  DESTDIR=$INSTALL_DIR/root meson install -C "$INSTALL_DIR/build" --quiet >/dev/null
}

setup() {
  common_setup
  ROOT=$INSTALL_DIR/root
}

teardown() {
  unmount_below "$BATS_TEST_TMPDIR"
}

@test "install: binary, man pages, completion, hooks, units, cron file, policies and schema" {
  for f in usr/sbin/nsipc usr/sbin/nsipc-hook usr/share/man/man8/nsipc.8 usr/share/man/man5/nsipc-policy.5 \
    usr/share/bash-completion/completions/nsipc \
    usr/share/containers/oci/hooks.d/nsipc.json usr/share/containers/oci/hooks.d/nsipc-precreate.json \
    usr/lib/systemd/system/nsipc-gc.service usr/lib/systemd/system/nsipc-gc.timer \
    usr/lib/systemd/system/nsipc-audit-textfile.service usr/lib/systemd/system/nsipc-audit-textfile.timer \
    etc/cron.d/nsipc usr/share/nsipc/cron.d/nsipc etc/nsipc/policies/default.json usr/share/nsipc/schema.json \
    usr/share/doc/nsipc/examples/postgres.json; do
    [ -f "$ROOT/$f" ] || fail "$f is not installed"
  done
  # Every file that names the binary names the installed one, and logs where the units log.
  assert_equal "$(jq -r '.hook.path' "$ROOT/usr/share/containers/oci/hooks.d/nsipc.json")" /usr/sbin/nsipc-hook
  assert_equal "$(jq -r '.hook.path' "$ROOT/usr/share/containers/oci/hooks.d/nsipc-precreate.json")" /usr/sbin/nsipc
  assert_equal "$(jq -r '.hook.env[0]' "$ROOT/usr/share/containers/oci/hooks.d/nsipc.json")" NSIPC_LOG=/var/log/nsipc/nsipc.log
  run grep -h '@[A-Z]*@\|/usr/sbin/nsipc' "$ROOT"/usr/lib/systemd/system/*.service "$ROOT/etc/cron.d/nsipc"
  refute_output --partial @
  assert_line 'ExecStart=/usr/sbin/nsipc gc'
  # The binary's defaults are the layout's.
  run "$ROOT/usr/sbin/nsipc" --help
  assert_line --partial "(default /run/nsipc, env NSIPC_STATE_DIR)"
  assert_line --partial "(default /etc/nsipc/policies,"
  for page in man8/nsipc.8 man5/nsipc-policy.5; do
    run man -l "$ROOT/usr/share/man/$page"
    assert_success
    assert_output --partial "EXAMPLES"
  done
}

@test "install: a /usr/local build agrees with itself" {
  meson setup "$BATS_TEST_TMPDIR/local" "$SOURCE_ROOT" >/dev/null
  meson compile -C "$BATS_TEST_TMPDIR/local" nsipc:executable >/dev/null
  run "$BATS_TEST_TMPDIR/local/nsipc" --help
  assert_line --partial "(default /usr/local/etc/nsipc/policies,"
  assert_equal "$(jq -r '.hook.path' "$BATS_TEST_TMPDIR/local/nsipc.json")" /usr/local/sbin/nsipc-hook
  run grep '^ExecStart' "$BATS_TEST_TMPDIR/local/nsipc-gc.service"
  assert_output 'ExecStart=/usr/local/sbin/nsipc gc'
}

@test "install: the units verify, and gc's is sandboxed" {
  command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
  # The root verify reads is the installed tree, with the host's own units
  # (the targets ours are ordered against) and shell copied in.
  local f
  for f in /lib/systemd/system/*; do
    [ -e "$ROOT/usr/lib/systemd/system/${f##*/}" ] || cp -a "$f" "$ROOT/usr/lib/systemd/system/"
  done
  install -D /bin/dash "$ROOT/bin/sh"
  run systemd-analyze verify --man=no --root="$ROOT" \
    "$ROOT"/usr/lib/systemd/system/nsipc-gc.service "$ROOT"/usr/lib/systemd/system/nsipc-gc.timer \
    "$ROOT"/usr/lib/systemd/system/nsipc-audit-textfile.service "$ROOT"/usr/lib/systemd/system/nsipc-audit-textfile.timer
  assert_success
  assert_output ""
  run systemd-analyze security --offline=yes --root="$ROOT" "$ROOT/usr/lib/systemd/system/nsipc-gc.service"
  assert_success
  exposure=$(sed -n 's/.*Overall exposure level for nsipc-gc.service: \([0-9.]*\).*/\1/p' <<<"$output")
  echo "# nsipc-gc.service exposure: $exposure" >&3
  awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 3.0) }' || fail "exposure $exposure, above 3.0"
}

@test "install: gc works with exactly the unit's capability bounding set" {
  caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$ROOT/usr/lib/systemd/system/nsipc-gc.service" | tr 'A-Z ' 'a-z,' | sed 's/cap_//g')
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  "$NSIPC" ns create gcunit
  nsenter --ipc="$NSIPC_STATE_DIR/ns/gcunit" "${AS_GONE[@]}" "$IPC_TOOL" shm 0x4242 4096
  run setpriv --bounding-set=-all,+"${caps//,/,+}" --inh-caps=-all -- "$NSIPC" gc --min-idle 0 --ns gcunit
  assert_success
  assert_line --partial "removed shm key 0x00004242"
  "$NSIPC" ns delete gcunit
}

@test "install: the event log is where the unit's LogsDirectory makes it, under any prefix" {
  # systemd's LogsDirectory=nsipc is /var/log/nsipc whatever the prefix;
  # README and nsipc(8) promise /var/log/nsipc/nsipc.log from the hooks
  # file, the gc unit and the cron file alike.
  local build=$BATS_TEST_TMPDIR/local
  meson setup "$build" "$SOURCE_ROOT" >/dev/null
  assert_equal "$(sed -n 's/^LogsDirectory=//p' "$build/nsipc-gc.service")" nsipc
  run grep -h 'NSIPC_LOG=' "$build/nsipc-gc.service" "$build/nsipc.cron"
  assert_line 'Environment=NSIPC_LOG=/var/log/nsipc/nsipc.log'
  assert_line --partial 'NSIPC_LOG=/var/log/nsipc/nsipc.log /usr/local/sbin/nsipc gc'
  assert_equal "$(jq -r '.hook.env[0]' "$build/nsipc.json")" NSIPC_LOG=/var/log/nsipc/nsipc.log
}

@test "install: the completion offers the names where this build's nsipc looks for them" {
  local prefix=$BATS_TEST_TMPDIR/prefix state=$BATS_TEST_TMPDIR/state
  meson setup --prefix "$prefix" -Dstatedir="$state" "$BATS_TEST_TMPDIR/build" "$SOURCE_ROOT" >/dev/null
  meson install -C "$BATS_TEST_TMPDIR/build" --quiet >/dev/null
  mkdir -p "$state/ns"
  touch "$prefix/etc/nsipc/policies/rtx-web.json" "$state/ns/rtx-pod.json"
  run env -u NSIPC_POLICY_DIR -u NSIPC_STATE_DIR "$prefix/sbin/nsipc" --help
  assert_line --partial "(default $prefix/etc/nsipc/policies,"
  complete() {
    env -u NSIPC_POLICY_DIR -u NSIPC_STATE_DIR bash -c '. "$1"; shift
      COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nsipc
      printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$prefix/share/bash-completion/completions/nsipc" "$@"
  }
  cd "$BATS_TEST_TMPDIR"
  run complete nsipc run --policy rtx
  assert_output "rtx-web "
  run complete nsipc ns delete rtx
  assert_output "rtx-pod "
}

@test "install: gc's unit makes the state directory where nothing has yet (ProtectSystem=strict)" {
  # ReadWritePaths=-/run/nsipc opens nothing that does not exist, and the
  # rest of /run is read-only to gc: on a fresh host it failed every minute
  # with "create state directory /run/nsipc: Read-only file system".
  local unit=$ROOT/usr/lib/systemd/system/nsipc-gc.service
  run grep -E '^(RuntimeDirectory|RuntimeDirectoryMode|RuntimeDirectoryPreserve)=' "$unit"
  assert_output "RuntimeDirectory=nsipc
RuntimeDirectoryMode=0700
RuntimeDirectoryPreserve=yes"
  # A state directory elsewhere is not systemd's to make.
  meson setup -Dstatedir=/var/lib/nsipc-state "$BATS_TEST_TMPDIR/var" "$SOURCE_ROOT" >/dev/null
  run grep -c '^RuntimeDirectory' "$BATS_TEST_TMPDIR/var/nsipc-gc.service"
  assert_output 0
  assert_equal "$(sed -n 's/^ReadWritePaths=//p' "$BATS_TEST_TMPDIR/var/nsipc-gc.service")" -/var/lib/nsipc-state
}
