// Speed of pattern matching (guard/match): the embedded Hyperscan database,
// its start-up cost (the image adopted in place and its scratch allocated: no
// compilation, no copy) and one scan per invocation.
#include <benchmark/benchmark.h>

#include "match/haystack.h"
#include "match/matcher.h"
#include "packs/embedded.h"
#include "perf_inputs.h"
#include "unwrap/unwrap.h"

using namespace dbguard;

static std::unique_ptr<Matcher> load() {
  std::string error;
  auto db = packs::embedded_database_image();
  return Matcher::adopt_image(packs::embedded_packs(), db.data(), db.size(), error);
}

static void BM_LoadEmbeddedDatabase(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(load());
  state.counters["db_bytes"] = static_cast<double>(packs::embedded_database_image().size());
}
BENCHMARK(BM_LoadEmbeddedDatabase)->Unit(benchmark::kMicrosecond);

static void BM_ScanEveryday(benchmark::State& state) {
  auto m = load();
  std::vector<std::string> haystacks;
  for (const auto& c : bench::everyday())
    for (const auto& inv : unwrap_command(c, "/work/app").invocations) haystacks.push_back(build_haystack(inv).text);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(m->scan(haystacks[i++ % haystacks.size()]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ScanEveryday);

static void BM_BuildHaystackEveryday(benchmark::State& state) {
  std::vector<Invocation> invs;
  for (const auto& c : bench::everyday())
    for (auto& inv : unwrap_command(c, "/work/app").invocations) invs.push_back(std::move(inv));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(build_haystack(invs[i++ % invs.size()]));
}
BENCHMARK(BM_BuildHaystackEveryday);

static void BM_Scan1MiB(benchmark::State& state) {
  auto m = load();
  std::string text(1 << 20, 'a');
  for (std::size_t i = 0; i < text.size(); i += 80) text[i] = ' ';
  for (auto _ : state) benchmark::DoNotOptimize(m->scan(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Scan1MiB)->Unit(benchmark::kMicrosecond);
