#include "unwrap/script_dir.h"

#include <re2/re2.h>

namespace dbguard {
namespace {

// $0, ${0}, $BASH_SOURCE, ${BASH_SOURCE}, ${BASH_SOURCE[0]}, each maybe double-quoted;
// also through realpath / readlink -f. $(dirname X) or `dirname X` of it, optionally
// inside $(cd … && pwd); and ${0%/*}.
std::string idiom_pattern() {
  const std::string self = R"re("?\$(?:0|\{0\}|BASH_SOURCE|\{BASH_SOURCE(?:\[0\])?\})"?)re";
  const std::string resolved_self =
      R"re((?:)re" + self + R"re(|"?\$\((?:realpath|readlink\s+-f)\s+)re" + self + R"re(\)"?))re";
  const std::string dirname_of = R"re(\$\(dirname\s+(?:--\s+)?)re" + resolved_self + R"re(\s*\))re";
  const std::string cd_pwd = R"re(\$\(\s*cd\s+(?:-P\s+)?(?:--\s+)?"?)re" + dirname_of +
                             R"re("?\s*(?:(?:&>|>)\s*/dev/null\s*)?(?:2>&1\s*)?(?:&&|;)\s*pwd(?:\s+-P)?\s*\))re";
  return R"re((?:)re" + cd_pwd + "|" + dirname_of + R"re(|`dirname\s+)re" + self +
         R"re(`|\$\{(?:0|BASH_SOURCE(?:\[0\])?)%/\*\}))re";
}

}  // namespace

std::string with_script_dir(const std::string& text, const std::string& dir) {
  if (text.find("$0") == std::string::npos && text.find("${0") == std::string::npos &&
      text.find("BASH_SOURCE") == std::string::npos)
    return text;
  static const RE2 idiom(idiom_pattern());
  std::string rewrite;
  for (char c : dir) {
    if (c == '\\') rewrite += '\\';
    rewrite += c;
  }
  std::string out = text;
  RE2::GlobalReplace(&out, idiom, rewrite);
  return out;
}

}  // namespace dbguard
