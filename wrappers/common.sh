#!/usr/bin/env bash
# The variables set here (STATUS, VERIFY_*, the confirm_ask target) are read by the sourcing scripts.
# shellcheck disable=SC2034
# common.sh — helpers shared by safe-docker-down.sh and restore.sh (sourced, never run).
# bash + coreutils + PostgreSQL client tools only, like the scripts that source it.
# backup-sidecar.sh keeps its own copies of a few of these (conninfo_db, usage): it is mounted
# alone into the stock postgres image as the sidecar's entrypoint, with nothing to source.
#
# Typed confirmation:
#   confirm_open_tty        opens fd 3 on /dev/tty. Returns 1, with the reason in CONFIRM_WHY, when
#                           the process has no controlling terminal (cron, CI, `setsid`, an agent's
#                           tool call) or runs inside Claude Code (CLAUDECODE is set: the question
#                           would land in the agent's session, not before a person). Nothing else is
#                           tried: standard input is never read for a confirmation, so
#                           `echo WORD | cmd` and `yes WORD | cmd` cannot confirm anything.
#   confirm_typed WORD      (after confirm_open_tty) throws away lines typed before the question, asks
#                           for WORD on the terminal and returns 0 only when the line read equals WORD
#                           exactly. Wrong word, end of input or CONFIRM_TIMEOUT seconds of silence
#                           (default 300) return 1. More than 20 lines waiting before the question is
#                           treated as scripted input and refused.
#   There is deliberately no variable or flag that skips the question.
#
# Dumps (files written by backup-sidecar.sh):
#   verify_dump FILE        0 when FILE.sha256 names FILE and matches it, and pg_restore --list reads
#                           FILE (skipped, with a note, when pg_restore is not installed). Otherwise 1,
#                           with the reason in VERIFY_ERROR.
#   read_status DIR         loads DIR/status (key=value lines) into the associative array STATUS.
set -euo pipefail

CONFIRM_FD_OPEN=0
CONFIRM_WHY=""
VERIFY_ERROR=""
VERIFY_NOTE=""
declare -A STATUS=()

confirm_open_tty() {
  if [[ -n ${CLAUDECODE:-} ]]; then
    CONFIRM_WHY="this runs inside Claude Code (CLAUDECODE is set), not in a person's own terminal"
    return 1
  fi
  if { exec 3<>/dev/tty; } 2>/dev/null; then
    CONFIRM_FD_OPEN=1
    return 0
  fi
  CONFIRM_WHY="there is no terminal here (standard input is never read for this)"
  return 1
}

# Writes to the terminal (the question must be seen by the person who answers it).
confirm_say() {
  printf '%s\n' "$*" >&3
}

# Reads one line from the terminal into the variable named $2 after showing prompt $1.
confirm_ask() {
  local -n confirm_ask_out=$2
  printf '%s' "$1" >&3
  confirm_ask_out=""
  read -r -t "${CONFIRM_TIMEOUT:-300}" -u 3 confirm_ask_out
}

confirm_typed() {
  local word=$1 timeout=${CONFIRM_TIMEOUT:-300} answer="" pending=0
  if [[ $CONFIRM_FD_OPEN != 1 ]]; then
    return 1
  fi
  if ! [[ $timeout =~ ^[1-9][0-9]*$ ]]; then
    timeout=300
  fi
  # Lines already waiting were typed (or fed) before the question was shown: they are not an answer.
  while read -r -t 0 -u 3 2>/dev/null; do
    if ! read -r -t 1 -u 3 _; then
      break
    fi
    pending=$((pending + 1))
    if ((pending > 20)); then
      confirm_say "Input is being fed to the terminal; refusing."
      return 1
    fi
  done
  if ((pending > 0)); then
    confirm_say "(Ignored ${pending} line(s) typed before this question.)"
  fi
  printf 'Type %s and press Enter to go on (anything else cancels): ' "$word" >&3
  if ! read -r -t "$timeout" -u 3 answer; then
    confirm_say ""
    confirm_say "No answer; cancelled."
    return 1
  fi
  [[ $answer == "$word" ]]
}

read_status() {
  local key value
  STATUS=()
  [[ -f $1/status ]] || return 1
  while IFS='=' read -r key value; do
    if [[ -n $key ]]; then
      STATUS[$key]=$value
    fi
  done <"$1/status"
}

verify_dump() {
  local f=$1 name want_hash="" want_name="" got err
  VERIFY_ERROR=""
  VERIFY_NOTE=""
  name=${f##*/}
  if [[ ! -f $f ]]; then
    VERIFY_ERROR="no such file"
    return 1
  fi
  if [[ ! -f $f.sha256 ]]; then
    VERIFY_ERROR="no checksum file ($name.sha256)"
    return 1
  fi
  read -r want_hash want_name <"$f.sha256" || true
  if [[ ${want_name#\*} != "$name" ]]; then
    VERIFY_ERROR="$name.sha256 is for another file (${want_name:-empty})"
    return 1
  fi
  got=$(sha256sum <"$f")
  got=${got%% *}
  if [[ $got != "$want_hash" ]]; then
    VERIFY_ERROR="checksum mismatch: the file changed or is damaged"
    return 1
  fi
  if ! command -v pg_restore >/dev/null 2>&1; then
    VERIFY_NOTE="checksum ok; pg_restore not installed here, archive not listed"
    return 0
  fi
  if ! err=$(pg_restore --list -- "$f" 2>&1 >/dev/null); then
    VERIFY_ERROR="not a readable archive: ${err%%$'\n'*}"
    return 1
  fi
  VERIFY_NOTE="checksum ok, archive readable"
}

# Database name from the <db> part of a dump's file name (%XX escapes).
decode_name() {
  local s=${1//\\/\\\\}
  printf '%b' "${s//%/\\x}"
}

# A libpq connection string naming only the database, so no name is ever read as options or a URI.
conninfo_db() {
  local s=${1//\\/\\\\}
  s=${s//\'/\\\'}
  printf "dbname='%s'" "$s"
}

human_size() {
  local bytes=$1
  if command -v numfmt >/dev/null 2>&1; then
    numfmt --to=iec-i --suffix=B "$bytes"
  else
    printf '%sB' "$bytes"
  fi
}

human_age() {
  local s=$1
  if ((s < 0)); then
    s=0
  fi
  if ((s < 3600)); then
    printf '%dm' $((s / 60))
  elif ((s < 86400)); then
    printf '%dh %02dm' $((s / 3600)) $((s % 3600 / 60))
  else
    printf '%dd %02dh' $((s / 86400)) $((s % 86400 / 3600))
  fi
}

# YYYYMMDDTHHMMSSZ -> epoch seconds
ts_epoch() {
  local t=$1
  date -u -d "${t:0:4}-${t:4:2}-${t:6:2}T${t:9:2}:${t:11:2}:${t:13:2}Z" +%s
}

# The real clock, or BACKUP_NOW (the same fake clock as backup-sidecar.sh).
now_epoch() {
  if [[ -n ${BACKUP_NOW:-} ]]; then
    date -u -d "$BACKUP_NOW" +%s
  else
    date -u +%s
  fi
}

# Prints the comment block at the top of the script being run (its --help).
usage() {
  local line
  while IFS= read -r line; do
    [[ $line == '#!'* ]] && continue
    [[ $line == '#'* ]] || break
    line=${line#\#}
    printf '%s\n' "${line# }"
  done <"${BASH_SOURCE[-1]}"
}
