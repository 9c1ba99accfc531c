#!/usr/bin/env bash
# backup-sidecar.sh --once against a real PostgreSQL 15: files, checksums, archives, daily links,
# status file, log lines, failures that keep older dumps, the health check, password auth over TCP.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
test_setup
pg_start

seed_db app 800
seed_db shop 120
sql -d postgres -c 'CREATE DATABASE "odd name.x"'

B="$TEST_TMP/backups"
sidecar() {
  BACKUP_DIR=$B bash "$WRAPPERS/backup-sidecar.sh" --once
}
status_value() {
  local key value
  while IFS='=' read -r key value; do
    if [[ $key == "$1" ]]; then
      printf '%s' "$value"
      return 0
    fi
  done <"$B/status"
}

# --- a full cycle over every database --------------------------------------------------------------
BACKUP_NOW=2026-01-08T05:00:00Z sidecar 2>"$TEST_TMP/log1" || fail "first cycle failed: $(cat "$TEST_TMP/log1")"
expected_dbs=(app "odd%20name.x" postgres shop)
for enc in "${expected_dbs[@]}"; do
  f="$B/hourly/$enc-20260108T050000Z.dump"
  assert_file "$f"
  assert_file "$f.sha256"
  (cd "$B/hourly" && sha256sum --quiet -c "$enc-20260108T050000Z.dump.sha256") || fail "checksum of $f does not verify"
  pg_restore --list "$f" >/dev/null || fail "pg_restore --list rejects $f"
  # daily: the first dump of the day, as a hard link of the hourly file
  assert_file "$B/daily/$enc-20260108T050000Z.dump"
  assert_file "$B/daily/$enc-20260108T050000Z.dump.sha256"
  [[ $B/daily/$enc-20260108T050000Z.dump -ef $f ]] || fail "daily dump of $enc is not a link of the hourly one"
done
ok "one cycle dumped app, shop, postgres and 'odd name.x' with checksums and daily links"

toc=$(pg_restore --list "$B/hourly/app-20260108T050000Z.dump")
assert_contains "$toc" "TABLE public users" "app archive"
assert_contains "$toc" "TABLE DATA public licenses" "app archive"
assert_contains "$toc" "TABLE audit events" "app archive"
[[ $(sql -d app -c 'SELECT count(*) FROM users') == 800 ]] || fail "seed data wrong"
ok "archives list the expected tables"

hidden=$(find "$B" -name '.*' -o -name '*.partial*' -o -name '*.tmp')
assert_eq "" "$hidden" "temporary files left after a good cycle"
assert_eq ok "$(status_value last_result)" "status last_result"
assert_eq 2026-01-08T05:00:00Z "$(status_value last_success)" "status last_success"
assert_eq "hourly/app-20260108T050000Z.dump hourly/odd%20name.x-20260108T050000Z.dump hourly/postgres-20260108T050000Z.dump hourly/shop-20260108T050000Z.dump" \
  "$(status_value last_dumps)" "status last_dumps"
ok "no temporary files left; status file says ok with the four dumps"

n_lines=0
while IFS= read -r line; do
  [[ $line =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\ backup-sidecar\[[0-9]+\]:\  ]] ||
    fail "log line without timestamp/prefix: $line"
  n_lines=$((n_lines + 1))
done <"$TEST_TMP/log1"
((n_lines >= 10)) || fail "expected a log line per action, got $n_lines lines"
grep -q 'dump app: verified, sha256' "$TEST_TMP/log1" || fail "no 'verified' log line for app"
grep -q 'daily: first dump of 20260108 for app' "$TEST_TMP/log1" || fail "no daily log line for app"
ok "every log line starts with a UTC timestamp ($n_lines lines)"

# --- BACKUP_DATABASES, and no second daily on the same day ----------------------------------------
BACKUP_DATABASES="app shop" BACKUP_NOW=2026-01-08T06:00:00Z sidecar 2>/dev/null || fail "second cycle failed"
assert_file "$B/hourly/app-20260108T060000Z.dump"
assert_file "$B/hourly/shop-20260108T060000Z.dump"
assert_no_file "$B/hourly/postgres-20260108T060000Z.dump"
assert_no_file "$B/daily/app-20260108T060000Z.dump"
ok "BACKUP_DATABASES limits the cycle; the second dump of a day is not a daily"

