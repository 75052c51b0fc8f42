#!/usr/bin/env bats
# PostgreSQL 15 as Debian 12 packages it, run under the shipped example
# policy/examples/postgres.json: the example matches what the server really
# creates (policy/examples/README.md), and the server works inside it.
# One cluster for the whole file: setup_file runs initdb and starts the
# server, the tests look into its namespaces, the last one stops it and
# checks that nothing is left behind.

load common

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# The bytes of a policy size (a number, or "8GiB", "64 MiB", "1g" ...).
size_bytes() {
  local s
  s=$(jq -r "$1" "$POLICY")
  s=${s// /}
  s=${s^^}
  s=${s%B}
  s=${s%I}
  numfmt --from=iec "$s"
}

# PostgreSQL's files in the host's /dev/shm (only these: other suites running
# at the same time may add their own, podman its libpod_lock).
host_pg_shm() {
  local f
  for f in /dev/shm/PostgreSQL.*; do
    [ ! -e "$f" ] || echo "${f#/dev/shm/}"
  done
}

# In the server's IPC or mount namespace.
in_ipc() { nsenter --ipc="/proc/$PG_PID/ns/ipc" "$@"; }
in_mnt() { nsenter --mount="/proc/$PG_PID/ns/mnt" "$@"; }

# psql on the server's socket, as the cluster's superuser.
pg_sql() {
  "$PG_BIN/psql" -h "$PG_SOCK" -U postgres -d postgres -X -A -t -q -v ON_ERROR_STOP=1 "$@"
}

# Until the server exits (up to 60 s); its nsipc run status is in $PG_STATUS.
wait_exit() {
  for _ in $(seq 600); do [ -s "$PG_STATUS" ] && return 0; sleep 0.1; done
  return 1
}

# Why the file's tests are skipped, if they are: bats 1.8 cannot skip in
# setup_file, so setup_file says why and setup skips every test.
why_skip() {
  [ "$(id -u)" -eq 0 ] || { echo "needs root"; return; }
  local f
  for f in postgres initdb psql pg_isready; do
    [ -x "$PG_BIN/$f" ] || { echo "PostgreSQL 15 is not installed ($PG_BIN/$f is missing; Debian: postgresql-15)"; return; }
  done
  id postgres >/dev/null 2>&1 || echo "there is no postgres user (Debian's postgresql-15 creates it)"
}

setup_file() {
  export PG_SKIP
  PG_SKIP=$(why_skip)
  [ -z "$PG_SKIP" ] || return 0
  export BATS_NO_PARALLELIZE_WITHIN_FILE=true
  export NSIPC_POLICY_DIR=$BATS_FILE_TMPDIR/policies NSIPC_STATE_DIR=$BATS_FILE_TMPDIR/state
  export POLICY=$SOURCE_ROOT/policy/examples/postgres.json
  export PG_UID PG_GID
  PG_UID=$(id -u postgres)
  PG_GID=$(id -g postgres)
  export PG_DIR=$BATS_FILE_TMPDIR/pg
  export PGDATA=$PG_DIR/data PG_SOCK=$PG_DIR/sock PG_LOG=$PG_DIR/postgres.log
  export PG_STATUS=$PG_DIR/status PG_PIDFILE=$PG_DIR/pid
  mkdir -p "$NSIPC_POLICY_DIR"
  # The directories bats made for this run are 0700: let the postgres user
  # pass through them (only them) to its own directory, which is 0700 too.
  local d=$BATS_FILE_TMPDIR
  if [[ $d == "$BATS_RUN_TMPDIR"/* ]]; then
    while [ "$d" != "$BATS_RUN_TMPDIR" ]; do
      chmod o+x "$d"
      d=$(dirname "$d")
    done
    chmod o+x "$BATS_RUN_TMPDIR"
  fi
  if ! setpriv --reuid="$PG_UID" --regid="$PG_GID" --clear-groups test -x "$BATS_FILE_TMPDIR"; then
    PG_SKIP="the postgres user cannot reach $BATS_FILE_TMPDIR (set TMPDIR to a directory it can pass through)"
    return 0
  fi
  install -d -o "$PG_UID" -g "$PG_GID" -m 0700 "$PG_DIR" "$PGDATA" "$PG_SOCK"

  export HOST_BEFORE HOST_SHM_BEFORE
  HOST_BEFORE=$(host_snapshot)
  HOST_SHM_BEFORE=$(host_pg_shm)

  # initdb too runs in the policy: its bootstrap server uses shared memory.
  "$NSIPC" run --policy "$POLICY" --user "$PG_UID:$PG_GID" -- "$PG_BIN/initdb" -D "$PGDATA" -U postgres \
    --auth=trust --locale=C --encoding=UTF8 --no-sync --no-instructions >"$PG_DIR/initdb.log" 2>&1 3>&- \
    || { cat "$PG_DIR/initdb.log" >&3; return 1; }

  # The server in the foreground (nsipc run becomes postgres); its pid and, once it
  # exits, its status are written down for the tests and teardown_file.
  (
    "$NSIPC" run --policy "$POLICY" --user "$PG_UID:$PG_GID" -- "$PG_BIN/postgres" -D "$PGDATA" -k "$PG_SOCK" \
      -c listen_addresses= >"$PG_LOG" 2>&1 &
    echo $! >"$PG_PIDFILE"
    wait $!
    echo $? >"$PG_STATUS"
  ) </dev/null >/dev/null 2>&1 3>&- &
  for _ in $(seq 100); do [ -s "$PG_PIDFILE" ] && break; sleep 0.05; done
  export PG_PID
  PG_PID=$(cat "$PG_PIDFILE")
  for _ in $(seq 600); do
    "$PG_BIN/pg_isready" -h "$PG_SOCK" -U postgres -d postgres -q && break
    [ ! -s "$PG_STATUS" ] || break
    sleep 0.1
  done
  "$PG_BIN/pg_isready" -h "$PG_SOCK" -U postgres -d postgres || { cat "$PG_LOG" >&3; return 1; }
  export PG_IPC_NS
  PG_IPC_NS=$(readlink "/proc/$PG_PID/ns/ipc")
}

setup() {
  [ -z "$PG_SKIP" ] || skip "$PG_SKIP"
}

teardown_file() {
  # Normally the last test has stopped the server; otherwise stop it here, by its pid.
  if [ -n "${PG_PID:-}" ] && [ ! -s "$PG_STATUS" ]; then
    kill -INT "$PG_PID" 2>/dev/null || true
    if ! wait_exit; then
      kill -KILL "$PG_PID" 2>/dev/null || true
      wait_exit
    fi
  fi
}

@test "initdb kept Debian's defaults: shared_memory_type mmap, dynamic_shared_memory_type posix" {
  run pg_sql -c 'SHOW shared_memory_type' -c 'SHOW dynamic_shared_memory_type'
  assert_success
  assert_output "mmap
posix"
  # What the policy is shaped for; see policy/examples/README.md.
  run pg_sql -c "SELECT setting FROM pg_settings WHERE name = 'min_dynamic_shared_memory'"
  assert_output 0
}

@test "the namespace has the policy's limits and its /dev/shm the policy's size" {
  run in_ipc sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/kernel/shmall /proc/sys/kernel/shmmni /proc/sys/kernel/shm_rmid_forced'
  assert_success
  assert_output "$(size_bytes .limits.shmmax)
$(jq .limits.shmall "$POLICY")
$(jq .limits.shmmni "$POLICY")
$(jq 'if .limits.shm_rmid_forced then 1 else 0 end' "$POLICY")"
  assert_not_equal "$PG_IPC_NS" "$(readlink /proc/self/ns/ipc)"

  run in_mnt stat -f -c '%b %S' /dev/shm
  assert_success
  read -r blocks bsize <<<"$output"
  assert_equal "$((blocks * bsize))" "$(size_bytes .dev_shm.size)"
}

@test "PostgreSQL's only System V object is its small interlock segment, keyed by the data directory's inode" {
  # /proc/sysvipc/shm: key shmid perms size cpid lpid nattch uid gid ...
  run in_ipc awk 'NR > 1 { print $1, $3, $4, $7, $8, $9 }' /proc/sysvipc/shm
  assert_success
  assert_equal "${#lines[@]}" 1
  read -r key perms size nattch uid gid <<<"${lines[0]}"
  # The key is the inode of the data directory (the next one up after a collision,
  # which a fresh namespace cannot have), as postmaster.pid records it.
  assert_equal "$key" "$(stat -c %i "$PGDATA")"
  assert_equal "$key" "$(sed -n 7p "$PGDATA/postmaster.pid" | awk '{ print $1 }')"
  assert_equal "$perms $uid $gid" "600 $PG_UID $PG_GID"
  # A header only (56 bytes on x86_64): shared_buffers are not in System V.
  [ "$size" -lt 4096 ] || fail "the segment has $size bytes: shared_buffers went to System V"
  [ "$nattch" -ge 1 ] || fail "nobody is attached to the segment"
  # Unnamed POSIX semaphores in the main area: no semaphore sets, no queues.
  run in_ipc sh -c 'tail -n +2 /proc/sysvipc/sem; tail -n +2 /proc/sysvipc/msg'
  assert_success
  assert_output ""
  run in_mnt ls -A /dev/mqueue
  assert_success
  assert_output ""
}

@test "dynamic shared memory lives in the namespace's /dev/shm, not the host's" {
  run in_mnt find /dev/shm -mindepth 1 -printf '%f %U %G %m\n'
  assert_success
  [ "${#lines[@]}" -ge 1 ] || fail "the server made nothing in /dev/shm"
  local line name
  for line in "${lines[@]}"; do
    [[ $line =~ ^PostgreSQL\.[0-9]+\ $PG_UID\ $PG_GID\ 600$ ]] || fail "not PostgreSQL's: $line"
    name=${line%% *}
    [ ! -e "/dev/shm/$name" ] || fail "/dev/shm/$name is in the host's /dev/shm"
  done
  assert_equal "$(host_pg_shm)" "$HOST_SHM_BEFORE"
}

@test "a parallel query runs with its workers, its hash table in dynamic shared memory" {
  run pg_sql <<'EOF2'
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
CREATE TABLE t AS SELECT g AS x FROM generate_series(1, 200000) g;
ANALYZE t;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM t a JOIN t b USING (x);
SELECT count(*) FROM t a JOIN t b USING (x);
EOF2
  assert_success
  assert_line --partial "Parallel Hash Join"
  assert_line --regexp "Workers Launched: [12]$"
  assert_line 200000
}

@test "a fast shutdown ends every process of the namespace and leaves the host as it was" {
  kill -INT "$PG_PID"
  wait_exit || fail "postgres did not stop within 60 s"
  assert_equal "$(cat "$PG_STATUS")" 0
  run grep -E 'database system is shut down' "$PG_LOG"
  assert_success
  local p left=()
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/ipc" 2>/dev/null)" != "$PG_IPC_NS" ] || left+=("${p#/proc/}")
  done
  assert_equal "${left[*]}" ""
  assert_equal "$(host_snapshot)" "$HOST_BEFORE"
  assert_equal "$(host_pg_shm)" "$HOST_SHM_BEFORE"
  # nsipc run keeps no record of a namespace that ends with its command.
  [ ! -e "$NSIPC_STATE_DIR" ] || assert_equal "$(find "$NSIPC_STATE_DIR" -type f)" ""
}
