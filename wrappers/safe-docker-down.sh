#!/usr/bin/env bash
# safe-docker-down.sh — `docker compose down`, with a safety net when volumes would be removed.
#
# Without -v/--volumes the command is passed straight to `docker compose down ...`.
# With -v/--volumes (any position, any spelling: -v, --volumes, --volumes=true, a short cluster
# such as -vt5; `docker compose` or `docker-compose`):
#   1. a safety backup of every database (backup-sidecar.sh --once into $BACKUP_ROOT/pre-down/),
#      verified; if it fails nothing else happens
#   2. what will be destroyed is printed: the volumes and the backup just taken
#   3. DELETE-VOLUMES must be typed on the terminal (/dev/tty; standard input is never read). No
#      terminal, running inside Claude Code (CLAUDECODE set), another answer, or silence: exit 1,
#      nothing removed. No flag skips this.
#   4. the command runs as given.
#
# Usage: safe-docker-down.sh [docker compose | docker-compose] [GLOBAL OPTIONS] [down] [DOWN OPTIONS]
#   e.g. safe-docker-down.sh -v
#        safe-docker-down.sh docker compose -f compose.yml down --volumes --remove-orphans
#        safe-docker-down.sh docker-compose down -v
#
# Environment:
#   BACKUP_ROOT       host directory of the backups (default ./backups); the safety backup goes to
#                     $BACKUP_ROOT/pre-down/
#   SAFE_DOWN_BACKUP  how to take it: auto (default: `service` when the backup service is running,
#                     else `local` when pg_dump is installed here), service (docker compose exec
#                     into the backup service, whose /backups is $BACKUP_ROOT), or local (run
#                     backup-sidecar.sh here with the PG* variables of this environment)
#   BACKUP_SERVICE    default postgres-backup; BACKUP_SERVICE_SCRIPT default /opt/dbguard/backup-sidecar.sh
#   DOCKER_COMPOSE    the compose command when none is given (default "docker compose")
#   CONFIRM_TIMEOUT   seconds to wait for the answer (default 300)
# Exit status: that of the docker command, or 1 when refused or when the safety backup failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$HERE/common.sh"

CONFIRM_WORD=DELETE-VOLUMES
BACKUP_ROOT=${BACKUP_ROOT:-./backups}
BACKUP_SERVICE=${BACKUP_SERVICE:-postgres-backup}
BACKUP_SERVICE_SCRIPT=${BACKUP_SERVICE_SCRIPT:-/opt/dbguard/backup-sidecar.sh}
SAFE_DOWN_BACKUP=${SAFE_DOWN_BACKUP:-auto}

COMPOSE=()    # docker compose | docker-compose (with any docker global options)
GLOBAL=()     # compose options before `down`
DOWN_OPTS=()  # options after `down`

say() {
  printf 'safe-docker-down: %s\n' "$*" >&2
}

refuse() {
  say "$*"
  say "Nothing was removed."
  exit 1
}

