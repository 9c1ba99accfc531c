#!/usr/bin/env bash
# restore.sh — list, verify and restore the dumps written by backup-sidecar.sh.
#
# By default a dump goes into a NEW database; an existing database is only replaced after a
# safety dump of it and a typed confirmation on the terminal, and even then it is renamed, not
# dropped.
#
# Usage:
#   restore.sh --list [--db NAME]
#       every dump under $BACKUP_DIR (hourly/, daily/, pre-down/, pre-restore/), newest first, with
#       database, kind, size, age and whether a checksum file is present
#   restore.sh --verify (--latest [--db NAME] | DUMP)
#       check the checksum and read the archive's table of contents; restores nothing
#   restore.sh (--latest [--db NAME] | DUMP) [--into NEWDB] [--no-owner]
#       restore into NEWDB, which must not exist (default: <db>_restored_<YYYYMMDDHHMMSS>).
#       --latest takes the newest dump of the database that verifies (damaged ones are skipped,
#       and said so). --no-owner: for a fresh server where the original roles do not exist.
#   restore.sh (--latest [--db NAME] | DUMP) --replace [--into NAME] [--no-owner]
#       replace NAME (default: the dump's own database): safety dump of NAME into
#       $BACKUP_DIR/pre-restore/, restore into a scratch database, then, after REPLACE-DATABASE is
#       typed on the terminal, swap: NAME becomes NAME_replaced_<ts>, the scratch becomes NAME.
#   restore.sh --swap RESTORED --into NAME
#       make an already restored and checked database the live one, with the same safety dump,
#       confirmation and rename as --replace (no confirmation when NAME does not exist)
#   restore.sh
#       interactive, on the terminal: pick a dump, then a target database
#
# Environment: BACKUP_DIR (default /backups); PGHOST PGPORT PGUSER PGPASSWORD PGPASSFILE;
# BACKUP_MAINTENANCE_DB (default postgres); CONFIRM_TIMEOUT (seconds, default 300);
# BACKUP_NOW (fake clock, as in backup-sidecar.sh). Exit status: 0 done, 1 refused or failed,
# 2 usage error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$HERE/common.sh"

BACKUP_DIR=${BACKUP_DIR:-/backups}
MAINT_DB=${BACKUP_MAINTENANCE_DB:-postgres}
CONFIRM_WORD=REPLACE-DATABASE
NO_OWNER=0
DUMPS=() # "ts<TAB>kind<TAB>encoded db<TAB>path", newest first

say() {
  printf 'restore: %s\n' "$*" >&2
}

die() {
  local code=$1
  shift
  say "$*"
  exit "$code"
}

psql_maint() {
  psql -X -A -t -q -w -v ON_ERROR_STOP=1 -d "$MAINT_DB" "$@"
}

db_exists() {
  [[ $(psql_maint -v d="$1" <<<"SELECT count(*) FROM pg_database WHERE datname = :'d'") == 1 ]]
}

# Truncates a base name so that base+suffix fits PostgreSQL's 63-byte identifier limit.
fit_name() {
  local LC_ALL=C base=$1 suffix=$2
  printf '%s%s' "${base:0:$((63 - ${#suffix}))}" "$suffix"
}

stamp() {
  date -u -d "@$(now_epoch)" +%Y%m%d%H%M%S
}

# --- finding dumps ----------------------------------------------------------------------------------

