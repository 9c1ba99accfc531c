#include "match/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <hs/hs.h>

#include "packs/embedded.h"
#include "packs/pack_loader.h"

using namespace dbguard;

namespace {

packs::PackSet source_packs() {
  packs::PackSet set;
  std::vector<std::string> errors;
  EXPECT_TRUE(packs::load_pack_dir(std::string(DBGUARD_SOURCE_DIR) + "/patterns", set, errors));
  return set;
}

// An image copied to memory at a chosen offset from a 64-byte boundary.
struct Placed {
  std::unique_ptr<char, decltype(&std::free)> mem{nullptr, &std::free};
  char* at = nullptr;
  Placed(std::string_view image, std::size_t offset) {
    mem.reset(static_cast<char*>(std::aligned_alloc(64, (image.size() + offset + 63) / 64 * 64)));
    at = mem.get() + offset;
    std::memcpy(at, image.data(), image.size());
  }
};

std::vector<std::string> rule_ids(const packs::PackSet& set, const std::vector<PatternHit>& hits) {
  std::vector<std::string> ids;
  for (const auto& h : hits) ids.emplace_back(set.rules[h.rule].id);
  return ids;
}

const char* const kLines[] = {"docker compose down -v", "docker volume prune", "ls -la",
                              "psql -c 'DROP DATABASE app'", "terraform destroy"};

}  // namespace

TEST(Matcher, AnImageScansAsTheCompiledDatabase) {
  auto set = source_packs();
  std::string error;
  auto compiled = Matcher::compile(set, error);
  ASSERT_TRUE(compiled) << error;
  std::string image = compiled->image();
  ASSERT_FALSE(image.empty());
  Placed placed(image, 0);
  auto adopted = Matcher::adopt_image(set, placed.at, image.size(), error);
  ASSERT_TRUE(adopted) << error;
  for (const char* line : kLines) EXPECT_EQ(rule_ids(set, compiled->scan(line)), rule_ids(set, adopted->scan(line))) << line;
  EXPECT_FALSE(adopted->scan("docker volume prune").empty());
  EXPECT_TRUE(adopted->scan("ls -la").empty());
}

TEST(Matcher, TheEmbeddedImageIsThePatternsInTheTree) {
  // The build embeds what patterns/ compiles to: same rules hit, same order.
  auto set = source_packs();
  std::string error;
  auto compiled = Matcher::compile(set, error);
  ASSERT_TRUE(compiled) << error;
  auto db = packs::embedded_database_image();
  auto embedded = Matcher::adopt_image(packs::embedded_packs(), db.data(), db.size(), error);
  ASSERT_TRUE(embedded) << error;
  for (const char* line : kLines)
    EXPECT_EQ(rule_ids(set, compiled->scan(line)), rule_ids(packs::embedded_packs(), embedded->scan(line))) << line;
}

// The hook does not recompute the CRC of the images the binary carries (40% of a
// trivial call): the tests check them in full instead, on copies, as `dbguard
// patterns validate` does. Trust is by address: the same bytes elsewhere, damaged,
// are still refused, after the embedded image was adopted.
TEST(Matcher, TheEmbeddedImagesPassHyperscansFullCheck) {
  std::string error;
  EXPECT_TRUE(Matcher::image_intact(packs::embedded_database_image(), error)) << error;
  EXPECT_TRUE(Matcher::image_intact(packs::embedded_sql_keyword_image(), error)) << error;

  auto db = packs::embedded_database_image();
  ASSERT_TRUE(Matcher::adopt_embedded(packs::embedded_packs(), db, error)) << error;
  std::string flipped(db);
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x10);  // in the bytecode
  EXPECT_FALSE(Matcher::image_intact(flipped, error));
  EXPECT_NE(error.find("fails Hyperscan's checks"), std::string::npos) << error;
  Placed damaged(flipped, 0);
  EXPECT_FALSE(Matcher::adopt_image(packs::embedded_packs(), damaged.at, flipped.size(), error));
  std::string truncated(db.substr(0, db.size() - 64));
  EXPECT_FALSE(Matcher::image_intact(truncated, error));
}

