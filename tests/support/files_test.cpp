#include "support/files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
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
