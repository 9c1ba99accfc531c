// [[allow]] entries are matched per segment: an entry clears only the findings
// of the simple command it matches, never the rest of a compound command.
#include <gtest/gtest.h>

#include "decision/engine.h"
#include "packs/embedded.h"
#include "policy/merge.h"
#include "policy/policy_file.h"

using namespace dbguard;
using namespace dbguard::policy;

namespace {

Policy managed(const std::string& text) {
  return merge_layers({parse_policy_text(text, "/etc/dbguard/policy.toml", Layer::Managed)},
                      packs::embedded_packs());
}

const Policy& compose_down_allowed() {
  static const Policy p = managed("[[allow]]\npattern = 'docker compose down -v.*'\nreason = \"dev stacks\"\n");
  return p;
}

Decision decide(const std::string& command, const Policy& p) {
  EngineOptions opt;
  opt.policy = &p;
  return Engine::embedded().decide_command(command, "/tmp", opt);
}

std::string outcome(const Decision& d) {
  if (d.verdict == Verdict::Allow) return "allow";
  if (d.verdict == Verdict::Ask) return "ask";
  return d.hard ? "hard" : "deny";
}

}  // namespace

TEST(AllowSegments, SingleSegmentCommandsStillMatchAsBefore) {
  const Policy& p = compose_down_allowed();
  EXPECT_EQ(outcome(decide("docker compose down -v", p)), "allow");
  EXPECT_EQ(outcome(decide("docker compose down -v --remove-orphans", p)), "allow");
  EXPECT_EQ(outcome(decide("  docker compose down -v  ", p)), "allow");
  EXPECT_EQ(outcome(decide("docker compose down --volumes", p)), "deny");  // the pattern is anchored
  Policy exact = managed("[[allow]]\ncommand = \"docker volume prune -f\"\nreason = \"caches\"\n");
  EXPECT_EQ(outcome(decide("docker volume prune -f", exact)), "allow");
  EXPECT_EQ(outcome(decide("docker volume prune -f --filter x", exact)), "deny");
}

TEST(AllowSegments, AnAllowedSegmentDoesNotClearTheOthers) {
  const Policy& p = compose_down_allowed();
  for (const char* c : {"docker compose down -v && dropdb app", "docker compose down -v; dropdb app",
                        "docker compose down -v || dropdb app", "docker compose down -v\ndropdb app"}) {
    Decision d = decide(c, p);
    EXPECT_EQ(outcome(d), "deny") << c;
    ASSERT_FALSE(d.findings.empty()) << c;
    EXPECT_EQ(d.findings.front().rule, "postgres.dropdb") << c;  // the one that decides
  }
}

TEST(AllowSegments, PipelinesAreJudgedPerStage) {
  Policy cat = managed("[[allow]]\npattern = 'cat .*'\nreason = \"reading is fine\"\n");
  EXPECT_EQ(outcome(decide("cat x | psql -c 'drop table t'", cat)), "deny");
  Policy scratch = managed("[[allow]]\npattern = 'dropdb scratch_\\w+'\nreason = \"throwaway databases\"\n");
  EXPECT_EQ(outcome(decide("dropdb scratch_a | tee drop.log", scratch)), "allow");
  EXPECT_EQ(outcome(decide("dropdb scratch_a | tee drop.log && dropdb app", scratch)), "deny");
}

TEST(AllowSegments, CommandSubstitutionIsItsOwnSegment) {
  Policy echo = managed("[[allow]]\npattern = 'echo .*'\nreason = \"printing is fine\"\n");
  EXPECT_EQ(outcome(decide("echo $(dropdb app)", echo)), "deny");
  EXPECT_EQ(outcome(decide("docker compose down -v $(dropdb app)", compose_down_allowed())), "deny");
  Policy exact = managed("[[allow]]\ncommand = \"dropdb scratch\"\nreason = \"throwaway\"\n");
  EXPECT_EQ(outcome(decide("echo $(dropdb scratch)", exact)), "allow");
}

TEST(AllowSegments, BashDashCIsJudgedPerInnerSegment) {
  EXPECT_EQ(outcome(decide("bash -c 'docker compose down -v; dropdb app'", compose_down_allowed())), "deny");
  EXPECT_EQ(outcome(decide("bash -c 'docker compose down -v'", compose_down_allowed())), "allow");
  // each segment cleared by an entry of its own: allowed
  Policy both = managed(
      "[[allow]]\npattern = 'docker compose down -v.*'\nreason = \"dev stacks\"\n"
      "[[allow]]\ncommand = \"dropdb app\"\nreason = \"the app database is rebuilt by the fixtures\"\n");
  EXPECT_EQ(outcome(decide("bash -c 'docker compose down -v; dropdb app'", both)), "allow");
  EXPECT_EQ(outcome(decide("docker compose down -v && dropdb app", both)), "allow");
}

TEST(AllowSegments, TheAuditNoteNamesTheSegment) {
  Decision d = decide("docker compose down -v && dropdb app", compose_down_allowed());
  bool noted = false;
  for (const auto& n : d.policy)
    noted = noted || (n.find("allowed by [[allow]] (managed") != std::string::npos &&
                      n.find("for `docker compose down -v`") != std::string::npos);
  EXPECT_TRUE(noted) << ::testing::PrintToString(d.policy);
}

TEST(AllowSegments, HardFindingsInACompoundCommandStayHard) {
  Policy all = managed("[[allow]]\npattern = '.*'\nreason = \"everything (never hard rules)\"\n");
  EXPECT_EQ(outcome(decide("docker compose down -v && dropdb --host=db.prod.internal app", all)), "hard");
  EXPECT_EQ(outcome(decide("docker compose down -v && dropdb app", all)), "allow");
}
