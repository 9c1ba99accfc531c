// The audit chain: appends, and every kind of tampering detected at the right line.
#include <gtest/gtest.h>

#include <filesystem>

#include "../support/process.h"
#include "audit/audit_log.h"
#include "audit/chain_hash.h"
#include "audit/record.h"
#include "audit/verify.h"
#include "test_records.h"

namespace fs = std::filesystem;
using namespace dbguard;
using namespace dbguard::audit;
using namespace dbguard::audit::testing;
using dbguard::testing::lines_of;
using dbguard::testing::read_file;
using dbguard::testing::ScratchDir;
using dbguard::testing::write_file;

namespace {

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace

TEST(AuditLog, AppendsAChainThatVerifies) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 5);
  auto lines = lines_of(read_file(c.path));
  ASSERT_EQ(lines.size(), 5u);
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["prev"], std::string(kGenesis));
  EXPECT_EQ(first["seq"], 1);
  EXPECT_EQ(first["alg"], "sha256");
  for (std::size_t i = 1; i < lines.size(); ++i)
    EXPECT_EQ(nlohmann::json::parse(lines[i])["prev"], nlohmann::json::parse(lines[i - 1])["hash"]);
  auto r = verify_chain(c.path, "");
  EXPECT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(describe(r), "5 records, chain intact");
  // the file is private to its user
  EXPECT_EQ(fs::status(c.path).permissions() & fs::perms::others_all, fs::perms::none);
}

TEST(AuditLog, HashIsSha256OverPrevAndCanonicalForm) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 1);
  auto j = nlohmann::json::parse(lines_of(read_file(c.path))[0]);
  std::string stored = j["hash"];
  j.erase("hash");
  EXPECT_EQ(stored, sha256_hex(std::string(kGenesis) + "\n" + canonical(j)));
}

TEST(AuditLog, DetectsAModifiedRecord) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 6);
  auto lines = lines_of(read_file(c.path));
  auto j = nlohmann::json::parse(lines[3]);
  j["decision"] = "deny";  // rewrite history, keep the stored hash
  lines[3] = j.dump();
  write_file(c.path, join(lines));
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u);
  EXPECT_NE(r.problem.find("modified"), std::string::npos) << r.problem;
}

// nlohmann_json stops reading at a NUL byte: text hidden after one in a record's
// line must not pass as part of an intact chain (found by the audit_tail fuzzer).
TEST(AuditLog, DetectsTextHiddenAfterANulByteInARecord) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 3);
  auto lines = lines_of(read_file(c.path));
  lines[1] += std::string(1, '\0') + R"( {"decision":"deny","forged":true})";
  write_file(c.path, join(lines));
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 2u);
  EXPECT_NE(r.problem.find("not a JSON record"), std::string::npos) << r.problem;
  // The last record altered so, then one more appended: the alteration still shows.
  fill(c, 4, 4);
  lines = lines_of(read_file(c.path));
  lines[1] = lines_of(read_file(c.path))[1].substr(0, lines[1].find('\0'));
  lines[3] += std::string(1, '\0') + "x";
  write_file(c.path, join(lines));
  fill(c, 5, 5);
  r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u) << r.problem;
}

TEST(AuditLog, DetectsARewrittenRecordWithARecomputedHash) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 6);
  auto lines = lines_of(read_file(c.path));
  // The forger recomputes line 3's hash; line 4's prev no longer matches.
  auto j = nlohmann::json::parse(lines[2]);
  j["command"] = "something else";
  j.erase("hash");
  j["hash"] = chain_hash(j["prev"].get<std::string>(), canonical(j), "");
  lines[2] = j.dump();
  write_file(c.path, join(lines));
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u);
  EXPECT_NE(r.problem.find("chain broken"), std::string::npos) << r.problem;
}

TEST(AuditLog, DetectsADeletedRecord) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 6);
  auto lines = lines_of(read_file(c.path));
  lines.erase(lines.begin() + 2);  // seq 3
  write_file(c.path, join(lines));
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 3u);
  EXPECT_NE(r.problem.find("deleted"), std::string::npos) << r.problem;
  EXPECT_NE(r.problem.find("seq 3"), std::string::npos) << r.problem;
}

TEST(AuditLog, DetectsRecordsDeletedAtTheEndAndTheStart) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 6);
  auto lines = lines_of(read_file(c.path));
  write_file(c.path, join({lines.begin(), lines.end() - 2}));
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 5u);  // just past the last line left
  EXPECT_NE(r.problem.find("deleted at the end"), std::string::npos) << r.problem;

  write_file(c.path, join({lines.begin() + 1, lines.end()}));
  r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 1u);
  EXPECT_NE(r.problem.find("deleted before the first line"), std::string::npos) << r.problem;
}

