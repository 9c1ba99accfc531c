// Speed of SQL analysis (guard/sql): libpg_query's parse tree, judged.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "perf_inputs.h"
#include "sql/classify.h"

using namespace dbguard;

// classify() remembers the verdicts of recent short texts: these cycle through more
// distinct texts than it keeps, so each one is parsed.
static std::vector<std::string> variants(const std::string& sql) {
  std::vector<std::string> v;
  for (int i = 0; i < 1000; ++i) v.push_back(sql + " -- " + std::to_string(i));
  return v;
}

static void classify_each(benchmark::State& state, const std::string& sql) {
  auto texts = variants(sql);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(sql::classify(texts[i++ % texts.size()]));
}

static void BM_ClassifyStatement(benchmark::State& state) {
  classify_each(state, "SELECT id, email FROM users WHERE created_at > now() - interval '1 day' ORDER BY id");
}
BENCHMARK(BM_ClassifyStatement);

// The same text again (a run-time argument's candidates, a batch's repeated query).
static void BM_ClassifyStatementRepeated(benchmark::State& state) {
  const std::string sql = "SELECT id, email FROM users WHERE created_at > now() - interval '1 day' ORDER BY id";
  for (auto _ : state) benchmark::DoNotOptimize(sql::classify(sql));
}
BENCHMARK(BM_ClassifyStatementRepeated);

static void BM_ClassifyDestructive(benchmark::State& state) {
  classify_each(state, "BEGIN; DELETE FROM sessions; DROP TABLE legacy_users CASCADE; COMMIT;");
}
BENCHMARK(BM_ClassifyDestructive);

static void BM_ClassifyUnparseable(benchmark::State& state) {
  classify_each(state, "DROP TABLE users; this is not sql at all ((");  // scanner fallback
}
BENCHMARK(BM_ClassifyUnparseable);

static void BM_ClassifyInserts(benchmark::State& state) {
  std::string sql = bench::sql_inserts(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(sql::classify(sql));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sql.size()));
}
BENCHMARK(BM_ClassifyInserts)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMillisecond);
