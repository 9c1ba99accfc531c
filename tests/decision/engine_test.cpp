// The engine's last step: findings made one per rule, segment and detail, and the
// reason that quotes the first.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "decision/engine.h"

using namespace dbguard;

namespace {

std::string blocked_line(const std::string& reason) {
  auto at = reason.find("Blocked: ");
  if (at == std::string::npos) return "";
  return reason.substr(at + 9, reason.find('\n', at) - at - 9);
}

}  // namespace

TEST(Engine, FindingsAreOnePerRuleSegmentAndDetail) {
  Decision d = Engine::embedded().decide_command("dropdb x; dropdb x; dropdb y", "/tmp");
  ASSERT_EQ(d.findings.size(), 2u) << d.reason;
  EXPECT_EQ(d.findings[0].segment, "dropdb x");
  EXPECT_EQ(d.findings[1].segment, "dropdb y");
  for (const auto& f : d.findings) EXPECT_EQ(f.rule, "postgres.dropdb");
}

// A finding's segment can be long (bad syntax is quoted whole). The reason shows its
// first 400 bytes on one line.
TEST(Engine, TheReasonQuotesTheStartOfALongSegmentOnOneLine) {
  std::string text = "psql -c 'DELETE FROM t'\n" + std::string(5000, 'x') + " )";
  Decision d = Engine::embedded().decide_command(text, "/tmp");
  ASSERT_EQ(d.verdict, Verdict::Deny) << d.reason;
  ASSERT_EQ(d.findings.front().segment, text);
  std::string shown = text.substr(0, 400);
  std::replace(shown.begin(), shown.end(), '\n', ' ');
  EXPECT_EQ(blocked_line(d.reason), shown + "…");
}

// What marks production is held by every finding and shown cut: an argument that
// marks can be megabytes.
TEST(Engine, AProductionNameFromALongArgumentIsCut) {
  const std::string url = "postgresql://app@prod-db.internal/app?application_name=" + std::string(100000, 'x');
  Decision d = Engine::embedded().decide_command("psql '" + url + "' -c 'drop table a; drop table b'", "/tmp");
  ASSERT_EQ(d.verdict, Verdict::Deny) << d.reason;
  ASSERT_TRUE(d.hard);
  for (const auto& f : d.findings) {
    EXPECT_LE(f.production.size(), 243u);
    EXPECT_EQ(f.production.rfind("postgresql://app@prod-db.internal/app?application_name=xxx", 0), 0u);
    EXPECT_TRUE(f.production.ends_with("…"));
  }
}

// A long -c text is judged where it stands and remembered by a view: the analyses
// of each value a run-time argument could have read it again and find the verdict.
TEST(Engine, ALongSqlArgumentIsJudgedOnceForEveryValueOfARunTimeArgument) {
  std::string sql;
  for (int i = 0; sql.size() < (256u << 10); ++i) sql += "INSERT INTO t VALUES (" + std::to_string(i) + ");\n";
  Decision allowed = Engine::embedded().decide_command("psql \"$DATABASE_URL\" -c \"" + sql + "\"", "/tmp");
  EXPECT_EQ(allowed.verdict, Verdict::Allow) << allowed.reason;
  Decision denied = Engine::embedded().decide_command("psql \"$DATABASE_URL\" -c \"" + sql + "DROP TABLE t;\"", "/tmp");
  ASSERT_EQ(denied.verdict, Verdict::Deny);
  EXPECT_EQ(denied.findings.front().rule, "sql.drop");
  EXPECT_EQ(denied.findings.front().source, "psql -c");
}

// A run-time program is analysed as each program it could be, each time on a copy
// of the command, gone after its turn: a long SQL argument is judged in each copy
// that reads it as SQL.
TEST(Engine, ALongSqlArgumentOfARunTimeProgramIsJudgedInEachCandidate) {
  std::string sql;
  for (int i = 0; sql.size() < (64u << 10); ++i) sql += "INSERT INTO t VALUES (" + std::to_string(i) + ");\n";
  Decision d = Engine::embedded().decide_command("\"$DB_CLIENT\" -c \"" + sql + "DROP TABLE t;\"", "/tmp");
  ASSERT_EQ(d.verdict, Verdict::Deny) << d.reason;
  EXPECT_EQ(d.findings.front().rule, "guard.dynamic-program");
  EXPECT_NE(d.findings.front().detail.find("sql.drop"), std::string::npos) << d.findings.front().detail;
  // Read as SQL by two candidates in turn (mysql -e, then mariadb -e), each on its copy.
  Decision both = Engine::embedded().decide_command("\"$DB_CLIENT\" -e \"" + sql + "\"", "/tmp");
  EXPECT_EQ(both.verdict, Verdict::Allow) << both.reason;
}

