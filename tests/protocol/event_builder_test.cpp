#include "protocol/event_builder.h"

#include <gtest/gtest.h>

#include <limits>

using namespace dbguard::protocol;
using Json = nlohmann::json;

namespace {

Json value(const std::string& text) {
  Json j;
  EXPECT_TRUE(number_value(text, j)) << text;
  return j;
}

}  // namespace

// Both readers hand over a number's text: its kind and value are decided here, as
// nlohmann_json decided them when it read the event.
TEST(NumberValue, IntegersKeepTheirKind) {
  EXPECT_TRUE(value("5").is_number_unsigned());
  EXPECT_EQ(value("5").get<std::uint64_t>(), 5u);
  EXPECT_TRUE(value("-5").is_number_integer() && !value("-5").is_number_unsigned());
  EXPECT_EQ(value("-5").get<std::int64_t>(), -5);
  EXPECT_EQ(value("18446744073709551615").get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(value("-9223372036854775808").get<std::int64_t>(), std::numeric_limits<std::int64_t>::min());
  Json zero = value("-0");
  EXPECT_TRUE(zero.is_number_unsigned());
  EXPECT_EQ(zero.get<std::uint64_t>(), 0u);
}

TEST(NumberValue, PastSixtyFourBitsIsADouble) {
  EXPECT_TRUE(value("18446744073709551616").is_number_float());
  EXPECT_EQ(value("18446744073709551616").get<double>(), 18446744073709551616.0);
  EXPECT_EQ(value("-9223372036854775809").get<double>(), -9223372036854775809.0);
  EXPECT_EQ(value("123456789012345678901234567890").get<double>(), 123456789012345678901234567890.0);
}

TEST(NumberValue, DoublesAreExact) {
  EXPECT_EQ(value("0.1").get<double>(), 0.1);
  EXPECT_EQ(value("1E5").get<double>(), 100000.0);
  EXPECT_EQ(value("2.2250738585072011e-308").get<double>(), 2.2250738585072011e-308);
  EXPECT_EQ(value("4.9e-324").get<double>(), 4.9e-324);  // the least subnormal
  EXPECT_EQ(value("1e-400").get<double>(), 0.0);         // below it: 0, as JSON.parse reads it
  EXPECT_EQ(value("-1e-400").get<double>(), 0.0);
}

TEST(NumberValue, PastADoublesRangeIsRefused) {
  Json j;
  EXPECT_FALSE(number_value("1e400", j));
  EXPECT_FALSE(number_value("-1e400", j));
  EXPECT_FALSE(number_value("1.8e308", j));
  EXPECT_TRUE(number_value("1.7e308", j));
  EXPECT_FALSE(number_value("", j));
}