TEST(AuditLog, AWriterAfterTruncationKeepsTheGapVisible) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 6);
  auto lines = lines_of(read_file(c.path));
  write_file(c.path, join({lines.begin(), lines.end() - 2}));
  ASSERT_TRUE(append_record(c, record(7)).ok);  // continues from the head (seq 6), not the cut tail
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 5u);
  EXPECT_NE(r.problem.find("deleted"), std::string::npos) << r.problem;
}

TEST(AuditLog, DetectsReorderedRecords) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 6);
  auto lines = lines_of(read_file(c.path));
  std::swap(lines[3], lines[4]);  // seq 4 and 5
  write_file(c.path, join(lines));
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u);
  EXPECT_NE(r.problem.find("out of order"), std::string::npos) << r.problem;
}

TEST(AuditLog, DetectsATornLastLine) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 4);
  std::string text = read_file(c.path);
  // a crash in the middle of the next write
  write_file(c.path, text + R"({"alg":"sha256","command":"echo 5","decision":"al)");
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 5u);
  EXPECT_NE(r.problem.find("torn last line"), std::string::npos) << r.problem;
  // (what the next append does with it: torn_tail_test.cpp)
}

TEST(AuditLog, RotationContinuesTheChain) {
  ScratchDir d("audit");
  auto c = config(d);
  c.rotate_bytes = 4096;
  fill(c, 1, 40);
  auto files = log_files(c.path);
  ASSERT_GE(files.size(), 3u);
  EXPECT_EQ(files.back(), c.path);
  EXPECT_EQ(files.front(), c.path + ".1");
  auto r = verify_chain(c.path, "");
  EXPECT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(r.records, 40u);
  // the first record of a rotated-in file chains to the last of the one before
  auto second = lines_of(read_file(files[1]));
  auto first_file = lines_of(read_file(files[0]));
  EXPECT_EQ(nlohmann::json::parse(second.front())["prev"], nlohmann::json::parse(first_file.back())["hash"]);
  for (const auto& f : files) EXPECT_LE(fs::file_size(f), 4096u) << f;
}

TEST(AuditLog, DetectsAChainBrokenAcrossRotation) {
  ScratchDir d("audit");
  auto c = config(d);
  c.rotate_bytes = 4096;
  fill(c, 1, 40);
  auto files = log_files(c.path);
  ASSERT_GE(files.size(), 3u);
  // Replace the middle file's last record with a forged one that hashes correctly.
  auto lines = lines_of(read_file(files[1]));
  auto j = nlohmann::json::parse(lines.back());
  j["command"] = "forged";
  j.erase("hash");
  j["hash"] = chain_hash(j["prev"].get<std::string>(), canonical(j), "");
  lines.back() = j.dump();
  write_file(files[1], join(lines));
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.file, files[2]);
  EXPECT_EQ(r.line, 1u);
  EXPECT_NE(r.problem.find("across rotation"), std::string::npos) << r.problem;

  // A whole rotated file removed: the gap shows at the start of the next one.
  fs::remove(files[1]);
  r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.file, files[2]);
  EXPECT_EQ(r.line, 1u);
  EXPECT_NE(r.problem.find("missing across rotation"), std::string::npos) << r.problem;
}

TEST(AuditLog, HmacChainNeedsTheKey) {
  ScratchDir d("audit");
  auto c = keyed_config(d, "correct horse battery staple");
  fill(c, 1, 3);
  auto j = nlohmann::json::parse(lines_of(read_file(c.path))[0]);
  EXPECT_EQ(j["alg"], "hmac-sha256");
  EXPECT_TRUE(verify_chain(c.path, "correct horse battery staple").ok);
  auto wrong = verify_chain(c.path, "another key");
  EXPECT_FALSE(wrong.ok);
  EXPECT_EQ(wrong.line, 1u);
  auto none = verify_chain(c.path, "");
  EXPECT_FALSE(none.ok);
  EXPECT_NE(none.problem.find("key"), std::string::npos);
  // Without the key, a plain SHA-256 recomputation does not pass as the chain.
  auto lines = lines_of(read_file(c.path));
  auto forged = nlohmann::json::parse(lines[1]);
  forged["command"] = "forged";
  forged.erase("hash");
  forged["hash"] = chain_hash(forged["prev"].get<std::string>(), canonical(forged), "");
  lines[1] = forged.dump();
  write_file(c.path, join(lines));
  auto r = verify_chain(c.path, "correct horse battery staple");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 2u);
}

