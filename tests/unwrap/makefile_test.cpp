#include "unwrap/makefile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "unwrap/package_scripts.h"

using namespace dbguard;
namespace fs = std::filesystem;

namespace {

fs::path project(const std::string& makefile, const std::string& package_json = "") {
  fs::path dir = fs::temp_directory_path() / ("dbguard-make-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(std::hash<std::string>{}(makefile + package_json)));
  fs::create_directories(dir);
  if (!makefile.empty()) std::ofstream(dir / "Makefile") << makefile;
  if (!package_json.empty()) std::ofstream(dir / "package.json") << package_json;
  return dir;
}

std::vector<Arg> args(std::initializer_list<const char*> words) {
  std::vector<Arg> v;
  for (const char* w : words) v.push_back(Arg{w, false});
  return v;
}

std::vector<std::string> commands(const MakePlan& p) {
  std::vector<std::string> v;
  for (const auto& l : p.lines) v.push_back(l.command);
  return v;
}

TEST(MakePlan, FollowsPrerequisitesVariablesAndOrigins) {
  auto dir = project("DC = docker compose\nFLAGS := -v\n.PHONY: reset clean\nreset: clean\n\t@echo done\nclean:\n\t-$(DC) down $(FLAGS)\n");
  auto plan = plan_make(args({"make", "reset"}), dir.string(), 1 << 20);
  EXPECT_EQ(commands(plan), (std::vector<std::string>{"docker compose down -v", "echo done"}));
  EXPECT_EQ(plan.lines[0].origin, "Makefile:7 (target clean)");
}

TEST(MakePlan, DefaultTargetContinuationsAndShellFunction) {
  auto dir = project("all: build\nbuild:\n\tgo build \\\n\t  ./...\nX = $(shell docker volume ls -q)\nclean:\n\techo $(X)\n");
  EXPECT_EQ(commands(plan_make(args({"make"}), dir.string(), 1 << 20)), (std::vector<std::string>{"go build ./..."}));
  EXPECT_EQ(commands(plan_make(args({"make", "clean"}), dir.string(), 1 << 20)),
            (std::vector<std::string>{"echo $(docker volume ls -q)"}));
}

TEST(MakePlan, DryRunRunsNothingAndCommandLineVariablesWin) {
  auto dir = project("T = logs\nx:\n\tdocker compose $(T)\n");
  EXPECT_FALSE(plan_make(args({"make", "-n", "x"}), dir.string(), 1 << 20).runs_recipes);
  EXPECT_EQ(commands(plan_make(args({"make", "x", "T=down -v"}), dir.string(), 1 << 20)),
            (std::vector<std::string>{"docker compose down -v"}));
}

TEST(MakePlan, MissingMakefileIsReported) {
  auto plan = plan_make(args({"make", "x"}), "/nonexistent-dir", 1 << 20);
  EXPECT_TRUE(plan.lines.empty());
  EXPECT_FALSE(plan.error.empty());
}

TEST(PackageScripts, RunsPreScriptAndPost) {
  auto dir = project("", R"({"scripts":{"predb:reset":"echo pre","db:reset":"prisma migrate reset --force","test":"jest"}})");
  auto npm = plan_package_script(args({"npm", "run", "db:reset"}), dir.string(), 1 << 20);
  ASSERT_TRUE(npm.applies);
  ASSERT_EQ(npm.lines.size(), 2u);
  EXPECT_EQ(npm.lines[1].command, "prisma migrate reset --force");
  EXPECT_EQ(npm.lines[1].origin, "package.json scripts.db:reset");
  EXPECT_EQ(plan_package_script(args({"yarn", "db:reset"}), dir.string(), 1 << 20).lines.size(), 2u);
  EXPECT_EQ(plan_package_script(args({"npm", "test"}), dir.string(), 1 << 20).lines.at(0).command, "jest");
  EXPECT_FALSE(plan_package_script(args({"yarn", "add", "left-pad"}), dir.string(), 1 << 20).applies);
}

}  // namespace
