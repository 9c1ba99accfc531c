#!/usr/bin/env bash
# safe-docker-down.sh with a stand-in docker on PATH (tests/wrappers/fake-docker records every call)
# and a real PostgreSQL 15 for the safety backup:
#   - no volume flag: passed straight to `down`, no question, no backup
#   - volume flag in any spelling/position, no terminal (setsid), or the word piped/fed on stdin:
#     refused, `down` never called
#   - on a pseudo-terminal (util-linux script): the typed word -> `down -v` called once, after a
#     verified backup in backups/pre-down/; a wrong word, type-ahead or silence -> refused
#   - a failing backup or an unreadable compose project stops everything
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
test_setup
pg_start
seed_db app 200
fake_docker_setup

P="$TEST_TMP/project"
mkdir -p "$P"
printf 'services:\n  db:\n    image: postgres:15\n' >"$P/compose.yml"
cd "$P"
export FAKE_BACKUPS_HOST="$P/backups" FAKE_WRAPPERS_DIR="$WRAPPERS" FAKE_VOLUMES="db-data cache" CONFIRM_TIMEOUT=3
export PTY_OUT="$TEST_TMP/pty.out"
SAFE="$WRAPPERS/safe-docker-down.sh"

down_calls() {
  docker_calls_matching '(^| )down( |$)'
}
no_tty() {
  setsid bash "$SAFE" "$@" </dev/null
}

# --- no volume removal: passed straight through -----------------------------------------------------
no_tty >/dev/null 2>&1 || fail "plain down refused"
no_tty docker compose -f compose.yml down --remove-orphans >/dev/null 2>&1 || fail "down --remove-orphans refused"
no_tty docker-compose down --timeout 5 >/dev/null 2>&1 || fail "docker-compose down refused"
no_tty down --volumes=false >/dev/null 2>&1 || fail "--volumes=false refused"
mapfile -t calls < <(cut -f1 "$FAKE_DOCKER_LOG")
assert_eq "docker compose down" "${calls[0]}" "plain call"
assert_eq "docker compose -f compose.yml down --remove-orphans" "${calls[1]}" "call with options"
assert_eq "docker-compose down --timeout 5" "${calls[2]}" "docker-compose spelling"
assert_eq "docker compose down --volumes=false" "${calls[3]}" "--volumes=false"
assert_eq 4 "${#calls[@]}" "number of docker calls"
assert_no_file "$P/backups"
FAKE_DOWN_RC=3 no_tty >/dev/null 2>&1 && fail "exit status of docker not passed on"
ok "without a volume flag: passed straight to down (both spellings), no backup, no question, exit status kept"

# --- volume removal without a terminal: refused in every spelling ----------------------------------
: >"$FAKE_DOCKER_LOG"
spellings=(
  "-v"
  "--volumes"
  "down -v"
  "docker compose down -v"
  "docker compose down --remove-orphans -v"
  "docker compose -f compose.yml down -t 5 --volumes"
  "docker-compose down --volumes"
  "docker-compose -p demo down -v --remove-orphans"
  "down --volumes=true"
  "down -vt5"
  "docker compose -v down"
  "docker --context default compose down -v"
)
for s in "${spellings[@]}"; do
  read -r -a argv <<<"$s"
  rc=0
  no_tty "${argv[@]}" >/dev/null 2>"$TEST_TMP/err" || rc=$?
  assert_eq 1 "$rc" "exit status without a terminal for: $s"
  assert_contains "$(cat "$TEST_TMP/err")" "no terminal" "refusal message for: $s"
done
rc=0
echo DELETE-VOLUMES | setsid bash "$SAFE" down -v >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "word piped on stdin"
rc=0
{ yes DELETE-VOLUMES || true; } | setsid bash "$SAFE" docker compose down -v >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "yes DELETE-VOLUMES piped"
assert_eq 0 "$(down_calls)" "down calls after refusals"
assert_no_file "$P/backups"
ok "without a terminal (${#spellings[@]} spellings, piped word, yes): refused, down never called"

# --- on a terminal, with the typed word ---------------------------------------------------------------
: >"$FAKE_DOCKER_LOG"
PTY_STEPS=("Type DELETE-VOLUMES" "DELETE-VOLUMES")
run_on_pty bash "$SAFE" docker compose down -v || fail "confirmed run failed: $(cat "$PTY_OUT")"
assert_eq 1 "$(down_calls)" "down calls after the typed word"
downline=$(grep -P '(^| )down( |\t)' "$FAKE_DOCKER_LOG")
assert_eq "docker compose down -v" "${downline%%$'\t'*}" "the command run"
n_dumps=${downline##*pre_down_dumps=}
((n_dumps >= 2)) || fail "down ran before the safety backup existed (pre_down_dumps=$n_dumps)"
for f in "$P"/backups/pre-down/hourly/*.dump; do
  (cd "${f%/*}" && sha256sum --quiet -c "${f##*/}.sha256") || fail "pre-down dump does not verify: $f"
