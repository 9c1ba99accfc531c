// The prefilter of large SQL scripts: a script that names none of the keywords
// every SQL finding needs (the parser's and the scanner's) holds nothing the guard
// would find, and is not parsed. A seed file of a million INSERTs is the usual case.
#pragma once

#include <string_view>

#include "packs/rule.h"

namespace dbguard::sql {

// As whole words in any case: identifier characters (letters, digits, `_`) bound
// a word, so DOUBLE or update_at do not count; a word inside a string or a
// comment does (it only costs a parse). may_be_destructive() looks at tokens,
// this at words, which is never less.
inline constexpr std::string_view kDestructiveKeywords[] = {"DROP",     "TRUNCATE",  "DELETE",  "UPDATE", "DO",
                                                            "FUNCTION", "PROCEDURE", "PREPARE", "PROGRAM"};
// The same words for Hyperscan (caseless), compiled into the binary with the packs
// (packs/packc_main.cpp). Hyperscan's \b is ASCII's: \w is [0-9A-Za-z_].
inline constexpr std::string_view kDestructiveKeywordExpression =
    R"(\b(?:DROP|TRUNCATE|DELETE|UPDATE|DO|FUNCTION|PROCEDURE|PREPARE|PROGRAM)\b)";

// kDestructiveKeywordExpression as a pack set of one caseless rule: how the pack
// compiler builds the database and the prefilter reads it.
inline const packs::PackSet& keyword_pack_set() {
  static const packs::PackSet set = [] {
    static constexpr std::string_view patterns[] = {kDestructiveKeywordExpression};
    packs::PackSet s;
    packs::Rule r;
    r.id = "sql.keyword-prefilter";
    r.caseless = true;
    r.patterns = patterns;
    s.rules.push_back(r);
    return s;
  }();
  return set;
}

// Whether `text` names one of kDestructiveKeywords. When the scan cannot run it
// answers yes: the script is then parsed, never skipped.
bool names_destructive_keyword(std::string_view text);

}  // namespace dbguard::sql
