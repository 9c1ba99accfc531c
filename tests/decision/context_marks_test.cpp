#include "decision/context_marks.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

#include "decision/engine.h"
#include "packs/pack_loader.h"

using namespace dbguard;

namespace {

struct Loaded {
  packs::PackSet set;
  std::unique_ptr<Matcher> matcher;
};

Loaded load(const std::string& dir) {
  Loaded l;
  std::vector<std::string> errors;
  EXPECT_TRUE(packs::load_pack_dir(dir, l.set, errors)) << (errors.empty() ? "" : errors.front());
  std::string error;
  l.matcher = Matcher::compile(l.set, error);
  EXPECT_TRUE(l.matcher) << error;
  return l;
}

const Loaded& source_packs() {
  static const Loaded l = load(std::string(DBGUARD_SOURCE_DIR) + "/patterns");
  return l;
}

}  // namespace

TEST(ContextMarks, EachLineIsMatchedOnceForAllTheCommandsThatCarryIt) {
  const Loaded& p = source_packs();
  ContextMarks marks(*p.matcher, p.set);
  SharedText line(std::string("ssh prod-db psql -c 'drop table a'; psql -c 'drop table b'"));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(marks.production(line, false), "via `" + line.str() + "`");
  EXPECT_EQ(marks.scans(), 1u);
  // Followed by another line, the characters around it differ: matched again, once.
  EXPECT_FALSE(marks.production(line, true).empty());
  EXPECT_FALSE(marks.production(line, true).empty());
  EXPECT_EQ(marks.scans(), 2u);
  SharedText dev(std::string("ssh dev-db psql"));
  EXPECT_EQ(marks.production(dev, false), "");
  EXPECT_EQ(marks.scans(), 3u);
}

TEST(ContextMarks, ALineNoCommandHoldsAnyMoreIsLetGo) {
  const Loaded& p = source_packs();
  ContextMarks marks(*p.matcher, p.set);
  SharedText kept(std::string("ssh db1 ls"));
  {
    SharedText gone(std::string("ssh db2 ls"));
    marks.production(gone, false);
    marks.production(kept, false);
    EXPECT_EQ(marks.held(), 2u);
  }
  SharedText next(std::string("ssh db3 ls"));
  marks.production(next, false);
  EXPECT_EQ(marks.held(), 2u);  // db1 and db3: db2 was held by the memo alone
  EXPECT_EQ(kept.holders(), 2);
}

// Both answers for a line live in one entry: a line asked for both was held twice
// by the memo, so each holder saw another and neither let it go.
TEST(ContextMarks, ALineAskedForBothAnswersIsStillLetGo) {
  const Loaded& p = source_packs();
  ContextMarks marks(*p.matcher, p.set);
  policy::ProductionExtras extras;
  extras.markers.push_back({"live", {}});
  {
    SharedText gone(std::string("ssh live-db ls"));
    EXPECT_FALSE(marks.policy_production(gone, extras).empty());
    EXPECT_EQ(marks.production(gone, false), "");
    EXPECT_EQ(marks.held(), 1u);
    EXPECT_EQ(gone.holders(), 2);
  }
  SharedText next(std::string("ssh db3 ls"));
  marks.production(next, false);
  EXPECT_EQ(marks.held(), 1u);
}

// Every finding of the wrapper's commands holds what marks production: a long line
// is shown cut, with the word that marks it when that is past the cut.
TEST(ContextMarks, ALongLineIsCutAndNamesTheWordThatMarksIt) {
  const Loaded& p = source_packs();
  ContextMarks marks(*p.matcher, p.set);
  std::string script;
  for (int i = 0; i < 500; ++i) script += "echo " + std::to_string(i) + "; ";
  SharedText line("kubectl exec db-0 -- sh -c " + script + "psql --host=prod-db.internal");
  const std::string& production = marks.production(line, false);
  EXPECT_LT(production.size(), 300u);
  EXPECT_EQ(production.rfind("via `kubectl exec db-0 -- sh -c echo 0; echo 1;", 0), 0u) << production;
  EXPECT_NE(production.find("…`: --host=prod-db.internal"), std::string::npos) << production;
}

