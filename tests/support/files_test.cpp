#include "support/files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>

using namespace dbguard;

namespace {

namespace fs = std::filesystem;

class DirectoryProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("dbguard-probe-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "real");
    std::ofstream(root_ / "file.txt") << "x";
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string at(const std::string& rel) const { return (root_ / rel).string(); }

  fs::path root_;
};

TEST_F(DirectoryProbeTest, AnswersAsStat) {
  DirectoryProbe probe;
  EXPECT_TRUE(probe.is_directory(at("real")));
  EXPECT_TRUE(probe.is_directory(at("real") + "/"));
  EXPECT_FALSE(probe.is_directory(at("file.txt")));
  EXPECT_FALSE(probe.is_directory(at("nothing")));
  EXPECT_FALSE(probe.is_directory(at("file.txt/under")));
}

// What a decision found missing stays missing for it: a directory made under a
// missing one afterwards is not looked for (nothing runs while the guard decides).
TEST_F(DirectoryProbeTest, APathUnderAMissingDirectoryIsMissingWithoutAStat) {
  DirectoryProbe probe;
  EXPECT_FALSE(probe.is_directory(at("build/m1/assets/")));
  fs::create_directories(root_ / "build/m2/assets");
  EXPECT_FALSE(probe.is_directory(at("build/m2/assets/")));
  EXPECT_TRUE(DirectoryProbe().is_directory(at("build/m2/assets/")));  // a new decision sees it
  EXPECT_TRUE(probe.is_directory(at("real")));                         // beside it: asked
}

// Paths with dot components are asked for as written: the kernel resolves them
// (`gone/..` fails when gone does not exist, as the command itself would).
TEST_F(DirectoryProbeTest, DotComponentsAreAskedForAsWritten) {
  DirectoryProbe probe;
  EXPECT_FALSE(probe.is_directory(at("gone/x")));
  EXPECT_FALSE(probe.is_directory(at("gone/../real")));
  EXPECT_TRUE(probe.is_directory(at("real/../real")));
  EXPECT_TRUE(probe.is_directory(at("real/./")));
}

}  // namespace

// Every relative path of one to four components drawn from names that normalizing
// treats differently: a plain name, `.`, `..`, dot files, the empty name (a doubled
// slash), and names that only start or end like the dot components.
namespace {
void for_each_relative_path(const std::function<void(const std::string&)>& fn) {
  const std::vector<std::string> parts = {"a", ".", "..", ".claude", "", "b.", "..x"};
  for (std::size_t len = 1; len <= 4; ++len) {
    std::size_t combos = 1;
    for (std::size_t k = 0; k < len; ++k) combos *= parts.size();
    for (std::size_t c = 0; c < combos; ++c) {
      std::string rel;
      for (std::size_t k = 0, v = c; k < len; ++k, v /= parts.size()) rel += (k ? "/" : "") + parts[v % parts.size()];
      fn(rel);
    }
  }
}
}  // namespace

// normal_path takes shortcuts for the paths most commands name (no `.`/`..`
// component, no doubled slash); every path must still come out as
// lexically_normal() makes it, without a trailing slash.
TEST(NormalPath, AsLexicallyNormalWithoutATrailingSlash) {
  EXPECT_EQ(normal_path("/a/b"), "/a/b");
  EXPECT_EQ(normal_path("/a//b/"), "/a/b");
  EXPECT_EQ(normal_path("/a/./b"), "/a/b");
  EXPECT_EQ(normal_path("/a/b/../c"), "/a/c");
  EXPECT_EQ(normal_path("/a/.claude//settings.json"), "/a/.claude/settings.json");
  EXPECT_EQ(normal_path("./x"), "x");
  EXPECT_EQ(normal_path(".claude/x"), ".claude/x");
  EXPECT_EQ(normal_path("/a/b/."), "/a/b");
  EXPECT_EQ(normal_path("/"), "/");
  EXPECT_EQ(normal_path("//"), "/");
  EXPECT_EQ(normal_path("a/.."), ".");

  // Every path of up to four components drawn from these, absolute or not.
  auto expected = [](const std::string& p) {
    std::string n = std::filesystem::path(p).lexically_normal().string();
    while (n.size() > 1 && n.back() == '/') n.pop_back();
    return n;
  };
  std::size_t checked = 0;
  for_each_relative_path([&](const std::string& rel) {
    for (const std::string& p : {rel, "/" + rel}) {
      if (p.empty()) continue;
      ASSERT_EQ(normal_path(p), expected(p)) << p;
      ++checked;
    }
  });
  EXPECT_GT(checked, 5000u);
}

// The data-directory search normalizes and walks up every target of an `rm -r`
// without std::filesystem's parse: both must say what std::filesystem says.
TEST(LexicallyNormalKept, AsStdFilesystemWithItsTrailingSlash) {
  std::size_t checked = 0;
  for_each_relative_path([&](const std::string& rel) {
    for (const std::string& p : {rel, "/" + rel, "/" + rel + "/"}) {
      if (p.empty()) continue;
      const std::string normal = std::filesystem::path(p).lexically_normal().string();
      ASSERT_EQ(lexically_normal_kept(p), normal) << p;
      // Up from a normal path, as parent_path() goes (the root is its own parent).
      std::filesystem::path up(normal);
      for (std::string_view mine = normal; !mine.empty(); mine = parent_of(mine)) {
        ASSERT_EQ(std::string(mine), up.string()) << p;
        ASSERT_EQ(parent_of(mine) == mine, up.parent_path() == up) << p;  // the root, where the walk stops
        if (parent_of(mine) == mine) break;
        up = up.parent_path();
      }
      ++checked;
    }
  });
  EXPECT_GT(checked, 7000u);
  EXPECT_EQ(parent_of("/a/b/"), "/a/b");
  EXPECT_EQ(parent_of("/a"), "/");
  EXPECT_EQ(parent_of("a"), "");
}

// A relative path joins its directory with exactly one slash; others are kept as written.
TEST(ResolvePath, JoinsARelativePathToItsDirectory) {
  EXPECT_EQ(resolve_path("/srv/app", "data/x.sql"), "/srv/app/data/x.sql");
  EXPECT_EQ(resolve_path("/srv/app/", "data"), "/srv/app/data");
  EXPECT_EQ(resolve_path("/", "etc"), "/etc");
  EXPECT_EQ(resolve_path("/srv", "/etc/passwd"), "/etc/passwd");
  EXPECT_EQ(resolve_path("/srv", "~/x"), "~/x");
  EXPECT_EQ(resolve_path("", "x"), "x");
  EXPECT_EQ(resolve_path("/srv", ""), "");
}
