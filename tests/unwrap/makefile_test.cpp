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
  auto dry = plan_make(args({"make", "-n", "x"}), dir.string(), 1 << 20);
  EXPECT_TRUE(dry.dry_run);
  EXPECT_TRUE(dry.lines.empty());
  EXPECT_FALSE(plan_make(args({"make", "--version"}), dir.string(), 1 << 20).runs_recipes);
  EXPECT_EQ(commands(plan_make(args({"make", "x", "T=down -v"}), dir.string(), 1 << 20)),
            (std::vector<std::string>{"docker compose down -v"}));
}

TEST(MakePlan, CannedRecipesAreRecipeLines) {
  auto dir = project("define RESET\n\t@docker compose down -v\n\tdocker compose up -d\nendef\n"
                     "define DROP =\ndropdb $(1)\nendef\n"
                     "reset:\n\t$(RESET)\ndrop:\n\t$(call DROP,app_dev)\n");
  EXPECT_EQ(commands(plan_make(args({"make", "reset"}), dir.string(), 1 << 20)),
            (std::vector<std::string>{"docker compose down -v", "docker compose up -d"}));
  auto drop = plan_make(args({"make", "drop"}), dir.string(), 1 << 20);
  EXPECT_EQ(commands(drop), (std::vector<std::string>{"dropdb app_dev"}));
  EXPECT_EQ(drop.lines.at(0).origin, "Makefile:11 (target drop)");
}

TEST(MakePlan, CallSubstitutesParametersInOneLineVariables) {
  auto dir = project("rmvol = docker volume rm $(1)_$(2)\nclean:\n\t$(call rmvol,app,pgdata)\n"
                     "each:\n\t$(foreach v,a b,docker volume rm $(v);)\n");
  EXPECT_EQ(commands(plan_make(args({"make", "clean"}), dir.string(), 1 << 20)),
            (std::vector<std::string>{"docker volume rm app_pgdata"}));
  EXPECT_EQ(commands(plan_make(args({"make", "each"}), dir.string(), 1 << 20)),
            (std::vector<std::string>{"docker volume rm a; docker volume rm b;"}));
}

TEST(MakePlan, PatternRulesMatchTheGoalWithStemAndTarget) {
  auto dir = project("reset-%: stop-%\n\tdropdb $* # $@\nstop-%:\n\techo stop $*\nreset-keep:\n\techo kept\n");
  EXPECT_EQ(commands(plan_make(args({"make", "reset-app"}), dir.string(), 1 << 20)),
            (std::vector<std::string>{"echo stop app", "dropdb app # reset-app"}));
  EXPECT_EQ(commands(plan_make(args({"make", "reset-keep"}), dir.string(), 1 << 20)),
            (std::vector<std::string>{"echo kept"}));
  auto stat = project("DBS = a b\n$(DBS:%=drop-%): drop-%:\n\tdropdb $*\n");
  EXPECT_EQ(commands(plan_make(args({"make", "drop-b"}), stat.string(), 1 << 20)),
            (std::vector<std::string>{"dropdb b"}));
}

TEST(MakePlan, DryRunStillListsPlusLinesAndMakeRecursion) {
  auto dir = project("reset:\n\techo planning\n\t+docker compose down -v\n\t$(MAKE) seed\nseed:\n\t+@psql -c 'select 1'\n");
  auto plan = plan_make(args({"make", "-n", "reset"}), dir.string(), 1 << 20);
  EXPECT_EQ(commands(plan), (std::vector<std::string>{"docker compose down -v", "make -n seed"}));
  EXPECT_EQ(commands(plan_make(args({"make", "-nk", "seed"}), dir.string(), 1 << 20)),
            (std::vector<std::string>{"psql -c 'select 1'"}));
  // -p prints the database and then runs the goals as usual
  EXPECT_EQ(plan_make(args({"make", "-p", "reset"}), dir.string(), 1 << 20).lines.size(), 3u);
}

TEST(MakePlan, EvalMakesTheRecipeUnknowable) {
  auto dir = project("reset:\n\t$(eval CMD := docker compose down -v)\n\t$(CMD)\n"
                     "$(foreach d,a b,$(eval $(call GEN,$(d))))\nbuild:\n\tgo build\n");
  auto plan = plan_make(args({"make", "reset"}), dir.string(), 1 << 20);
  ASSERT_EQ(plan.unknowable.size(), 1u);
  EXPECT_NE(plan.unknowable[0].detail.find("Makefile:2 (target reset)"), std::string::npos);
  EXPECT_NE(plan.unknowable[0].reach_text.find("docker compose down"), std::string::npos);
  EXPECT_EQ(plan_make(args({"make", "gen-a"}), dir.string(), 1 << 20).unknowable.size(), 1u);
  EXPECT_TRUE(plan_make(args({"make", "build"}), dir.string(), 1 << 20).unknowable.empty());
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
