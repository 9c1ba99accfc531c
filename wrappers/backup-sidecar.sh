#!/usr/bin/env bash
# backup-sidecar.sh — verified pg_dump backups beside PostgreSQL (entrypoint of `postgres-backup`).
#
# Needs only bash, coreutils and the PostgreSQL client tools (the stock `postgres` image has them).
#
# Each cycle, for each database:
#   1. pg_dump -Fc into hourly/.<db>-<ts>,<host>,<pid>.partial  (hidden; never looks like a dump)
#   2. pg_restore --list on it, then (BACKUP_VERIFY=full, the default) pg_restore -f /dev/null, which
#      reads every data block: --list alone accepts an archive cut off halfway, because the table
#      of contents sits at the start of the file
#   3. hourly/<db>-<ts>.dump.sha256 written, then the dump renamed to hourly/<db>-<ts>.dump (atomic)
#   4. the first dump of each UTC day is hard-linked (or copied) into daily/
#   5. retention: the newest KEEP_HOURLY files in hourly/ and KEEP_DAILY in daily/ for that database
# A failed, killed or interrupted dump leaves no file named *.dump and deletes nothing: retention
# only runs for a database right after its new dump was verified. Partial files of dead processes
# are removed at the start of the next cycle.
#
# Usage: backup-sidecar.sh [--once | --health | --help]
#   (none)     loop: a cycle every BACKUP_INTERVAL seconds (BACKUP_RETRY_INTERVAL after a failure)
#   --once     one cycle, exit 0 when every database was dumped and verified, 1 otherwise
#   --health   exit 0 when the last cycle succeeded and is recent (for the compose health check)
#
# Environment:
#   PGHOST PGPORT PGUSER PGPASSWORD PGPASSFILE  connection (libpq); the tools never prompt (-w)
#   BACKUP_DATABASES       space-separated names; default: every database that is not a template
#   BACKUP_DIR             default /backups
#   BACKUP_INTERVAL        seconds between cycles, default 3600
#   BACKUP_RETRY_INTERVAL  seconds before retrying after a failed cycle, default 60
#   KEEP_HOURLY            default 24 (per database)
#   KEEP_DAILY             default 7 (per database)
#   BACKUP_VERIFY          full (default: --list and a read of every data block) or list (only --list)
#   BACKUP_MAINTENANCE_DB  database used to list databases, default postgres
#   BACKUP_HEALTH_MAX_AGE  seconds, default 2*BACKUP_INTERVAL+300
#   BACKUP_NOW             fake clock for tests: the cycle's time, e.g. 2026-01-08T05:00:00Z
#   BACKUP_RUN_ID          free text copied into the status file (lets a caller find its own run)
#
# Files: <db> in a file name is the database name with bytes outside [A-Za-z0-9_+@.-] (and a
# leading dot) written as %XX; <ts> is the UTC time as YYYYMMDDTHHMMSSZ. The status file
# $BACKUP_DIR/status holds key=value lines: last_result, last_cycle, last_success,
# last_success_epoch, last_error, last_error_at, last_dumps, last_run_id.
set -euo pipefail

BACKUP_DIR=${BACKUP_DIR:-/backups}
BACKUP_INTERVAL=${BACKUP_INTERVAL:-3600}
BACKUP_RETRY_INTERVAL=${BACKUP_RETRY_INTERVAL:-60}
KEEP_HOURLY=${KEEP_HOURLY:-24}
KEEP_DAILY=${KEEP_DAILY:-7}
BACKUP_VERIFY=${BACKUP_VERIFY:-full}
MAINT_DB=${BACKUP_MAINTENANCE_DB:-postgres}
HOURLY="$BACKUP_DIR/hourly"
DAILY="$BACKUP_DIR/daily"
STATUS_FILE="$BACKUP_DIR/status"
TS_GLOB='[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z'
STALE_PARTIAL_AGE=86400

CHILD_PID=""        # the pg_dump / pg_restore / sleep being waited for
CURRENT_FILES=()    # temporary files of the dump in progress, removed on any exit
CYCLE_ERRORS=()
CYCLE_DUMPS=()
CYCLE_ISO=""        # the time of the cycle in progress (BACKUP_NOW or the clock)

# Log lines go to the stderr the script was started with, even from a trap that fires while a
# child's stderr is redirected to a file.
exec {LOG_FD}>&2
log() {
  printf '%s backup-sidecar[%d]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$$" "$*" >&"$LOG_FD"
}

die_usage() {
  log "error: $*"
  exit 2
}

is_uint() {
  [[ $1 =~ ^[0-9]+$ ]]
}