// A line is matched as the line that followed a haystack's others: a newline before
// it, and one after it when another line comes next. A marker that reads the
// characters around a name sees them as it did in one haystack.
TEST(ContextMarks, ALineIsMatchedWithTheCharactersAroundItInAHaystack) {
  const auto dir = std::filesystem::temp_directory_path() / ("dbguard-context-marks-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "edge.toml") << R"(
[pack]
id = "edge"
description = "a marker that reads the characters on both sides of a name"

[[rule]]
id = "edge.live"
kind = "marker"
description = "live between two non-letters"
patterns = ['[^a-z]live[^a-z]']
)";
  Loaded l = load(dir.string());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(l.matcher);
  ContextMarks marks(*l.matcher, l.set);
  SharedText starts(std::string("live host"));
  SharedText ends(std::string("ssh live"));
  EXPECT_FALSE(marks.production(starts, false).empty());  // the newline before it
  EXPECT_TRUE(marks.production(ends, false).empty());     // nothing after the last line
  EXPECT_FALSE(marks.production(ends, true).empty());     // a newline before the next one
}

// The engine: a 3,000-command script over ssh to production is a hard block for
// each destructive command, and each finding holds a short production text (it held
// the whole line: 0.6 s and half a gigabyte for a 78 KB command).
TEST(ContextMarks, AScriptOverSshToProductionIsJudgedWithShortProductionTexts) {
  std::string script;
  for (int i = 0; i < 3000; ++i) script += "psql -c 'drop table t" + std::to_string(i) + "'; ";
  Decision d = Engine::embedded().decide_command("ssh prod-db \"" + script + "\"", "/tmp");
  ASSERT_EQ(d.verdict, Verdict::Deny) << d.reason;
  EXPECT_TRUE(d.hard);
  EXPECT_GE(d.findings.size(), 3000u);
  for (const auto& f : d.findings) {
    EXPECT_LT(f.production.size(), 300u);
    EXPECT_EQ(f.production.rfind("via `ssh prod-db psql -c 'drop table t0';", 0), 0u) << f.production;
  }
}

TEST(ContextMarks, ThePolicysAnswerForALineIsWorkedOutOnce) {
  const Loaded& p = source_packs();
  ContextMarks marks(*p.matcher, p.set);
  policy::ProductionExtras extras;
  extras.hosts.push_back({"*.corp.example.com", {}});
  SharedText line(std::string("ssh db1.corp.example.com psql -c 'drop table a'; psql -c 'drop table b'"));
  SharedText other(std::string("ssh db1.example.com psql"));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(marks.policy_production(line, extras).rfind("host db1.corp.example.com (production host", 0), 0u);
  EXPECT_EQ(marks.policy_production(other, extras), "");
  EXPECT_EQ(marks.scans(), 2u);
}

// One shell's exported variables: matched once for every command they reach, each
// entry as a haystack's line; the first that marks is named.
TEST(ContextMarks, ExportedVariablesAreMatchedOnceAndTheFirstThatMarksIsNamed) {
  const Loaded& p = source_packs();
  ContextMarks marks(*p.matcher, p.set);
  auto prod = std::make_shared<const Env>(
      Env{{"EDITOR", {"vi", false}}, {"PGHOST", {"prod-db", false}}, {"PGUSER", {"prd_admin", false}}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(marks.env_production(prod), "PGHOST=prod-db");
  EXPECT_EQ(marks.scans(), 1u);
  auto dev = std::make_shared<const Env>(Env{{"PGHOST", {"dev-db", false}}, {"NOTE", {"prod only", false}}});
  EXPECT_EQ(marks.env_production(dev), "");  // a value holding a space never marks, as an argument's
  EXPECT_EQ(marks.scans(), 2u);
  auto run_time = std::make_shared<const Env>(Env{{"DATABASE_URL", {"$PROD_DATABASE_URL", true}}});
  EXPECT_EQ(marks.env_production(run_time), "DATABASE_URL=~$PROD_DATABASE_URL");
}

TEST(ContextMarks, AnExportedListNoCommandHoldsIsLetGo) {
  const Loaded& p = source_packs();
  ContextMarks marks(*p.matcher, p.set);
  policy::ProductionExtras extras;
  extras.databases.push_back({"clinic_*", {}});
  auto kept = std::make_shared<const Env>(Env{{"PGDATABASE", {"clinic_main", false}}});
  {
    auto gone = std::make_shared<const Env>(Env{{"A", {"1", false}}});
    marks.env_production(gone);
    marks.policy_env(gone, extras);
    EXPECT_EQ(marks.policy_env(kept, extras).database.rfind("database clinic_main", 0), 0u);
    EXPECT_EQ(marks.held(), 2u);
  }
  EXPECT_EQ(marks.policy_env(kept, extras).database.rfind("database clinic_main", 0), 0u);
  EXPECT_EQ(marks.scans(), 3u);  // remembered
  auto next = std::make_shared<const Env>(Env{{"B", {"2", false}}});
  marks.env_production(next);
  marks.policy_env(next, extras);
  EXPECT_EQ(marks.held(), 2u);  // kept and next: gone was held by the memo alone
  EXPECT_EQ(kept.use_count(), 2);
}

// The engine: a thousand exports and a thousand commands after them are judged in
// one pass over the exports (each command copied and matched all of them: past the
// time budget, denied), and an exported production host still marks what follows.
TEST(ContextMarks, ManyExportsBeforeManyCommandsAreJudgedAsOneList) {
  std::string command;
  for (int i = 0; i < 1000; ++i) command += "export V" + std::to_string(i) + "=value" + std::to_string(i) + "; ";
  for (int i = 0; i < 1000; ++i) command += "echo " + std::to_string(i) + "; ";
  Decision d = Engine::embedded().decide_command(command + "ls", "/tmp");
  EXPECT_EQ(d.verdict, Verdict::Allow) << d.reason;
  d = Engine::embedded().decide_command(command + "export PGHOST=prod-db; echo; psql -c 'drop table users'", "/tmp");
  ASSERT_EQ(d.verdict, Verdict::Deny) << d.reason;
  EXPECT_TRUE(d.hard);
  ASSERT_FALSE(d.findings.empty());
  EXPECT_EQ(d.findings.back().production, "PGHOST=prod-db");
}
