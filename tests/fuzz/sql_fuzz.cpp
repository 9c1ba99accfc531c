// libFuzzer target: arbitrary text as SQL. libpg_query's parse tree and the
// scanner fallback must classify anything without crashing, every finding
// must say what it found, and text the parser rejects must fall back to the
// scanner rather than pass silently unread. The keyword prefilter of large
// scripts (a Hyperscan database) must agree with its plain reading, and the splitter
// must give the same statements a piece at a time as whole.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pg_query.h>

#include "sql/classify.h"
#include "sql/keyword_prefilter.h"
#include "sql/scanner_fallback.h"
#include "support/utf8.h"
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
  // A text split a few bytes at a time gives the statements it gives whole, where
  // the scanner reads it to its end (valid UTF-8, as every caller hands it).
  const std::string text(sql);
  if (text.find('\0') == std::string::npos && dbguard::valid_utf8_prefix(text) == text.size()) {
    PgQuerySplitResult split = pg_query_split_with_scanner(text.c_str());
    const bool clean = split.error == nullptr;
    pg_query_free_split_result(split);
    if (clean) {
      auto statements = [&](std::size_t piece) {
        std::vector<std::pair<std::size_t, std::size_t>> out;  // where each lies in the text
        dbguard::sql::for_each_statement(
            text, [&](std::string_view s) { out.emplace_back(s.data() - text.data(), s.size()); }, piece);
        return out;
      };
      if (statements(7) != statements(text.size() + 1)) std::abort();
    }
  }
  return 0;
}