// The findings of one command share its text: ten destructive statements in a
// 3.6 MB `psql -c` held ten copies of it (48 MiB, past the time budget).
TEST(Engine, TheFindingsOfOneCommandShareItsText) {
  std::string sql;
  for (int i = 0; i < 2000; ++i) sql += "insert into t values (" + std::to_string(i) + ");\n";
  for (int i = 0; i < 10; ++i) sql += "drop table t" + std::to_string(i) + ";\n";
  for (const std::string prefix : {"", "docker exec db ", "echo start | "}) {
    const std::string command = prefix + "psql -c \"" + sql + "\"";
    Decision d = Engine::embedded().decide_command(command, "/tmp");
    ASSERT_EQ(d.verdict, Verdict::Deny) << prefix;
    ASSERT_GE(d.findings.size(), 10u) << prefix;
    for (const auto& f : d.findings) {
      EXPECT_TRUE(f.segment.same_as(d.findings.front().segment)) << prefix << f.rule << ": " << f.detail;
      EXPECT_NE(f.segment.str().find("drop table t9"), std::string::npos);
    }
  }
}

// A finding quotes a long command line cut: three rules matching one 3.6 MB line
// held three copies of it besides the command's own (35 MiB at the bound).
TEST(Engine, FindingsQuoteALongCommandLineCut) {
  std::string vars;
  for (int i = 0; i < 4000; ++i) vars += " -var=k" + std::to_string(i) + "=" + std::string(40, 'v');
  Decision d = Engine::embedded().decide_command(
      "terraform apply -destroy -auto-approve -target=module.main_postgres" + vars, "/tmp");
  ASSERT_EQ(d.verdict, Verdict::Deny);
  ASSERT_GE(d.findings.size(), 3u);
  for (const auto& f : d.findings) {
    EXPECT_LE(f.detail.size(), kShownDetailBytes + 3) << f.rule;  // and "…"
    EXPECT_EQ(f.detail.rfind("terraform apply -destroy -auto-approve", 0), 0u) << f.detail.substr(0, 80);
    EXPECT_TRUE(f.segment.same_as(d.findings.front().segment)) << f.rule;
    EXPECT_GT(f.segment.size(), 100000u);
  }
}

// A nested shell's text is held besides the call's: the tree of its largest command
// gets that much less room. 30,000 words of 2.2 MB are judged alone and denied as
// too complex inside `bash -c` (the text held twice beside the tree).
TEST(Engine, ANestedShellsTreeHasLessRoomByItsText) {
  std::string words;
  for (int i = 0; i < 30000; ++i) words += " file_" + std::string(60, 'x') + std::to_string(100000 + i);
  Decision alone = Engine::embedded().decide_command("echo" + words, "/tmp");
  EXPECT_EQ(alone.verdict, Verdict::Allow) << alone.reason.substr(0, 200);
  Decision nested = Engine::embedded().decide_command("bash -c 'echo" + words + "'", "/tmp");
  ASSERT_EQ(nested.verdict, Verdict::Deny);
  EXPECT_EQ(nested.findings.front().rule, "guard.too-complex");
  // A short nested text keeps nearly all the room.
  Decision short_nested = Engine::embedded().decide_command("bash -c 'echo" + words.substr(0, 300000) + "'", "/tmp");
  EXPECT_EQ(short_nested.verdict, Verdict::Allow);
}

// A long finding's text is lent from the command while the walk runs and copied when
// it is done: the decision holds its own copy, whatever becomes of the command after.
TEST(Engine, AFindingsLentTextIsCopiedBeforeTheDecisionIsReturned) {
  std::string sql;
  for (int i = 0; i < 2000; ++i) sql += "insert into t values (" + std::to_string(i) + ");\n";
  for (const std::string prefix : {"", "docker exec db ", "sudo -u postgres "}) {
    std::string command = prefix + "psql -c \"" + sql + "drop table a; drop table b;\"; echo ok";
    Decision d = Engine::embedded().decide_command(command, "/tmp");
    std::fill(command.begin(), command.end(), 'z');
    command.clear();
    command.shrink_to_fit();
    ASSERT_EQ(d.verdict, Verdict::Deny) << prefix;
    std::size_t drops = 0;
    for (const auto& f : d.findings) {
      if (f.rule != "sql.drop") continue;
      ++drops;
      EXPECT_EQ(f.segment.str().rfind(prefix + "psql -c \"insert into t values (0);", 0), 0u) << prefix;
      EXPECT_TRUE(f.segment.same_as(d.findings.front().segment));
    }
    EXPECT_EQ(drops, 2u) << prefix;
    EXPECT_NE(d.reason.find("Blocked: " + prefix + "psql -c"), std::string::npos) << d.reason.substr(0, 300);
  }
}
