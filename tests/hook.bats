#!/usr/bin/env bats
# nsipc as an OCI hook, proven with real runc and a busybox bundle.

load common

setup() {
  common_setup
  command -v runc >/dev/null || skip "runc is not installed"
  export NSIPC_STATE_DIR=$BATS_TEST_TMPDIR/state
  PREFIX="nsipc-test-$$-$BATS_TEST_NUMBER"
  write_web_policy
  HOST_BEFORE=$(host_snapshot)
}

teardown() {
  local id
  end_spawned
  for id in $(runc list -q | grep "^$PREFIX-"); do runc delete -f "$id" >/dev/null 2>&1 || true; done
  unmount_below "$BATS_TEST_TMPDIR"
  [ -z "${USERNS_DIR:-}" ] || rm -rf "$USERNS_DIR"
  [ -z "${HOST_BEFORE:-}" ] || assert_equal "$(host_snapshot | grep -v "$NSIPC_STATE_DIR")" "$(grep -v "$NSIPC_STATE_DIR" <<<"$HOST_BEFORE")"
}

ledgers() {
  ls "$NSIPC_STATE_DIR/containers" 2>/dev/null | grep -c '\.json$' || true
}

@test "private namespace: limits and every object visible inside the container, owners right" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" "$READ_ALL"
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" }
    | .mounts |= map(if .destination == "/dev/shm" then .options = ["nosuid", "noexec", "nodev", "mode=1777", "size=8m"] else . end)'
  run runc run --bundle "$b" "$(cid 1)"
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
  assert_equal "$(ledgers)" 0
}

@test "a user-namespace container sees owners as the policy writes them" {
  USERNS_DIR=$(mktemp -d /tmp/nsipc-userns.XXXXXX)
  chmod 755 "$USERNS_DIR"
  b=$USERNS_DIR/b
  make_bundle "$b" 'awk "NR > 1 { print \$1, \$8, \$9 }" /proc/sysvipc/msg /proc/sysvipc/shm; ls -ln /dev/mqueue | awk "NR > 1 { print \$9, \$3 }"; touch /out/ready; sleep 30'
  chmod -R a+rX "$b"
  chmod 1777 "$b/out"
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" }
    | .linux.namespaces += [{ "type": "user" }]
    | .linux.uidMappings = [{ "containerID": 0, "hostID": 100000, "size": 65536 }]
    | .linux.gidMappings = [{ "containerID": 0, "hostID": 100000, "size": 65536 }]
    | .mounts |= map(select(.destination != "/sys/fs/cgroup"))
    | .mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)'
  id=$(cid 1)
  runc run -d --bundle "$b" "$id" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null || { cat "$BATS_TEST_TMPDIR/out"; false; }
  wait_for "$b/out/ready"
  pid=$(runc state "$id" | jq .pid)
  # Inside: the ids of the policy.
  run nsenter --target "$pid" --user --ipc awk 'FNR > 1 { print $1, $8, $9 }' /proc/sysvipc/msg /proc/sysvipc/shm
  assert_output "4096 1000 1000
4098 0 1000"
  # Outside: mapped through uid_map / gid_map.
  run nsenter --target "$pid" --ipc awk 'FNR > 1 { print $1, $8, $9 }' /proc/sysvipc/msg /proc/sysvipc/shm
  assert_output "4096 101000 101000
4098 100000 101000"
  runc kill "$id" KILL
  wait_stopped "$id"
  runc delete "$id"
  assert_equal "$(ledgers)" 0
}

@test "shm_rmid_forced with a provisioned segment stops the container: the segment would go with the hook" {
  echo '{ "version": 1, "limits": { "shm_rmid_forced": true }, "objects": [ { "type": "shm", "key": "0x42", "size": 4096 } ] }' \
    >"$NSIPC_POLICY_DIR/rmid.json"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "rmid" }'
  run runc run --bundle "$b" "$(cid 1)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 1): objects[0]: a provisioned segment cannot outlive nsipc in a namespace with kernel.shm_rmid_forced set"
  [ ! -e "$b/out/ran" ]
  assert_equal "$(ledgers)" 0
}

@test "a policy name that is not in POLICY_DIR stops the container with nsipc's message" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "nope" }'
  id=$(cid 1)
  run runc run --bundle "$b" "$id"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: policy $NSIPC_POLICY_DIR/nope.json: cannot read: No such file or directory"
  [ ! -e "$b/out/ran" ]
  assert_equal "$(ledgers)" 0
  run runc state "$id"
  assert_failure
}

@test "a path or inline JSON as annotation is refused" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  for value in '../web' '/etc/nsipc/policies/web.json' '{"version":1}' '.hidden'; do
    bundle_edit "$b" --arg v "$value" '.annotations = { "io.nsipc.policy": $v }'
    id=$(cid "$RANDOM")
    run runc run --bundle "$b" "$id"
    assert_failure
    assert_output --partial "nsipc: hook createRuntime: container $id: annotation io.nsipc.policy: "
    assert_output --partial "is not a policy name"
    [ ! -e "$b/out/ran" ]
    run runc state "$id"
    assert_failure
  done
  assert_equal "$(ledgers)" 0
}

@test "a policy with errors stops the container" {
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": 1, "size": "2GiB" } ], "limits": { "shmmax": "1GiB" } }' \
    >"$NSIPC_POLICY_DIR/broken.json"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "broken" }'
  id=$(cid 1)
  run runc run --bundle "$b" "$id"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: policy $NSIPC_POLICY_DIR/broken.json: objects[0].size: 2GiB exceeds limits.shmmax (1GiB)"
  [ ! -e "$b/out/ran" ]
  assert_equal "$(ledgers)" 0
}

@test "no annotation and no default.json: the hook does nothing" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'cat /proc/sys/kernel/msgmni; wc -l < /proc/sysvipc/shm'
  with_hooks "$b"
  run runc run --bundle "$b" "$(cid 1)"
  assert_success
  assert_output "32000
1"
  [ ! -e "$NSIPC_STATE_DIR/containers" ] || assert_equal "$(ledgers)" 0
}

@test "no annotation: default.json applies" {
  echo '{ "version": 1, "limits": { "msgmni": 9 } }' >"$NSIPC_POLICY_DIR/default.json"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'cat /proc/sys/kernel/msgmni'
  with_hooks "$b"
  run runc run --bundle "$b" "$(cid 1)"
  assert_success
  assert_output 9
}

@test "a container in the host IPC namespace: limits are refused, as runc would" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" } | .linux.namespaces |= map(select(.type != "ipc"))'
  run runc run --bundle "$b" "$(cid 1)"
  assert_failure
  assert_output --partial "sysctl kernel/msgmni needs a private IPC namespace (the container shares the host's)"
  [ ! -e "$b/out/ran" ]
}