# Splits the arguments into COMPOSE, GLOBAL and DOWN_OPTS.
parse() {
  local args=("$@") i=0 n found_down=0
  n=${#args[@]}
  if ((n > 0)) && [[ ${args[0]} == docker-compose || ${args[0]} == */docker-compose ]]; then
    COMPOSE=("${args[0]}")
    i=1
  elif ((n > 0)) && [[ ${args[0]} == docker || ${args[0]} == */docker ]]; then
    COMPOSE=("${args[0]}")
    i=1
    # docker's own options (--context x, -H host, ...) up to `compose`
    while ((i < n)) && [[ ${args[i]} != compose ]]; do
      COMPOSE+=("${args[i]}")
      i=$((i + 1))
    done
    ((i < n)) || refuse "not a docker compose command: ${args[*]}"
    COMPOSE+=(compose)
    i=$((i + 1))
  else
    read -r -a COMPOSE <<<"${DOCKER_COMPOSE:-docker compose}"
    if ((n > 0)) && [[ ${args[0]} == compose ]]; then
      i=1
    fi
  fi
  # compose global options, then `down`
  while ((i < n)); do
    case ${args[i]} in
      down)
        found_down=1
        i=$((i + 1))
        break
        ;;
      -f | --file | -p | --project-name | --project-directory | --env-file | --profile | --ansi | --progress | --parallel)
        GLOBAL+=("${args[i]}")
        if ((i + 1 < n)); then
          GLOBAL+=("${args[i + 1]}")
        fi
        i=$((i + 2))
        ;;
      -*)
        # without `down`, remaining options are down's; with it, they are global (e.g. --dry-run)
        break
        ;;
      *) refuse "only \`down\` is handled here, not: ${args[i]}" ;;
    esac
  done
  if ((found_down == 0)); then
    # `safe-docker-down.sh -v`: everything left is an option of down, except a stray subcommand
    while ((i < n)); do
      case ${args[i]} in
        down) found_down=1 ;;
        -f | --file | -p | --project-name | --project-directory | --env-file | --profile | --ansi | --progress | --parallel)
          GLOBAL+=("${args[i]}")
          if ((i + 1 < n)); then
            i=$((i + 1))
            GLOBAL+=("${args[i]}")
          fi
          ;;
        *) DOWN_OPTS+=("${args[i]}") ;;
      esac
      i=$((i + 1))
    done
  else
    while ((i < n)); do
      DOWN_OPTS+=("${args[i]}")
      i=$((i + 1))
    done
  fi
}

# True when any argument asks for volume removal. Errs on the side of asking.
wants_volumes() {
  local a value
  for a in "$@"; do
    case $a in
      -v | --volumes) return 0 ;;
      --volumes=*)
        value=${a#--volumes=}
        case $value in
          0 | f | F | false | False | FALSE) ;;
          *) return 0 ;;
        esac
        ;;
      --vol*) return 0 ;;
      --*) ;;
      -*v*) return 0 ;;
    esac
  done
  return 1
}

# The command that will run, for people to read.
shown_command() {
  local all=("${COMPOSE[@]}" ${GLOBAL[@]+"${GLOBAL[@]}"} down ${DOWN_OPTS[@]+"${DOWN_OPTS[@]}"})
  printf '%s' "${all[*]}"
}

run_compose() {
  "${COMPOSE[@]}" ${GLOBAL[@]+"${GLOBAL[@]}"} "$@"
}

# --- the safety backup ----------------------------------------------------------------------------

service_running() {
  local svc
  while IFS= read -r svc; do
    [[ $svc == "$BACKUP_SERVICE" ]] && return 0
  done < <(run_compose ps --services --status running 2>/dev/null || true)
  return 1
}

take_backup() {
  local mode=$SAFE_DOWN_BACKUP dir="$BACKUP_ROOT/pre-down" run_id f
  run_id="pre-down-$$-$(date -u +%s)"
  if [[ $mode == auto ]]; then
    if service_running; then
      mode=service
    elif command -v pg_dump >/dev/null 2>&1; then
      mode=local
    else
      refuse "cannot take the safety backup: the $BACKUP_SERVICE service is not running and pg_dump is not installed here. Start the services (make up) and try again."
    fi
  fi
  say "step 1/4: safety backup of every database into $dir/ ($mode)"
  case $mode in
    service)
      run_compose exec -T "$BACKUP_SERVICE" env BACKUP_DIR=/backups/pre-down BACKUP_DATABASES= \
        BACKUP_RUN_ID="$run_id" bash "$BACKUP_SERVICE_SCRIPT" --once ||
        refuse "the safety backup failed (see above)."
      ;;
    local)
      BACKUP_DIR=$dir BACKUP_DATABASES="" BACKUP_RUN_ID=$run_id bash "$HERE/backup-sidecar.sh" --once ||
        refuse "the safety backup failed (see above)."
      ;;
    *) refuse "SAFE_DOWN_BACKUP must be auto, service or local, not: $mode" ;;
  esac
  read_status "$dir" || refuse "the safety backup left no status file in $dir."
  [[ ${STATUS[last_result]:-} == ok && ${STATUS[last_run_id]:-} == "$run_id" ]] ||
    refuse "the safety backup did not complete (status: ${STATUS[last_result]:-none} ${STATUS[last_error]:-})."
  [[ -n ${STATUS[last_dumps]:-} ]] || refuse "the safety backup contains no database."
  BACKUP_FILES=()
  for f in ${STATUS[last_dumps]}; do
    verify_dump "$dir/$f" || refuse "the safety backup $dir/$f does not verify: $VERIFY_ERROR."
    BACKUP_FILES+=("$dir/$f")
  done
}