done
compgen -G "$P/backups/pre-down/hourly/app-*.dump" >/dev/null || fail "no pre-down dump of app"
out=$(cat "$PTY_OUT")
assert_contains "$out" "volume db-data (declared in the compose file)" "declared volumes shown"
assert_contains "$out" "volume cache (declared" "every declared volume shown"
assert_contains "$out" "docker volume demo_db-data (exists now)" "existing volumes shown"
assert_contains "$out" "backups/pre-down/hourly/app-" "backup shown"
assert_contains "$out" "PERMANENTLY DELETES" "warning shown"
ok "typed DELETE-VOLUMES on a pty: verified backup in backups/pre-down, destruction listed, down -v called once, after it"

# --- on a terminal, refusals ---------------------------------------------------------------------------
: >"$FAKE_DOCKER_LOG"
PTY_STEPS=("Type DELETE-VOLUMES" "delete-volumes")
rc=0
run_on_pty bash "$SAFE" --volumes || rc=$?
assert_eq 1 "$rc" "wrong word (lower case)"
assert_contains "$(cat "$PTY_OUT")" "not confirmed" "wrong word message"
PTY_STEPS=("Type DELETE-VOLUMES" "yes")
rc=0
run_on_pty bash "$SAFE" docker-compose down -v || rc=$?
assert_eq 1 "$rc" "wrong word (yes)"
PTY_STEPS=()
PTY_PREFEED=DELETE-VOLUMES
rc=0
run_on_pty bash "$SAFE" down -v || rc=$?
PTY_PREFEED=""
assert_eq 1 "$rc" "word typed ahead before the question"
assert_contains "$(cat "$PTY_OUT")" "Ignored 1 line(s) typed before this question" "type-ahead discarded"
rc=0
run_on_pty bash -c "echo DELETE-VOLUMES | bash $(printf '%q' "$SAFE") down -v" || rc=$?
assert_eq 1 "$rc" "word piped on stdin while a terminal exists"
rc=0
{ yes DELETE-VOLUMES || true; } | head -n 300 | timeout 60 script -qec "bash $(printf '%q' "$SAFE") down -v" /dev/null >"$PTY_OUT" 2>&1 || rc=$?
assert_eq 1 "$rc" "yes DELETE-VOLUMES fed through a pty"
assert_contains "$(cat "$PTY_OUT")" "Input is being fed to the terminal; refusing." "fed-input refusal"
rm -rf "$P/backups/pre-down"
PTY_STEPS=("Type DELETE-VOLUMES" "DELETE-VOLUMES")
rc=0
CLAUDECODE=1 run_on_pty bash "$SAFE" down -v || rc=$?
assert_eq 1 "$rc" "inside Claude Code, even on a pty with the word"
assert_contains "$(cat "$PTY_OUT")" "runs inside Claude Code" "agent refusal message"
assert_no_file "$P/backups/pre-down"
assert_eq 0 "$(down_calls)" "down calls after refusals on a pty"
ok "on a pty: wrong word, type-ahead, yes through the pty, the word piped on stdin (nothing typed), or CLAUDECODE set: all refuse"

# --- docker-compose spelling, confirmed ------------------------------------------------------------------
: >"$FAKE_DOCKER_LOG"
PTY_STEPS=("Type DELETE-VOLUMES" "DELETE-VOLUMES")
run_on_pty bash "$SAFE" docker-compose -f compose.yml down --remove-orphans --volumes || fail "docker-compose run failed"
assert_eq 1 "$(docker_calls_matching '^docker-compose -f compose.yml down --remove-orphans --volumes$')" "docker-compose down --volumes called once"
ok "docker-compose spelling: same protection, same command run"

# --- the backup through the running backup service (docker compose exec) -------------------------------
: >"$FAKE_DOCKER_LOG"
rm -rf "$P/backups/pre-down"
FAKE_RUNNING="db postgres-backup" run_on_pty bash "$SAFE" -v || fail "service-mode run failed: $(cat "$PTY_OUT")"
assert_eq 1 "$(docker_calls_matching '^docker compose exec -T postgres-backup env BACKUP_DIR=/backups/pre-down ')" "backup via exec"
assert_eq 1 "$(down_calls)" "down after the service backup"
compgen -G "$P/backups/pre-down/hourly/app-*.dump" >/dev/null || fail "service-mode backup not in backups/pre-down"
ok "with the backup service running, the safety backup goes through docker compose exec"

# --- failures before the question ------------------------------------------------------------------------
: >"$FAKE_DOCKER_LOG"
rc=0
PGPORT=1 run_on_pty bash "$SAFE" -v || rc=$?
assert_eq 1 "$rc" "backup failure"
assert_contains "$(cat "$PTY_OUT")" "safety backup failed" "backup failure message"
rc=0
FAKE_CONFIG_RC=1 run_on_pty bash "$SAFE" -v || rc=$?
assert_eq 1 "$rc" "compose config failure"
assert_contains "$(cat "$PTY_OUT")" "what would be removed is unknown" "config failure message"
assert_eq 0 "$(down_calls)" "down calls after failures"
ok "a failed safety backup or an unreadable project stops before the question; down never called"
