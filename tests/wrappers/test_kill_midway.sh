#!/usr/bin/env bash
# Killing the sidecar in the middle of a dump: no file that looks complete is left, older dumps
# survive untouched.
#   A. SIGTERM (what `docker stop` sends) while a real pg_dump waits on a table lock: the sidecar
#      stops pg_dump, removes its partial file and exits 143.
#   B. SIGKILL of the whole process group (container killed) while a stand-in pg_dump has written
#      half a real archive: the hidden .partial stays (nothing can run on SIGKILL) but never looks
#      like a dump, and the next cycle removes it.
#   C. A pg_dump that exits 0 after writing a truncated archive: verification rejects it (this is
#      what `pg_restore --list` alone would have accepted).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
test_setup
pg_start

seed_db app 300
B="$TEST_TMP/backups"
export BACKUP_DIR=$B BACKUP_DATABASES=app

BACKUP_NOW=2026-01-08T04:00:00Z bash "$WRAPPERS/backup-sidecar.sh" --once 2>/dev/null || fail "first (good) cycle failed"
old="$B/hourly/app-20260108T040000Z.dump"
assert_file "$old"
old_sum=$(sha256sum <"$old")

# Only files named like finished dumps count as "looking complete".
complete_dumps() {
  find "$B" -name '*.dump' -printf '%P\n' | sort
}
assert_old_intact() {
  assert_file "$old"
  assert_eq "$old_sum" "$(sha256sum <"$old")" "older dump content"
  (cd "$B/hourly" && sha256sum --quiet -c app-20260108T040000Z.dump.sha256) || fail "older dump checksum"
}
wait_for() { # seconds condition...
  local tries=$(($1 * 10))
  shift
  while ! "$@"; do
    tries=$((tries - 1))
    ((tries > 0)) || return 1
    sleep 0.1
  done
}
status_has() {
  grep -qx -- "$1" "$B/status"
}

