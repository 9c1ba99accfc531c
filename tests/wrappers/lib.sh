#!/usr/bin/env bash
# The variables set here (WRAPPERS, ...) are used by the tests that source this file.
# shellcheck disable=SC2034
# lib.sh — shared helpers for the wrapper tests (sourced by test_*.sh).
#
# test_setup gives each test a private temp dir and an EXIT trap that stops everything it started.
# pg_start runs a throwaway PostgreSQL 15 cluster from Debian's binaries in that dir: initdb as the
# postgres user (the server refuses root), a random free TCP port on 127.0.0.1 and a unix socket
# dir of its own, so tests can run in parallel. It exports PGHOST/PGPORT/PGUSER for the scripts.
# The socket trusts its users; TCP asks for a password (scram-sha-256), like the compose setup.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WRAPPERS="$REPO_ROOT/wrappers"
TESTS_DIR="$REPO_ROOT/tests/wrappers"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
TEST_NAME=$(basename "$0" .sh)
TEST_TMP=""
PG_DIR=""
PG_STARTED=0
BG_PIDS=()

fail() {
  printf 'FAIL [%s]: %s\n' "$TEST_NAME" "$*" >&2
  exit 1
}

ok() {
  printf 'ok   [%s] %s\n' "$TEST_NAME" "$*"
}

assert_eq() {
  local expected=$1 actual=$2 what=$3
  [[ $expected == "$actual" ]] || fail "$what: expected [$expected], got [$actual]"
}

assert_file() {
  [[ -f $1 ]] || fail "missing file: $1"
}

assert_no_file() {
  [[ ! -e $1 ]] || fail "file should not exist: $1"
}

assert_contains() {
  local haystack=$1 needle=$2 what=$3
  [[ $haystack == *"$needle"* ]] || fail "$what: [$needle] not found in: $haystack"
}

# Runs a command as the postgres user (root may not run the server).
as_pg() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

test_setup() {
  TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dbguard-$TEST_NAME.XXXXXX")
  chmod 755 "$TEST_TMP"
  trap test_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # Keep the caller's environment from pointing the tools anywhere else.
  unset PGDATABASE PGSERVICE PGPASSFILE PGPASSWORD PGHOSTADDR PGOPTIONS PGSSLMODE
  unset BACKUP_DATABASES BACKUP_NOW BACKUP_DIR BACKUP_ROOT KEEP_HOURLY KEEP_DAILY BACKUP_RUN_ID
  # The wrappers refuse to ask for a confirmation inside Claude Code; the tests play the person.
  unset CLAUDECODE
  export PGCONNECT_TIMEOUT=10 TZ=UTC
}

test_cleanup() {
  local rc=$? pid
  trap - EXIT
  for pid in "${BG_PIDS[@]}"; do
    kill -KILL -- "$pid" 2>/dev/null || true
  done
  if ((PG_STARTED)); then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if ((rc != 0)) && [[ -n $PG_DIR && -f $PG_DIR/server.log ]]; then
    echo "--- last lines of the PostgreSQL log ---" >&2
    tail -n 20 "$PG_DIR/server.log" >&2 || true
  fi
  if [[ -n $TEST_TMP ]]; then
    rm -rf -- "$TEST_TMP"
  fi
  exit "$rc"
}

pg_start() {
  local attempt port
  [[ -x $PG_BIN/initdb ]] || fail "PostgreSQL 15 server binaries not found in $PG_BIN (apt-get install postgresql)"
  PG_DIR="$TEST_TMP/pg"
  mkdir -p "$PG_DIR/sock"
  if ((EUID == 0)); then
    chown -R postgres: "$PG_DIR"
  fi
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -N -E UTF8 --locale=C.UTF-8 \
    >"$PG_DIR/initdb.log" 2>&1 || fail "initdb failed: $(tail -n 5 "$PG_DIR/initdb.log")"
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + (RANDOM * 7 + $$ + attempt) % 40000))
    PG_STARTED=1
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-p $port -k $PG_DIR/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null 2>&1; then
      export PGHOST="$PG_DIR/sock" PGPORT=$port PGUSER=postgres
      return 0
    fi
    PG_STARTED=0
  done
  fail "could not start PostgreSQL (ports busy?): $(tail -n 5 "$PG_DIR/server.log")"
}

