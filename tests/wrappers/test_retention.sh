#!/usr/bin/env bash
# 30 backup cycles on a fake clock (BACKUP_NOW, one cycle every 6 hours from 2026-01-01T05:00Z to
# 2026-01-08T11:00Z, i.e. 8 UTC days): exactly the newest 24 hourly and the first dump of each of
# the newest 7 days remain for each database, all still verifying.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
test_setup
pg_start

seed_db app 60
seed_db shop 30
B="$TEST_TMP/backups"
start=$(date -u -d 2026-01-01T05:00:00Z +%s)

stamps=()
for ((i = 0; i < 30; i++)); do
  t=$((start + i * 6 * 3600))
  stamps+=("$(date -u -d "@$t" +%Y%m%dT%H%M%SZ)")
  BACKUP_DIR=$B BACKUP_DATABASES="app shop" BACKUP_NOW="@$t" \
    bash "$WRAPPERS/backup-sidecar.sh" --once 2>>"$TEST_TMP/log" || fail "cycle $i failed: $(tail -n 5 "$TEST_TMP/log")"
  if ((i == 23)); then
    n=$(find "$B/hourly" -name 'app-*.dump' | wc -l)
    assert_eq 24 "$n" "hourly dumps of app after 24 cycles"
  fi
done
assert_eq 20260108T110000Z "${stamps[29]}" "last fake timestamp"

expected_hourly=$(printf '%s\n' "${stamps[@]:6}")
# first cycle of each day is at 05:00; the oldest day (Jan 1) falls out
expected_daily=$(printf '2026010%sT050000Z\n' 2 3 4 5 6 7 8)

for db in app shop; do
  hourly=$(find "$B/hourly" -name "$db-*.dump" -printf '%f\n' | sed "s/^$db-//; s/\.dump$//" | sort)
  daily=$(find "$B/daily" -name "$db-*.dump" -printf '%f\n' | sed "s/^$db-//; s/\.dump$//" | sort)
  assert_eq 24 "$(wc -l <<<"$hourly")" "number of hourly dumps of $db"
  assert_eq 7 "$(wc -l <<<"$daily")" "number of daily dumps of $db"
  assert_eq "$expected_hourly" "$hourly" "hourly dumps kept for $db (the newest 24)"
  assert_eq "$expected_daily" "$daily" "daily dumps kept for $db (first of each of the newest 7 days)"
  n_sums=$(find "$B/hourly" "$B/daily" -name "$db-*.dump.sha256" | wc -l)
  assert_eq 31 "$n_sums" "checksum files of $db (24 + 7, no orphans)"
  for dir in hourly daily; do
    (cd "$B/$dir" && sha256sum --quiet -c "$db"-*.dump.sha256) || fail "a kept $dir dump of $db does not verify"
  done
done
ok "after 30 cycles: exactly 24 hourly and 7 daily per database, the right ones, all verifying"

grep -q 'retention: removed hourly/app-20260101T050000Z.dump' "$TEST_TMP/log" || fail "retention not logged"
grep -q 'retention: removed daily/shop-20260101T050000Z.dump' "$TEST_TMP/log" || fail "daily retention not logged"
ok "each removal is logged"

# Other limits, and a daily older than every kept hourly stays readable (it is a hard link).
pg_restore --list "$B/daily/app-20260102T050000Z.dump" >/dev/null || fail "oldest daily unreadable"
BACKUP_DIR=$B BACKUP_DATABASES=app KEEP_HOURLY=3 KEEP_DAILY=2 BACKUP_NOW=2026-01-08T17:00:00Z \
  bash "$WRAPPERS/backup-sidecar.sh" --once 2>/dev/null || fail "cycle with small limits failed"
assert_eq 3 "$(find "$B/hourly" -name 'app-*.dump' | wc -l)" "hourly with KEEP_HOURLY=3"
assert_eq 2 "$(find "$B/daily" -name 'app-*.dump' | wc -l)" "daily with KEEP_DAILY=2"
assert_eq 24 "$(find "$B/hourly" -name 'shop-*.dump' | wc -l)" "shop untouched by a cycle for app"
ok "KEEP_HOURLY / KEEP_DAILY apply per database"
