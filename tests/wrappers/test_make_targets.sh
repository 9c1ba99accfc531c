#!/usr/bin/env bash
# The people-facing make targets (wrappers/wrappers.mk), used both ways: included by dbguard's own
# Makefile (make -C repo DB_COMPOSE_FILE=...) and by a project (make -f .../wrappers.mk in the
# project dir). docker is the recording stand-in; `make backup` / `make restore` run the real
# scripts the way `docker compose exec postgres-backup` would, against a real PostgreSQL 15.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
test_setup
pg_start
seed_db app 100
fake_docker_setup

P="$TEST_TMP/project"
mkdir -p "$P"
printf 'services:\n  db:\n    image: postgres:15\n' >"$P/compose.yml"
export FAKE_BACKUPS_HOST="$P/backups" FAKE_WRAPPERS_DIR="$WRAPPERS" CONFIRM_TIMEOUT=3
export PTY_OUT="$TEST_TMP/pty.out"
MK="$WRAPPERS/wrappers.mk"
OVERLAY="$WRAPPERS/docker-compose.backup.yml"
pmake() { # make as a project that includes wrappers.mk
  make --no-print-directory -s -f "$MK" -C "$P" "$@"
}
last_call() {
  tail -n 1 "$FAKE_DOCKER_LOG" | cut -f1
}

# --- they coexist with the build targets ---------------------------------------------------------------
out=$(make --no-print-directory -C "$REPO_ROOT" -n build test demo bench clean 2>&1)
[[ $out == *"cmake --build"* && $out == *ctest* && $out == *"dbguard demo"* && $out == *"rm -rf build"* ]] ||
  fail "root build targets changed: $out"
[[ $out != *warning* ]] || fail "make warns (a target redefined?): $out"
out=$(make --no-print-directory -C "$REPO_ROOT" -n up down down-volumes backup backups restore DB_COMPOSE_FILE="$P/compose.yml" 2>&1)
[[ $out != *warning* ]] || fail "make warns for the people targets: $out"
assert_contains "$out" "up -d" "make -n up"
assert_contains "$out" "safe-docker-down.sh" "make -n down-volumes"
ok "up/down/down-volumes/backup/backups/restore sit beside build/test/demo/bench/clean without warnings"

# --- up / down ------------------------------------------------------------------------------------------
pmake up >/dev/null
assert_eq "docker compose -f compose.yml -f $OVERLAY up -d" "$(last_call)" "make up"
[[ -d $P/backups ]] || fail "make up did not create the backups dir (docker would create it root-owned)"
pmake down >/dev/null
assert_eq "docker compose -f compose.yml -f $OVERLAY down" "$(last_call)" "make down keeps volumes"
make --no-print-directory -s -C "$REPO_ROOT" down DB_COMPOSE_FILE="$P/compose.yml" >/dev/null
assert_eq "docker compose -f $P/compose.yml -f $OVERLAY down" "$(last_call)" "make down through dbguard's Makefile"
pmake down COMPOSE=docker-compose >/dev/null
assert_eq "docker-compose -f compose.yml -f $OVERLAY down" "$(last_call)" "COMPOSE=docker-compose"
mkdir -p "$TEST_TMP/empty"
rc=0
out=$(make --no-print-directory -f "$MK" -C "$TEST_TMP/empty" up 2>&1) || rc=$?
[[ $rc != 0 ]] || fail "make up without a compose file succeeded"
assert_contains "$out" "no compose file here" "message without a compose file"
ok "make up / make down run compose with the backup overlay; down keeps volumes"

# --- backup / backups --------------------------------------------------------------------------------------
pmake backup 2>/dev/null || fail "make backup failed"
assert_eq "docker compose -f compose.yml -f $OVERLAY exec -T postgres-backup bash /opt/dbguard/backup-sidecar.sh --once" \
  "$(last_call)" "make backup"
compgen -G "$P/backups/hourly/app-*.dump" >/dev/null || fail "make backup made no dump of app"
listing=$(pmake backups)
assert_contains "$listing" "WHEN (UTC)" "make backups header"
assert_contains "$listing" "app " "make backups lists app"
assert_contains "$listing" "backups/hourly/app-" "make backups shows the file"
ok "make backup runs one cycle in the service; make backups lists it"

# --- down-volumes -------------------------------------------------------------------------------------------
: >"$FAKE_DOCKER_LOG"
rc=0
echo DELETE-VOLUMES | setsid make --no-print-directory -s -f "$MK" -C "$P" down-volumes >/dev/null 2>&1 || rc=$?
[[ $rc != 0 ]] || fail "make down-volumes without a terminal succeeded"
assert_eq 0 "$(docker_calls_matching ' down( |$)')" "down calls without a terminal"
PTY_STEPS=("Type DELETE-VOLUMES" "DELETE-VOLUMES")
run_on_pty make --no-print-directory -s -f "$MK" -C "$P" down-volumes || fail "make down-volumes failed: $(cat "$PTY_OUT")"
assert_eq 1 "$(docker_calls_matching "^docker compose -f compose.yml -f $OVERLAY down --volumes\$")" "down --volumes calls"
compgen -G "$P/backups/pre-down/hourly/app-*.dump" >/dev/null || fail "no safety backup in backups/pre-down"
ok "make down-volumes: refused without a terminal; with DELETE-VOLUMES typed, backup then down --volumes"

# --- restore --------------------------------------------------------------------------------------------------
pmake restore RESTORE_ARGS="--latest --db app --into app_from_make" 2>/dev/null || fail "make restore RESTORE_ARGS=... failed"
assert_eq "$(table_counts app)" "$(table_counts app_from_make)" "rows restored by make restore"
PTY_STEPS=("Number [1]:" "" "Restore into which database?" "app_by_hand")
run_on_pty make --no-print-directory -s -f "$MK" -C "$P" restore || fail "interactive make restore failed: $(cat "$PTY_OUT")"
db_exists app_by_hand || fail "interactive make restore did not restore"
ok "make restore: non-interactive with RESTORE_ARGS, interactive on a terminal"
