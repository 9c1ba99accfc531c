// Speed of SQL analysis (guard/sql): libpg_query's parse tree, judged.
#include <benchmark/benchmark.h>

#include "perf_inputs.h"
#include "sql/classify.h"

using namespace dbguard;

static void BM_ClassifyStatement(benchmark::State& state) {
  const std::string sql = "SELECT id, email FROM users WHERE created_at > now() - interval '1 day' ORDER BY id";
  for (auto _ : state) benchmark::DoNotOptimize(sql::classify(sql));
}
BENCHMARK(BM_ClassifyStatement);

static void BM_ClassifyDestructive(benchmark::State& state) {
  const std::string sql = "BEGIN; DELETE FROM sessions; DROP TABLE legacy_users CASCADE; COMMIT;";
  for (auto _ : state) benchmark::DoNotOptimize(sql::classify(sql));
}
BENCHMARK(BM_ClassifyDestructive);

static void BM_ClassifyUnparseable(benchmark::State& state) {
  const std::string sql = "DROP TABLE users; this is not sql at all ((";  // scanner fallback
  for (auto _ : state) benchmark::DoNotOptimize(sql::classify(sql));
}
BENCHMARK(BM_ClassifyUnparseable);

static void BM_ClassifyInserts(benchmark::State& state) {
  std::string sql = bench::sql_inserts(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(sql::classify(sql));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sql.size()));
}
BENCHMARK(BM_ClassifyInserts)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMillisecond);
