#!/usr/bin/env bats
# contrib/kubernetes/: the manifests pass a Kubernetes schema validator,
# offline; the ConfigMap's policies are the repository's and valid; and the
# DaemonSet's two scripts, run here against a directory standing for the
# node, do what contrib/kubernetes/README.md says.
#
# The validator is tests/kubernetes/validate.js on the npm package
# kubernetes-models (Kubernetes 1.33's API schema), installed by
# `npm ci --prefix tests/kubernetes`; without it these tests are skipped.

load common

K8S=$SOURCE_ROOT/contrib/kubernetes
VALIDATOR=$SOURCE_ROOT/tests/kubernetes

setup() {
  command -v node >/dev/null || skip "node is not installed (apt-get install nodejs)"
  [ -f "$VALIDATOR/node_modules/kubernetes-models/package.json" ] \
    || skip "the manifest validator is not installed: npm ci --prefix tests/kubernetes"
}

validate() {
  node "$VALIDATOR/validate.js" "$@"
}

# yaml_get FILE EXPR: EXPR, JavaScript over `docs` (FILE's documents, read
# as kubectl reads them); a string is printed as it is, byte for byte.
yaml_get() {
  node -e '
    const [dir, file, expr] = process.argv.slice(1);
    const YAML = require(dir + "/node_modules/yaml");
    const text = require("fs").readFileSync(file, "utf8");
    const docs = YAML.parseAllDocuments(text, { version: "1.1" }).map((d) => d.toJS());
    const v = new Function("docs", "return (" + expr + ");")(docs);
    process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));
  ' "$VALIDATOR" "$1" "$2"
}

# The DaemonSet's pod spec, as an expression for yaml_get.
POD='docs.find((d) => d && d.kind === "DaemonSet").spec.template.spec'

# script NAME: the shell script container NAME runs (`sh -c SCRIPT`).
script() {
  yaml_get "$K8S/daemonset.yaml" "[...$POD.initContainers, ...$POD.containers].find((c) => c.name === \"$1\").args[0]"
}

# policies_to DIR: each key of the ConfigMap as a file DIR/KEY.
policies_to() {
  mkdir -p "$1"
  local key
  for key in $(yaml_get "$K8S/configmap-policies.yaml" 'Object.keys(docs[0].data).join(" ")'); do
    yaml_get "$K8S/configmap-policies.yaml" "docs[0].data[\"$key\"]" >"$1/$key"
  done
}

