// `dbguard hook-timeout-record`, the image the watchdog's signal handler execs in
// place of the hook to record its deny: whatever it is handed, it exits 2, writes
// nothing on stdout, and records a guard.timeout deny where the settings say.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "../support/events.h"
#include "protocol/failure_record.h"

using namespace dbguard::testing;
using dbguard::audit::AuditConfig;
using dbguard::protocol::encode_audit_settings;

namespace {

std::string handed_over(const std::string& settings, const std::string& event, bool complete = true) {
  return settings + "\n" + (complete ? "c" : "t") + event;
}

}  // namespace

TEST(TimeoutRecord, RecordsTheEventItIsHandedWhereTheSettingsSay) {
  ScratchDir d("timeout-record");
  AuditConfig cfg;
  cfg.path = d / "policy-log/audit.jsonl";
  auto r = run({DBGUARD_BINARY, "hook-timeout-record"},
               handed_over(encode_audit_settings(cfg), bash_event("psql -f big.sql", d.path(), "toolu_t", "sess-t")),
               isolated_env(d));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  auto rs = audit_records(cfg.path);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["decision"], "deny");
  EXPECT_EQ(rs[0]["rules"], nlohmann::json::array({"guard.timeout"}));
  EXPECT_EQ(rs[0]["tool_use_id"], "toolu_t");
  EXPECT_EQ(rs[0]["command"], "psql -f big.sql");
  EXPECT_FALSE(std::filesystem::exists(d / "home/.local/state/dbguard/audit.jsonl"));
}

TEST(TimeoutRecord, WithoutSettingsOrEventItStillRecordsInTheDefaultLog) {
  ScratchDir d("timeout-record-empty");
  // Time ran out while stdin was read: no settings line content, no event.
  for (const std::string& input : {std::string("\n"), std::string(""), std::string("{not json\nc{also not")}) {
    auto r = run({DBGUARD_BINARY, "hook-timeout-record"}, input, isolated_env(d));
    EXPECT_EQ(r.code, 2) << input;
    EXPECT_EQ(r.out, "");
  }
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), 3u);
  for (const auto& rec : rs) {
    EXPECT_EQ(rec["rules"], nlohmann::json::array({"guard.timeout"}));
    EXPECT_EQ(rec["tool_use_id"], "");
  }
}

TEST(TimeoutRecord, AnEventCutAtTheBoundIsNotReadAsOne) {
  ScratchDir d("timeout-record-cut");
  auto r = run({DBGUARD_BINARY, "hook-timeout-record"},
               handed_over("", bash_event("ls", d.path(), "toolu_cut"), /*complete=*/false), isolated_env(d));
  EXPECT_EQ(r.code, 2);
  auto rs = audit_records(d / "home/.local/state/dbguard/audit.jsonl");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0]["tool_use_id"], "");
}
