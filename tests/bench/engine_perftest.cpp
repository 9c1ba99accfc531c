// Speed of the whole decision in-process (guard/decision): command or hook
// event in, Decision out, and the batch loop behind `dbguard check --batch`.
#include <benchmark/benchmark.h>

#include <cstdio>

#include "decision/engine.h"
#include "perf_inputs.h"
#include "protocol/batch.h"
#include "protocol/event.h"
#include "protocol/hook_runner.h"

using namespace dbguard;

static void BM_DecideEveryday(benchmark::State& state) {
  const Engine& e = Engine::embedded();
  const auto& cmds = bench::everyday();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(e.decide_command(cmds[i++ % cmds.size()], "/work/app"));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecideEveryday);

static void BM_DecideEventEveryday(benchmark::State& state) {
  std::vector<std::string> events;
  for (const auto& c : bench::everyday()) events.push_back(bench::bash_event(c, "/work/app"));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(protocol::decide_event_bytes(events[i++ % events.size()], false));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecideEventEveryday);

// The event's JSON alone (protocol/event_json): Boost.JSON's SAX parser building
// only the fields the guard reads.
static void BM_ParseEventEveryday(benchmark::State& state) {
  std::vector<std::string> events;
  for (const auto& c : bench::everyday()) events.push_back(bench::bash_event(c, "/work/app"));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(protocol::parse_event(events[i++ % events.size()]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseEventEveryday);

static void BM_BatchEveryday(benchmark::State& state) {
  std::size_t distinct = 0;
  const std::size_t n = 10000;
  std::string jsonl = bench::everyday_jsonl(std::string(DBGUARD_SOURCE_DIR) + "/tests/corpus/everyday.toml", n, &distinct);
  for (auto _ : state) {
    std::FILE* in = fmemopen(jsonl.data(), jsonl.size(), "r");
    std::FILE* out = std::fopen("/dev/null", "w");
    benchmark::DoNotOptimize(protocol::run_batch(in, out));
    std::fclose(in);
    std::fclose(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_BatchEveryday)->Unit(benchmark::kMillisecond);

static void BM_DecideScript1MiB(benchmark::State& state) {
  std::string cmd = bench::shell_script(1 << 20);
  const Engine& e = Engine::embedded();
  for (auto _ : state) benchmark::DoNotOptimize(e.decide_command(cmd, "/work/app"));
}
BENCHMARK(BM_DecideScript1MiB)->Unit(benchmark::kMillisecond);

static void BM_DecideHeredoc1MiB(benchmark::State& state) {
  std::string cmd = "psql -d app <<'SQL'\n" + bench::sql_inserts(1 << 20) + "SQL\n";
  const Engine& e = Engine::embedded();
  for (auto _ : state) benchmark::DoNotOptimize(e.decide_command(cmd, "/work/app"));
}
BENCHMARK(BM_DecideHeredoc1MiB)->Unit(benchmark::kMillisecond);