positive() {
  [[ $1 =~ ^[0-9]+$ ]] && ((10#$1 > 0))
}

check_config() {
  positive "$BACKUP_INTERVAL" || die_usage "BACKUP_INTERVAL must be a positive number of seconds"
  positive "$BACKUP_RETRY_INTERVAL" || die_usage "BACKUP_RETRY_INTERVAL must be a positive number of seconds"
  positive "$KEEP_HOURLY" || die_usage "KEEP_HOURLY must be at least 1"
  positive "$KEEP_DAILY" || die_usage "KEEP_DAILY must be at least 1"
  [[ $BACKUP_VERIFY == list || $BACKUP_VERIFY == full ]] || die_usage "BACKUP_VERIFY must be list or full"
  BACKUP_INTERVAL=$((10#$BACKUP_INTERVAL))
  BACKUP_RETRY_INTERVAL=$((10#$BACKUP_RETRY_INTERVAL))
  KEEP_HOURLY=$((10#$KEEP_HOURLY))
  KEEP_DAILY=$((10#$KEEP_DAILY))
}

# Epoch seconds of "now": the real clock, or BACKUP_NOW (anything `date -d` reads).
now_epoch() {
  if [[ -n ${BACKUP_NOW:-} ]]; then
    date -u -d "$BACKUP_NOW" +%s
  else
    date -u +%s
  fi
}

encode_name() {
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9_+@-]) out+=$c ;;
      .) if ((i == 0)); then out+=%2E; else out+=$c; fi ;;
      *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  printf '%s' "$out"
}

# A libpq connection string naming only the database, so no name is read as options or a URI.
conninfo_db() {
  local s=${1//\\/\\\\}
  s=${s//\'/\\\'}
  printf "dbname='%s'" "$s"
}

# Runs a command in the background and waits for it, so that a TERM sent to this script is handled
# at once (bash runs traps only between foreground commands).
run_child() {
  local rc=0
  "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}

remove_current_files() {
  if ((${#CURRENT_FILES[@]} > 0)); then
    rm -f -- "${CURRENT_FILES[@]}"
    CURRENT_FILES=()
  fi
}

# --- status file --------------------------------------------------------------------------------

declare -A STATUS=()

read_status() {
  local key value
  STATUS=()
  [[ -f $STATUS_FILE ]] || return 0
  while IFS='=' read -r key value; do
    [[ -n $key ]] && STATUS[$key]=$value
  done <"$STATUS_FILE"
}

write_status() {
  local tmp="$STATUS_FILE.$$.tmp" key
  {
    for key in last_result last_cycle last_success last_success_epoch last_error last_error_at last_dumps last_run_id; do
      printf '%s=%s\n' "$key" "${STATUS[$key]:-}"
    done
  } >"$tmp"
  mv -f -- "$tmp" "$STATUS_FILE"
}

record_failure() {
  local when=$1 message=$2
  read_status
  STATUS[last_result]=error
  STATUS[last_cycle]=$when
  STATUS[last_error]=${message//$'\n'/ }
  STATUS[last_error_at]=$when
  STATUS[last_dumps]=""
  STATUS[last_run_id]=${BACKUP_RUN_ID:-}
  write_status
}

# --- signals ------------------------------------------------------------------------------------

on_signal() {
  local sig=$1 code=$2
  trap - TERM INT HUP
  if [[ -n $CHILD_PID ]]; then
    kill -TERM "$CHILD_PID" 2>/dev/null || true
    wait "$CHILD_PID" 2>/dev/null || true
    CHILD_PID=""
  fi
  remove_current_files
  log "interrupted by SIG$sig; partial files removed, older dumps untouched"
  if [[ -d $BACKUP_DIR ]]; then
    record_failure "${CYCLE_ISO:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}" "interrupted by SIG$sig" || true
  fi
  exit "$code"
}

trap 'on_signal TERM 143' TERM
trap 'on_signal INT 130' INT
trap 'on_signal HUP 129' HUP
trap 'remove_current_files' EXIT

# --- one cycle ----------------------------------------------------------------------------------

# Partial files are ours to remove when their process is gone (same host) or when they are old.
cleanup_stale() {
  local f base rest pid host mtime now
  now=$(date -u +%s)
  for f in "$HOURLY"/.*,*.partial "$HOURLY"/.*,*.partial.err "$DAILY"/.*,*.partial; do
    [[ -e $f ]] || continue
    base=${f##*/}
    rest=${base%%.partial*}
    pid=${rest##*,}
    rest=${rest%,*}
    host=${rest##*,}
    if [[ $host == "${HOSTNAME:-}" ]] && is_uint "$pid" && [[ ! -d /proc/$pid ]]; then
      rm -f -- "$f"
      log "removed partial file of an interrupted run: $f"
      continue
    fi
    mtime=$(stat -c %Y -- "$f" 2>/dev/null || echo "$now")
    if ((now - mtime > STALE_PARTIAL_AGE)); then
      rm -f -- "$f"
      log "removed stale partial file: $f"
    fi
  done
  # A checksum without its dump is what an interruption between the two renames leaves.
  for f in "$HOURLY"/*.dump.sha256 "$DAILY"/*.dump.sha256; do
    [[ -e $f && ! -e ${f%.sha256} ]] || continue
    rm -f -- "$f"
    log "removed checksum without a dump: $f"
  done
}

list_databases() {
  local out
  if [[ -n ${BACKUP_DATABASES:-} ]]; then
    read -r -a DATABASES <<<"$BACKUP_DATABASES"
    return 0
  fi
  if ! out=$(psql -X -A -t -q -w -d "$MAINT_DB" \
    -c "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY datname" 2>&1); then
    CYCLE_ERRORS+=("cannot list databases: ${out//$'\n'/ }")
    log "error: cannot list databases: ${out//$'\n'/ }"
    return 1
  fi
  DATABASES=()
  if [[ -n $out ]]; then
    mapfile -t DATABASES <<<"$out"
  fi
}

# Hard link when possible (daily costs no space), else a copy renamed into place.
place_copy() {
  local src=$1 dst=$2 tmp
  if ln -- "$src" "$dst" 2>/dev/null; then
    return 0
  fi
  tmp="${dst%/*}/.${dst##*/},${HOSTNAME:-host},$$.partial"
  CURRENT_FILES+=("$tmp")
  cp -- "$src" "$tmp" && mv -f -- "$tmp" "$dst"
}

prune() {
  local dir=$1 enc=$2 keep=$3 files=() i excess
  mapfile -t files < <(compgen -G "$dir/$enc-$TS_GLOB.dump" | LC_ALL=C sort)
  excess=$((${#files[@]} - keep))
  for ((i = 0; i < excess; i++)); do
    rm -f -- "${files[i]}" "${files[i]}.sha256"
    log "retention: removed ${files[i]#"$BACKUP_DIR"/}"
  done
}

first_line_of() {
  local line=""
  [[ -s $1 ]] && IFS= read -r line <"$1"
  printf '%s' "$line"
}

dump_one() {
  local db=$1 ts=$2 day=$3 enc name final tmp err sum msg size
  enc=$(encode_name "$db")
  name="$enc-$ts.dump"
  final="$HOURLY/$name"
  tmp="$HOURLY/.$enc-$ts,${HOSTNAME:-host},$$.partial"
  err="$tmp.err"
  CURRENT_FILES=("$tmp" "$err" "$tmp.sha256")

  log "dump $db: pg_dump -Fc -> hourly/$name"
  if ! run_child pg_dump -Fc -w -f "$tmp" -d "$(conninfo_db "$db")" 2>"$err"; then
    msg=$(first_line_of "$err")
    remove_current_files
    log "error: dump $db failed: ${msg:-pg_dump exited with an error}; older dumps kept"
    CYCLE_ERRORS+=("$db: ${msg:-pg_dump failed}")
    return 1
  fi
  if ! run_child pg_restore --list -- "$tmp" >/dev/null 2>"$err"; then
    msg=$(first_line_of "$err")
    remove_current_files
    log "error: dump $db is not a readable archive (pg_restore --list: ${msg:-failed}); discarded"
    CYCLE_ERRORS+=("$db: verification failed: ${msg:-pg_restore --list failed}")
    return 1
  fi
  if [[ $BACKUP_VERIFY == full ]] && ! run_child pg_restore -f /dev/null -- "$tmp" 2>"$err"; then
    msg=$(first_line_of "$err")
    remove_current_files
    log "error: dump $db failed the full read (${msg:-pg_restore failed}); discarded"
    CYCLE_ERRORS+=("$db: full verification failed: ${msg:-pg_restore failed}")
    return 1
  fi
  # Checksum first, dump second: whatever is interrupted, no *.dump exists without its checksum.
  if ! sum=$(sha256sum <"$tmp") ||
    ! printf '%s  %s\n' "${sum%% *}" "$name" >"$tmp.sha256" ||
    ! mv -f -- "$tmp.sha256" "$final.sha256" ||
    ! mv -f -- "$tmp" "$final"; then
    remove_current_files
    [[ -e $final ]] || rm -f -- "$final.sha256"
    log "error: dump $db: could not write the checksum or rename the dump into place; older dumps kept"
    CYCLE_ERRORS+=("$db: could not store the dump")
    return 1
  fi
  rm -f -- "$err"
  CURRENT_FILES=()
  size=$(stat -c %s -- "$final" || echo "?")
  log "dump $db: verified, sha256 ${sum:0:12}..., $size bytes -> hourly/$name"
  CYCLE_DUMPS+=("hourly/$name")

  if ! compgen -G "$DAILY/$enc-${day}T[0-9][0-9][0-9][0-9][0-9][0-9]Z.dump" >/dev/null; then
    if place_copy "$final.sha256" "$DAILY/$name.sha256" && place_copy "$final" "$DAILY/$name"; then
      CURRENT_FILES=()
      log "daily: first dump of $day for $db -> daily/$name"
    else
      remove_current_files
      rm -f -- "$DAILY/$name.sha256"
      log "error: could not place daily/$name"
      CYCLE_ERRORS+=("$db: could not place the daily copy")
    fi
  fi
  prune "$HOURLY" "$enc" "$KEEP_HOURLY"
  prune "$DAILY" "$enc" "$KEEP_DAILY"
}

run_cycle() {
  local epoch ts day iso db failed=0
  CYCLE_ERRORS=()
  CYCLE_DUMPS=()
  DATABASES=()
  if ! epoch=$(now_epoch); then
    die_usage "BACKUP_NOW is not a date: ${BACKUP_NOW:-}"
  fi
  ts=$(date -u -d "@$epoch" +%Y%m%dT%H%M%SZ)
  iso=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
  CYCLE_ISO=$iso
  day=${ts:0:8}
  mkdir -p -- "$HOURLY" "$DAILY"
  log "cycle $iso: start (dir $BACKUP_DIR)"
  cleanup_stale

  if list_databases; then
    if ((${#DATABASES[@]} == 0)); then
      CYCLE_ERRORS+=("no database to back up")
      log "error: no database to back up"
    fi
    for db in "${DATABASES[@]}"; do
      dump_one "$db" "$ts" "$day" || failed=1
    done
  fi

  read_status
  STATUS[last_cycle]=$iso
  STATUS[last_dumps]="${CYCLE_DUMPS[*]}"
  STATUS[last_run_id]=${BACKUP_RUN_ID:-}
  if ((failed == 0 && ${#CYCLE_ERRORS[@]} == 0)); then
    STATUS[last_result]=ok
    STATUS[last_success]=$iso
    STATUS[last_success_epoch]=$epoch
    write_status
    log "cycle $iso: ok (${#CYCLE_DUMPS[@]} database(s))"
    return 0
  fi
  STATUS[last_result]=error
  STATUS[last_error]="${CYCLE_ERRORS[*]}"
  STATUS[last_error]=${STATUS[last_error]//$'\n'/ }
  STATUS[last_error_at]=$iso
  write_status
  log "cycle $iso: FAILED (${#CYCLE_ERRORS[@]} error(s)); previous dumps kept"
  return 1
}

health() {
  local max_age now age
  max_age=${BACKUP_HEALTH_MAX_AGE:-$((2 * BACKUP_INTERVAL + 300))}
  read_status
  if [[ ${STATUS[last_result]:-} != ok ]]; then
    echo "unhealthy: last cycle ${STATUS[last_result]:-never ran}: ${STATUS[last_error]:-}"
    return 1
  fi
  now=$(now_epoch)
  age=$((now - ${STATUS[last_success_epoch]:-0}))
  if ((age > max_age)); then
    echo "unhealthy: last success ${STATUS[last_success]:-never} is ${age}s old (max ${max_age}s)"
    return 1
  fi
  echo "healthy: last success ${STATUS[last_success]} (${age}s ago)"
}

# Prints the comment block at the top of this file.
usage() {
  local line
  while IFS= read -r line; do
    [[ $line == '#!'* ]] && continue
    [[ $line == '#'* ]] || break
    line=${line#\#}
    printf '%s\n' "${line# }"
  done <"${BASH_SOURCE[0]}"
}

main() {
  local mode=loop
  case ${1:-} in
    "") ;;
    --once) mode=once ;;
    --health) mode=health ;;
    -h | --help)
      usage
      return 0
      ;;
    *) die_usage "unknown argument: $1 (use --once, --health or nothing)" ;;
  esac
  check_config
  if [[ $mode == health ]]; then
    health
    return
  fi
  if [[ $mode == once ]]; then
    run_cycle
    return
  fi
  log "starting: every ${BACKUP_INTERVAL}s, keep $KEEP_HOURLY hourly and $KEEP_DAILY daily per database, dir $BACKUP_DIR"
  while true; do
    if run_cycle; then
      run_child sleep "$BACKUP_INTERVAL" || true
    else
      log "retrying in ${BACKUP_RETRY_INTERVAL}s"
      run_child sleep "$BACKUP_RETRY_INTERVAL" || true
    fi
  done
}

main "$@"