collect_dumps() {
  local f base kind lines=() had_nullglob=0
  DUMPS=()
  shopt -q nullglob && had_nullglob=1
  shopt -s nullglob
  for f in "$BACKUP_DIR"/hourly/*.dump "$BACKUP_DIR"/daily/*.dump "$BACKUP_DIR"/*/hourly/*.dump "$BACKUP_DIR"/*/daily/*.dump; do
    base=${f##*/}
    [[ $base =~ ^(.+)-([0-9]{8}T[0-9]{6}Z)\.dump$ ]] || continue
    kind=${f#"$BACKUP_DIR"/}
    kind=${kind%/*}
    lines+=("${BASH_REMATCH[2]}"$'\t'"$kind"$'\t'"${BASH_REMATCH[1]}"$'\t'"$f")
  done
  ((had_nullglob)) || shopt -u nullglob
  if ((${#lines[@]} > 0)); then
    mapfile -t DUMPS < <(printf '%s\n' "${lines[@]}" | LC_ALL=C sort -r)
  fi
}

# Keeps only the dumps of database $1 (decoded name).
filter_db() {
  local want=$1 line kept=() ts kind enc path
  for line in "${DUMPS[@]}"; do
    IFS=$'\t' read -r ts kind enc path <<<"$line"
    if [[ $(decode_name "$enc") == "$want" ]]; then
      kept+=("$line")
    fi
  done
  DUMPS=("${kept[@]}")
}

databases_with_dumps() {
  local line ts kind enc path
  for line in "${DUMPS[@]}"; do
    IFS=$'\t' read -r ts kind enc path <<<"$line"
    decode_name "$enc"
    printf '\n'
  done | LC_ALL=C sort -u
}

list_dumps() {
  local db=$1 line ts kind enc path now size sum n=0
  collect_dumps
  if [[ -n $db ]]; then
    filter_db "$db"
  fi
  if ((${#DUMPS[@]} == 0)); then
    say "no backups${db:+ of $db} in $BACKUP_DIR"
    return 0
  fi
  now=$(now_epoch)
  printf '%-3s %-16s  %-20s %-18s %8s %9s  %-8s %s\n' "#" "WHEN (UTC)" "DATABASE" "KIND" "SIZE" "AGE" "CHECKSUM" "FILE"
  for line in "${DUMPS[@]}"; do
    IFS=$'\t' read -r ts kind enc path <<<"$line"
    n=$((n + 1))
    size=$(stat -c %s -- "$path" 2>/dev/null || echo 0)
    sum=present
    [[ -f $path.sha256 ]] || sum=MISSING
    printf '%-3s %-16s  %-20s %-18s %8s %9s  %-8s %s\n' "$n" \
      "${ts:0:4}-${ts:4:2}-${ts:6:2} ${ts:9:2}:${ts:11:2}" "$(decode_name "$enc")" "$kind" \
      "$(human_size "$size")" "$(human_age $((now - $(ts_epoch "$ts"))))" "$sum" "$path"
  done
}

# Sets CHOSEN_DUMP: the newest verifying dump of database $1 (or of the only database).
choose_latest() {
  local db=$1 dbs line ts kind enc path
  collect_dumps
  if [[ -z $db ]]; then
    dbs=$(databases_with_dumps)
    if [[ -z $dbs ]]; then
      die 1 "no backups in $BACKUP_DIR"
    fi
    if [[ $dbs == *$'\n'* ]]; then
      die 2 "backups of several databases in $BACKUP_DIR ($(printf '%s' "$dbs" | tr '\n' ' ')): add --db NAME"
    fi
    db=$dbs
  fi
  filter_db "$db"
  ((${#DUMPS[@]} > 0)) || die 1 "no backups of database $db in $BACKUP_DIR"
  for line in "${DUMPS[@]}"; do
    IFS=$'\t' read -r ts kind enc path <<<"$line"
    if verify_dump "$path"; then
      CHOSEN_DUMP=$path
      say "newest good dump of $db: $path ($VERIFY_NOTE)"
      return 0
    fi
    say "skipping $path: $VERIFY_ERROR"
  done
  die 1 "no dump of $db verifies"
}

# The database a dump file belongs to, from its name.
dump_db() {
  local base=${1##*/}
  [[ $base =~ ^(.+)-([0-9]{8}T[0-9]{6}Z)\.dump$ ]] || die 2 "not a backup-sidecar dump name: $1"
  decode_name "${BASH_REMATCH[1]}"
}

# --- restoring ----------------------------------------------------------------------------------

