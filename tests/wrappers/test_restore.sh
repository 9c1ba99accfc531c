#!/usr/bin/env bash
# restore.sh against a real PostgreSQL 15: listing, checksum verification, restore into a new
# database (row counts and `pg_dump --schema-only` equal to the original), the end-to-end drill
# (data -> backup -> DROP DATABASE -> restore -> same data), and replacing a live database only
# with REPLACE-DATABASE typed on a terminal, after a safety dump, keeping the old one renamed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
test_setup
pg_start

seed_db app 800
seed_db shop 40
B="$TEST_TMP/backups"
export BACKUP_DIR=$B CONFIRM_TIMEOUT=5
restore() {
  bash "$WRAPPERS/restore.sh" "$@"
}
sidecar() {
  bash "$WRAPPERS/backup-sidecar.sh" --once 2>/dev/null
}

BACKUP_NOW=2026-01-08T05:00:00Z sidecar || fail "backup at 05:00 failed"
sql -d app -c "INSERT INTO users (email) VALUES ('late@example.com')"
BACKUP_NOW=2026-01-08T06:00:00Z BACKUP_DATABASES="app shop" sidecar || fail "backup at 06:00 failed"

# --- listing -------------------------------------------------------------------------------------
listing=$(BACKUP_NOW=2026-01-08T07:30:00Z restore --list)
mapfile -t rows <<<"$listing"
assert_contains "${rows[0]}" "WHEN (UTC)" "header"
assert_contains "${rows[1]}" "2026-01-08 06:00" "newest first"
assert_contains "$listing" "1h 30m" "age column"
assert_contains "$listing" "postgres" "every database is listed"
assert_contains "$listing" "daily" "daily dumps listed"
assert_contains "$listing" "present" "checksum column"
n_app=$(restore --list --db app | grep -c 'hourly\|daily')
assert_eq 3 "$n_app" "dumps of app (2 hourly + 1 daily)"
ok "--list: newest first, sizes, ages, kinds, --db filter"

# --- restore into a new database: same rows, same schema ---------------------------------------------
restore --latest --db app --into app_copy 2>"$TEST_TMP/r1.log" || fail "restore into app_copy failed: $(cat "$TEST_TMP/r1.log")"
assert_contains "$(cat "$TEST_TMP/r1.log")" "hourly/app-20260108T060000Z.dump" "--latest picked the newest dump"
assert_eq "$(table_counts app)" "$(table_counts app_copy)" "row counts app vs app_copy"
[[ $(table_counts app_copy) == *"public.users 801"* ]] || fail "app_copy should have 801 users: $(table_counts app_copy)"
schema_of app >"$TEST_TMP/app.schema"
schema_of app_copy >"$TEST_TMP/app_copy.schema"
diff -u "$TEST_TMP/app.schema" "$TEST_TMP/app_copy.schema" || fail "schema of app_copy differs from app"
grep -q 'CREATE TABLE public.licenses' "$TEST_TMP/app.schema" || fail "schema dump looks empty"
ok "restore into a new database: row counts and pg_dump --schema-only equal the original"

BACKUP_NOW=2026-01-08T07:00:00Z restore "$B/hourly/app-20260108T050000Z.dump" 2>/dev/null || fail "restore of an explicit file failed"
db_exists app_restored_20260108070000 || fail "default target name app_restored_<ts> not created"
[[ $(sql -d app_restored_20260108070000 -c 'SELECT count(*) FROM users') == 800 ]] || fail "05:00 dump should have 800 users"
ok "an explicit dump goes to <db>_restored_<ts> by default"

rc=0
restore --latest --db app --into app 2>"$TEST_TMP/r2.log" || rc=$?
assert_eq 1 "$rc" "restore onto an existing database without --replace"
assert_contains "$(cat "$TEST_TMP/r2.log")" "already exists" "refusal message"
[[ $(sql -d app -c 'SELECT count(*) FROM users') == 801 ]] || fail "app changed"
ok "an existing database is never the default target"