@test "pod: poststop removes what an exited container left, keeps what is in use and what the namespace provisioned" {
  cat >"$NSIPC_POLICY_DIR/pod.json" <<'EOF2'
{ "version": 1, "objects": [ { "type": "shm", "name": "shared", "key": "0x700", "size": 4096 },
                             { "type": "sem", "name": "lock", "key": "0x701", "nsems": 1 } ] }
EOF2
  echo '{ "version": 1, "objects": [ { "type": "msg", "name": "inbox", "key": "0x702" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  "$NSIPC" ns create pod1 --policy pod
  pin=$NSIPC_STATE_DIR/ns/pod1

  a=$BATS_TEST_TMPDIR/a
  # Its process runs as a uid no one else in the pod has: what it leaves
  # behind has no creator left.
  make_bundle "$a" 'ipc-tool shm 0x501 4096 && ipc-tool sem 0x502 2 && touch /out/made && while [ ! -e /out/go ]; do sleep 0.1; done'
  chmod 777 "$a/out"
  with_hooks "$a" '["--min-idle", "0"]'
  bundle_edit "$a" --arg pin "$pin" '.process.user = { "uid": 4242, "gid": 4242 } | .annotations = { "io.nsipc.policy": "member" }
    | .linux.namespaces |= map(if .type == "ipc" then .path = $pin else . end)'
  b=$BATS_TEST_TMPDIR/bb
  make_bundle "$b" 'exec ipc-tool hold 0x601 4096 /out/ready'
  bundle_edit "$b" --arg pin "$pin" '.linux.namespaces |= map(if .type == "ipc" then .path = $pin else . end)'

  ida=$(cid a)
  idb=$(cid b)
  runc run -d --bundle "$a" "$ida" >/dev/null 2>&1 </dev/null
  wait_for "$a/out/made"
  [ -e "$NSIPC_STATE_DIR/containers/$ida.json" ]
  run jq -r '"\(.ns_kind) \(.ns_name) \(.complete) \(.provisioned | map(.key) | join(","))"' "$NSIPC_STATE_DIR/containers/$ida.json"
  assert_output "named pod1 true 1794"
  runc run -d --bundle "$b" "$idb" >/dev/null 2>&1 </dev/null
  wait_for "$b/out/ready"

  touch "$a/out/go"
  wait_stopped "$ida"
  run runc delete "$ida"
  assert_success
  [ ! -e "$NSIPC_STATE_DIR/containers/$ida.json" ]
  run nsenter --ipc="$pin" sh -c 'for t in msg sem shm; do awk -v t=$t "NR > 1 { printf \"%s 0x%x\\n\", t, \$1 }" /proc/sysvipc/$t; done'
  assert_output "msg 0x702
sem 0x701
sem 0x602
shm 0x700
shm 0x601"
}

@test "a container joining a named namespace with other limits does not start; the message names both policies" {
  echo '{ "version": 1, "limits": { "msgmni": 21 } }' >"$NSIPC_POLICY_DIR/pod.json"
  "$NSIPC" ns create pod1 --policy pod
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  bundle_edit "$b" --arg pin "$NSIPC_STATE_DIR/ns/pod1" '.annotations = { "io.nsipc.policy": "web" }
    | .linux.namespaces |= map(if .type == "ipc" then .path = $pin else . end)'
  run runc run --bundle "$b" "$(cid 1)"
  assert_failure
  assert_output --partial "policy web asks limits.msgmni = 17, but the shared namespace (namespace pod1, policy pod) has 21"
  [ ! -e "$b/out/ran" ]
  assert_equal "$(ledgers)" 0
}

@test "a container joining a pod's namespace cannot change the mode of what the pod's policy made there: it does not start" {
  cat >"$NSIPC_POLICY_DIR/pod.json" <<'EOF2'
{ "version": 1,
  "objects": [ { "type": "msg", "name": "jobs", "key": "0x1000", "mode": "0660", "gid": 4242, "max_bytes": 8192 },
               { "type": "mqueue", "name": "/events", "mode": "0660", "gid": 4242 } ] }
EOF2
  "$NSIPC" ns create pod1 --policy pod
  modes() {
    nsenter --ipc="$NSIPC_STATE_DIR/ns/pod1" awk 'NR > 1 { printf "msg 0x%x %s %s\n", $1, $3, $9 }' /proc/sysvipc/msg
    "$NSIPC" exec pod1 -- stat -c 'mqueue %n %a %g' /dev/mqueue/events
  }
  assert_equal "$(modes)" "msg 0x1000 660 4242
mqueue /dev/mqueue/events 660 4242"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  # The same key without a mode (0600) would lock the pod's group out.
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x1000", "gid": 4242 } ] }' >"$NSIPC_POLICY_DIR/member.json"
  bundle_edit "$b" --arg pin "$NSIPC_STATE_DIR/ns/pod1" '.annotations = { "io.nsipc.policy": "member" }
    | .linux.namespaces |= map(if .type == "ipc" then .path = $pin else . end)'
  run runc run --bundle "$b" "$(cid 1)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 1): objects[0]: (msg key 0x00001000) exists with mode 0660, the policy says 0600"
  # A queue opened to everyone, or a queue's size changed: refused too.
  echo '{ "version": 1, "objects": [ { "type": "mqueue", "name": "/events", "mode": "0666", "gid": 4242 } ] }' >"$NSIPC_POLICY_DIR/member.json"
  run runc run --bundle "$b" "$(cid 2)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 2): objects[0]: (mqueue \\\"/events\\\") exists with mode 0660, the policy says 0666"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x1000", "mode": "0660", "gid": 4242, "max_bytes": 4096 } ] }' >"$NSIPC_POLICY_DIR/member.json"
  run runc run --bundle "$b" "$(cid 3)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 3): objects[0]: (msg key 0x00001000) exists with max_bytes 8192, the policy says 4096"
  [ ! -e "$b/out/ran" ]
  assert_equal "$(ledgers)" 0
  assert_equal "$(modes)" "msg 0x1000 660 4242
mqueue /dev/mqueue/events 660 4242"
  # The pod's own policy, as the pod made them: the container starts.
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "pod" }'
  run runc run --bundle "$b" "$(cid 4)"
  assert_success
  [ -e "$b/out/ran" ]
  # ns apply, the namespace's own, still brings them to its policy.
  sed -i 's/"0660", "gid": 4242, "max_bytes"/"0640", "gid": 4242, "max_bytes"/' "$NSIPC_POLICY_DIR/pod.json"
  "$NSIPC" ns apply pod1 --policy pod
  assert_equal "$(modes | head -1)" "msg 0x1000 640 4242"
}