// The binary may run on another machine than the one that built it: a database
// built for this CPU's features (AVX-512 here) is refused by Hyperscan on a CPU
// without them, and the guard would deny every call there.
TEST(Matcher, TheEmbeddedDatabaseNeedsNoCpuFeatures) {
  auto db = packs::embedded_database_image();
  char* info = nullptr;
  ASSERT_EQ(hs_database_info(reinterpret_cast<const hs_database_t*>(db.data()), &info), HS_SUCCESS);
  std::string text(info);
  std::free(info);
  auto features = text.find("Features:"), mode = text.find("Mode:");
  ASSERT_NE(features, std::string::npos) << text;
  ASSERT_NE(mode, std::string::npos) << text;
  EXPECT_EQ(text.substr(features + 9, mode - features - 9).find_first_not_of(' '), std::string::npos) << text;
}

TEST(Matcher, ADamagedImageIsRefusedNotUsed) {
  auto set = source_packs();
  std::string error;
  auto compiled = Matcher::compile(set, error);
  ASSERT_TRUE(compiled) << error;
  std::string image = compiled->image();
  ASSERT_GT(image.size(), 4096u);

  std::string flipped = image;
  flipped[image.size() / 2] = static_cast<char>(flipped[image.size() / 2] ^ 0x10);  // in the bytecode: CRC fails
  Placed damaged(flipped, 0);
  error.clear();
  EXPECT_FALSE(Matcher::adopt_image(set, damaged.at, flipped.size(), error));
  EXPECT_NE(error.find("unreadable"), std::string::npos) << error;

  std::string bad_magic = image;
  bad_magic[0] = static_cast<char>(bad_magic[0] ^ 1);
  Placed header(bad_magic, 0);
  error.clear();
  EXPECT_FALSE(Matcher::adopt_image(set, header.at, bad_magic.size(), error));
  EXPECT_FALSE(error.empty());

  Placed whole(image, 0);
  EXPECT_FALSE(Matcher::adopt_image(set, whole.at, image.size() - 1, error)) << "a truncated length";
  EXPECT_FALSE(Matcher::adopt_image(set, nullptr, image.size(), error));
}

TEST(Matcher, AnImageAwayFromItsAlignmentIsRefused) {
  // The bytecode's offset in the image depends on the address modulo 64.
  auto set = source_packs();
  std::string error;
  auto compiled = Matcher::compile(set, error);
  ASSERT_TRUE(compiled) << error;
  std::string image = compiled->image();
  for (std::size_t offset : {8u, 16u, 32u}) {
    Placed placed(image, offset);
    error.clear();
    EXPECT_FALSE(Matcher::adopt_image(set, placed.at, image.size(), error)) << offset;
    EXPECT_NE(error.find("unreadable"), std::string::npos) << error;
  }
}

// Hits come in order of where they end, and by rule where they end together,
// whatever order Hyperscan reported them in.
TEST(Matcher, HitsAreOrderedByEndThenRule) {
  std::string error;
  auto db = packs::embedded_database_image();
  auto m = Matcher::adopt_image(packs::embedded_packs(), db.data(), db.size(), error);
  ASSERT_TRUE(m) << error;
  for (const char* line : {"DJANGO_SETTINGS_MODULE=app.settings.production python3 manage.py dbshell",
                           "docker compose down -v", "psql postgresql://db.prod.example.com/app -c 'DROP TABLE t'"}) {
    auto hits = m->scan(line);
    EXPECT_TRUE(std::is_sorted(hits.begin(), hits.end(), [](const PatternHit& a, const PatternHit& b) {
      return a.end != b.end ? a.end < b.end : a.rule < b.rule;
    })) << line;
  }
}

TEST(Matcher, CompiledAndSerializedAgree) {
  // The serialized form remains the custom packs' cache format.
  auto set = source_packs();
  std::string error;
  auto compiled = Matcher::compile(set, error);
  ASSERT_TRUE(compiled) << error;
  std::string bytes = compiled->serialize();
  auto loaded = Matcher::deserialize(set, bytes.data(), bytes.size(), error);
  ASSERT_TRUE(loaded) << error;
  for (const char* line : kLines) EXPECT_EQ(rule_ids(set, compiled->scan(line)), rule_ids(set, loaded->scan(line))) << line;
}