# --- checksums -------------------------------------------------------------------------------------
newest="$B/hourly/app-20260108T060000Z.dump"
restore --verify "$newest" 2>/dev/null || fail "--verify rejects a good dump"
cp -p "$newest" "$TEST_TMP/good.dump"
printf 'X' | dd of="$newest" bs=1 seek=200 conv=notrunc status=none
rc=0
restore --verify "$newest" 2>"$TEST_TMP/v.log" || rc=$?
assert_eq 1 "$rc" "--verify of a damaged dump"
assert_contains "$(cat "$TEST_TMP/v.log")" "checksum mismatch" "damage reported"
restore --latest --db app --into app_after_damage 2>"$TEST_TMP/r3.log" || fail "--latest should fall back to an older good dump"
assert_contains "$(cat "$TEST_TMP/r3.log")" "skipping $newest: checksum mismatch" "damaged dump skipped loudly"
[[ $(sql -d app_after_damage -c 'SELECT count(*) FROM users') == 800 ]] || fail "fallback dump should be the 05:00 one"
rc=0
restore "$newest" --into never_created 2>/dev/null || rc=$?
assert_eq 1 "$rc" "restore of a damaged file"
db_exists never_created && fail "a database was created from a damaged dump"
cp -p "$TEST_TMP/good.dump" "$newest"
mv "$newest.sha256" "$TEST_TMP/sum"
rc=0
restore --verify "$newest" 2>"$TEST_TMP/v2.log" || rc=$?
assert_eq 1 "$rc" "--verify without a checksum file"
assert_contains "$(cat "$TEST_TMP/v2.log")" "no checksum file" "missing checksum reported"
mv "$TEST_TMP/sum" "$newest.sha256"
ok "damaged or unsummed dumps are refused; --latest skips them to the newest good one"

# --- the drill: data -> backup -> DROP DATABASE -> restore -> same data -----------------------------
seed_db drill 500
sql -d drill -c "UPDATE users SET email = 'changed-' || id || '@example.com' WHERE id % 7 = 0"
counts_before=$(table_counts drill)
schema_of drill >"$TEST_TMP/drill.before"
sum_before=$(sql -d drill -c "SELECT md5(string_agg(email, ',' ORDER BY id)) FROM users")
BACKUP_NOW=2026-01-08T08:00:00Z BACKUP_DATABASES=drill sidecar || fail "drill backup failed"
sql -d postgres -c 'DROP DATABASE drill'
db_exists drill && fail "drill not dropped"
BACKUP_NOW=2026-01-08T09:00:00Z restore --latest --db drill 2>"$TEST_TMP/d.log" || fail "drill restore failed: $(cat "$TEST_TMP/d.log")"
db_exists drill_restored_20260108090000 || fail "drill restored under the wrong name"
assert_eq "$counts_before" "$(table_counts drill_restored_20260108090000)" "drill row counts after restore"
restore --swap drill_restored_20260108090000 --into drill 2>/dev/null </dev/null || fail "swap into the free name failed"
db_exists drill || fail "drill not back"
assert_eq "$counts_before" "$(table_counts drill)" "drill row counts"
assert_eq "$sum_before" "$(sql -d drill -c "SELECT md5(string_agg(email, ',' ORDER BY id)) FROM users")" "drill data"
schema_of drill >"$TEST_TMP/drill.after"
diff -u "$TEST_TMP/drill.before" "$TEST_TMP/drill.after" || fail "drill schema differs after restore"
ok "drill: data -> backup -> DROP DATABASE -> restore -> swap back: same rows, same data, same schema"

# --- replacing a live database ---------------------------------------------------------------------
sql -d shop -c "INSERT INTO users (email) SELECT 'new' || g || '@example.com' FROM generate_series(1, 5) g"
live_counts=$(table_counts shop)
pre_restore_files() {
  find "$B/pre-restore" -name '*.dump' 2>/dev/null | wc -l
}