@test "16 containers started in parallel: 16 ledgers, then none; nothing leaked" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/$(hostname); while [ ! -e /out/go ]; do sleep 0.1; done'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" }'
  for i in $(seq 16); do
    bundle_edit "$b" --arg h "c$i" '.hostname = $h'
    cp "$b/config.json" "$b/config-$i.json"
  done
  for i in $(seq 16); do
    id=$(cid "$i")
    (mkdir -p "$BATS_TEST_TMPDIR/b$i" && cp "$b/config-$i.json" "$BATS_TEST_TMPDIR/b$i/config.json" \
      && mkdir "$BATS_TEST_TMPDIR/b$i/rootfs" && mount --bind "$b/rootfs" "$BATS_TEST_TMPDIR/b$i/rootfs" \
      && runc run --bundle "$BATS_TEST_TMPDIR/b$i" "$id" >"$BATS_TEST_TMPDIR/log$i" 2>&1 </dev/null; echo $? >"$BATS_TEST_TMPDIR/rc$i") &
  done
  for i in $(seq 16); do wait_for "$b/out/c$i" || cat "$BATS_TEST_TMPDIR/log$i"; done
  assert_equal "$(ledgers)" 16
  run jq -r -s 'map(.complete and .ns_kind == "private") | all' "$NSIPC_STATE_DIR"/containers/*.json
  assert_output true
  touch "$b/out/go"
  wait
  assert_equal "$(cat "$BATS_TEST_TMPDIR"/rc* | sort -u)" 0
  assert_equal "$(ledgers)" 0
  for i in $(seq 16); do umount "$BATS_TEST_TMPDIR/b$i/rootfs"; done
}

@test "oci-config output is accepted by runc, which applies the sysctls itself" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" "$READ_ALL"
  "$NSIPC" oci-config --policy web <"$b/config.json" >"$b/amended.json"
  run jq -c '[.linux.sysctl["kernel.msgmni"], .linux.sysctl["kernel.sem"], .annotations["io.nsipc.policy"],
              (.mounts[] | select(.destination == "/dev/shm") | .options | map(select(startswith("size="))) | .[0]),
              (.hooks.createRuntime | length), (.hooks.poststop[0].args[-1])]' "$b/amended.json"
  assert_output '["17","32000 1024000000 500 19","web","size=8388608",1,"poststop"]'
  # Without the hooks, the limits come from runc's own sysctl support.
  jq 'del(.hooks)' "$b/amended.json" >"$b/config.json"
  run runc run --bundle "$b" "$(cid 1)"
  assert_success
  assert_line "kernel/msgmni=17"
  assert_line "dev_shm 8192"
  # With them, the objects too.
  cp "$b/amended.json" "$b/config.json"
  run runc run --bundle "$b" "$(cid 2)"
  assert_success
  assert_line "shm 4098 640 65536 0 1000"
  assert_equal "$(ledgers)" 0
}

@test "oci-config writes the state and policy directories into the hooks from the root, as given relative" {
  mkdir -p "$BATS_TEST_TMPDIR/w/pol"
  cp "$NSIPC_POLICY_DIR/web.json" "$BATS_TEST_TMPDIR/w/pol/"
  cd "$BATS_TEST_TMPDIR/w"
  run "$NSIPC" --state-dir st --policy-dir pol oci-config --policy web --ns pod1 <<<'{ "linux": { "namespaces": [ { "type": "ipc" } ], "readonlyPaths": [ "/proc/sys" ] } }'
  assert_success
  assert_equal "$(jq -c '[.hooks.createRuntime[0].args, .linux.namespaces[0].path]' <<<"$output")" \
    "[[\"nsipc-hook\",\"--state-dir\",\"$BATS_TEST_TMPDIR/w/st\",\"--policy-dir\",\"$BATS_TEST_TMPDIR/w/pol\",\"hook\",\"createRuntime\"],\"$BATS_TEST_TMPDIR/w/st/ns/pod1\"]"
  # The hooks run nsipc-hook, beside nsipc; a copy of nsipc alone names itself.
  assert_equal "$(jq -r '[.hooks[][].path] | unique[]' <<<"$output")" "$NSIPC_HOOK"
  mkdir alone
  cp "$NSIPC" alone/nsipc
  run alone/nsipc --state-dir st --policy-dir pol oci-config --policy web <<<'{ "linux": { "namespaces": [ { "type": "ipc" } ], "readonlyPaths": [ "/proc/sys" ] } }'
  assert_success
  assert_equal "$(jq -c '[.hooks[][] | [.path, .args[0]]] | unique' <<<"$output")" "[[\"$BATS_TEST_TMPDIR/w/alone/nsipc\",\"nsipc\"]]"
}

@test "nsipc-hook is the hook alone: other commands and precreate are refused, saying what to run" {
  run "$NSIPC_HOOK" --version
  assert_success
  assert_output --regexp '^nsipc-hook [0-9]'
  run "$NSIPC_HOOK" --help
  assert_success
  assert_line --partial "usage: nsipc-hook [--state-dir DIR]"
  run "$NSIPC_HOOK" audit
  assert_failure 2
  assert_output 'nsipc: unknown command "audit" (see nsipc-hook --help)'
  run "$NSIPC_HOOK" --bogus hook
  assert_failure 2
  assert_output --partial "see nsipc-hook --help"
  run "$NSIPC_HOOK" hook precreate <<<'{ "ociVersion": "1.0.2" }'
  assert_failure 2
  assert_output "nsipc: hook precreate: nsipc-hook runs createRuntime and poststop; precreate is nsipc's: nsipc hook precreate"
  # The hook verb itself answers as nsipc's does.
  run "$NSIPC_HOOK" hook createRuntime <<<'garbage'
  assert_failure 2
  want=$output
  run "$NSIPC" hook createRuntime <<<'garbage'
  assert_equal "$output" "$want"
  run "$NSIPC_HOOK" hook poststop <<<'{"id": "nsipc-hook-none", "status": "stopped"}'
  assert_success
}

@test "nsipc-hook runs with its relocated data read-only (RELRO) and its code at a random address" {
  # GNU_RELRO's pages, as the loader (or nsipc/hook_musl.c) rounds them.
  read -r relro size < <(readelf -lW "$NSIPC_HOOK" | awk '$1 == "GNU_RELRO" { print $3, $6 }')
  first=$(( (relro & ~4095) ))
  last=$(( ((relro + size) & ~4095) - 4096 ))
  [ "$last" -ge "$first" ]
  # A hook that waits for its state on a FIFO: its maps, then EOF ends it.
  mkfifo "$BATS_TEST_TMPDIR/state"
  "$NSIPC_HOOK" hook createRuntime <"$BATS_TEST_TMPDIR/state" 2>/dev/null &
  pid=$!
  exec {writer}>"$BATS_TEST_TMPDIR/state"
  # Asleep in nsipc-hook: past its start, reading stdin.
  for _ in $(seq 100); do
    [ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$NSIPC_HOOK")" ] && [ "$(ps -o stat= -p "$pid")" = S ] && break
    sleep 0.05
  done
  maps=$(grep -F " $(readlink -f "$NSIPC_HOOK")" "/proc/$pid/maps")
  exec {writer}>&-
  wait "$pid" || true
  base=$((16#$(head -1 <<<"$maps" | cut -d- -f1)))
  # Each RELRO page lies in a mapping that is not writable.
  for page in $(seq $((base + first)) 4096 $((base + last))); do
    while read -r range perms _; do
      lo=$((16#${range%-*})) hi=$((16#${range#*-}))
      if [ "$page" -ge "$lo" ] && [ "$page" -lt "$hi" ]; then
        [ "${perms:1:1}" = - ] || { echo "page $(printf %x "$page") is $perms"; false; }
      fi
    done <<<"$maps"
  done
  # A PIE, which the kernel maps at a random address.
  assert [ "$(readelf -hW "$NSIPC_HOOK" | awk '$1 == "Type:" { print $2 }')" = DYN ]
}

@test "oci-config --ns joins a named namespace; refuses limits without a private namespace" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'true'
  run "$NSIPC" oci-config --policy web --ns pod1 <"$b/config.json"
  assert_success
  assert_equal "$(jq -r '.linux.namespaces[] | select(.type == "ipc") | .path' <<<"$output")" "$NSIPC_STATE_DIR/ns/pod1"
  assert_equal "$(jq -c '.linux.sysctl // {}' <<<"$output")" '{}'
  bundle_edit "$b" '.linux.namespaces |= map(select(.type != "ipc"))'
  run "$NSIPC" oci-config --policy web <"$b/config.json"
  assert_failure 2
  assert_output "nsipc: oci-config: the policy's limits need a private IPC namespace: the config has none (it shares the host's)"
  run "$NSIPC" oci-config --policy ../web <"$b/config.json"
  assert_failure 2
  # The option the user typed is named, and why a file is no answer.
  assert_output 'nsipc: oci-config: --policy "../web": not a policy NAME ([A-Za-z0-9][A-Za-z0-9_.-]): the hook finds it again by annotation io.nsipc.policy, which means POLICY_DIR/NAME.json only'
  run "$NSIPC" oci-config --policy web --ns ../pod1 <"$b/config.json"
  assert_failure 2
  assert_output --partial 'nsipc: oci-config: "../pod1" is not a namespace name'
  run "$NSIPC" oci-config --policy web <<<'not json'
  assert_failure 2
  assert_output --partial "nsipc: oci-config: config on stdin: line 1"
}

@test "hook precreate amends the config podman passes through it" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'true'
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" }'
  run "$NSIPC" hook precreate <"$b/config.json"
  assert_success
  assert_equal "$(jq -r '.linux.sysctl["kernel.shmmni"]' <<<"$output")" 18
  bundle_edit "$b" 'del(.annotations)'
  run "$NSIPC" hook precreate <"$b/config.json"
  assert_success
  assert_equal "$(jq -c . <<<"$output")" "$(jq -c . "$b/config.json")"
}

@test "hook precreate amends a config past 1MiB (podman's env, mounts and seccomp profile)" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'true'
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" } | .process.env += [range(3000) | "VAR\(.)=\("x" * 500)"]'
  [ "$(stat -c %s "$b/config.json")" -gt $((1 << 20)) ]
  run --separate-stderr timeout 20 "$NSIPC" hook precreate <"$b/config.json"
  assert_success
  assert_equal "$stderr" ""
  assert_equal "$(jq -r '.linux.sysctl["kernel.shmmni"]' <<<"$output")" 18
  assert_equal "$(jq '.process.env | length' <<<"$output")" "$(jq '.process.env | length' "$b/config.json")"
}

# --- robustness: state on stdin -------------------------------------------

@test "garbage, truncated and huge state on stdin are refused cleanly" {
  run "$NSIPC" hook createRuntime <<<'garbage'
  assert_failure 2
  assert_output --regexp '^nsipc: hook: state on stdin: line 1, column [0-9]+: '
  run "$NSIPC" hook createRuntime <<<'{"ociVersion": "1.0.2", "id": "x", "pid": 1'
  assert_failure 2
  head -c 2000000 /dev/zero | tr '\0' ' ' >"$BATS_TEST_TMPDIR/huge"
  run "$NSIPC" hook createRuntime <"$BATS_TEST_TMPDIR/huge"
  assert_failure 2
  assert_output "nsipc: hook: read stdin: more than 1MiB, not an OCI state"
  run "$NSIPC" hook createRuntime </dev/null
  assert_failure 2
  run "$NSIPC" hook createRuntime <<<'[1]'
  assert_failure 2
  assert_output "nsipc: hook: state on stdin: not a JSON object"
  run "$NSIPC" hook createRuntime <<<'{"id": "x", "pid": "12"}'
  assert_failure 2
  assert_output 'nsipc: hook: state on stdin: "pid" must be a process id'
}

@test "an id with / or .. is refused" {
  for id in '../x' 'a/b' '..' ''; do
    run "$NSIPC" hook poststop <<<"{\"id\": \"$id\", \"status\": \"stopped\"}"
    assert_failure 2
    assert_output 'nsipc: hook: state on stdin: "id" must be a container id of [A-Za-z0-9_.-]'
  done
  [ ! -e "$NSIPC_STATE_DIR" ]
}

@test "createRuntime without a pid or a bundle, or with a dead pid, fails clearly" {
  run "$NSIPC" hook createRuntime <<<'{"id": "c1", "status": "creating", "annotations": {"io.nsipc.policy": "web"}}'
  assert_failure 1
  assert_output "nsipc: hook createRuntime: container c1: the state has no pid; createRuntime needs the container's"
  run "$NSIPC" hook createRuntime <<<"{\"id\": \"c1\", \"status\": \"creating\", \"pid\": $$, \"annotations\": {\"io.nsipc.policy\": \"web\"}}"
  assert_failure 1
  assert_output "nsipc: hook createRuntime: container c1: the state has no bundle; createRuntime needs the container's config"
  sh -c 'exit 0' &
  dead=$!
  wait "$dead"
  run "$NSIPC" hook createRuntime <<<"{\"id\": \"c1\", \"status\": \"creating\", \"pid\": $dead, \"bundle\": \"$BATS_TEST_TMPDIR\", \"annotations\": {\"io.nsipc.policy\": \"web\"}}"
  assert_failure 1
  assert_output --partial "nsipc: hook createRuntime: container c1: process $dead"
  [ ! -e "$NSIPC_STATE_DIR/containers/c1.json" ]
}

@test "the stage comes from the status when not given" {
  run "$NSIPC" hook <<<'{"id": "c1", "status": "running"}'
  assert_failure 2
  assert_output 'nsipc: hook: container c1: cannot tell the stage from status "running"; give it as an argument'
  run "$NSIPC" hook <<<'{"id": "c1", "status": "stopped"}'
  assert_success
  assert_output "nsipc: hook poststop: container c1: no ledger, nothing to clean"
  run "$NSIPC" hook prestart <<<'{"id": "c1"}'
  assert_failure 2
}

@test "poststop of a container whose own namespace went with it drops the ledger and says nothing" {
  echo '{ "version": 1, "limits": { "msgmni": 9 }, "objects": [ { "type": "msg", "key": "0x720" } ] }' \
    >"$NSIPC_POLICY_DIR/quiet.json"
  # The container: a process in an IPC namespace of its own (unshare execs
  # sleep: its pid is the container's), and a config that asks for one.
  ipc_sleeper
  pid=$IPC_SLEEPER
  b=$BATS_TEST_TMPDIR/b
  mkdir "$b"
  echo '{ "linux": { "namespaces": [ { "type": "ipc" } ], "readonlyPaths": [ "/proc/sys" ] } }' >"$b/config.json"
  run "$NSIPC" hook createRuntime <<<"{\"id\": \"c1\", \"status\": \"creating\", \"pid\": $pid, \"bundle\": \"$b\",
                                     \"annotations\": {\"io.nsipc.policy\": \"quiet\"}}"
  assert_success
  assert_output ""
  assert_equal "$(nsenter --ipc=/proc/"$pid"/ns/ipc cat /proc/sys/kernel/msgmni)" 9
  assert_equal "$(jq -c '[.ns_kind, .complete]' "$NSIPC_STATE_DIR/containers/c1.json")" '["private",true]'
  end_spawned
  PIDS=()
  run "$NSIPC" --log "$BATS_TEST_TMPDIR/events" hook <<<'{"id": "c1", "status": "stopped"}'
  assert_success
  assert_output ""
  assert_equal "$(ledgers)" 0
  # The event log still has it.
  run jq -r 'select(.event == "poststop") | .message' "$BATS_TEST_TMPDIR/events"
  assert_output "container c1: its own IPC namespace went with it; the record is dropped"
}

@test "a planted symlink in the state directory is refused" {
  mkdir -p -m 700 "$NSIPC_STATE_DIR" "$BATS_TEST_TMPDIR/elsewhere"
  ln -s "$BATS_TEST_TMPDIR/elsewhere" "$NSIPC_STATE_DIR/containers"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" }'
  run runc run --bundle "$b" "$(cid 1)"
  assert_failure
  assert_output --partial "$NSIPC_STATE_DIR/containers is not a directory (a symlink?); refusing to use it"
  run ls -A "$BATS_TEST_TMPDIR/elsewhere"
  assert_output ""
}

@test "a stale ledger of a reused id is replaced, and a poststop for it removes nothing outside its scope" {
  mkdir -p -m 700 "$NSIPC_STATE_DIR/containers"
  id=$(cid 1)
  # A crash left a ledger claiming a shared namespace: the host's own.
  echo "{ \"id\": \"$id\", \"ns_kind\": \"shared\", \"ns_path\": \"/proc/self/ns/ipc\", \"ns_inode\": 1,
          \"complete\": false, \"cleanup\": \"owned\", \"preexisting\": [], \"provisioned\": [] }" \
    >"$NSIPC_STATE_DIR/containers/$id.json"
  run "$NSIPC" hook poststop <<<"{\"id\": \"$id\", \"status\": \"stopped\"}"
  assert_success
  assert_output --partial "its start was refused or did not finish; removed nothing"
  [ ! -e "$NSIPC_STATE_DIR/containers/$id.json" ]

  echo '{ "garbage": ' >"$NSIPC_STATE_DIR/containers/$id.json"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'cat /proc/sys/kernel/msgmni'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" }'
  run runc run --bundle "$b" "$id"
  assert_success
  assert_output 17
  assert_equal "$(ledgers)" 0
}

@test "a runtime sysctl that contradicts the policy stops the container, naming both values" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran'
  with_hooks "$b"
  # podman --sysctl kernel.msgmni=100 writes the same linux.sysctl entry.
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" } | .linux.sysctl = { "kernel.msgmni": "100" }'
  run runc run --bundle "$b" "$(cid 1)"
  assert_failure
  assert_output --partial "the config sets kernel.msgmni = 100, the policy 17: the admin's policy is not overridden"
  [ ! -e "$b/out/ran" ]
  # The same value agrees: the container starts.
  bundle_edit "$b" '.linux.sysctl = { "kernel.msgmni": "17" }'
  run runc run --bundle "$b" "$(cid 2)"
  assert_success
  [ -e "$b/out/ran" ]
  # As runc and the kernel read them: kernel/msgmni is kernel.msgmni, and
  # 021 is octal, 17.
  rm "$b/out/ran"
  bundle_edit "$b" '.linux.sysctl = { "kernel/msgmni": "100" }'
  run runc run --bundle "$b" "$(cid 3)"
  assert_failure
  assert_output --partial "the config sets kernel.msgmni = 100, the policy 17: the admin's policy is not overridden"
  [ ! -e "$b/out/ran" ]
  bundle_edit "$b" '.linux.sysctl = { "kernel/msgmni": "021" } | .process.args = ["sh", "-c", "cat /proc/sys/kernel/msgmni"]'
  run runc run --bundle "$b" "$(cid 4)"
  assert_success
  assert_output 17
  bundle_edit "$b" '.linux.sysctl = { "kernel.msgmni": "17" }'
  run "$NSIPC" oci-config --policy web <"$b/config.json"
  assert_success
  bundle_edit "$b" '.linux.sysctl = { "kernel.msgmni": "100" }'
  run "$NSIPC" oci-config --policy web <"$b/config.json"
  assert_failure 2
  assert_output "nsipc: oci-config: the config sets kernel.msgmni = 100, the policy 17: the admin's policy is not overridden; drop the setting or change the policy"
}

@test "a runtime kernel.shm_rmid_forced that the policy leaves unset stops a container whose policy provisions segments" {
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x1002", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/seg.json"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'touch /out/ran; cat /proc/sys/kernel/shm_rmid_forced; awk "NR > 1 { printf \"0x%x\n\", \$1 }" /proc/sysvipc/shm'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "seg" }'
  cp "$b/config.json" "$b/plain.json"
  # As a pod's sysctls or podman --sysctl set it: runc writes it after
  # createRuntime, and the kernel removes the segment the hook made.
  bundle_edit "$b" '.linux.sysctl = { "kernel.shm_rmid_forced": "1" }'
  run runc run --bundle "$b" "$(cid 1)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 1): bundle $b: the config sets kernel.shm_rmid_forced = 1, which removes the policy's segment objects[0] once the hook that makes it exits: drop the setting"
  [ ! -e "$b/out/ran" ]
  assert_equal "$(ledgers)" 0
  run "$NSIPC" oci-config --policy seg <"$b/config.json"
  assert_failure 2
  assert_output "nsipc: oci-config: the config sets kernel.shm_rmid_forced = 1, which removes the policy's segment objects[0] once the hook that makes it exits: drop the setting"
  # Without it the segment is there; a policy without segments takes it.
  cp "$b/plain.json" "$b/config.json"
  run runc run --bundle "$b" "$(cid 2)"
  assert_success
  assert_output "0
0x1002"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x1003" } ] }' >"$NSIPC_POLICY_DIR/seg.json"
  bundle_edit "$b" '.linux.sysctl = { "kernel.shm_rmid_forced": "1" }'
  run runc run --bundle "$b" "$(cid 3)"
  assert_success
  assert_output "1"
}

@test "a sealed policy holds in a runc container made with oci-config; the hook refuses a config without the seal" {
  cat >"$NSIPC_POLICY_DIR/sealed.json" <<'EOF2'
{ "version": 1, "seal": true,
  "objects": [ { "type": "shm", "key": "0x1000", "size": 4096 }, { "type": "msg", "key": "0x1001" } ] }
EOF2
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" "
    ipc-tool use 0x1000 shm && echo 'shm 0x1000 ok'
    ipc-tool use 0x1001 msg && echo 'msg 0x1001 ok'
    ipc-tool shm 0x2000 4096 2>&1
    ipc-tool msg 0x1000 2>&1
    ipc-tool private 4096 /dev/null 2>&1
    ipc-tool rm 0x1000 shm 2>&1
    awk 'NR > 1 { print \"left\", \$1 }' /proc/sysvipc/shm"
  cp "$b/config.json" "$b/plain.json"
  "$NSIPC" oci-config --policy sealed <"$b/plain.json" >"$b/config.json"
  run runc run --bundle "$b" "$(cid 1)"
  assert_success
  assert_output "shm 0x1000 ok
msg 0x1001 ok
shmget: Operation not permitted
msgget: Operation not permitted
private: Operation not permitted
rm: Operation not permitted
left 4096"
  # Sealing twice changes nothing: oci-config then precreate is safe.
  "$NSIPC" oci-config --policy sealed <"$b/config.json" >"$b/again.json"
  cmp "$b/config.json" "$b/again.json"
  # exec --container into a running sealed container is sealed too.
  bundle_edit "$b" '.process.args = ["sleep", "30"]'
  runc run -d --bundle "$b" "$(cid 3)" </dev/null >/dev/null
  run "$NSIPC" exec --container "$(cid 3)" -- sh -c "$IPC_TOOL use 0x1001 msg && echo declared; $IPC_TOOL msg 0x2001 2>&1"
  assert_output "declared
msgget: Operation not permitted"
  runc delete -f "$(cid 3)"
  # The annotation and hooks alone, without the seal: the container does not start.
  jq '.annotations["io.nsipc.policy"] = "sealed"' "$b/plain.json" >"$b/config.json"
  with_hooks "$b"
  run runc run --bundle "$b" "$(cid 2)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 2): bundle $b: the policy is sealed, but the config's linux.seccomp does not carry its seal"
  [ ! -e "$b/out/ran" ]
  # A profile that allows by default cannot be sealed exactly: refused.
  jq '.linux.seccomp = { "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [] }' "$b/plain.json" >"$b/allow.json"
  run "$NSIPC" oci-config --policy sealed <"$b/allow.json"
  assert_failure 2
  assert_output "nsipc: oci-config: seal: linux.seccomp allows every syscall by default (SCMP_ACT_ALLOW); the seal needs an allowlist profile (defaultAction SCMP_ACT_ERRNO), or none"
  # One with conditions of its own on a System V call: refused too.
  jq '.linux.seccomp = { "defaultAction": "SCMP_ACT_ERRNO", "syscalls": [ { "names": ["shmctl"], "action": "SCMP_ACT_ALLOW",
        "args": [ { "index": 1, "value": 2, "op": "SCMP_CMP_EQ" } ] } ] }' "$b/plain.json" >"$b/cond.json"
  run "$NSIPC" oci-config --policy sealed <"$b/cond.json"
  assert_failure 2
  assert_output "nsipc: oci-config: seal: linux.seccomp allows shmctl under conditions of its own, which the seal cannot be combined with"
  # One that lets a user-space notifier or a tracer decide: it may allow
  # what the seal refuses, so it is refused too.
  jq '.linux.seccomp = { "defaultAction": "SCMP_ACT_NOTIFY", "syscalls": [] }' "$b/plain.json" >"$b/notify.json"
  run "$NSIPC" oci-config --policy sealed <"$b/notify.json"
  assert_failure 2
  assert_output "nsipc: oci-config: seal: linux.seccomp's defaultAction SCMP_ACT_NOTIFY lets a tracer or notifier allow calls; the seal needs an allowlist profile (defaultAction SCMP_ACT_ERRNO), or none"
  jq '.linux.seccomp = { "defaultAction": "SCMP_ACT_ERRNO", "syscalls": [ { "names": ["shmctl"], "action": "SCMP_ACT_TRACE" } ] }' "$b/plain.json" >"$b/trace.json"
  run "$NSIPC" oci-config --policy sealed <"$b/trace.json"
  assert_failure 2
  assert_output "nsipc: oci-config: seal: linux.seccomp hands shmctl to SCMP_ACT_TRACE, which may let it through; the seal cannot be combined with it"
}

@test "the hook refuses a sealed config whose linux.seccomp lists architectures: a 32-bit ipc(MSGGET) made an undeclared key" {
  "$IPC_TOOL" i386 || skip "no 32-bit system calls here"
  echo '{ "version": 1, "seal": true, "objects": [ { "type": "msg", "key": "0x1001" } ] }' >"$NSIPC_POLICY_DIR/sealed.json"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'ipc-tool create32 0x2000 2>&1; awk "NR > 1 { print \"left\", \$1 }" /proc/sysvipc/msg'
  "$NSIPC" oci-config --policy sealed <"$b/config.json" >"$b/sealed.json"
  # The seal's rules as oci-config writes them, loaded for x86 too (as
  # podman's profile lists it): libseccomp allows ipc(MSGGET) whole then.
  jq '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]' "$b/sealed.json" >"$b/config.json"
  run runc run --bundle "$b" "$(cid 1)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 1): bundle $b: the policy is sealed, but the config's linux.seccomp.architectures adds ABIs the seal does not cover (x86's 32-bit ipc(2))"
  refute_output --partial "left 8192"
  # As oci-config writes it, the 32-bit call is refused.
  cp "$b/sealed.json" "$b/config.json"
  run runc run --bundle "$b" "$(cid 2)"
  assert_success
  refute_output --partial "left 8192"
  assert_output --partial "left 4097"
}

@test "a sealed or limited policy needs /proc/sys read-only and no CAP_SYS_ADMIN: root in the container removed the sealed segment and lifted the limits" {
  echo '{ "version": 1, "seal": true, "objects": [ { "type": "shm", "key": "0x1000", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/sealed.json"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" '
    mount -o remount,rw /proc/sys 2>/dev/null
    { echo 1 >/proc/sys/kernel/shm_rmid_forced && echo 200 >/proc/sys/kernel/msgmni && echo wrote; } 2>/dev/null
    awk "NR > 1 { print \"left\", \$1 }" /proc/sysvipc/shm'
  "$NSIPC" oci-config --policy sealed <"$b/config.json" >"$b/sealed.json"
  # As runc spec writes it (and podman, CRI-O, containerd): /proc/sys is a
  # read-only bind, and no capability remounts it.
  cp "$b/sealed.json" "$b/config.json"
  run runc run --bundle "$b" "$(cid 1)"
  assert_success
  assert_output "left 4096"
  # Unmasked (podman --security-opt unmask=/proc/sys, Kubernetes procMount:
  # Unmasked): the namespace's root writes its IPC sysctls, no capability
  # needed; shm_rmid_forced = 1 removes a segment whose creator is gone.
  jq '.linux.readonlyPaths -= ["/proc/sys"]' "$b/sealed.json" >"$b/config.json"
  run runc run --bundle "$b" "$(cid 2)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 2): bundle $b: the config leaves /proc/sys writable (linux.readonlyPaths has no /proc/sys): the workload could remove the sealed policy's segments (kernel.shm_rmid_forced = 1) and lift its limits"
  refute_output --partial wrote
  run "$NSIPC" oci-config --policy sealed <"$b/config.json"
  assert_failure 2
  assert_output "nsipc: oci-config: the config leaves /proc/sys writable (linux.readonlyPaths has no /proc/sys): the workload could remove the sealed policy's segments (kernel.shm_rmid_forced = 1) and lift its limits; keep it read-only (podman: no --privileged, no unmask of /proc/sys)"
  # CAP_SYS_ADMIN remounts the read-only bind.
  jq '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
      | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]' "$b/sealed.json" >"$b/config.json"
  run runc run --bundle "$b" "$(cid 3)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 3): bundle $b: the config keeps CAP_SYS_ADMIN (process.capabilities.bounding), with which the workload can remount /proc/sys writable"
  refute_output --partial wrote
  # Limits alone are guarded the same way; a policy with neither is not.
  jq '.linux.readonlyPaths -= ["/proc/sys"] | .annotations["io.nsipc.policy"] = "web" | del(.linux.seccomp)' \
    "$b/sealed.json" >"$b/config.json"
  run runc run --bundle "$b" "$(cid 4)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 4): bundle $b: the config leaves /proc/sys writable (linux.readonlyPaths has no /proc/sys): the workload could lift the policy's limits"
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": "0x1000", "size": 4096 } ] }' >"$NSIPC_POLICY_DIR/plain.json"
  jq '.annotations["io.nsipc.policy"] = "plain"' "$b/config.json" >"$b/plain.json"
  mv "$b/plain.json" "$b/config.json"
  run runc run --bundle "$b" "$(cid 5)"
  assert_success
  assert_output "wrote"
}

# A pod's sandbox of policy sealed (POLICY_DIR/sealed.json), running in
# a namespace of its own: its process is $spid.
# sealed_bundle DIR CMD [NS]: a bundle made by oci-config --policy sealed,
# joining the IPC namespace NS when given.
sealed_bundle() {
  make_bundle "$1" "$2"
  [ -z "${3:-}" ] || join_ipc "$1" "$3"
  "$NSIPC" oci-config --policy sealed <"$1/config.json" >"$1/sealed.json"
  mv "$1/sealed.json" "$1/config.json"
}

# member_bundle DIR CMD [NS]: a bundle with the hooks and policy member,
# joining the IPC namespace NS when given.
member_bundle() {
  make_bundle "$1" "$2"
  bundle_edit "$1" '.annotations = { "io.nsipc.policy": "member" }'
  with_hooks "$1"
  [ -z "${3:-}" ] || join_ipc "$1" "$3"
}

sealed_sandbox() {
  s=$BATS_TEST_TMPDIR/s
  sealed_bundle "$s" 'exec sleep 60'
  runc run -d --bundle "$s" "$(cid s)" </dev/null >/dev/null
  spid=$(runc state "$(cid s)" | jq .pid)
}

@test "a container joining a sealed pod's namespace needs a sealed policy: an unsealed one does not start, and the pod's objects stay" {
  cat >"$NSIPC_POLICY_DIR/sealed.json" <<'EOF2'
{ "version": 1, "seal": true,
  "objects": [ { "type": "shm", "key": "0x1000", "size": 4096, "mode": "0640" }, { "type": "msg", "key": "0x1001" } ] }
EOF2
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  sealed_sandbox
  keys() {
    nsenter --ipc=/proc/"$spid"/ns/ipc awk 'FNR > 1 { printf "0x%x %s\n", $1, $3 }' /proc/sysvipc/shm /proc/sysvipc/msg
  }
  # An app container joins it with an unsealed policy, to remove them.
  a=$BATS_TEST_TMPDIR/a
  make_bundle "$a" 'touch /out/ran; ipc-tool rm 0x1000 shm 2>&1; ipc-tool rm 0x1001 msg 2>&1; echo end'
  with_hooks "$a"
  bundle_edit "$a" '.annotations = { "io.nsipc.policy": "member" }'
  join_ipc "$a" "/proc/$spid/ns/ipc"
  cp "$a/config.json" "$a/plain.json"
  run runc run --bundle "$a" "$(cid a1)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid a1): the shared namespace (IPC namespace /proc/$spid/ns/ipc) is sealed, but policy member is not: a container that joins a sealed namespace needs a sealed policy"
  [ ! -e "$a/out/ran" ]
  assert_equal "$(keys)" "0x1000 640
0x1001 600"
  assert_equal "$(ledgers)" 1
  # Sealed, it starts, and its workload cannot remove them either.
  "$NSIPC" oci-config --policy sealed <"$a/plain.json" >"$a/config.json"
  run runc run --bundle "$a" "$(cid a2)"
  assert_success
  assert_output "rm: Operation not permitted
rm: Operation not permitted
end"
  assert_equal "$(keys)" "0x1000 640
0x1001 600"
  # A named namespace a sealed policy made: oci-config says so at once,
  # and the hook refuses a config written without it.
  "$NSIPC" ns create pod1 --policy sealed
  run "$NSIPC" oci-config --policy member --ns pod1 <"$a/plain.json"
  assert_failure 2
  assert_output "nsipc: oci-config: namespace pod1 is sealed, but policy member is not: a container that joins a sealed namespace needs a sealed policy"
  bundle_edit "$a" --arg pin "$NSIPC_STATE_DIR/ns/pod1" 'del(.linux.seccomp) | .annotations = { "io.nsipc.policy": "member" }
    | .linux.namespaces |= map(if .type == "ipc" then .path = $pin else . end)'
  run runc run --bundle "$a" "$(cid a3)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid a3): the shared namespace (namespace pod1, policy sealed) is sealed, but policy member is not: a container that joins a sealed namespace needs a sealed policy"
  run "$NSIPC" oci-config --policy sealed --ns pod1 <"$a/plain.json"
  assert_success
}

@test "a sealed pod's namespace refuses a container with no policy at all, and a sealed container refuses to join where an unsealed one runs" {
  cat >"$NSIPC_POLICY_DIR/sealed.json" <<'EOF2'
{ "version": 1, "seal": true, "objects": [ { "type": "shm", "key": "0x1000", "size": 4096 } ] }
EOF2
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  sealed_sandbox
  # No annotation and no default.json, the hooks in its config: the hook
  # did nothing, and its workload removed the pod's sealed segment.
  a=$BATS_TEST_TMPDIR/a
  make_bundle "$a" 'touch /out/ran; ipc-tool rm 0x1000 shm 2>&1; echo end'
  with_hooks "$a"
  join_ipc "$a" "/proc/$spid/ns/ipc"
  run runc run --bundle "$a" "$(cid a1)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid a1): it joins a sealed namespace (IPC namespace /proc/$spid/ns/ipc) without an nsipc policy: a container that joins a sealed namespace needs a sealed policy (annotation io.nsipc.policy)"
  [ ! -e "$a/out/ran" ]
  assert_equal "$(nsenter --ipc=/proc/"$spid"/ns/ipc awk 'NR > 1 { print $1 }' /proc/sysvipc/shm)" 4096
  # One of its own namespace, or the host's, is none of the seal's concern.
  bundle_edit "$a" '.linux.namespaces |= map(if .type == "ipc" then del(.path) else . end) | .process.args = ["true"]'
  run runc run --bundle "$a" "$(cid a2)"
  assert_success
  runc delete -f "$(cid s)" >/dev/null
  # The other order: an unsealed container runs in the pod's namespace
  # first; a sealed one joining it would have its segment removed by that
  # one's workload.
  u=$BATS_TEST_TMPDIR/u
  member_bundle "$u" 'exec sleep 60'
  runc run -d --bundle "$u" "$(cid u)" </dev/null >/dev/null
  upid=$(runc state "$(cid u)" | jq .pid)
  j=$BATS_TEST_TMPDIR/j
  sealed_bundle "$j" 'touch /out/ran; echo end' "/proc/$upid/ns/ipc"
  run runc run --bundle "$j" "$(cid j)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid j): container $(cid u) of policy member, which is not sealed, runs in the shared namespace (IPC namespace /proc/$upid/ns/ipc): its workload could remove the objects of policy sealed; a sealed policy joins only a namespace whose containers are sealed"
  [ ! -e "$j/out/ran" ]
  assert_equal "$(nsenter --ipc=/proc/"$upid"/ns/ipc awk 'NR > 1 { print $1 }' /proc/sysvipc/shm)" ""
}

# start_held DIR ID: runc run -d of the bundle in the background, its
# createRuntime hook under strace, which delays its first rename (the first
# ledger's) by 3 s; returns once the hook is held there.  The runc is the
# last of PIDS.
start_held() {
  bundle_edit "$1" --arg strace "$(command -v strace)" '.hooks.createRuntime[0] |= { "path": $strace,
    "args": (["strace", "-f", "-o", "/dev/null", "-e", "inject=renameat2:delay_enter=3000000:when=1", "--", .path] + .args[1:]) }'
  spawn runc run -d --bundle "$1" "$2"
  wait_for "$NSIPC_STATE_DIR/containers/.$2.json.tmp"
}

@test "two containers joining one namespace at once, one sealed and one not: the later waits for the first's ledger and is refused" {
  command -v strace >/dev/null || skip "strace is not installed"
  echo '{ "version": 1, "seal": true, "objects": [ { "type": "shm", "key": "0x1000", "size": 4096 } ] }' \
    >"$NSIPC_POLICY_DIR/sealed.json"
  echo '{ "version": 1, "objects": [ { "type": "msg", "key": "0x710" } ] }' >"$NSIPC_POLICY_DIR/member.json"
  ipc_sleeper
  # The unsealed one's hook is held after its checks, before its ledger:
  # strace delays the rename that writes it by 3 s.
  u=$BATS_TEST_TMPDIR/u
  member_bundle "$u" 'exec sleep 60' "/proc/$IPC_SLEEPER/ns/ipc"
  start_held "$u" "$(cid u)"
  # The sealed one starts meanwhile: before, it saw no ledger yet and ran.
  j=$BATS_TEST_TMPDIR/j
  sealed_bundle "$j" 'touch /out/ran; echo end' "/proc/$IPC_SLEEPER/ns/ipc"
  run runc run --bundle "$j" "$(cid j)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid j): container $(cid u) of policy member, which is not sealed, runs in the shared namespace"
  [ ! -e "$j/out/ran" ]
  wait "${PIDS[-1]}"
  assert_equal "$(runc state "$(cid u)" | jq -r .status)" running
  # The other order, in a namespace of its own: the sealed one held, the
  # unsealed one refused.
  ipc_sleeper
  s=$BATS_TEST_TMPDIR/s
  sealed_bundle "$s" 'exec sleep 60' "/proc/$IPC_SLEEPER/ns/ipc"
  start_held "$s" "$(cid s)"
  a=$BATS_TEST_TMPDIR/a
  member_bundle "$a" 'touch /out/ran; echo end' "/proc/$IPC_SLEEPER/ns/ipc"
  run runc run --bundle "$a" "$(cid a)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid a): the shared namespace (IPC namespace /proc/$IPC_SLEEPER/ns/ipc) is sealed, but policy member is not"
  [ ! -e "$a/out/ran" ]
  wait "${PIDS[-1]}"
}

@test "dev_shm mounts no tmpfs where the host sees it: a /dev/shm on a shared mount (an image's symlink into a shared bind) is refused" {
  echo '{ "version": 1, "dev_shm": { "size": "1MiB" } }' >"$NSIPC_POLICY_DIR/shm1.json"
  # A host directory, shared (as / is under systemd), bound into the
  # container with its propagation; the image's /dev/shm leads into it.
  h=$BATS_TEST_TMPDIR/host
  mkdir -p "$h/sub"
  mount --bind "$h" "$h"
  mount --make-shared "$h"
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'df -k /dev/shm | awk "NR > 1 { print \$2 }"'
  mkdir -p "$b/rootfs/hostdir"
  ln -s /hostdir/sub "$b/rootfs/dev/shm"
  bundle_edit "$b" --arg h "$h" '.annotations = { "io.nsipc.policy": "shm1" } | .linux.rootfsPropagation = "shared"
    | .mounts = [.mounts[] | select(.destination | startswith("/dev") | not)]
      + [{ "destination": "/hostdir", "type": "bind", "source": $h, "options": ["rbind", "rw", "rshared"] }]'
  with_hooks "$b"
  run runc run --bundle "$b" "$(cid 1)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 1): the container's /dev/shm: /dev/shm is on a shared mount, which propagates to other mount namespaces: a tmpfs mounted there would show on the host's"
  # The host has no tmpfs there, during the container or after.
  run findmnt -n "$h/sub"
  assert_failure
  # Private, the same image and symlink get their tmpfs, inside the container only.
  bundle_edit "$b" '.linux.rootfsPropagation = "private" | .mounts[-1].options = ["rbind", "rw", "rprivate"]'
  run runc run --bundle "$b" "$(cid 2)"
  assert_success
  assert_output "1024"
  run findmnt -n "$h/sub"
  assert_failure
}

@test "dev_shm in runc containers: resized at createRuntime; a size the config asks for is refused; a named namespace's tmpfs is bound; a shared namespace's must fit" {
  b=$BATS_TEST_TMPDIR/b
  make_bundle "$b" 'df -k /dev/shm | awk "NR == 2 { print \"dev_shm\", \$2 }"; echo from-container > /dev/shm/f; cat /dev/shm/g 2>/dev/null || true'
  with_hooks "$b"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "web" }'
  cp "$b/config.json" "$b/plain.json"
  # runc's own 64MiB tmpfs (runc spec), resized by the hook to web's 8MiB.
  run runc run --bundle "$b" "$(cid 1)"
  assert_success
  assert_output "dev_shm 8192"
  # exec --container sees the container's own /dev/shm.
  bundle_edit "$b" '.process.args = ["sh", "-c", "echo from-container > /dev/shm/f; exec sleep 30"]'
  runc run -d --bundle "$b" "$(cid 5)" </dev/null >/dev/null
  for _ in $(seq 50); do "$NSIPC" exec --container "$(cid 5)" -- test -e /dev/shm/f 2>/dev/null && break; sleep 0.1; done
  run "$NSIPC" exec --container "$(cid 5)" -- sh -c "cat /dev/shm/f; df -k /dev/shm | awk 'NR == 2 { print \$2 }'"
  assert_output "from-container
8192"
  runc delete -f "$(cid 5)"
  cp "$b/plain.json" "$b/config.json"
  # A size the config asks for is not overridden, by the hook or by oci-config.
  bundle_edit "$b" '.mounts |= map(if .destination == "/dev/shm" then .options += ["size=100m"] else . end)'
  run runc run --bundle "$b" "$(cid 2)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 2): the container's /dev/shm: /dev/shm is 100MiB (podman --shm-size, or size= in the config), the policy's dev_shm 8MiB: the admin's policy is not overridden"
  assert_equal "$(ledgers)" 0
  run "$NSIPC" oci-config --policy web <"$b/config.json"
  assert_failure 2
  assert_output "nsipc: oci-config: the config's /dev/shm has size=100m, the policy's dev_shm 8388608 bytes: the admin's policy is not overridden; drop the setting or change the policy"
  # In a named namespace with a /dev/shm of its own, the container shares it.
  echo '{ "version": 1, "dev_shm": { "size": "8MiB" } }' >"$NSIPC_POLICY_DIR/pod.json"
  "$NSIPC" ns create pod1 --policy pod
  "$NSIPC" exec pod1 -- sh -c 'echo from-exec > /dev/shm/g'
  "$NSIPC" oci-config --policy pod --ns pod1 <"$b/plain.json" >"$b/config.json"
  run runc run --bundle "$b" "$(cid 3)"
  assert_success
  assert_output "dev_shm 8192
from-exec"
  run "$NSIPC" exec pod1 -- cat /dev/shm/f
  assert_output from-container
  # A policy whose dev_shm differs from the namespace's is refused.
  echo '{ "version": 1, "dev_shm": { "size": "4MiB" } }' >"$NSIPC_POLICY_DIR/small.json"
  "$NSIPC" oci-config --policy small --ns pod1 <"$b/plain.json" >"$b/config.json"
  run runc run --bundle "$b" "$(cid 4)"
  assert_failure
  assert_output --partial "namespace pod1: its /dev/shm is 8MiB, the policy's dev_shm 4MiB"
  "$NSIPC" ns delete pod1
  # In a namespace others share (one nsipc did not make), or the host's,
  # nsipc resizes nothing: the container's /dev/shm must have the size
  # already, or it does not start.
  ipc_sleeper
  echo '{ "version": 1, "dev_shm": { "size": "8MiB" } }' >"$NSIPC_POLICY_DIR/shm8.json"
  cp "$b/plain.json" "$b/config.json"
  bundle_edit "$b" '.annotations = { "io.nsipc.policy": "shm8" }'
  join_ipc "$b" "/proc/$IPC_SLEEPER/ns/ipc"
  run runc run --bundle "$b" "$(cid 6)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 6): the container's /dev/shm: /dev/shm is 64MiB (in a namespace others share, nsipc resizes none), the policy's dev_shm 8MiB: the admin's policy is not overridden"
  bundle_edit "$b" '.linux.namespaces |= map(select(.type != "ipc"))'
  run runc run --bundle "$b" "$(cid 7)"
  assert_failure
  assert_output --partial "/dev/shm is 64MiB (in a namespace others share, nsipc resizes none), the policy's dev_shm 8MiB"
  bundle_edit "$b" '.mounts |= map(if .destination == "/dev/shm" then .options += ["size=8m"] else . end)'
  run runc run --bundle "$b" "$(cid 8)"
  assert_success
  assert_line "dev_shm 8192"
  assert_equal "$(ledgers)" 0
  # A tmpfs of the host's, bound on /dev/shm of a container with its own
  # namespace, is not resized: only one where a runtime keeps the
  # container's own (a directory named by its id, as podman's userdata/shm).
  mkdir -p "$BATS_TEST_TMPDIR/shared-shm" "$BATS_TEST_TMPDIR/$(cid 10)/shm"
  mount -t tmpfs -o size=64m,mode=1777 nsipc-test-shm "$BATS_TEST_TMPDIR/shared-shm"
  mount -t tmpfs -o size=64m,mode=1777 nsipc-test-shm "$BATS_TEST_TMPDIR/$(cid 10)/shm"
  cp "$b/plain.json" "$b/config.json"
  bundle_edit "$b" --arg src "$BATS_TEST_TMPDIR/shared-shm" '.annotations = { "io.nsipc.policy": "shm8" }
    | .mounts |= map(if .destination == "/dev/shm" then { "destination": "/dev/shm", "type": "bind", "source": $src, "options": ["rbind", "rw"] } else . end)'
  run runc run --bundle "$b" "$(cid 9)"
  assert_failure
  assert_output --partial "nsipc: hook createRuntime: container $(cid 9): the container's /dev/shm: /dev/shm is the tmpfs the host has at $BATS_TEST_TMPDIR/shared-shm: dev_shm resizes only the container's own"
  assert_equal "$(findmnt -n -o OPTIONS "$BATS_TEST_TMPDIR/shared-shm" | grep -o 'size=[0-9]*k')" size=65536k
  bundle_edit "$b" --arg src "$BATS_TEST_TMPDIR/$(cid 10)/shm" '.mounts |= map(if .destination == "/dev/shm" then .source = $src else . end)'
  run runc run --bundle "$b" "$(cid 10)"
  assert_success
  assert_line "dev_shm 8192"
  # The id as a path's last component is no runtime's layout: a container
  # whose id is "shm" would otherwise take the host's /dev/shm for its own.
  mkdir "$BATS_TEST_TMPDIR/$(cid 11)"
  mount -t tmpfs -o size=64m,mode=1777 nsipc-test-shm "$BATS_TEST_TMPDIR/$(cid 11)"
  bundle_edit "$b" --arg src "$BATS_TEST_TMPDIR/$(cid 11)" '.mounts |= map(if .destination == "/dev/shm" then .source = $src else . end)'
  run runc run --bundle "$b" "$(cid 11)"
  assert_failure
  assert_output --partial "/dev/shm is the tmpfs the host has at $BATS_TEST_TMPDIR/$(cid 11): dev_shm resizes only the container's own"
  assert_equal "$(findmnt -n -o OPTIONS "$BATS_TEST_TMPDIR/$(cid 11)" | grep -o 'size=[0-9]*k')" size=65536k
}
