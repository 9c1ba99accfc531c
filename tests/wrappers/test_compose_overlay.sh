#!/usr/bin/env bash
# wrappers/docker-compose.backup.yml merged with a project's compose file by a real compose
# implementation (Debian's docker-compose, whose `config` needs no Docker engine), then the sidecar
# run the way that service runs it: entrypoint in loop mode, health check command, `docker stop`.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
test_setup

COMPOSE_BIN=/usr/bin/docker-compose
[[ -x $COMPOSE_BIN ]] || fail "$COMPOSE_BIN missing: install the Debian package docker-compose (make deps)"
OVERLAY="$WRAPPERS/docker-compose.backup.yml"
P="$TEST_TMP/project"
mkdir -p "$P"
cat >"$P/docker-compose.yml" <<'YAML'
services:
  db:
    image: postgres:15
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
    volumes:
      - db-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 5s
volumes:
  db-data:
YAML
compose() {
  (cd "$P" && "$COMPOSE_BIN" -f docker-compose.yml -f "$OVERLAY" "$@")
}

# --- the merged configuration ------------------------------------------------------------------------
merged=$(POSTGRES_PASSWORD=pw DBGUARD_WRAPPERS_DIR="$WRAPPERS" compose config 2>&1) || fail "compose config failed: $merged"
for want in \
  "postgres-backup:" \
  "condition: service_healthy" \
  "- /opt/dbguard/backup-sidecar.sh" \
  "- --health" \
  "PGHOST: db" \
  "PGPASSWORD: pw" \
  "BACKUP_DIR: /backups" \
  "KEEP_HOURLY: '24'" \
  "KEEP_DAILY: '7'" \
  "BACKUP_INTERVAL: '3600'" \
  "image: postgres:15" \
  "- $P/backups:/backups:rw" \
  "- $WRAPPERS:/opt/dbguard:ro"; do
  assert_contains "$merged" "$want" "merged compose config"
done
ok "the overlay merges with a project's compose file: entrypoint, env, bind mounts, depends_on healthy, health check"

rc=0
out=$(cd "$P" && env -u POSTGRES_PASSWORD "$COMPOSE_BIN" -f docker-compose.yml -f "$OVERLAY" config 2>&1) || rc=$?
[[ $rc != 0 ]] || fail "compose config without POSTGRES_PASSWORD succeeded"
assert_contains "$out" "set POSTGRES_PASSWORD for the backup service" "missing password message"
volumes=$(POSTGRES_PASSWORD=pw compose config --volumes)
assert_eq "db-data" "$volumes" "volumes removed by down -v (the backups bind mount is not one)"
ok "a missing password is an error; the backups directory is a bind mount, so down -v keeps it"

# --- the service's process: loop, health check, docker stop ------------------------------------------------
pg_start
seed_db app 50
B="$TEST_TMP/backups"
BACKUP_DIR=$B BACKUP_DATABASES=app BACKUP_INTERVAL=1 KEEP_HOURLY=2 KEEP_DAILY=7 \
  bash "$WRAPPERS/backup-sidecar.sh" 2>"$TEST_TMP/loop.log" &
loop=$!
BG_PIDS+=("$loop")
for ((i = 0; i < 150; i++)); do
  (($(grep -c ': ok (' "$TEST_TMP/loop.log" || true) >= 3)) && break
  sleep 0.1
done
(($(grep -c ': ok (' "$TEST_TMP/loop.log") >= 3)) || fail "loop did not run 3 cycles: $(cat "$TEST_TMP/loop.log")"
BACKUP_DIR=$B BACKUP_INTERVAL=1 bash "$WRAPPERS/backup-sidecar.sh" --health >/dev/null || fail "health check unhealthy while the loop runs"
start=$(date +%s%N)
kill -TERM "$loop"
rc=0
wait "$loop" || rc=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
assert_eq 143 "$rc" "exit status on SIGTERM (docker stop)"
((elapsed_ms < 3000)) || fail "sidecar took ${elapsed_ms} ms to stop"
assert_eq 2 "$(find "$B/hourly" -name 'app-*.dump' | wc -l)" "hourly dumps kept with KEEP_HOURLY=2 in loop mode"
assert_eq "" "$(find "$B" -name '.*' -o -name '*.partial*')" "partial files after docker stop"
grep -q 'starting: every 1s, keep 2 hourly and 7 daily' "$TEST_TMP/loop.log" || fail "no start line in the log"
ok "loop mode: cycles every BACKUP_INTERVAL, retention applied, healthy, stops at once on SIGTERM"
