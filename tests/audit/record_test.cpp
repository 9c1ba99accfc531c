#include "audit/record.h"

#include <gtest/gtest.h>

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
  std::time_t before = std::time(nullptr);
  std::string now = audit::now_rfc3339();
  std::time_t after = std::time(nullptr);
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
