#include "audit/record.h"
#include "audit/redact.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

using namespace dbguard;
using namespace std::chrono;

namespace {

sys_time<microseconds> at(long long seconds, long long micros = 0) {
  return sys_time<microseconds>{microseconds{seconds * 1000000 + micros}};
}

}  // namespace

TEST(AuditTime, Rfc3339UtcByCalendarArithmetic) {
  EXPECT_EQ(audit::rfc3339_utc(at(0)), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(audit::rfc3339_utc(at(1748781296, 123456)), "2025-06-01T12:34:56.123456Z");
  EXPECT_EQ(audit::rfc3339_utc(at(1709251199, 999999)), "2024-02-29T23:59:59.999999Z");  // leap day
  EXPECT_EQ(audit::rfc3339_utc(at(1709251200)), "2024-03-01T00:00:00.000000Z");
  EXPECT_EQ(audit::rfc3339_utc(at(4102444800)), "2100-01-01T00:00:00.000000Z");  // 2100 is no leap year
}

TEST(AuditTime, NowAgreesWithTheCLibrary) {
  // The same clock as now_rfc3339: time() reads the kernel's coarse clock, which may
  // still be in the last second when the precise one is in the next (a flaky failure).
  auto seconds_now = [] { return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()); };
  std::time_t before = seconds_now();
  std::string now = audit::now_rfc3339();
  std::time_t after = seconds_now();
  ASSERT_EQ(now.size(), 27u) << now;
  char a[32], b[32];
  std::tm tm{};
  gmtime_r(&before, &tm);
  std::strftime(a, sizeof a, "%Y-%m-%dT%H:%M:%S", &tm);
  gmtime_r(&after, &tm);
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string seconds = now.substr(0, 19);
  EXPECT_TRUE(seconds == a || seconds == b) << now << " vs " << a << " / " << b;
  EXPECT_EQ(now.back(), 'Z');
}

namespace {

audit::EventFields bash(const std::string& command) {
  return {"s", "t", "/work", "Bash", {{"command", command}}};
}

Decision denied() {
  Decision d;
  d.verdict = Verdict::Deny;
  return d;
}

}  // namespace

TEST(AuditRecord, LongCommandIsCutAndSaysHowMuchWasDropped) {
  std::string command(1u << 20, 'x');
  std::string kept = audit::build_record(bash(command), denied())["command"];
  EXPECT_EQ(kept.rfind(std::string(audit::kMaxCommandBytes, 'x'), 0), 0u);
  EXPECT_NE(kept.find("…[" + std::to_string(command.size() - audit::kMaxCommandBytes) + " more bytes]"),
            std::string::npos)
      << kept.substr(audit::kMaxCommandBytes);
}

// Only the kept part of a long command is scanned for secrets, with a margin: a
// secret that starts before the cut and runs past it is still redacted whole.
TEST(AuditRecord, SecretAcrossTheCutOfALongCommandIsRedacted) {
  // The password's end (`@`) lies past the cut: seen only through the margin.
  std::string uri = "postgres://app:" + std::string(10000, 's') + "@db.example.com/app";
  std::string command = std::string(audit::kMaxCommandBytes - 100, 'x') + " psql " + uri + " " +
                        std::string(1u << 20, 'y');
  std::string kept = audit::build_record(bash(command), denied())["command"];
  EXPECT_NE(kept.find("postgres://app:***"), std::string::npos) << kept.substr(audit::kMaxCommandBytes - 120, 200);
  EXPECT_EQ(kept.find("sss"), std::string::npos) << "part of the secret is in the record";
  EXPECT_NE(kept.find(" more bytes]"), std::string::npos);
}

// An MCP tool's input is kept as JSON: one nested 500,000 deep (its 4 MiB allow
// that) is recorded cut at the depth bound, not by recursing until the stack ends.
TEST(AuditRecord, DeeplyNestedToolInputIsRecordedCut) {
  nlohmann::json deep = 1;
  for (int i = 0; i < 500000; ++i) deep = nlohmann::json{{"a", std::move(deep)}};
  audit::EventFields ev{"s", "t", "/work", "mcp__db__query", {{"sql", "SELECT 1"}, {"x", std::move(deep)}}};
  nlohmann::json r = audit::build_record(ev, denied());
  EXPECT_EQ(r["sql"], "SELECT 1");
  std::string input = r["input"];
  EXPECT_NE(input.find(std::string(audit::kTooDeep)), std::string::npos) << input.substr(0, 200);
  EXPECT_LT(input.size(), 1000u);
}

// A timeout's record is handed these fields, and keeps only the members
// is_call_field names, strings each: a member added here and not there would be
// lost from every such record.
TEST(AuditRecord, CallFieldsAreStringsTheRecordNamesAsItsOwn) {
  audit::EventFields mcp{"s", "t", "/work", "mcp__db__query", {{"sql", "DELETE FROM t"}, {"n", {1, 2}}}};
  audit::EventFields other{"s", "t", "/work", "Write", {{"file_path", "/x"}, {"content", "y"}}};
  audit::EventFields unread{"s", "", "", "", nullptr};
  for (const auto& ev : {bash("psql -c 'DROP TABLE t'"), mcp, other, unread}) {
    nlohmann::json call = audit::call_fields(ev);
    ASSERT_TRUE(call.is_object());
    for (auto& [key, value] : call.items()) {
      EXPECT_TRUE(audit::is_call_field(key)) << key;
      EXPECT_TRUE(value.is_string()) << key;
    }
    nlohmann::json whole = audit::build_record(ev, denied());
    for (auto& [key, value] : whole.items())
      if (audit::is_call_field(key)) EXPECT_EQ(call[key], value) << key;
      else EXPECT_FALSE(call.contains(key)) << key;
  }
  EXPECT_TRUE(audit::call_fields(mcp).contains("sql"));
  EXPECT_TRUE(audit::call_fields(mcp).contains("input"));
  EXPECT_FALSE(audit::is_call_field("decision"));
  EXPECT_FALSE(audit::is_call_field("rules"));
}
