// A torn last line left by a crash: the next append recovers it so the chain
// verifies again, and the lost record stays visible (verify, stats, tail).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "../support/process.h"
#include "audit/audit_log.h"
#include "audit/chain_hash.h"
#include "audit/report.h"
#include "audit/verify.h"
#include "test_records.h"

using namespace dbguard::audit;
using namespace dbguard::audit::testing;
using dbguard::testing::lines_of;
using dbguard::testing::read_file;
using dbguard::testing::ScratchDir;
using dbguard::testing::write_file;

namespace {

const std::string kFragment = R"({"alg":"sha256","command":"echo 5","decision":"al)";

// A crash in the middle of the next write.
void tear(const AuditConfig& c) { write_file(c.path, read_file(c.path) + kFragment); }

}  // namespace

TEST(AuditTornTail, NextAppendRecoversItAndTheChainVerifies) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 4);
  tear(c);
  auto appended = append_record(c, record(6));
  ASSERT_TRUE(appended.ok) << appended.error;
  EXPECT_EQ(appended.seq, 6u);

  auto lines = lines_of(read_file(c.path));
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[4], kFragment);  // left where it was, now terminated
  auto recovered = nlohmann::json::parse(lines[5]);
  EXPECT_EQ(recovered["kind"], "torn-tail-recovered");
  EXPECT_EQ(recovered["seq"], 5);
  EXPECT_EQ(recovered["fragment_bytes"], kFragment.size());
  EXPECT_EQ(recovered["fragment_sha256"], sha256_hex(kFragment));
  EXPECT_EQ(recovered["prev"], nlohmann::json::parse(lines[3])["hash"]);  // from the last complete record
  auto next = nlohmann::json::parse(lines[6]);
  EXPECT_EQ(next["seq"], 6);
  EXPECT_EQ(next["prev"], recovered["hash"]);

  auto r = verify_chain(c.path, "");
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(r.records, 6u);
  ASSERT_EQ(r.recovered.size(), 1u);
  EXPECT_EQ(r.recovered[0], c.path + ":5 (" + std::to_string(kFragment.size()) + " bytes)");
  std::string text = describe(r);
  EXPECT_EQ(text.rfind("6 records, chain intact", 0), 0u) << text;
  EXPECT_NE(text.find("1 torn record(s)"), std::string::npos) << text;
  Head head;
  ASSERT_TRUE(read_head(c.path, head));
  EXPECT_EQ(head.seq, 6u);
  EXPECT_EQ(head.hash, next["hash"]);

  // Later appends carry on as usual.
  fill(c, 7, 8);
  r = verify_chain(c.path, "");
  EXPECT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(r.records, 8u);
}

TEST(AuditTornTail, StatsAndTailShowTheRecovery) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 2);
  tear(c);
  fill(c, 3, 3);
  std::ostringstream stats, tail;
  print_stats(c.path, stats);
  EXPECT_NE(stats.str().find("1 torn record(s) from a crash recovered"), std::string::npos) << stats.str();
  print_tail(c.path, 10, false, false, tail);
  EXPECT_NE(tail.str().find("torn-tail-recovered"), std::string::npos) << tail.str();
}

TEST(AuditTornTail, KeyedChainRecoversToo) {
  ScratchDir d("audit");
  auto c = keyed_config(d, "correct horse battery staple");
  fill(c, 1, 3);
  tear(c);
  fill(c, 4, 4);
  auto r = verify_chain(c.path, "correct horse battery staple");
  EXPECT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(r.records, 5u);
  EXPECT_EQ(r.recovered.size(), 1u);
}

TEST(AuditTornTail, TheRecoveredFragmentCannotBeEditedOrRemoved) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 3);
  tear(c);
  fill(c, 4, 4);
  auto lines = lines_of(read_file(c.path));
  ASSERT_EQ(lines.size(), 6u);

  auto edited = lines;
  edited[3] = R"({"alg":"sha256","command":"echo 9","decision":"al)";  // same length, other bytes
  std::string text;
  for (const auto& l : edited) text += l + "\n";
  write_file(c.path, text);
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u);
  EXPECT_NE(r.problem.find("not a JSON record"), std::string::npos) << r.problem;

  auto removed = lines;
  removed.erase(removed.begin() + 3);  // the fragment, which would hide that a record was lost
  text.clear();
  for (const auto& l : removed) text += l + "\n";
  write_file(c.path, text);
  r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u);
  EXPECT_NE(r.problem.find("torn-tail-recovered record without the torn line"), std::string::npos) << r.problem;
}

TEST(AuditTornTail, AnUnrecoveredTornTailIsStillReportedAtItsLine) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 3);
  tear(c);
  fill(c, 4, 4);
  write_file(c.path, read_file(c.path) + kFragment);  // a second crash, no append since
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 7u);
  EXPECT_NE(r.problem.find("torn last line"), std::string::npos) << r.problem;
}

TEST(AuditTornTail, AWholeRecordMissingOnlyItsNewlineIsKept) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 3);
  std::string text = read_file(c.path);
  write_file(c.path, text.substr(0, text.size() - 1));
  fill(c, 4, 4);
  auto r = verify_chain(c.path, "");
  EXPECT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(r.records, 4u);
  EXPECT_TRUE(r.recovered.empty());
}

TEST(AuditTornTail, RecoveryStaysInTheTornFileAndRotationContinuesAfter) {
  ScratchDir d("audit");
  auto c = config(d);
  c.rotate_bytes = 1024;
  fill(c, 1, 3);
  tear(c);
  fill(c, 4, 20);
  auto r = verify_chain(c.path, "");
  EXPECT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(r.records, 21u);
  EXPECT_EQ(r.recovered.size(), 1u);
  EXPECT_GE(log_files(c.path).size(), 3u);
}

TEST(AuditTornTail, AFileHoldingOnlyATornLineChainsFromTheRotatedOne) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 3);
  std::filesystem::rename(c.path, c.path + ".1");
  write_file(c.path, kFragment);  // the first append after rotation crashed
  fill(c, 4, 4);
  auto r = verify_chain(c.path, "");
  EXPECT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(r.records, 5u);
  EXPECT_EQ(r.recovered.size(), 1u);
}