# --- what will be destroyed ------------------------------------------------------------------------

describe_destruction() {
  local declared project="" line docker_bin f size
  if ! declared=$(run_compose config --volumes 2>&1); then
    refuse "\`${COMPOSE[*]} config\` failed, so what would be removed is unknown: ${declared%%$'\n'*}"
  fi
  while IFS= read -r line; do
    if [[ $line == name:* ]]; then
      project=${line#name:}
      project=${project# }
      break
    fi
  done < <(run_compose config 2>/dev/null || true)
  confirm_say ""
  confirm_say "==== About to run: $(shown_command)"
  confirm_say "This stops the project${project:+ $project} and PERMANENTLY DELETES its volumes, with all the data in them:"
  if [[ -n $declared ]]; then
    while IFS= read -r line; do
      confirm_say "  - volume $line (declared in the compose file)"
    done <<<"$declared"
  else
    confirm_say "  - (no named volumes declared; anonymous volumes of the containers)"
  fi
  docker_bin=docker
  [[ ${COMPOSE[0]} == */docker ]] && docker_bin=${COMPOSE[0]}
  if [[ -n $project ]] && command -v "$docker_bin" >/dev/null 2>&1; then
    while IFS= read -r line; do
      [[ -n $line ]] && confirm_say "  - docker volume $line (exists now)"
    done < <("$docker_bin" volume ls --quiet --filter "label=com.docker.compose.project=$project" 2>/dev/null || true)
  fi
  confirm_say "Safety backup just taken and verified (restore with wrappers/restore.sh):"
  for f in "${BACKUP_FILES[@]}"; do
    size=$(stat -c %s -- "$f" 2>/dev/null || echo 0)
    confirm_say "  + $f ($(human_size "$size"))"
  done
}

main() {
  case ${1:-} in
    -h | --help)
      usage
      return 0
      ;;
  esac
  parse "$@"
  if ! wants_volumes ${GLOBAL[@]+"${GLOBAL[@]}"} ${DOWN_OPTS[@]+"${DOWN_OPTS[@]}"}; then
    exec "${COMPOSE[@]}" ${GLOBAL[@]+"${GLOBAL[@]}"} down ${DOWN_OPTS[@]+"${DOWN_OPTS[@]}"}
  fi

  # Volumes would go. Without a terminal nobody can confirm: stop before doing anything.
  confirm_open_tty ||
    refuse "removing volumes needs a person to type $CONFIRM_WORD on a terminal, and $CONFIRM_WHY. Run \`make down-volumes\` yourself in a terminal."
  take_backup
  say "step 2/4: what will be destroyed"
  describe_destruction
  say "step 3/4: confirmation"
  if ! confirm_typed "$CONFIRM_WORD"; then
    confirm_say ""
    refuse "not confirmed. The safety backup stays in $BACKUP_ROOT/pre-down/."
  fi
  say "step 4/4: $(shown_command)"
  exec "${COMPOSE[@]}" ${GLOBAL[@]+"${GLOBAL[@]}"} down ${DOWN_OPTS[@]+"${DOWN_OPTS[@]}"}
}

main "$@"
