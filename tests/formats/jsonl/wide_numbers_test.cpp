#include "formats/jsonl/wide_numbers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace streampro::formats::jsonl {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

TEST(WideNumbersTest, JsonNumberGrammar) {
  for (const char* good : {"0", "-0", "7", "-12", "0.5", "1e5", "1E+5", "1e-5", "-1.25e999"}) {
    EXPECT_TRUE(IsJsonNumber(good)) << good;
  }
  for (const char* bad :
       {"", "-", "01", "+1", "1.", ".5", "1e", "1e+", "1.e5", "1e5.0", "--1", "0x10", "1e999x"}) {
    EXPECT_FALSE(IsJsonNumber(bad)) << bad;
  }
}

TEST(WideNumbersTest, ToDoubleOverflowsToInfinityAndUnderflowsToZero) {
  EXPECT_EQ(JsonNumberToDouble("1e999"), kInfinity);
  EXPECT_EQ(JsonNumberToDouble("-1e999"), -kInfinity);
  EXPECT_EQ(JsonNumberToDouble("1.7976931348623159e308"), kInfinity);  // rounds past the max
  EXPECT_EQ(JsonNumberToDouble("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_EQ(JsonNumberToDouble("0.001e312"), kInfinity);  // 1e309
  EXPECT_EQ(JsonNumberToDouble("100000e-310"), 1e-305);
  EXPECT_EQ(JsonNumberToDouble("1e-999"), 0.0);
  EXPECT_TRUE(std::signbit(JsonNumberToDouble("-1e-999")));
  EXPECT_EQ(JsonNumberToDouble("1000e-999999999999999999999"), 0.0);  // exponent saturates
  EXPECT_EQ(JsonNumberToDouble("1e999999999999999999999"), kInfinity);
  EXPECT_EQ(JsonNumberToDouble("123456789012345678901234567890"), 1.2345678901234568e29);
}

TEST(WideNumbersTest, NarrowsOnlyWideNumbersOutsideStrings) {
  EXPECT_FALSE(NarrowWideNumbers(R"({"value":1e308,"n":1234567890123456789})"));
  EXPECT_FALSE(NarrowWideNumbers(R"({"value":"1e999"})"));
  EXPECT_FALSE(NarrowWideNumbers(R"({"value":"1e999})"));  // unterminated string
  auto line = NarrowWideNumbers(R"({"a":"x\"1e999","value":-1e999,"b":[1e999,2]})");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->text, R"({"a":"x\"1e999","value":0,"b":[0,2]})");
  EXPECT_EQ(line->value, -kInfinity);
  line = NarrowWideNumbers(R"({"value" : 18446744073709551616})");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->text, R"({"value" : 1.8446744073709552e+19})");
  EXPECT_EQ(line->value, 18446744073709551616.0);
  // Only the top-level member counts as the value.
  line = NarrowWideNumbers(R"({"x":{"value":1e999},"value":1})");
  ASSERT_TRUE(line);
  EXPECT_FALSE(line->value);
  // Bad grammar is left alone, so the line stays invalid.
  line = NarrowWideNumbers(R"({"value":01e999,"v":1e999})");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->text, R"({"value":01e999,"v":0})");
}

}  // namespace
}  // namespace streampro::formats::jsonl
