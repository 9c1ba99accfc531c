// libFuzzer target: arbitrary text as SQL. libpg_query's parse tree and the
// scanner fallback must classify anything without crashing, every finding
// must say what it found, and text the parser rejects must fall back to the
// scanner rather than pass silently unread. The keyword prefilter of large
// scripts (a Hyperscan database) must agree with its plain reading.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sql/classify.h"
#include "sql/keyword_prefilter.h"
#include "sql/scanner_fallback.h"
#include "../sql/keyword_oracle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  auto verdict = dbguard::sql::classify(sql);
  for (const auto& f : verdict.findings)
    if (f.kind.empty()) std::abort();
  if (!verdict.parsed && verdict.parse_error.empty()) std::abort();
  for (const auto& f : dbguard::sql::scan_for_destructive(sql))
    if (f.kind.empty()) std::abort();
  if (dbguard::sql::names_destructive_keyword(sql) != dbguard::sql::oracle::names_destructive_keyword(sql)) std::abort();
  return 0;
}