TEST(AuditLog, KeyedChainRejectsAPlainSha256Record) {
  ScratchDir d("audit");
  auto c = keyed_config(d, "correct horse battery staple");
  fill(c, 1, 3);
  // Downgrade: the last record rewritten as plain SHA-256, correctly chained to
  // the record before it, and the unsigned head edited to match.
  auto lines = lines_of(read_file(c.path));
  auto forged = nlohmann::json::parse(lines[2]);
  forged["command"] = "forged";
  forged["alg"] = "sha256";
  forged.erase("hash");
  forged["hash"] = chain_hash(forged["prev"].get<std::string>(), canonical(forged), "");
  lines[2] = forged.dump();
  write_file(c.path, join(lines));
  write_file(lock_path(c.path), nlohmann::json{{"seq", 3}, {"hash", forged["hash"]}}.dump() + "\n");
  auto r = verify_chain(c.path, "correct horse battery staple");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 3u);
  EXPECT_NE(r.problem.find("not signed with the audit key"), std::string::npos) << r.problem;
  // A record with no `alg` at all is not taken for SHA-256 either.
  forged.erase("alg");
  forged.erase("hash");
  forged["hash"] = chain_hash(forged["prev"].get<std::string>(), canonical(forged), "");
  lines[2] = forged.dump();
  write_file(c.path, join(lines));
  r = verify_chain(c.path, "correct horse battery staple");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 3u);
}

TEST(AuditLog, KeyedChainSignsItsHeadSoTruncationShows) {
  ScratchDir d("audit");
  const std::string key = "correct horse battery staple";
  auto c = keyed_config(d, key);
  fill(c, 1, 4);
  Head head;
  ASSERT_TRUE(read_head(c.path, head));
  EXPECT_EQ(head.seq, 4u);
  EXPECT_EQ(head.mac, head_mac(4, head.hash, key));
  ASSERT_TRUE(verify_chain(c.path, key).ok);

  // Cut the last record and edit the head to the new last record.
  auto lines = lines_of(read_file(c.path));
  lines.pop_back();
  write_file(c.path, join(lines));
  auto last = nlohmann::json::parse(lines.back());
  write_file(lock_path(c.path), nlohmann::json{{"seq", 3}, {"hash", last["hash"]}}.dump() + "\n");
  auto r = verify_chain(c.path, key);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.line, 4u);
  EXPECT_NE(r.problem.find("not signed with the audit key"), std::string::npos) << r.problem;
  // A MAC made with another key does not pass either, nor does a missing head.
  write_file(lock_path(c.path), nlohmann::json{{"seq", 3}, {"hash", last["hash"]},
                                               {"mac", head_mac(3, last["hash"], "guess")}}.dump() + "\n");
  EXPECT_FALSE(verify_chain(c.path, key).ok);
  fs::remove(lock_path(c.path));
  r = verify_chain(c.path, key);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("missing"), std::string::npos) << r.problem;
  // With the key-protected head put back, the gap is named.
  write_file(lock_path(c.path), nlohmann::json{{"seq", 4}, {"hash", head.hash}, {"mac", head.mac}}.dump() + "\n");
  r = verify_chain(c.path, key);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("deleted at the end"), std::string::npos) << r.problem;
}

TEST(AuditLog, LastRecordThatDoesNotMatchTheHeadIsReported) {
  ScratchDir d("audit");
  auto c = config(d);
  fill(c, 1, 3);
  write_file(lock_path(c.path), nlohmann::json{{"seq", 3}, {"hash", std::string(64, 'a')}}.dump() + "\n");
  auto r = verify_chain(c.path, "");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("does not match the head"), std::string::npos) << r.problem;
}

TEST(AuditLog, UnwritableLogIsAnError) {
  ScratchDir d("audit");
  write_file(d / "not-a-dir", "x");
  AuditConfig c;
  c.path = d / "not-a-dir/audit.jsonl";  // its parent is a file: even root cannot create it
  auto r = append_record(c, record(1));
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.error.empty());
  std::string error;
  EXPECT_FALSE(probe_writable(c.path, error));
  EXPECT_TRUE(probe_writable(d / "fresh/dir/audit.jsonl", error)) << error;
}

