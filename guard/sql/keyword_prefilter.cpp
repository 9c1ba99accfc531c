#include "sql/keyword_prefilter.h"

#include <memory>
#include <string>

#include "match/matcher.h"
#include "packs/embedded.h"

namespace dbguard::sql {
namespace {

const Matcher* keyword_matcher() {
  static const std::unique_ptr<Matcher> matcher = [] {
    // The database the pack compiler built, used where it lies in the binary.
    auto image = packs::embedded_sql_keyword_image();
    std::string error;
    return Matcher::adopt_embedded(keyword_pack_set(), image, error);
  }();
  return matcher.get();
}

}  // namespace

bool names_destructive_keyword(std::string_view text) {
  // Hyperscan reads a megabyte script at about a byte a cycle; the byte loop it
  // replaces took 17 instructions a byte.
  const Matcher* m = keyword_matcher();
  if (!m) return true;
  return !m->scan(text).empty();
}

}  // namespace dbguard::sql
