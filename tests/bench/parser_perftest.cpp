// Speed of the shell parser (guard/shell): text → syntax tree.
#include <benchmark/benchmark.h>

#include "perf_inputs.h"
#include "shell/parser.h"

using namespace dbguard;

static void BM_ParseEveryday(benchmark::State& state) {
  const auto& cmds = bench::everyday();
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& c = cmds[i++ % cmds.size()];
    benchmark::DoNotOptimize(shell::parse(c));
    bytes += c.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseEveryday);

static void BM_ParsePipeline10(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(shell::parse(bench::ten_stage_pipeline()));
}
BENCHMARK(BM_ParsePipeline10);

static void BM_ParseHeredoc(benchmark::State& state) {
  std::string cmd = "psql -d app <<'SQL'\n" + bench::sql_inserts(static_cast<std::size_t>(state.range(0))) + "SQL\n";
  for (auto _ : state) benchmark::DoNotOptimize(shell::parse(cmd));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * cmd.size()));
}
BENCHMARK(BM_ParseHeredoc)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

static void BM_ParseScript1MiB(benchmark::State& state) {
  std::string cmd = bench::shell_script(1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(shell::parse(cmd));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * cmd.size()));
}
BENCHMARK(BM_ParseScript1MiB)->Unit(benchmark::kMillisecond);
