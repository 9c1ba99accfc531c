#include "packs/pack_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "match/matcher.h"

using namespace dbguard;
namespace fs = std::filesystem;

namespace {

fs::path write_pack(const std::string& name, const std::string& body) {
  fs::path dir = fs::temp_directory_path() / ("dbguard-pack-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / name) << body;
  return dir / name;
}

TEST(PackLoader, ShippedPacksAreValid) {
  packs::PackSet set;
  std::vector<std::string> errors;
  EXPECT_TRUE(packs::load_pack_dir(std::string(DBGUARD_SOURCE_DIR) + "/patterns", set, errors));
  EXPECT_TRUE(packs::validate(set, errors));
  for (const auto& e : errors) ADD_FAILURE() << e;
}

TEST(PackLoader, MacrosExpand) {
  EXPECT_EQ(packs::expand_macros("^docker{args} volume{opts} rm{end}"),
            "^docker(?: [^ ]*)* volume(?: -[^ ]*)* rm(?: |$)");
}

TEST(PackLoader, ErrorsNameFileAndRule) {
  auto path = write_pack("bad.toml", R"([pack]
id = "bad"
[[rule]]
id = "bad.one"
description = "d"
why = "w"
alternative = "a"
patterns = ['^x(?=y)']
)");
  packs::PackSet set;
  std::vector<std::string> errors;
  ASSERT_TRUE(packs::load_pack_file(path.string(), set, errors));
  EXPECT_FALSE(packs::validate(set, errors));
  bool named = false;
  for (const auto& e : errors) named = named || (e.find("bad.toml") != std::string::npos && e.find("bad.one") != std::string::npos);
  EXPECT_TRUE(named);
}

TEST(PackLoader, RejectsMalformedRules) {
  auto path = write_pack("worse.toml", R"([pack]
id = "worse"
[[rule]]
id = "other.prefix"
severity = "sometimes"
typo = 1
patterns = ['x']
)");
  packs::PackSet set;
  std::vector<std::string> errors;
  EXPECT_FALSE(packs::load_pack_file(path.string(), set, errors));
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  EXPECT_NE(all.find("must start with `worse.`"), std::string::npos) << all;
  EXPECT_NE(all.find("severity must be"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown key `typo`"), std::string::npos) << all;
  EXPECT_NE(all.find("missing `why`"), std::string::npos) << all;
}

TEST(PackLoader, WhenDynamicTakesMany) {
  auto path = write_pack("many.toml", R"([pack]
id = "many"
[[rule]]
id = "many.one"
description = "d"
why = "w"
alternative = "a"
patterns = ['^x {dyn}']
when_dynamic = "many"
[[rule]]
id = "many.two"
description = "d"
why = "w"
alternative = "a"
patterns = ['^y']
when_dynamic = "some"
)");
  packs::PackSet set;
  std::vector<std::string> errors;
  EXPECT_FALSE(packs::load_pack_file(path.string(), set, errors));
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_TRUE(set.rules[0].needs_many_dynamic);
  EXPECT_FALSE(set.rules[1].needs_many_dynamic);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("when_dynamic must be"), std::string::npos) << errors[0];
}

TEST(PackLoader, InvalidTomlNamesTheLine) {
  auto path = write_pack("broken.toml", "[pack]\nid = \"x\"\n[[rule]\n");
  packs::PackSet set;
  std::vector<std::string> errors;
  EXPECT_FALSE(packs::load_pack_file(path.string(), set, errors));
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].find("broken.toml:3"), std::string::npos) << errors[0];
}

// toml++ 3.3.0 reached __builtin_unreachable() when a non-ASCII character such as
// U+03A0 or U+00A7 stood where whitespace may (found by the pack_loader fuzz target;
// the build applies the upstream fix, cmake/tomlplusplus_fix.cmake). UBSan stops the
// sanitizer build here without it; every build must reject or read these cleanly.
TEST(PackLoader, NonAsciiWhereWhitespaceMayStandIsAParseError) {
  for (const char* body : {"[pack]\n\xce\xa0 = 1\n", "[pack]\nid = \xce\xa0\n", "[pack]\nid = 1 \xce\xa0\n",
                           "[pack]\n \xce\xa0 = 1\n"}) {
    auto path = write_pack("unicode.toml", body);
    packs::PackSet set;
    std::vector<std::string> errors;
    EXPECT_FALSE(packs::load_pack_file(path.string(), set, errors)) << body;
    ASSERT_FALSE(errors.empty()) << body;
    EXPECT_NE(errors[0].find("unicode.toml:2"), std::string::npos) << errors[0];
  }
  // Valid TOML: a line-ending backslash in a multi-line string trims the next line's
  // leading whitespace, so the character after it is looked at too.
  auto path = write_pack("trimmed.toml", "[pack]\nid = \"\"\"\\\n\xc2\xa7x\"\"\"\n");
  packs::PackSet set;
  std::vector<std::string> errors;
  packs::load_pack_file(path.string(), set, errors);
  for (const auto& e : errors) EXPECT_EQ(e.find("trimmed.toml:2"), std::string::npos) << e;
}

}  // namespace
