// rm / find / truncate / redirects against a project on disk: what they would
// remove or empty is judged by the files, not only by the words.
#include "decision/data_dirs.h"
#include "unwrap/expand.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "decision/engine.h"

using namespace dbguard;
namespace fs = std::filesystem;

namespace {

class DataDirs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("dbguard-datadirs-" + std::to_string(::getpid()));
    for (const char* d : {"pgdata/base", "data/cluster/main", "build/obj", "node_modules/x", "dist", ".cache"})
      fs::create_directories(dir / d);
    for (const char* f : {"pgdata/PG_VERSION", "data/cluster/main/PG_VERSION", "app.sqlite", "db.sqlite3", "app.log",
                          "out.txt", "build/obj/a.o", "x.pyc"})
      std::ofstream(dir / f) << "x";
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string rule(const std::string& cmd) {
    Decision d = Engine::embedded().decide_command(cmd, dir.string());
    return d.verdict == Verdict::Allow || d.findings.empty() ? "allow" : d.findings.front().rule;
  }
  fs::path dir;
};

TEST_F(DataDirs, GlobsAndBracesAreExpandedAgainstTheCwd) {
  EXPECT_EQ(rule("rm -rf pgdata/*"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("rm -rf pgd*"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("rm -rf {pgdata,build}"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("rm -rf build/* dist/* .cache"), "allow");
  EXPECT_EQ(rule("rm -rf node_modules"), "allow");
}

TEST_F(DataDirs, AParentOfADataDirectoryIsOne) {
  EXPECT_EQ(rule("rm -rf data"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("rm -rf data/*"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("rm -r pgdata/base"), "datadirs.rm-database-dir");  // inside one
}

TEST_F(DataDirs, DynamicTargetsAreJudgedByWhatTheyCouldBe) {
  EXPECT_EQ(rule("rm -rf \"$PGDATA\""), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("rm -rf $(cat dir.txt)"), "datadirs.rm-database-dir");  // the cwd holds a data directory
  fs::path empty = dir / "build";
  EXPECT_EQ(Engine::embedded().decide_command("rm -rf \"$OUT\"", empty.string()).verdict, Verdict::Allow);
  EXPECT_NE(Engine::embedded().decide_command("rm -rf \"$PGDATA\"", empty.string()).verdict, Verdict::Allow);
}

TEST_F(DataDirs, FindDeletesWhatItStartsFrom) {
  EXPECT_EQ(rule("find pgdata -delete"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("find pgdata -exec rm -rf {} +"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("find . -mtime +7 -delete"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("find . -name '*.pyc' -delete"), "allow");
}

TEST_F(DataDirs, EmptyingADatabaseFile) {
  EXPECT_EQ(rule("truncate -s 0 app.sqlite"), "datadirs.empty-database-file");
  EXPECT_EQ(rule(": > app.sqlite"), "datadirs.empty-database-file");
  EXPECT_EQ(rule("cp /dev/null db.sqlite3"), "datadirs.empty-database-file");
  EXPECT_EQ(rule("truncate -s 0 app.log"), "allow");
  EXPECT_EQ(rule(": > out.txt"), "allow");
  EXPECT_EQ(rule("sqlite3 app.sqlite .dump > dump.sql"), "allow");
}

// A directory holding database files is a data directory too (Flask's instance/app.db).
// `.db` alone is ambiguous (Thumbs.db): such a file counts when it starts as SQLite's do.
TEST_F(DataDirs, ADirectoryHoldingDatabaseFiles) {
  for (const char* d : {"instance", "store/nested", "assets", "empty"}) fs::create_directories(dir / d);
  std::ofstream(dir / "instance/app.db", std::ios::binary) << std::string("SQLite format 3\0", 16) << "pages";
  std::ofstream(dir / "store/nested/app.sqlite") << "x";
  std::ofstream(dir / "assets/Thumbs.db") << "not a database";
  std::ofstream(dir / "empty/new.sqlite");  // zero bytes: no data yet
  EXPECT_EQ(rule("rm -rf instance"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("rm -r store"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("rm -rf assets"), "allow");
  EXPECT_EQ(rule("rm -rf empty"), "allow");
  EXPECT_EQ(rule("rm -rf build"), "allow");
}

// git clean -x removes ignored files, and a work tree's databases are ignored files.
TEST_F(DataDirs, GitCleanOfIgnoredFiles) {
  EXPECT_EQ(rule("git clean -fdx"), "datadirs.rm-database-dir");  // pgdata/ below the cwd
  EXPECT_EQ(rule("git clean -f -X"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("git clean --force -x -d pgdata"), "datadirs.rm-database-dir");
  EXPECT_EQ(rule("git clean -ndx"), "allow");      // lists only
  EXPECT_EQ(rule("git clean -fd"), "allow");       // untracked, not ignored
  EXPECT_EQ(rule("git clean -fdx build"), "allow");  // a pathspec that holds no database
  EXPECT_EQ(rule("git status"), "allow");
}

TEST_F(DataDirs, TheSearchBelowIsBounded) {
  fs::path big = dir / "blobs";
  fs::create_directories(big);
  for (int i = 0; i < 10100; ++i) std::ofstream(big / ("f" + std::to_string(i))) << "";
  fs::create_directories(big / "zz/deep");
  EXPECT_EQ(rule("rm -rf blobs"), "allow");  // past the bound, a name that suggests no data
  fs::rename(big, dir / "db-files");
  EXPECT_EQ(rule("rm -rf db-files"), "datadirs.rm-database-dir");  // past the bound, a name that does
}

// A command with a run-time argument is judged once per value the argument could
// have, each judgement searching below the same directories: the searches are made
// once per invocation (datadirs::SearchMemo), and the answers are the same.
TEST_F(DataDirs, EachDirectoryIsSearchedOncePerInvocation) {
  fs::create_directories(dir / "work/pg/cluster");
  std::ofstream(dir / "work/pg/cluster/PG_VERSION") << "16";
  for (int i = 0; i < 300; ++i) std::ofstream(dir / "build/obj" / ("f" + std::to_string(i))) << "";
  datadirs::Settings settings;
  settings.markers = {"PG_VERSION"};
  settings.name_words = {"pgdata"};
  auto rm = [&](const std::string& a, const std::string& b) {
    Invocation inv;
    inv.argv = {{"rm", false}, {"-rf", false}, {a, true}, {b, true}};
    inv.cwd = dir.string();
    return inv;
  };
  auto details = [](const std::vector<datadirs::Hit>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.push_back(h.detail);
    return out;
  };
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{{"build/$X", "build/obj/$Y"},
                                                                              {"work/$X", "build/$Y"}}) {
    datadirs::SearchMemo memo;
    auto first = details(datadirs::judge(rm(a, b), settings, memo));
    const std::size_t read = memo.entries_read;
    EXPECT_GT(read, 0u) << a;
    auto again = details(datadirs::judge(rm(a, b), settings, memo));
    EXPECT_EQ(memo.entries_read, read) << a << ": searched again";
    EXPECT_EQ(again, first) << a;
    EXPECT_EQ(details(datadirs::judge(rm(a, b), settings)), first) << a << ": differs from a search of its own";
  }
  EXPECT_FALSE(details(datadirs::judge(rm("work/$X", "build/$Y"), settings)).empty());  // the cluster below work/
}

TEST(BraceExpansion, NestedAndBounded) {
  EXPECT_EQ(brace_expansions("{pgdata,build}"), (std::vector<std::string>{"pgdata", "build"}));
  EXPECT_EQ(brace_expansions("a{b,c{d,e}}f"), (std::vector<std::string>{"abf", "acdf", "acef"}));
  EXPECT_EQ(brace_expansions("{x}"), (std::vector<std::string>{"{x}"}));
  EXPECT_EQ(brace_expansions("build/m1/x.png"), (std::vector<std::string>{"build/m1/x.png"}));
  EXPECT_LE(brace_expansions("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}").size(), 256u);
}

}  // namespace
