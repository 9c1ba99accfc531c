// A script run with known arguments: $1, $2, … are bound, and a `case` on them runs
// only the clauses the shell would (so `./dev.sh test` is not judged by its reset branch).
#include "unwrap/unwrap.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace dbguard;
namespace fs = std::filesystem;

namespace {

class ScriptArguments : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dbguard-script-args-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write("dev.sh",
          "case \"$1\" in\n  up) docker compose up -d ;;\n  test|t) npm test ;;\n  reset) docker compose down -v ;;\n"
          "  *) echo usage ;;\nesac\n");
    write("shift.sh", "shift\ncase \"$1\" in ok) echo ok ;; *) dropdb app ;; esac\n");
    write("fn.sh", "run() { case \"$1\" in wipe) dropdb app ;; *) echo \"$1\" ;; esac; }\nrun wipe\n");
    write("fall.sh", "case \"$1\" in a) echo a ;& b) dropdb app ;; c) echo c ;; esac\n");
    write("next.sh", "case \"$1\" in a*) echo a ;;& *b) dropdb app ;; esac\n");
    write("quoted.sh", "case \"$1\" in \"t*\") echo literal ;; *) echo other ;; esac\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  // The programs the command runs, in order.
  std::vector<std::string> programs(const std::string& cmd) {
    std::vector<std::string> out;
    for (const auto& inv : unwrap_command(cmd, dir_.string()).invocations)
      if (!inv.argv.empty()) out.push_back(inv.argv[0].text + (inv.argv.size() > 1 ? " " + inv.argv[1].text : ""));
    return out;
  }
  bool runs(const std::string& cmd, const std::string& program) {
    auto p = programs(cmd);
    return std::find(p.begin(), p.end(), program) != p.end();
  }
  fs::path dir_;
};

}  // namespace

TEST_F(ScriptArguments, ACaseOnAKnownArgumentRunsItsClause) {
  EXPECT_TRUE(runs("./dev.sh test", "npm test"));
  EXPECT_FALSE(runs("./dev.sh test", "docker compose"));
  EXPECT_TRUE(runs("bash dev.sh t", "npm test"));
  EXPECT_TRUE(runs("./dev.sh reset", "docker compose"));
  EXPECT_FALSE(runs("./dev.sh reset", "npm test"));
  EXPECT_TRUE(runs("./dev.sh", "echo usage"));  // no argument: $1 is empty
  EXPECT_FALSE(runs("./dev.sh", "docker compose"));
}

TEST_F(ScriptArguments, WhatIsNotKnownKeepsEveryClause) {
  EXPECT_TRUE(runs("./dev.sh \"$MODE\"", "docker compose"));           // a run-time argument
  EXPECT_TRUE(runs("./shift.sh x ok", "dropdb app"));                  // shift moves the arguments
  EXPECT_TRUE(runs("bash fn.sh", "dropdb app"));                       // a function's $1 is its own
  EXPECT_TRUE(runs("echo reset | xargs ./dev.sh", "docker compose"));  // arguments from stdin
  EXPECT_TRUE(runs("./quoted.sh tx", "echo other"));
  EXPECT_TRUE(runs("./quoted.sh tx", "echo literal"));  // a quoted glob is literal to the shell: not decided
}

TEST_F(ScriptArguments, FallThroughAndTestingOn) {
  EXPECT_TRUE(runs("./fall.sh a", "dropdb app"));   // ;& runs the next body too
  EXPECT_FALSE(runs("./fall.sh c", "dropdb app"));
  EXPECT_TRUE(runs("./next.sh ab", "dropdb app"));  // ;;& goes on testing
  EXPECT_FALSE(runs("./next.sh ax", "dropdb app"));
}