show_counts() {
  local db=$1 line
  say "tables and rows in $db:"
  psql -X -A -t -q -w -F ' ' -d "$(conninfo_db "$db")" 2>&1 <<'SQL' | while IFS= read -r line; do printf '    %s\n' "$line" >&2; done
SELECT format('SELECT %L, count(*) FROM %I.%I', schemaname || '.' || tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
\gexec
SQL
}

# Creates $2 (must not exist) and restores dump $1 into it; drops it again if the restore fails.
restore_into_new() {
  local dump=$1 target=$2 opts=(--exit-on-error --single-transaction -w)
  if db_exists "$target"; then
    die 1 "database $target already exists; choose a new name with --into, or replace it with --replace"
  fi
  if ((NO_OWNER)); then
    opts+=(--no-owner --no-privileges)
  fi
  psql_maint -v d="$target" <<<'CREATE DATABASE :"d" TEMPLATE template0' || die 1 "could not create database $target"
  say "restoring $dump into new database $target"
  if ! pg_restore "${opts[@]}" -d "$(conninfo_db "$target")" -- "$dump"; then
    psql_maint -v d="$target" <<<'DROP DATABASE :"d"' || true
    die 1 "pg_restore failed; the new database $target was removed again (try --no-owner if roles are missing)"
  fi
  say "restored into $target"
}

# Safety dump of database $1 into $BACKUP_DIR/pre-restore/; sets SAFETY_DUMP.
safety_dump() {
  local db=$1 dir="$BACKUP_DIR/pre-restore" run_id
  run_id="restore-$$-$(now_epoch)"
  say "taking a safety dump of $db into $dir"
  BACKUP_DIR=$dir BACKUP_DATABASES=$db BACKUP_RUN_ID=$run_id bash "$HERE/backup-sidecar.sh" --once ||
    die 1 "the safety dump of $db failed; nothing was changed"
  read_status "$dir" || die 1 "no status file after the safety dump; nothing was changed"
  [[ ${STATUS[last_result]:-} == ok && ${STATUS[last_run_id]:-} == "$run_id" && -n ${STATUS[last_dumps]:-} ]] ||
    die 1 "the safety dump of $db did not complete; nothing was changed"
  SAFETY_DUMP="$dir/${STATUS[last_dumps]%% *}"
  verify_dump "$SAFETY_DUMP" || die 1 "the safety dump $SAFETY_DUMP does not verify ($VERIFY_ERROR); nothing was changed"
}

# Makes database $1 (restored, checked) the live database $2. When $2 exists: safety dump, typed
# confirmation, then one transaction renames $2 to $2_replaced_<ts> and $1 to $2.
swap_in() {
  local restored=$1 target=$2 kept size attempt out
  if ! db_exists "$restored"; then
    die 1 "database $restored does not exist"
  fi
  if ! db_exists "$target"; then
    psql_maint -v a="$restored" -v b="$target" <<<'ALTER DATABASE :"a" RENAME TO :"b"' ||
      die 1 "could not rename $restored to $target"
    say "database $target did not exist: $restored renamed to $target"
    return 0
  fi
  if ((CONFIRM_FD_OPEN == 0)) && ! confirm_open_tty; then
    die 1 "refusing: replacing database $target needs a person to type $CONFIRM_WORD on a terminal, and $CONFIRM_WHY. Nothing was changed."
  fi
  if [[ -z ${SAFETY_DUMP:-} ]]; then
    safety_dump "$target"
  fi
  kept=$(fit_name "$target" "_replaced_$(stamp)")
  size=$(psql_maint -v d="$target" <<<"SELECT pg_size_pretty(pg_database_size(:'d'))")
  confirm_say ""
  confirm_say "About to REPLACE database $target ($size):"
  confirm_say "  - the live $target is renamed to $kept (kept, not dropped)"
  confirm_say "  - $restored (restored from the backup) becomes $target"
  confirm_say "  - sessions connected to $target are disconnected"
  confirm_say "  - safety dump of the current $target: $SAFETY_DUMP"
  if ! confirm_typed "$CONFIRM_WORD"; then
    confirm_say "Not confirmed: nothing was replaced."
    return 1
  fi
  for attempt in 1 2 3 4 5; do
    if out=$(psql_maint -v old="$target" -v kept="$kept" -v new="$restored" 2>&1 <<'SQL'
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname IN (:'old', :'new') AND pid <> pg_backend_pid();
BEGIN;
ALTER DATABASE :"old" RENAME TO :"kept";
ALTER DATABASE :"new" RENAME TO :"old";
COMMIT;
SQL
    ); then
      say "replaced: $target is now the restored copy; the previous one is kept as $kept"
      say "when you are satisfied, a person can drop it: DROP DATABASE \"$kept\";"
      return 0
    fi
    say "swap attempt $attempt/5 failed: ${out##*$'\n'}"
    sleep 1
  done
  die 1 "could not swap: $target is unchanged ($restored holds the restored copy)"
}

restore_replace() {
  local dump=$1 target=$2 scratch
  if ! db_exists "$target"; then
    say "database $target does not exist: restoring into it as a new database"
    restore_into_new "$dump" "$target"
    show_counts "$target"
    return 0
  fi
  confirm_open_tty ||
    die 1 "refusing: replacing database $target needs a person to type $CONFIRM_WORD on a terminal, and $CONFIRM_WHY. Nothing was changed. To restore beside it instead: --into NEWNAME"
  safety_dump "$target"
  scratch=$(fit_name "$target" "_restoring_$(stamp)")
  restore_into_new "$dump" "$scratch"
  show_counts "$scratch"
  if ! swap_in "$scratch" "$target"; then
    psql_maint -v d="$scratch" <<<'DROP DATABASE :"d"' || true
    die 1 "cancelled: $target is unchanged (the scratch copy $scratch was removed)"
  fi
}

# --- interactive --------------------------------------------------------------------------------

interactive() {
  local answer line ts kind enc path db target n
  confirm_open_tty || die 1 "interactive restore needs a person at a terminal, and $CONFIRM_WHY; use --list, --latest / DUMP and --into instead"
  collect_dumps
  ((${#DUMPS[@]} > 0)) || die 1 "no backups in $BACKUP_DIR"
  list_dumps "" >&3
  confirm_ask "Restore which dump? Number [1]: " answer || die 1 "no answer; nothing restored"
  n=${answer:-1}
  if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 1 || n > ${#DUMPS[@]})); then
    die 1 "no dump number $n; nothing restored"
  fi
  line=${DUMPS[n - 1]}
  IFS=$'\t' read -r ts kind enc path <<<"$line"
  verify_dump "$path" || die 1 "$path does not verify: $VERIFY_ERROR; pick another dump"
  confirm_say "$path: $VERIFY_NOTE"
  db=$(decode_name "$enc")
  target=$(fit_name "$db" "_restored_$(stamp)")
  confirm_ask "Restore into which database? A new name is safest [$target]: " answer || die 1 "no answer; nothing restored"
  target=${answer:-$target}
  if db_exists "$target"; then
    confirm_say "Database $target exists: it will be REPLACED (safety dump first, the old one kept renamed)."
    restore_replace "$path" "$target"
  else
    restore_into_new "$path" "$target"
    show_counts "$target"
  fi
}

# --- main -----------------------------------------------------------------------------------------

main() {
  local action="" latest=0 dump="" db="" into="" swap_from=""
  if (($# == 0)); then
    interactive
    return
  fi
  while (($# > 0)); do
    case $1 in
      --list) action=list ;;
      --verify) action=verify ;;
      --replace) action=replace ;;
      --swap)
        action=swap
        swap_from=${2:?--swap needs the restored database}
        shift
        ;;
      --latest) latest=1 ;;
      --db)
        db=${2:?--db needs a database name}
        shift
        ;;
      --into)
        into=${2:?--into needs a database name}
        shift
        ;;
      --no-owner) NO_OWNER=1 ;;
      -h | --help)
        usage
        return 0
        ;;
      -*) die 2 "unknown option $1 (see --help)" ;;
      *)
        [[ -z $dump ]] || die 2 "more than one dump given"
        dump=$1
        ;;
    esac
    shift
  done

  case $action in
    list)
      list_dumps "$db"
      return 0
      ;;
    swap)
      [[ -n $into ]] || die 2 "--swap needs --into NAME (the database to replace)"
      swap_in "$swap_from" "$into" || die 1 "cancelled: $into is unchanged"
      return 0
      ;;
  esac

  if ((latest)); then
    [[ -z $dump ]] || die 2 "give either --latest or a dump file, not both"
    choose_latest "$db"
    dump=$CHOSEN_DUMP
  else
    [[ -n $dump ]] || die 2 "which dump? give --latest [--db NAME] or a file (see --list)"
    verify_dump "$dump" || die 1 "$dump does not verify: $VERIFY_ERROR"
    say "$dump: $VERIFY_NOTE"
  fi

  case $action in
    verify)
      say "ok: $dump"
      ;;
    replace)
      restore_replace "$dump" "${into:-$(dump_db "$dump")}"
      ;;
    *)
      into=${into:-$(fit_name "$(dump_db "$dump")" "_restored_$(stamp)")}
      restore_into_new "$dump" "$into"
      show_counts "$into"
      say "check it, then make it live with: $0 --swap $(printf '%q' "$into") --into $(printf '%q' "$(dump_db "$dump")")"
      ;;
  esac
}

main "$@"