# psql, quiet and unaligned, stopping at the first error.
sql() {
  psql -X -A -t -q -v ON_ERROR_STOP=1 -w "$@"
}

# A small copy of the incident's data model: tables, keys, an index, a view, a function, a sequence.
seed_db() {
  local db=$1 users=${2:-800}
  sql -d postgres -c "CREATE DATABASE \"$db\""
  sql -d "$db" <<SQL
CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE licenses (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), state char(2) NOT NULL, expires date NOT NULL);
CREATE INDEX licenses_expires_idx ON licenses (expires);
CREATE SCHEMA audit;
CREATE TABLE audit.events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, what text NOT NULL);
CREATE VIEW active_licenses AS SELECT * FROM licenses WHERE expires > DATE '2026-01-01';
CREATE FUNCTION license_count(uid int) RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM licenses WHERE user_id = uid';
INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, $users) g;
INSERT INTO licenses (user_id, state, expires) SELECT 1 + g % $users, 'CA', DATE '2025-06-01' + g % 400 FROM generate_series(1, $users * 5 / 2) g;
INSERT INTO audit.events (what) SELECT 'seeded ' || g FROM generate_series(1, 50) g;
SQL
}

# "schema.table rows" for every user table, sorted.
table_counts() {
  sql -d "$1" <<'SQL'
SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I', schemaname || '.' || tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
\gexec
SQL
}

schema_of() {
  # a fixed \restrict key, so that two dumps of the same schema are byte-identical
  pg_dump -w --schema-only --restrict-key=dbguardtest -d "$1"
}

db_exists() {
  [[ $(sql -d postgres -v d="$1" <<<"SELECT count(*) FROM pg_database WHERE datname = :'d'") == 1 ]]
}

# Puts the stand-in docker/docker-compose first on PATH; calls are recorded in $FAKE_DOCKER_LOG.
fake_docker_setup() {
  mkdir -p "$TEST_TMP/bin"
  ln -sf "$TESTS_DIR/fake-docker" "$TEST_TMP/bin/docker"
  ln -sf "$TESTS_DIR/fake-docker" "$TEST_TMP/bin/docker-compose"
  export PATH="$TEST_TMP/bin:$PATH"
  export FAKE_DOCKER_LOG="$TEST_TMP/docker-calls.log"
  : >"$FAKE_DOCKER_LOG"
}

# Number of recorded docker calls whose command line matches the extended regex $1.
docker_calls_matching() {
  local n=0 line
  while IFS=$'\t' read -r line _; do
    if [[ $line =~ $1 ]]; then
      n=$((n + 1))
    fi
  done <"$FAKE_DOCKER_LOG"
  printf '%s' "$n"
}

# Runs "$@" on a fresh pseudo-terminal (util-linux `script`), like a person at a terminal. What
# the terminal shows goes to $PTY_OUT. PTY_STEPS=(text1 answer1 text2 answer2 ...): once text1
# shows up, answer1 is typed, and so on. PTY_PREFEED, if set, is typed at once, before any
# question (type-ahead). Returns the command's exit status.
PTY_STEPS=()
PTY_PREFEED=""
run_on_pty() {
  local fifo="$TEST_TMP/pty-in.$BASHPID" cmd="" a i step rc=0 pid
  for a in "$@"; do
    cmd+=$(printf '%q ' "$a")
  done
  rm -f "$fifo"
  mkfifo "$fifo"
  : >"${PTY_OUT:?}"
  script -qec "$cmd" /dev/null <"$fifo" >"$PTY_OUT" 2>&1 &
  pid=$!
  BG_PIDS+=("$pid")
  exec 7>"$fifo"
  if [[ -n $PTY_PREFEED ]]; then
    printf '%s\n' "$PTY_PREFEED" >&7
  fi
  for ((step = 0; step + 1 < ${#PTY_STEPS[@]}; step += 2)); do
    for ((i = 0; i < 600; i++)); do
      if grep -qF -- "${PTY_STEPS[step]}" "$PTY_OUT"; then
        printf '%s\n' "${PTY_STEPS[step + 1]}" >&7
        break
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
  wait "$pid" || rc=$?
  exec 7>&-
  rm -f "$fifo"
  return "$rc"
}
