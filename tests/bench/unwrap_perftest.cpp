// Speed of unwrap (guard/unwrap): parse + walk + wrapper peeling → invocations.
#include <benchmark/benchmark.h>

#include "perf_inputs.h"
#include "unwrap/unwrap.h"

using namespace dbguard;

static void BM_UnwrapEveryday(benchmark::State& state) {
  const auto& cmds = bench::everyday();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(unwrap_command(cmds[i++ % cmds.size()], "/work/app"));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_UnwrapEveryday);

static void BM_UnwrapWrappers(benchmark::State& state) {
  const std::string cmd =
      "sudo -u postgres env PGHOST=localhost timeout 30 nice -n 5 bash -c \"psql -d app -c 'SELECT 1'\"";
  for (auto _ : state) benchmark::DoNotOptimize(unwrap_command(cmd, "/work/app"));
}
BENCHMARK(BM_UnwrapWrappers);

static void BM_UnwrapPipeline10(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(unwrap_command(bench::ten_stage_pipeline(), "/work/app"));
}
BENCHMARK(BM_UnwrapPipeline10);

static void BM_UnwrapScript1MiB(benchmark::State& state) {
  std::string cmd = bench::shell_script(1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(unwrap_command(cmd, "/work/app"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * cmd.size()));
}
BENCHMARK(BM_UnwrapScript1MiB)->Unit(benchmark::kMillisecond);