# --- A. SIGTERM while pg_dump is blocked on a lock --------------------------------------------------
sql -d app -c "BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120); COMMIT;" >/dev/null 2>&1 &
BG_PIDS+=($!)
lock_held() {
  [[ $(sql -d app -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'users' AND l.mode = 'AccessExclusiveLock' AND l.granted") == 1 ]]
}
wait_for 20 lock_held || fail "could not take the table lock"

BACKUP_NOW=2026-01-08T05:00:00Z setsid bash "$WRAPPERS/backup-sidecar.sh" --once 2>"$TEST_TMP/logA" &
sidecar=$!
BG_PIDS+=("$sidecar")
dump_waiting() {
  [[ $(sql -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump' AND wait_event_type = 'Lock'") == 1 ]]
}
wait_for 30 dump_waiting || fail "pg_dump never reached the lock"
partials=$(compgen -G "$B/hourly/.app-20260108T050000Z,*.partial" || true)
[[ -n $partials ]] || fail "no partial file while the dump runs (test setup wrong)"
kill -TERM "$sidecar"
rc=0
wait "$sidecar" || rc=$?
assert_eq 143 "$rc" "sidecar exit status after SIGTERM"
dump_gone() {
  [[ $(sql -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump'") == 0 ]]
}
wait_for 10 dump_gone || fail "pg_dump still running after the sidecar was stopped"
leftovers=$(find "$B" -name '.*' -o -name '*.partial*')
assert_eq "" "$leftovers" "partial files after SIGTERM"
assert_eq "daily/app-20260108T040000Z.dump
hourly/app-20260108T040000Z.dump" "$(complete_dumps)" "dumps after SIGTERM"
assert_no_file "$B/hourly/app-20260108T050000Z.dump.sha256"
assert_old_intact
status_has "last_result=error" || fail "status does not record the interruption"
grep -q "interrupted by SIGTERM" "$TEST_TMP/logA" || fail "interruption not logged: $(cat "$TEST_TMP/logA")"
sql -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()" >/dev/null
ok "SIGTERM mid-dump: pg_dump stopped, partial removed, no new dump, older dump intact, status=error"

# --- B. SIGKILL of the process group while half an archive is written -----------------------------
mkdir -p "$TEST_TMP/slowbin"
real_pg_dump=$(command -v pg_dump)
cat >"$TEST_TMP/slowbin/pg_dump" <<EOF
#!/usr/bin/env bash
# stand-in: a real dump, of which only the first half reaches the output file before it hangs
set -euo pipefail
out=""
args=()
while ((\$# > 0)); do
  if [[ \$1 == -f ]]; then out=\$2; shift 2; else args+=("\$1"); shift; fi
done
"$real_pg_dump" "\${args[@]}" -f "$TEST_TMP/full.dump"
size=\$(stat -c %s "$TEST_TMP/full.dump")
head -c \$((size / 2)) "$TEST_TMP/full.dump" >"\$out"
: >"$TEST_TMP/halfway"
exec sleep 120
EOF
chmod +x "$TEST_TMP/slowbin/pg_dump"

PATH="$TEST_TMP/slowbin:$PATH" BACKUP_NOW=2026-01-08T06:00:00Z setsid bash "$WRAPPERS/backup-sidecar.sh" --once 2>/dev/null &
sidecar=$!
BG_PIDS+=("-$sidecar")
wait_for 30 test -e "$TEST_TMP/halfway" || fail "stand-in pg_dump never got halfway"
partial=$(compgen -G "$B/hourly/.app-20260108T060000Z,*.partial")
[[ -s $partial ]] || fail "partial file is empty"
kill -KILL -- "-$sidecar"
wait "$sidecar" 2>/dev/null || true
assert_eq "daily/app-20260108T040000Z.dump
hourly/app-20260108T040000Z.dump" "$(complete_dumps)" "dumps after SIGKILL"
[[ -e $partial && ${partial##*/} == .* ]] || fail "expected the hidden partial to remain after SIGKILL"
listing=$(BACKUP_DIR=$B bash "$WRAPPERS/restore.sh" --list 2>&1) || fail "restore.sh --list failed: $listing"
[[ $listing == *20260108T060000Z* || $listing == *"2026-01-08 06:00"* ]] && fail "restore.sh lists the killed dump: $listing"
assert_contains "$listing" "2026-01-08 04:00" "restore.sh --list shows the older dump"
assert_old_intact
ok "SIGKILL mid-dump: only a hidden .partial remains, it is never listed as a backup, older dump intact"

BACKUP_NOW=2026-01-08T07:00:00Z bash "$WRAPPERS/backup-sidecar.sh" --once 2>"$TEST_TMP/logB" || fail "cycle after the kill failed"
assert_no_file "$partial"
grep -q 'removed partial file of an interrupted run' "$TEST_TMP/logB" || fail "partial removal not logged"
assert_file "$B/hourly/app-20260108T070000Z.dump"
assert_old_intact
ok "the next cycle removes the dead run's partial and makes a good dump"

# --- C. a pg_dump that lies: exit 0 with a truncated archive ----------------------------------------
cat >"$TEST_TMP/slowbin/pg_dump" <<EOF
#!/usr/bin/env bash
set -euo pipefail
out=""
args=()
while ((\$# > 0)); do
  if [[ \$1 == -f ]]; then out=\$2; shift 2; else args+=("\$1"); shift; fi
done
"$real_pg_dump" "\${args[@]}" -f "$TEST_TMP/full.dump"
size=\$(stat -c %s "$TEST_TMP/full.dump")
head -c \$((size * 3 / 4)) "$TEST_TMP/full.dump" >"\$out"
EOF
pg_restore --list "$TEST_TMP/full.dump" >/dev/null
rc=0
PATH="$TEST_TMP/slowbin:$PATH" BACKUP_NOW=2026-01-08T08:00:00Z bash "$WRAPPERS/backup-sidecar.sh" --once 2>"$TEST_TMP/logC" || rc=$?
assert_eq 1 "$rc" "exit status with a truncated archive"
assert_no_file "$B/hourly/app-20260108T080000Z.dump"
assert_eq "" "$(find "$B" -name '.*' -o -name '*.partial*')" "partial files after a rejected archive"
grep -q 'failed the full read' "$TEST_TMP/logC" || fail "rejection not logged: $(cat "$TEST_TMP/logC")"
assert_file "$B/hourly/app-20260108T070000Z.dump"
assert_old_intact
ok "a truncated archive from a pg_dump that exits 0 is rejected; nothing older is touched"
