#include "unwrap/package_scripts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace dbguard;
namespace fs = std::filesystem;

namespace {

using V = std::vector<std::string>;

class PackageScriptFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dbguard-pkg-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "package.json") << R"({"scripts": {
      "db:drop": "prisma migrate reset --force", "db:seed": "node seed.js", "db:x:wipe": "dropdb app",
      "predb:drop": "echo pre", "build": "tsc", "lint": "eslint ."}})";
  }
  void TearDown() override { fs::remove_all(dir_); }

  V lines(const V& words) {
    std::vector<Arg> argv;
    for (const auto& w : words) argv.push_back(Arg{w, false});
    V out;
    for (const auto& l : plan_package_script(argv, dir_.string(), 1 << 20).lines) out.push_back(l.command);
    return out;
  }
  fs::path dir_;
};

TEST_F(PackageScriptFiles, RunAllRunsTheNamedScriptsWithTheirHooks) {
  EXPECT_EQ(lines({"run-s", "build", "lint"}), (V{"tsc", "eslint ."}));
  EXPECT_EQ(lines({"run-p", "--print-label", "db:drop"}), (V{"echo pre", "prisma migrate reset --force"}));
  EXPECT_EQ(lines({"npm-run-all", "--parallel", "build -- --watch"}), (V{"tsc -- --watch"}));
}

TEST_F(PackageScriptFiles, GlobsMatchScriptNames) {
  // * stays within one :-separated part; ** crosses parts
  EXPECT_EQ(lines({"npm-run-all", "db:*"}), (V{"echo pre", "prisma migrate reset --force", "node seed.js"}));
  EXPECT_EQ(lines({"run-s", "db:**"}).size(), 4u);
  EXPECT_EQ(lines({"npm", "run", "db:*"}), (V{"echo pre", "prisma migrate reset --force", "node seed.js"}));  // concurrently's npm:db:*
  EXPECT_TRUE(lines({"run-s", "nothing:*"}).empty());
}

}  // namespace

// bun X runs the package.json script X (bun's own commands are not scripts).
TEST_F(PackageScriptFiles, BunRunsAScriptByItsName) {
  EXPECT_EQ(lines({"bun", "db:drop"}), (V{"echo pre", "prisma migrate reset --force"}));
  EXPECT_EQ(lines({"bun", "run", "build"}), (V{"tsc"}));
  EXPECT_TRUE(lines({"bun", "install"}).empty());
  EXPECT_TRUE(lines({"bun", "test"}).empty());
}