TEST(AuditRecord, CarriesTheDecisionWithSecretsRedacted) {
  EventFields ev{"sess-1", "toolu_1", "/work", "Bash", {{"command", "PGPASSWORD=pw psql -c 'DROP TABLE t'"}}};
  Decision dec;
  dec.verdict = Verdict::Deny;
  dec.findings.push_back({"sql.drop", false, "PGPASSWORD=pw psql -c 'DROP TABLE t'", "DROP TABLE t", "psql -c", ""});
  dec.reason = "dbguard blocked this command (rule sql.drop).\nBlocked: PGPASSWORD=pw psql -c 'DROP TABLE t'\n";
  auto r = build_record(ev, dec);
  EXPECT_EQ(r["session_id"], "sess-1");
  EXPECT_EQ(r["tool_use_id"], "toolu_1");
  EXPECT_EQ(r["cwd"], "/work");
  EXPECT_EQ(r["tool"], "Bash");
  EXPECT_EQ(r["command"], "PGPASSWORD=*** psql -c 'DROP TABLE t'");
  EXPECT_EQ(r["decision"], "deny");
  EXPECT_EQ(r["hard"], false);
  EXPECT_EQ(r["rules"], nlohmann::json::array({"sql.drop"}));
  EXPECT_EQ(r["reason"].get<std::string>().find("pw psql"), std::string::npos);
  EXPECT_FALSE(r["version"].get<std::string>().empty());
  // RFC 3339, UTC, fractional seconds
  std::string t = r["time"];
  ASSERT_EQ(t.size(), 27u) << t;
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t[19], '.');
  EXPECT_EQ(t.back(), 'Z');
}

TEST(AuditLog, TheHeadIsRewrittenWholeWhateverItHeldBefore) {
  ScratchDir d("audit");
  auto c = keyed_config(d, "k");
  fill(c, 1, 2);
  std::string keyed = read_file(lock_path(c.path));
  // Without the key the head has no MAC: shorter, and nothing of the old one may stay.
  c.key_file.clear();
  fill(c, 3, 3);
  std::string plain = read_file(lock_path(c.path));
  EXPECT_LT(plain.size(), keyed.size());
  auto head = nlohmann::json::parse(plain);
  EXPECT_EQ(head["seq"], 3);
  EXPECT_FALSE(head.contains("mac"));
  // A head file past any head's size (not one of ours) is replaced, not appended to.
  write_file(lock_path(c.path), std::string(2000, 'x'));
  fill(c, 4, 4);
  std::string rewritten = read_file(lock_path(c.path));
  EXPECT_EQ(nlohmann::json::parse(rewritten)["seq"], 4);
  EXPECT_EQ(rewritten.find('x'), std::string::npos);
  auto last = nlohmann::json::parse(lines_of(read_file(c.path)).back());
  EXPECT_EQ(nlohmann::json::parse(rewritten)["hash"], last["hash"]);
}

// A record's line is built from its canonical text with `hash` inserted, not by
// dumping the record again: both must be exactly what a dump would write.
TEST(AuditCanonical, MemberByMemberTextAndHashPlaceAreADumpsOwn) {
  const auto dump = [](const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::vector<nlohmann::json> records = {
      nlohmann::json::object(),
      {{"a", 1}},
      {{"z", "last"}},
      {{"has", 1}, {"hasha", 2}, {"hash ", 3}, {"hasg", 4}, {"hashZ", 5}},
      {{"alg", "sha256"}, {"command", "psql -c \"DROP TABLE t\"\n\t\u00e9"}, {"prev", "00"}, {"seq", 7}},
      {{"Hash", true}, {"tool_input", {{"hash", "inner"}, {"z", {1, 2.5, nullptr}}}}, {"\u00e9", "x"}},
      {{"bad", std::string("\xff\xfe ok")}, {"zz", std::string("a\x01")}},
  };
  for (const auto& r : records) {
    SCOPED_TRACE(dump(r));
    std::size_t at = 0;
    std::string text = canonical(r, &at);
    EXPECT_EQ(text, canonical(r));
    EXPECT_EQ(text, dump(r));
    nlohmann::json with = r;
    with["hash"] = "c0ffee";
    EXPECT_EQ(with_hash_member(text, at, "c0ffee"), dump(with));
  }
}

TEST(AuditCanonical, AppendedLinesAreTheDumpOfTheirRecord) {
  ScratchDir d("audit");
  auto c = config(d);
  nlohmann::json big = record(2);
  big["command"] = std::string(70000, 'x') + "\"\\\n\u00e9";
  ASSERT_TRUE(append_record(c, record(1)).ok);
  ASSERT_TRUE(append_record(c, big).ok);
  auto lines = lines_of(read_file(c.path));
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(line, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  auto r = verify_chain(c.path, "");
  EXPECT_TRUE(r.ok) << describe(r);
}
