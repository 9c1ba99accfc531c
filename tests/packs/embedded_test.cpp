#include "packs/embedded.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "packs/pack_loader.h"

using namespace dbguard::packs;

namespace {

std::vector<std::string> strings(std::span<const std::string_view> list) { return {list.begin(), list.end()}; }

}  // namespace

// The constant tables dbguard_packc writes hold what the pack files say, rule
// by rule and list by list (each rule's lists are slices of one text table).
TEST(EmbeddedPacks, HoldEveryRuleOfThePackFilesAsLoaded) {
  PackSet source;
  std::vector<std::string> errors;
  ASSERT_TRUE(load_pack_dir(std::string(DBGUARD_SOURCE_DIR) + "/patterns", source, errors));
  const PackSet& embedded = embedded_packs();
  ASSERT_EQ(embedded.rules.size(), source.rules.size());
  for (std::size_t i = 0; i < source.rules.size(); ++i) {
    const Rule& e = embedded.rules[i];
    const Rule& s = source.rules[i];
    SCOPED_TRACE(std::string(s.id));
    EXPECT_EQ(e.id, s.id);
    EXPECT_EQ(e.pack, s.pack);
    EXPECT_EQ(e.description, s.description);
    EXPECT_EQ(e.why, s.why);
    EXPECT_EQ(e.alternative, s.alternative);
    EXPECT_EQ(e.sql_kind, s.sql_kind);
    EXPECT_EQ(e.severity, s.severity);
    EXPECT_EQ(e.kind, s.kind);
    EXPECT_EQ(e.requires_production, s.requires_production);
    EXPECT_EQ(e.caseless, s.caseless);
    EXPECT_EQ(e.needs_fed_stdin, s.needs_fed_stdin);
    EXPECT_EQ(e.needs_many_dynamic, s.needs_many_dynamic);
    EXPECT_EQ(strings(e.patterns), strings(s.patterns));
    EXPECT_EQ(strings(e.unless), strings(s.unless));
  }
  ASSERT_EQ(embedded.settings.size(), source.settings.size());
  for (const auto& [name, list] : source.settings) {
    SCOPED_TRACE(std::string(name));
    EXPECT_EQ(strings(embedded.setting(name)), strings(list));
  }
}

// A loaded rule's lists stay valid in copies of its set after the set is gone
// (the engine keeps a copy of the packs it was built from).
TEST(EmbeddedPacks, LoadedListsOutliveTheirSetInCopies) {
  PackSet copy;
  {
    PackSet source;
    std::vector<std::string> errors;
    ASSERT_TRUE(load_pack_dir(std::string(DBGUARD_SOURCE_DIR) + "/patterns", source, errors));
    copy = source;
  }
  const Rule* r = copy.find("containers.volume-prune");
  ASSERT_NE(r, nullptr);
  ASSERT_FALSE(r->patterns.empty());
  EXPECT_NE(std::string(r->patterns[0]).find("volume"), std::string::npos);
}