# --- a failing database: error recorded, good dumps still made, nothing older deleted ------------
before=$(find "$B" -type f -name '*.dump' | sort)
rc=0
BACKUP_DATABASES="nosuchdb app" BACKUP_NOW=2026-01-08T07:00:00Z sidecar 2>"$TEST_TMP/log3" || rc=$?
assert_eq 1 "$rc" "exit status of a cycle with a failing database"
assert_file "$B/hourly/app-20260108T070000Z.dump"
find "$B" -name 'nosuchdb*' | grep -q . && fail "files left for the failed database"
for f in $before; do
  assert_file "$f"
done
assert_eq error "$(status_value last_result)" "status after a failure"
assert_contains "$(status_value last_error)" "nosuchdb" "last_error"
assert_eq 2026-01-08T06:00:00Z "$(status_value last_success)" "last_success kept after a failure"
grep -q 'error: dump nosuchdb failed' "$TEST_TMP/log3" || fail "failure not logged"
ok "a failing database exits 1, records last_error, keeps every older dump"

# --- health check ----------------------------------------------------------------------------------
if BACKUP_DIR=$B BACKUP_NOW=2026-01-08T07:00:10Z bash "$WRAPPERS/backup-sidecar.sh" --health >/dev/null; then
  fail "--health is healthy after a failed cycle"
fi
BACKUP_DATABASES=app BACKUP_NOW=2026-01-08T08:00:00Z sidecar 2>/dev/null || fail "cycle at 08:00 failed"
BACKUP_DIR=$B BACKUP_NOW=2026-01-08T08:30:00Z bash "$WRAPPERS/backup-sidecar.sh" --health >/dev/null ||
  fail "--health unhealthy 30 min after a good cycle"
if BACKUP_DIR=$B BACKUP_NOW=2026-01-08T11:00:00Z bash "$WRAPPERS/backup-sidecar.sh" --health >/dev/null; then
  fail "--health healthy 3h after the last success with a 1h interval"
fi
ok "--health follows the status file (failed cycle, fresh success, stale success)"

# --- password over TCP (the compose setup) ---------------------------------------------------------
sql -d postgres -c "CREATE ROLE backup LOGIN PASSWORD 'se cret' IN ROLE pg_read_all_data"
B2="$TEST_TMP/backups-tcp"
PGHOST=127.0.0.1 PGUSER=backup PGPASSWORD='se cret' BACKUP_DIR=$B2 BACKUP_DATABASES=app \
  BACKUP_NOW=2026-01-09T00:00:00Z bash "$WRAPPERS/backup-sidecar.sh" --once 2>/dev/null ||
  fail "backup over TCP with PGPASSWORD failed"
assert_file "$B2/hourly/app-20260109T000000Z.dump"
rc=0
PGHOST=127.0.0.1 PGUSER=backup PGPASSWORD=wrong BACKUP_DIR=$B2 BACKUP_DATABASES=app \
  BACKUP_NOW=2026-01-09T01:00:00Z bash "$WRAPPERS/backup-sidecar.sh" --once 2>/dev/null || rc=$?
assert_eq 1 "$rc" "exit status with a wrong password"
assert_no_file "$B2/hourly/app-20260109T010000Z.dump"
assert_file "$B2/hourly/app-20260109T000000Z.dump"
ok "PGPASSWORD over TCP works; a wrong password fails without touching the older dump"

# --- bad configuration is refused before anything happens -----------------------------------------
rc=0
KEEP_HOURLY=0 BACKUP_DIR="$TEST_TMP/nope" bash "$WRAPPERS/backup-sidecar.sh" --once 2>/dev/null || rc=$?
assert_eq 2 "$rc" "exit status with KEEP_HOURLY=0"
assert_no_file "$TEST_TMP/nope"
ok "KEEP_HOURLY=0 is refused"
