#!/usr/bin/env bash
# confirm.sh — the typed confirmation shared by safe-docker-down.sh and restore.sh (sourced, not run).
#
# Contract:
#   confirm_open_tty        opens fd 3 on /dev/tty. Returns 1 when the process has no controlling
#                           terminal (cron, CI, an agent's tool call, `setsid`). Nothing else is tried:
#                           standard input is never read for a confirmation, so `echo WORD | cmd` and
#                           `yes WORD | cmd` cannot confirm anything.
#   confirm_typed WORD      (after confirm_open_tty) throws away lines typed before the question, asks
#                           for WORD on the terminal and returns 0 only when the line read equals WORD
#                           exactly. Wrong word, end of input or CONFIRM_TIMEOUT seconds of silence
#                           (default 300) return 1. More than 20 lines waiting before the question is
#                           treated as scripted input and refused.
# There is deliberately no variable or flag that skips the question.

CONFIRM_FD_OPEN=0

confirm_open_tty() {
  if { exec 3<>/dev/tty; } 2>/dev/null; then
    CONFIRM_FD_OPEN=1
    return 0
  fi
  return 1
}

# Writes to the terminal (the question must be seen by the person who answers it).
confirm_say() {
  printf '%s\n' "$*" >&3
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
