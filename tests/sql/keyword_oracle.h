// The SQL keyword prefilter's meaning, written out plainly (the byte loop the
// Hyperscan database replaced): whether a maximal run of identifier characters
// (ASCII letters, digits, `_`) equals one of the keywords, in any case. The unit
// test and the sql fuzz target compare names_destructive_keyword() with it.
#pragma once

#include <cctype>
#include <string_view>

#include "sql/keyword_prefilter.h"

namespace dbguard::sql::oracle {

inline bool names_destructive_keyword(std::string_view text) {
  auto ident = [](unsigned char c) { return c < 0x80 && (std::isalnum(c) || c == '_'); };
  for (std::size_t i = 0; i < text.size();) {
    if (!ident(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && ident(static_cast<unsigned char>(text[j]))) ++j;
    for (auto w : kDestructiveKeywords) {
      if (w.size() != j - i) continue;
      std::size_t k = 0;
      while (k < w.size() && std::toupper(static_cast<unsigned char>(text[i + k])) == w[k]) ++k;
      if (k == w.size()) return true;
    }
    i = j;
  }
  return false;
}

}  // namespace dbguard::sql::oracle
