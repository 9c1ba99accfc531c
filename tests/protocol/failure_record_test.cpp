// `dbguard hook-timeout-record`, the image the watchdog's signal handler starts in a
// child to record its deny: whatever it is handed, it exits 2, writes nothing on
// stdout, and records a guard.timeout deny in the log the policy names. The input
// cannot choose the log: anyone can run the command.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "../support/events.h"

using namespace dbguard::testing;

namespace {

std::string handed_over(const std::string& event, bool complete = true) { return (complete ? "c" : "t") + event; }

}  // namespace

TEST(TimeoutRecord, RecordsTheEventItIsHandedInThePolicysLog) {
  ScratchDir d("timeout-record");
  // The managed policy names the log: the record goes there, as the hook's records do.
  write_file(d / "etc/dbguard/policy.toml", "[audit]\npath = \"" + (d / "policy-log/audit.jsonl") + "\"\n");
  auto r = run({DBGUARD_BINARY, "hook-timeout-record"},
               handed_over(bash_event("psql -f big.sql", d.path(), "toolu_t", "sess-t")), isolated_env(d));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  auto rs = audit_records(d / "policy-log/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["decision"], "deny");
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"guard.timeout"}));
  EXPECT_EQ(rs[0]["tool_use_id"], "toolu_t");
  EXPECT_EQ(rs[0]["command"], "psql -f big.sql");
  EXPECT_FALSE(std::filesystem::exists(d / "home/.local/state/dbguard/audit.jsonl"));
}

TEST(TimeoutRecord, WithoutAnEventItStillRecordsInTheDefaultLog) {
  ScratchDir d("timeout-record-empty");
  // Time ran out while stdin was read (nothing handed over), or the input is not an
  // event, or the call's fields handed over are not an object (nested past any bound).
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const std::vector<std::string> inputs = {"", "c", "c{not json", "f", "f[1,2]", "f{\"cwd\":", "f" + deep,
                                           "f{\"cwd\":" + deep + "}"};
  for (const std::string& input : inputs) {
    auto r = run({DBGUARD_BINARY, "hook-timeout-record"}, input, isolated_env(d));
    EXPECT_EQ(r.code, 2) << input.substr(0, 20);
    EXPECT_EQ(r.out, "");
  }
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), inputs.size());
  for (const auto& rec : rs) {
    EXPECT_EQ(rec["rules"], nlohmann::json::array({"guard.timeout"}));
    EXPECT_EQ(rec["tool_use_id"], "");
    EXPECT_EQ(rec["cwd"], "");
  }
}

TEST(TimeoutRecord, AnEventCutAtTheBoundIsNotReadAsOne) {
  ScratchDir d("timeout-record-cut");
  auto r = run({DBGUARD_BINARY, "hook-timeout-record"}, handed_over(bash_event("ls", d.path(), "toolu_cut"), false),
               isolated_env(d));
  EXPECT_EQ(r.code, 2);
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["tool_use_id"], "");
}

// An earlier hand-over carried the audit settings, so anyone running the command
// could have it append a line to any file (a policy file, Claude Code's settings).
TEST(TimeoutRecord, TheInputCannotNameTheFileWritten) {
  ScratchDir d("timeout-record-path");
  std::string target = d / "home/.claude/settings.json";
  write_file(target, "{}\n");
  std::string attempt = "{\"path\":\"" + target + "\",\"key_file\":\"\",\"required\":false,\"log_allows\":true,"
                        "\"rotate_bytes\":1000000}\nc" + bash_event("ls", d.path());
  auto r = run({DBGUARD_BINARY, "hook-timeout-record"}, attempt, isolated_env(d));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(read_file(target), "{}\n");
  EXPECT_EQ(audit_records(d / "home/.local/state/dbguard/audit.jsonl").size(), 1u);
}

// Once a large event is read, the hook hands over what the record says of the call
// (audit::call_fields) instead of its bytes. Only those members are recorded, as
// strings: the input cannot choose the decision, rules or reason, any more than
// the log.
TEST(TimeoutRecord, RecordsTheCallsFieldsItIsHandedAndNothingElse) {
  ScratchDir d("timeout-record-fields");
  write_file(d / "etc/dbguard/policy.toml", "[audit]\npath = \"" + (d / "policy-log/audit.jsonl") + "\"\n");
  nlohmann::json handed = {{"session_id", "sess-f"}, {"tool_use_id", "toolu_f"}, {"cwd", d.path()},
                           {"tool", "Bash"}, {"command", "psql -f big.sql…[70000 more bytes]"},
                           {"decision", "allow"}, {"rules", {"containers.volume-rm"}}, {"reason", "forged"},
                           {"hard", true}, {"input", {{"nested", {1, 2, 3}}}}, {"seq", 7}};
  auto r = run({DBGUARD_BINARY, "hook-timeout-record"}, "f" + handed.dump(), isolated_env(d));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  auto rs = audit_records(d / "policy-log/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["decision"], "deny");
  EXPECT_EQ(rs[0]["hard"], false);
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"guard.timeout"}));
  EXPECT_NE(rs[0]["reason"], "forged");
  EXPECT_EQ(rs[0]["session_id"], "sess-f");
  EXPECT_EQ(rs[0]["tool_use_id"], "toolu_f");
  EXPECT_EQ(rs[0]["tool"], "Bash");
  EXPECT_EQ(rs[0]["command"], "psql -f big.sql…[70000 more bytes]");
  EXPECT_FALSE(rs[0].contains("input"));  // not a string: dropped
  EXPECT_EQ(rs[0]["seq"], 1);             // the chain's own, not the input's
}
