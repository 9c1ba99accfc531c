// The hook records every decision, through the real binary: what a record
// holds, allows turned off by policy, and what happens when the log cannot be
// written (the decision stands; with audit.required everything is denied).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/events.h"

using namespace dbguard::testing;

TEST(HookAudit, EveryDecisionIsRecordedAtTheDefaultPath) {
  ScratchDir d("hook-audit");
  auto env = isolated_env(d);
  env["-XDG_STATE_HOME"] = "";  // default: ~/.local/state/dbguard/audit.jsonl
  auto deny = run({DBGUARD_BINARY, "hook"}, bash_event("PGPASSWORD=hunter2 docker volume rm pgdata", d.path(), "toolu_a", "sess-42"), env);
  EXPECT_EQ(deny.code, 2);
  auto allow = run({DBGUARD_BINARY, "hook"}, bash_event("ls -la", d.path(), "toolu_b", "sess-42"), env);
  EXPECT_EQ(allow.code, 0);
  EXPECT_EQ(allow.out, "");
  EXPECT_EQ(allow.err, "");  // the audit append is silent when it works
  std::string log = d / "home/.local/state/dbguard/audit.jsonl";
  auto rs = audit_records(log);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0]["decision"], "deny");
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"containers.volume-rm"}));
  EXPECT_EQ(rs[0]["command"], "PGPASSWORD=*** docker volume rm pgdata");
  EXPECT_EQ(rs[0]["session_id"], "sess-42");
  EXPECT_EQ(rs[0]["tool_use_id"], "toolu_a");
  EXPECT_EQ(rs[0]["cwd"], d.path());
  EXPECT_EQ(rs[0]["tool"], "Bash");
  EXPECT_NE(rs[0]["reason"].get<std::string>().find("containers.volume-rm"), std::string::npos);
  EXPECT_EQ(read_file(log).find("hunter2"), std::string::npos);
  EXPECT_EQ(rs[1]["decision"], "allow");
  EXPECT_EQ(rs[1]["prev"], rs[0]["hash"]);
  auto v = run({DBGUARD_BINARY, "audit", "verify", log}, "", env);
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_EQ(v.out, "2 records, chain intact\n");
}

TEST(HookAudit, MalformedEventsAreRecordedToo) {
  ScratchDir d("hook-audit");
  auto env = isolated_env(d);
  auto r = run({DBGUARD_BINARY, "hook"}, "this is not json", env);
  EXPECT_EQ(r.code, 2);
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["decision"], "deny");
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"guard.malformed-event"}));
}