@test "the manifests are valid Kubernetes objects" {
  run validate "$K8S"/*.yaml
  assert_success
  assert_line "$K8S/daemonset.yaml: Namespace nsipc-system: ok"
  assert_line "$K8S/daemonset.yaml: DaemonSet nsipc-system/nsipc: ok"
  assert_line "$K8S/configmap-policies.yaml: ConfigMap nsipc-system/nsipc-policies: ok"
  assert_equal "${#lines[@]}" 3
}

@test "a manifest with a wrong type is refused, with the validator's message" {
  sed 's/^      hostPID: true$/      hostPID: "yes"/' "$K8S/daemonset.yaml" >"$BATS_TEST_TMPDIR/daemonset.yaml"
  run grep -c 'hostPID: "yes"' "$BATS_TEST_TMPDIR/daemonset.yaml"
  assert_output 1
  run --separate-stderr validate "$BATS_TEST_TMPDIR/daemonset.yaml"
  assert_failure 1
  assert_equal "$stderr" "$BATS_TEST_TMPDIR/daemonset.yaml: DaemonSet nsipc-system/nsipc: /spec/template/spec/hostPID: must be boolean"
}

@test "a manifest with an unknown field or a wrong enum value is refused" {
  sed 's/^      hostPID: true$/      hostPid: true/; s/mountPropagation: HostToContainer/mountPropagation: Host/' \
    "$K8S/daemonset.yaml" >"$BATS_TEST_TMPDIR/daemonset.yaml"
  run --separate-stderr validate "$BATS_TEST_TMPDIR/daemonset.yaml"
  assert_failure 1
  assert_equal "$stderr" "$BATS_TEST_TMPDIR/daemonset.yaml: DaemonSet nsipc-system/nsipc: /spec/template/spec/containers/0/volumeMounts/0/mountPropagation: must be equal to one of the allowed values (Bidirectional, HostToContainer, None)"
  sed 's/^      hostPID: true$/      hostPid: true/' "$K8S/daemonset.yaml" >"$BATS_TEST_TMPDIR/daemonset.yaml"
  run --separate-stderr validate "$BATS_TEST_TMPDIR/daemonset.yaml"
  assert_failure 1
  assert_equal "$stderr" "$BATS_TEST_TMPDIR/daemonset.yaml: DaemonSet nsipc-system/nsipc: /spec/template/spec/hostPid: unknown field"
}

@test "the ConfigMap holds policy/default.json and policy/examples/pod.json byte for byte" {
  policies_to "$BATS_TEST_TMPDIR/policies"
  cmp "$SOURCE_ROOT/policy/default.json" "$BATS_TEST_TMPDIR/policies/default.json"
  cmp "$SOURCE_ROOT/policy/examples/pod.json" "$BATS_TEST_TMPDIR/policies/pod.json"
}

@test "every policy of the ConfigMap passes nsipc policy check" {
  policies_to "$BATS_TEST_TMPDIR/policies"
  run "$NSIPC" policy check "$BATS_TEST_TMPDIR"/policies/*
  assert_success
  assert_line "$BATS_TEST_TMPDIR/policies/default.json: ok"
  assert_line "$BATS_TEST_TMPDIR/policies/pod.json: ok"
  assert_equal "${#lines[@]}" "$(ls "$BATS_TEST_TMPDIR/policies" | wc -l)"
}

@test "the DaemonSet's pod is in the node's pid and IPC namespaces: gc's host namespace is the node's" {
  # In an IPC namespace of its own, gc would take that for the host's and
  # judge the node's as any container's: without --host, reachable through
  # a hostIPC pod, its orphans removed.
  run yaml_get "$K8S/daemonset.yaml" "[$POD.hostPID, $POD.hostIPC]"
  assert_output '[true,true]'
}

@test "the DaemonSet's mounts name its volumes, and the install paths agree with them" {
  run yaml_get "$K8S/daemonset.yaml" "(() => {
    const vols = new Set($POD.volumes.map((v) => v.name));
    return [...$POD.initContainers, ...$POD.containers].flatMap((c) => (c.volumeMounts || []).map((m) => m.name))
      .filter((n) => !vols.has(n));
  })()"
  assert_output '[]'
  # install writes NODE_ROOT + a node path: the volume mounted there must be
  # the node's directory of that path.
  run yaml_get "$K8S/daemonset.yaml" "(() => {
    const c = $POD.initContainers.find((c) => c.name === 'install');
    const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
    const host = (name) => $POD.volumes.find((v) => v.name === name).hostPath.path;
    const at = (name) => c.volumeMounts.find((m) => m.name === name).mountPath;
    return [env.NODE_BIN.startsWith(host('opt') + '/'), at('opt') === env.NODE_ROOT + host('opt'),
            at('etc') === env.NODE_ROOT + host('etc') && host('etc') === '/etc/nsipc',
            at('hooks') === env.NODE_ROOT + '/hooks.d', at('policies') === env.POLICY_SOURCE];
  })()"
  assert_output '[true,true,true,true,true]'
}

@test "the scripts parse, and hold nothing Kubernetes would expand in args (\$(NAME), \$\$)" {
  local name
  for name in install gc; do
    script "$name" >"$BATS_TEST_TMPDIR/$name.sh"
    sh -n "$BATS_TEST_TMPDIR/$name.sh"
    run grep -F -e '$(' -e '$$' "$BATS_TEST_TMPDIR/$name.sh"
    assert_failure 1
  done
}

# A node in $BATS_TEST_TMPDIR/node, the ConfigMap's policies in .../config,
# nsipc on PATH, and ON_NODE running the binary installed there.
install_env() {
  local t=$BATS_TEST_TMPDIR
  mkdir -p "$t/node/opt/nsipc" "$t/node/etc/nsipc" "$t/node/hooks.d" "$t/bin"
  ln -sf "$NSIPC" "$t/bin/nsipc"
  ln -sf "$NSIPC_HOOK" "$t/bin/nsipc-hook"
  policies_to "$t/config"
  # A command on the node: its absolute paths are below NODE_ROOT.
  cat >"$t/on-node" <<'EOF'
#!/bin/sh
case $1 in /*) bin=$NODE_ROOT$1 ;; *) bin=$1 ;; esac
shift
exec "$bin" "$@"
EOF
  # A node without the binary's libraries.
  cat >"$t/node-without-libs" <<'EOF'
#!/bin/sh
[ "$1" = true ] && exit 0
echo "$1: error while loading shared libraries: libjansson.so.4: cannot open shared object file" >&2
exit 127
EOF
  chmod +x "$t/on-node" "$t/node-without-libs"
  # The hooks file meson configured beside the binary, as the image has it.
  HOOK_SOURCE=$(dirname "$NSIPC")/nsipc.json
  [ -f "$HOOK_SOURCE" ] || skip "no hooks file beside $NSIPC (it comes with the build)"
  command -v jq >/dev/null || skip "jq is not installed"
  script install >"$t/install.sh"
}

run_install() {
  local t=$BATS_TEST_TMPDIR
  run env NODE_ROOT="$t/node" NODE_BIN=/opt/nsipc/bin/nsipc ON_NODE="${1:-$t/on-node}" POLICY_SOURCE="$t/config" \
    HOOK_SOURCE="$HOOK_SOURCE" PATH="$t/bin:$PATH" sh -c "$(cat "$t/install.sh")"
}

@test "install: checks the policies, installs the binary, the policies, then the hooks file naming NODE_BIN" {
  [ "$(id -u)" -eq 0 ] || skip "needs root (the binary's check on the node runs audit)"
  install_env
  local node=$BATS_TEST_TMPDIR/node
  run_install
  assert_success
  assert_line "nsipc install: installed /opt/nsipc/bin/nsipc"
  assert_line "nsipc install: installed /opt/nsipc/bin/nsipc-hook"
  assert_line "nsipc install: installed policy /etc/nsipc/policies/default.json"
  assert_line "nsipc install: installed policy /etc/nsipc/policies/pod.json"
  assert_line "nsipc install: installed hooks file nsipc.json"
  assert_equal "${lines[-1]}" "nsipc install: done"
  cmp "$NSIPC" "$node/opt/nsipc/bin/nsipc"
  cmp "$NSIPC_HOOK" "$node/opt/nsipc/bin/nsipc-hook"
  [ -x "$node/opt/nsipc/bin/nsipc" ] && [ -x "$node/opt/nsipc/bin/nsipc-hook" ]
  cmp "$SOURCE_ROOT/policy/default.json" "$node/etc/nsipc/policies/default.json"
  cmp "$SOURCE_ROOT/policy/examples/pod.json" "$node/etc/nsipc/policies/pod.json"
  assert_equal "$(jq -r .hook.path "$node/hooks.d/nsipc.json")" /opt/nsipc/bin/nsipc-hook
  assert_equal "$(jq -S 'del(.hook.path)' "$node/hooks.d/nsipc.json")" "$(jq -S 'del(.hook.path)' "$HOOK_SOURCE")"
  run ls -A "$node/hooks.d" "$node/opt/nsipc/bin" "$node/etc/nsipc/policies"
  refute_output --partial .new
  # Again: the same files, nothing replaced.
  run_install
  assert_success
  refute_output --partial "installed"
  assert_equal "${lines[-1]}" "nsipc install: done"
}

@test "install: a refused policy installs nothing" {
  install_env
  echo '{ "version": 1, "objects": [ { "type": "shm", "key": 1 } ] }' >"$BATS_TEST_TMPDIR/config/broken.json"
  run_install
  assert_failure 2
  assert_line --partial "broken.json: objects[0].size: required field is missing"
  run find "$BATS_TEST_TMPDIR/node" -type f
  assert_output ""
}

@test "install: no hooks file when the binary does not run on the node" {
  install_env
  run_install "$BATS_TEST_TMPDIR/node-without-libs"
  assert_failure 1
  assert_line "/opt/nsipc/bin/nsipc: error while loading shared libraries: libjansson.so.4: cannot open shared object file"
  assert_line --partial "nsipc install: /opt/nsipc/bin/nsipc does not run on this node"
  [ ! -e "$BATS_TEST_TMPDIR/node/hooks.d/nsipc.json" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/node/etc/nsipc")" ]
}

@test "install: no hooks file when nothing runs on the node" {
  install_env
  run_install false
  assert_failure 1
  assert_line "nsipc install: cannot run a command on the node (false): the pod needs hostPID and a privileged install container; hooks file not installed"
  [ ! -e "$BATS_TEST_TMPDIR/node/hooks.d/nsipc.json" ]
}

@test "gc loop: gc, then the metrics by a rename, every INTERVAL; a failing gc is said and the loop goes on; TERM ends it" {
  local t=$BATS_TEST_TMPDIR
  mkdir -p "$t/bin" "$t/metrics"
  # A stand-in nsipc: gc fails, audit writes one metric.
  cat >"$t/bin/nsipc" <<EOF
#!/bin/sh
echo "\$*" >>"$t/calls"
case "\$1" in
  gc) exit 3 ;;
  audit) echo 'nsipc_skipped_processes 0' ;;
esac
EOF
  chmod +x "$t/bin/nsipc"
  script gc >"$t/gc.sh"
  INTERVAL=0.1 METRICS=$t/metrics PATH="$t/bin:$PATH" sh -c "$(cat "$t/gc.sh")" 2>"$t/stderr" &
  local pid=$!
  wait_for "$t/metrics/nsipc.prom"
  for _ in $(seq 100); do [ "$(grep -c . "$t/calls")" -ge 4 ] && break; sleep 0.05; done
  kill -TERM "$pid"
  local st=0
  wait "$pid" || st=$?
  assert_equal "$st" 0
  assert_equal "$(cat "$t/metrics/nsipc.prom")" 'nsipc_skipped_processes 0'
  assert_equal "$(sed -n 1,4p "$t/calls")" "gc
audit --prometheus
gc
audit --prometheus"
  run grep -c . "$t/stderr"
  [ "$output" -ge 2 ]
  run sort -u "$t/stderr"
  assert_output "nsipc gc exited with status 3"
  run ls -A "$t/metrics"
  assert_output nsipc.prom
}
