#!/usr/bin/env bash
# `make fuzz`: runs every libFuzzer target of a -DDBGUARD_FUZZ=ON build for a while.
#
#   fuzz.sh BUILD_DIR SECONDS JOBS [TARGET...]
#
# Each target runs SECONDS (wall clock), JOBS targets at a time. New inputs go to
# BUILD_DIR/tests/fuzz/long-corpus/<target>, which persists between runs, so every run
# starts where the last one stopped; the committed seeds (tests/fuzz/corpus/<target>) are
# only read. A crash, leak, timeout or sanitizer report fails the run and leaves the input
# in BUILD_DIR/tests/fuzz/artifacts/ with the command that replays it.
set -uo pipefail

build=$1 seconds=$2 jobs=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(hook_input shell_parser sql pack_loader audit_tail)
bin=$build/tests/fuzz
logs=$bin/logs
mkdir -p "$logs" "$bin/artifacts"

run_one() { # run_one TARGET: exit status of the fuzzer
  local t=$1 work=$bin/long-corpus/$1
  mkdir -p "$work"
  "$bin/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$bin/artifacts/$t-" "$work" "$here/corpus/$t" >"$logs/$t.log" 2>&1
}

echo "fuzz: ${targets[*]}, ${seconds} s each, $jobs at a time (logs in $logs)"
declare -A status
running=0
pids=()
names=()
for t in "${targets[@]}"; do
  [[ -x $bin/${t}_fuzz ]] || { echo "fuzz: $bin/${t}_fuzz not built" >&2; exit 1; }
  run_one "$t" &
  pids+=($!)
  names+=("$t")
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n
    running=$((running - 1))
  fi
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}"
  status[${names[$i]}]=$?
done

failed=0
for t in "${targets[@]}"; do
  log=$logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  corpus=$(find "$bin/long-corpus/$t" -type f | wc -l)
  if [[ ${status[$t]} == 0 ]]; then
    printf 'fuzz: %-12s ok      %10s runs  %6s/s  corpus %s\n' "$t" "${execs:-?}" "${rate:-?}" "$corpus"
  else
    failed=1
    printf 'fuzz: %-12s FAILED (exit %s), log %s\n' "$t" "${status[$t]}" "$log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -8 | sed 's/^/    /'
    for a in $(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log"); do
      echo "    replay: $bin/${t}_fuzz $a"
    done
  fi
done
exit $failed