rc=0
setsid bash "$WRAPPERS/restore.sh" --latest --db shop --replace </dev/null >/dev/null 2>"$TEST_TMP/n.log" || rc=$?
assert_eq 1 "$rc" "replace without a terminal"
assert_contains "$(cat "$TEST_TMP/n.log")" "no terminal" "refusal names the missing terminal"
rc=0
echo REPLACE-DATABASE | setsid bash "$WRAPPERS/restore.sh" --latest --db shop --replace >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "replace with the word piped on stdin"
assert_eq "$live_counts" "$(table_counts shop)" "shop after refused replaces"
assert_eq 0 "$(pre_restore_files)" "safety dumps taken for refused replaces"
ok "replace without a terminal, or with the word piped, refuses and changes nothing"

export PTY_OUT="$TEST_TMP/pty.out"
PTY_STEPS=("Type REPLACE-DATABASE" "REPLACE-DATABASE please")
rc=0
BACKUP_NOW=2026-01-08T10:00:00Z run_on_pty bash "$WRAPPERS/restore.sh" "$B/hourly/shop-20260108T060000Z.dump" --replace || rc=$?
assert_eq 1 "$rc" "replace with a wrong word"
assert_contains "$(cat "$PTY_OUT")" "nothing was replaced" "wrong word message"
assert_eq "$live_counts" "$(table_counts shop)" "shop after a wrong word"
[[ -z $(sql -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'shop\_%'") ]] || fail "scratch database left behind"
ok "replace with a wrong word on the terminal refuses; the scratch copy is removed"

PTY_STEPS=("Type REPLACE-DATABASE" "REPLACE-DATABASE")
BACKUP_NOW=2026-01-08T11:00:00Z run_on_pty bash "$WRAPPERS/restore.sh" "$B/hourly/shop-20260108T060000Z.dump" --replace ||
  fail "replace with the typed word failed: $(cat "$PTY_OUT")"
assert_contains "$(cat "$PTY_OUT")" "About to REPLACE database shop" "the plan is shown before the question"
backup_counts=$(table_counts shop_restoring_20260108110000 2>/dev/null || true)
[[ -z $backup_counts ]] || fail "scratch database still exists after the swap"
[[ $(sql -d shop -c 'SELECT count(*) FROM users') == 40 ]] || fail "shop should now hold the backup (40 users)"
db_exists shop_replaced_20260108110000 || fail "the replaced database was not kept"
assert_eq "$live_counts" "$(table_counts shop_replaced_20260108110000)" "kept copy of the replaced database"
safety=$(find "$B/pre-restore/hourly" -name 'shop-20260108T110000Z.dump')
[[ -n $safety ]] || fail "no safety dump in pre-restore/"
restore --verify "$safety" 2>/dev/null || fail "safety dump does not verify"
restore "$safety" --into shop_from_safety 2>/dev/null || fail "safety dump does not restore"
assert_eq "$live_counts" "$(table_counts shop_from_safety)" "safety dump holds the replaced data"
ok "replace with REPLACE-DATABASE typed on a pty: safety dump first, old database kept renamed, backup live"

# --- interactive mode (make restore) -----------------------------------------------------------------
PTY_STEPS=("Number [1]:" "" "Restore into which database?" "picked_by_hand")
run_on_pty bash "$WRAPPERS/restore.sh" || fail "interactive restore failed: $(cat "$PTY_OUT")"
db_exists picked_by_hand || fail "interactive restore did not create picked_by_hand"
assert_contains "$(cat "$PTY_OUT")" "WHEN (UTC)" "interactive mode shows the list"
rc=0
setsid bash "$WRAPPERS/restore.sh" </dev/null >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "interactive mode without a terminal"
ok "interactive mode on a terminal restores into the name typed; without a terminal it refuses"