TEST(HookAudit, ManagedPolicyCanTurnAllowsOffButNotDenies) {
  ScratchDir d("hook-audit");
  auto env = isolated_env(d);
  write_file(d / "etc/dbguard/policy.toml", "[audit]\nlog_allows = false\npath = \"" + d / "log/audit.jsonl" + "\"\n");
  EXPECT_EQ(run({DBGUARD_BINARY, "hook"}, bash_event("ls", d.path()), env).code, 0);
  EXPECT_EQ(run({DBGUARD_BINARY, "hook"}, bash_event("docker volume prune -f", d.path()), env).code, 2);
  auto rs = audit_records(d / "log/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["decision"], "deny");
}

TEST(HookAudit, AUserPolicyCannotTurnAllowsOff) {
  ScratchDir d("hook-audit");
  auto env = isolated_env(d);
  env["DBGUARD_AUDIT_LOG"] = d / "audit.jsonl";
  write_file(d / "home/.config/dbguard/policy.toml", "[audit]\nlog_allows = false\n");
  EXPECT_EQ(run({DBGUARD_BINARY, "hook"}, bash_event("ls", d.path()), env).code, 0);
  EXPECT_EQ(audit_records(d / "audit.jsonl").size(), 1u);
  auto v = run({DBGUARD_BINARY, "policy", "validate", "--cwd", d.path()}, "", env);
  EXPECT_EQ(v.code, 1);
  EXPECT_NE(v.err.find("policy.toml:2: `audit.log_allows`"), std::string::npos) << v.err;
}

TEST(HookAudit, UnwritableLogLeavesTheDecisionAndSaysSo) {
  ScratchDir d("hook-audit");
  auto env = isolated_env(d);
  write_file(d / "blocker", "a file where the log directory should be");
  env["DBGUARD_AUDIT_LOG"] = d / "blocker/audit.jsonl";
  auto allow = run({DBGUARD_BINARY, "hook"}, bash_event("ls", d.path()), env);
  EXPECT_EQ(allow.code, 0);
  EXPECT_EQ(allow.out, "");
  EXPECT_NE(allow.err.find("audit log was not written"), std::string::npos) << allow.err;
  auto deny = run({DBGUARD_BINARY, "hook"}, bash_event("docker volume rm x", d.path()), env);
  EXPECT_EQ(deny.code, 2);
  EXPECT_NE(deny.err.find("containers.volume-rm"), std::string::npos);
  EXPECT_NE(deny.err.find("audit log was not written"), std::string::npos);
}

TEST(HookAudit, RequiredAuditDeniesEverythingWhenTheLogCannotBeWritten) {
  ScratchDir d("hook-audit");
  auto env = isolated_env(d);
  write_file(d / "blocker", "x");
  write_file(d / "home/.config/dbguard/policy.toml",
             "[audit]\nrequired = true\npath = \"" + d / "blocker/audit.jsonl" + "\"\n");
  for (std::string cmd : {"ls", "git status", "docker volume rm x"}) {
    auto r = run({DBGUARD_BINARY, "hook"}, bash_event(cmd, d.path()), env);
    EXPECT_EQ(r.code, 2) << cmd;
    EXPECT_NE(r.err.find("guard.audit-unavailable"), std::string::npos) << cmd << ": " << r.err;
    // check decides the same
    auto c = run({DBGUARD_BINARY, "check", "--json", "--cwd", d.path(), "--", cmd}, "", env);
    EXPECT_EQ(c.code, 2) << cmd;
    EXPECT_NE(c.out.find("guard.audit-unavailable"), std::string::npos) << c.out;
  }
  // fixed: calls go through again, and are recorded
  std::filesystem::remove(d / "blocker");
  auto r = run({DBGUARD_BINARY, "hook"}, bash_event("ls", d.path()), env);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(audit_records(d / "blocker/audit.jsonl").size(), 1u);
}

TEST(HookAudit, TailAndStats) {
  ScratchDir d("hook-audit");
  auto env = isolated_env(d);
  env["DBGUARD_AUDIT_LOG"] = d / "audit.jsonl";
  for (std::string cmd : {"ls", "docker volume rm a", "git status", "dropdb app", "pwd"})
    run({DBGUARD_BINARY, "hook"}, bash_event(cmd, d.path()), env);
  auto tail = run({DBGUARD_BINARY, "audit", "tail", "-n", "2"}, "", env);
  EXPECT_EQ(tail.code, 0);
  auto tl = lines_of(tail.out);
  ASSERT_EQ(tl.size(), 2u);
  EXPECT_NE(tl[0].find("dropdb app"), std::string::npos);
  EXPECT_NE(tl[1].find("pwd"), std::string::npos);
  auto denied = run({DBGUARD_BINARY, "audit", "tail", "--denied"}, "", env);
  auto dl = lines_of(denied.out);
  ASSERT_EQ(dl.size(), 2u);
  EXPECT_NE(dl[0].find("containers.volume-rm"), std::string::npos);
  EXPECT_NE(dl[1].find("postgres.dropdb"), std::string::npos);
  auto stats = run({DBGUARD_BINARY, "audit", "stats"}, "", env);
  EXPECT_EQ(stats.code, 0);
  EXPECT_NE(stats.out.find("5 records"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("allow   3"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("deny    2"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("postgres.dropdb"), std::string::npos);
}

TEST(HookAudit, VerifyNamesTheFirstBadLineAndExitsOne) {
  ScratchDir d("hook-audit");
  auto env = isolated_env(d);
  env["DBGUARD_AUDIT_LOG"] = d / "audit.jsonl";
  for (int i = 0; i < 4; ++i) run({DBGUARD_BINARY, "hook"}, bash_event("echo " + std::to_string(i), d.path()), env);
  auto lines = lines_of(read_file(d / "audit.jsonl"));
  ASSERT_EQ(lines.size(), 4u);
  std::string text;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string l = lines[i];
    if (i == 2) l.replace(l.find("echo 2"), 6, "echo X");
    text += l + "\n";
  }
  write_file(d / "audit.jsonl", text);
  auto v = run({DBGUARD_BINARY, "audit", "verify"}, "", env);
  EXPECT_EQ(v.code, 1);
  EXPECT_NE(v.err.find(d / "audit.jsonl:3: record modified"), std::string::npos) << v.err;
}
