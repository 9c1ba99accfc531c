// The time-budget watchdog through the built binary: a decision that takes too
// long, or input that never ends, is a deny (exit 2) with its reason, and the
// deny is recorded in the audit log like any other.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/events.h"

using namespace dbguard::testing;

TEST(HookRunner, AnalysisPastTheCpuBudgetIsATimeoutDenyAndRecorded) {
  ScratchDir d("watchdog-cpu");
  // About 7 MiB of SQL (the file bound is 8 MiB): far more than 10 ms of parsing on any machine.
  std::string sql;
  for (int i = 0; sql.size() < (7u << 20); ++i)
    sql += "INSERT INTO t (id, v) VALUES (" + std::to_string(i) + ", 'x');\nDELETE FROM t WHERE id = " +
           std::to_string(i) + ";\n";
  write_file(d / "big.sql", sql);
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
  std::string sql;
  for (int i = 0; sql.size() < (7u << 20); ++i) sql += "DELETE FROM t WHERE id = " + std::to_string(i) + ";\n";
  write_file(d / "big.sql", sql);
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
