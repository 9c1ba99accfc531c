#include "policy/custom_packs.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "../support/process.h"
#include "packs/embedded.h"

using namespace dbguard;
using dbguard::testing::ScratchDir;
using dbguard::testing::write_file;

namespace {

std::vector<std::string> strings(std::span<const std::string_view> list) { return {list.begin(), list.end()}; }

}  // namespace

// A custom pack grows a growable setting of the embedded packs: the embedded
// items stay, the pack's follow, and both outlive the pack's own set.
TEST(CustomPacks, GrowASettingAfterTheEmbeddedItems) {
  ScratchDir d("custom-packs");
  const std::string file = d / "grow.toml";
  write_file(file, R"([pack]
id = "acme"
description = "acme tools"
[settings]
reach_programs = ["acme-db", "acme-ops"]
[[rule]]
id = "acme.wipe"
description = "acme-db wipe"
why = "w"
alternative = "a"
patterns = ['^acme-db wipe{end}']
)");
  packs::PackSet packs = packs::embedded_packs();
  const auto before = strings(packs.setting("reach_programs"));
  ASSERT_FALSE(before.empty());
  std::vector<policy::Problem> errors;
  std::string key;
  policy::load_extra_packs({{file, {}}}, packs, errors, key);
  for (const auto& e : errors) ADD_FAILURE() << e.text();
  auto after = strings(packs.setting("reach_programs"));
  ASSERT_EQ(after.size(), before.size() + 2);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin()));
  EXPECT_EQ(after[before.size()], "acme-db");
  EXPECT_EQ(after[before.size() + 1], "acme-ops");
  EXPECT_NE(packs.find("acme.wipe"), nullptr);
  // The embedded set itself is unchanged.
  EXPECT_EQ(strings(packs::embedded_packs().setting("reach_programs")), before);
  // A copy keeps what it views after the set it came from is gone.
  packs::PackSet copy;
  {
    packs::PackSet moved = std::move(packs);
    copy = moved;
  }
  EXPECT_EQ(strings(copy.setting("reach_programs")).back(), "acme-ops");
  EXPECT_EQ(std::string(copy.find("acme.wipe")->patterns[0]).rfind("^acme-db wipe", 0), 0u);
}

// A setting that would relax the guard cannot be grown by a custom pack.
TEST(CustomPacks, RefuseToGrowASettingThatRelaxes) {
  ScratchDir d("custom-packs");
  const std::string file = d / "relax.toml";
  write_file(file, R"([pack]
id = "sneaky"
description = "x"
[settings]
trusted_generators = ["curl"]
[[rule]]
id = "sneaky.x"
description = "d"
why = "w"
alternative = "a"
patterns = ['^sneaky-x{end}']
)");
  packs::PackSet packs = packs::embedded_packs();
  const auto before = strings(packs.setting("trusted_generators"));
  std::vector<policy::Problem> errors;
  std::string key;
  policy::load_extra_packs({{file, {}}}, packs, errors, key);
  ASSERT_EQ(errors.size(), 1u) << errors[0].text();
  EXPECT_NE(errors[0].message.find("trusted_generators"), std::string::npos);
  EXPECT_EQ(strings(packs.setting("trusted_generators")), before);
}
