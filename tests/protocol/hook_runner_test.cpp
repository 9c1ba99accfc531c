// The time-budget watchdog through the built binary: a decision that takes too
// long, or input that never ends, is a deny (exit 2) with its reason, and the
// deny is recorded in the audit log like any other.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/events.h"
#include "protocol/event_json.h"

using namespace dbguard::testing;

namespace {

// About 7 MiB of SQL in DIR/big.sql (the file bound is 8 MiB): far more than 10 ms
// of parsing on any machine, so `psql -f big.sql` outlives a 10 ms budget.
void write_big_sql(const ScratchDir& d) {
  std::string sql;
  for (int i = 0; sql.size() < (7u << 20); ++i)
    sql += "INSERT INTO t (id, v) VALUES (" + std::to_string(i) + ", 'x');\nDELETE FROM t WHERE id = " +
           std::to_string(i) + ";\n";
  write_file(d / "big.sql", sql);
}

}  // namespace

TEST(HookRunner, AnalysisPastTheCpuBudgetIsATimeoutDenyAndRecorded) {
  ScratchDir d("watchdog-cpu");
  write_big_sql(d);
  auto env = isolated_env(d);
  env["DBGUARD_TIME_BUDGET_MS"] = "10";
  auto r = run({DBGUARD_BINARY, "hook"}, bash_event("psql -f big.sql", d.path(), "toolu_w", "sess-w"), env);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("dbguard blocked this command (rule guard.timeout).\n", 0), 0u) << r.err;
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["decision"], "deny");
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"guard.timeout"}));
  EXPECT_EQ(rs[0]["tool_use_id"], "toolu_w");  // the event was read before time ran out
}

TEST(HookRunner, ATimeoutAfterThePolicyIsReadIsRecordedInThePolicysLog) {
  ScratchDir d("watchdog-policy-log");
  write_big_sql(d);
  auto env = isolated_env(d);
  env["DBGUARD_AUDIT_LOG"] = d / "elsewhere/audit.jsonl";
  env["DBGUARD_TIME_BUDGET_MS"] = "10";
  auto r = run({DBGUARD_BINARY, "hook"}, bash_event("psql -f big.sql", d.path(), "toolu_p"), env);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  auto rs = audit_records(d / "elsewhere/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"guard.timeout"}));
  EXPECT_EQ(rs[0]["tool_use_id"], "toolu_p");
  EXPECT_EQ(rs[0]["command"], "psql -f big.sql");
}

// A large event's bytes are freed once it is read, and the timeout's record is
// made from what the record says of the call: the same record, its command cut
// and redacted, the bytes it dropped counted from the whole command.
TEST(HookRunner, ALargeEventPastTheBudgetIsRecordedAsAnyOther) {
  ScratchDir d("watchdog-large");
  write_big_sql(d);
  auto env = isolated_env(d);
  env["DBGUARD_TIME_BUDGET_MS"] = "30";
  const std::string command = "PGPASSWORD=hunter2 psql -f big.sql; echo " + std::string(200000, 'a');
  auto r = run({DBGUARD_BINARY, "hook"}, bash_event(command, d.path(), "toolu_l", "sess-l"), env);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("dbguard blocked this command (rule guard.timeout).\n", 0), 0u) << r.err;
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"guard.timeout"}));
  EXPECT_EQ(rs[0]["tool_use_id"], "toolu_l");
  EXPECT_EQ(rs[0]["session_id"], "sess-l");
  const std::string kept = rs[0]["command"];
  EXPECT_EQ(kept.find("hunter2"), std::string::npos);
  EXPECT_EQ(kept.rfind("PGPASSWORD=", 0), 0u);
  // 16 KiB kept of the redacted command, the rest counted
  const std::string redacted_head = kept.substr(0, kept.find("…["));
  EXPECT_EQ(redacted_head.size(), 16384u);
  const std::size_t redacted_size = command.size() - std::string("hunter2").size() +
                                    (kept.find(' ') - std::string("PGPASSWORD=").size());
  EXPECT_EQ(kept.substr(redacted_head.size()),
            "…[" + std::to_string(redacted_size - 16384) + " more bytes]");
}

TEST(HookRunner, StdinThatNeverEndsIsDeniedAtTheWallClockCap) {
  ScratchDir d("watchdog-wall");
  auto env = isolated_env(d);
  env["DBGUARD_TIME_BUDGET_MS"] = "50";  // the cap is the larger of 2 s and the budget
  // The writer holds the pipe open longer than the 2 s cap; the hook must not wait for it.
  auto r = run({"/bin/sh", "-c", "sleep 4 | '" + std::string(DBGUARD_BINARY) + "' hook; echo \"rc=$?\""}, "", env);
  EXPECT_EQ(r.out, "rc=2\n");
  EXPECT_EQ(r.err.rfind("dbguard blocked this command (rule guard.timeout).\n", 0), 0u) << r.err;
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"guard.timeout"}));
}

// Decided in time, a deeply nested MCP input reaches the audit record, which keeps
// the input as JSON: it must be cut at a depth bound, not recursed into (that
// overflowed the stack: exit 139, which Claude Code does not take as a deny).
TEST(HookRunner, DeeplyNestedToolInputDecidedInTimeIsRecordedCut) {
  ScratchDir d("deep-mcp");
  std::string deep = "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"mcp__db__query\",\"tool_use_id\":\"toolu_d\","
                     "\"cwd\":\"/tmp\",\"tool_input\":{\"sql\":\"SELECT 1\",\"x\":";
  for (std::size_t i = 3; i < dbguard::protocol::kMaxEventDepth; ++i) deep += "{\"a\":";
  deep += "1" + std::string(dbguard::protocol::kMaxEventDepth - 3, '}') + "}}";
  auto r = run({DBGUARD_BINARY, "hook"}, deep, isolated_env(d));
  EXPECT_TRUE(r.code == 0 || r.code == 2) << r.code << " " << r.err.substr(0, 300);
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["tool_use_id"], "toolu_d");
  EXPECT_NE(rs[0]["input"].get<std::string>().find("nested too deep"), std::string::npos);
}

// Deeper than the event's bound (the old reader parsed 500,000 levels), the
// event is refused unread, with its reason, and the refusal recorded.
TEST(HookRunner, EventNestedPastTheBoundIsDeniedAndRecorded) {
  ScratchDir d("deeper-mcp");
  std::string deep = "{\"tool_name\":\"mcp__db__query\",\"tool_input\":{\"sql\":\"SELECT 1\",\"x\":";
  for (int i = 0; i < 500000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(500000, '}') + "}}";
  auto r = run({DBGUARD_BINARY, "hook"}, deep, isolated_env(d));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("guard.malformed-event"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nests deeper than 1000 levels"), std::string::npos) << r.err;
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"guard.malformed-event"}));
}
