#include "common/parse_int.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace streampro {
namespace {

TEST(ParseIntTest, AcceptsExactlyDecimalIntegers) {
  EXPECT_EQ(ParseInt64("0"), 0);
  EXPECT_EQ(ParseInt64("42"), 42);
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_EQ(ParseInt64("007"), 7);
  EXPECT_EQ(ParseInt64("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseInt64("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  for (const char* bad :
       {"", "-", "+1", " 1", "1 ", "12x", "x12", "1.0", "1e3", "0x10", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901234567890"}) {
    EXPECT_EQ(ParseInt64(bad), std::nullopt) << bad;
  }
}

TEST(ParseIntTest, RangeIsInclusive) {
  EXPECT_EQ(ParseInt64("1", 1, 10), 1);
  EXPECT_EQ(ParseInt64("10", 1, 10), 10);
  EXPECT_EQ(ParseInt64("0", 1, 10), std::nullopt);
  EXPECT_EQ(ParseInt64("11", 1, 10), std::nullopt);
  EXPECT_EQ(ParseInt64("-1", 0, 10), std::nullopt);
}

}  // namespace
}  // namespace streampro
