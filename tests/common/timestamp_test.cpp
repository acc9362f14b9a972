#include "common/timestamp.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace streampro {
namespace {

// Expected instants are written out by hand from the calendar, not from the parser:
// 2025-09-05 is day 20336 since 1970-01-01; 2024-02-29 is day 19782.
constexpr int64_t kMicros = 1'000'000;
constexpr int64_t kSep5 = int64_t{20336} * 86400 * kMicros;
constexpr int64_t kLeapDay2024 = int64_t{19782} * 86400 * kMicros;

TEST(TimestampParserTest, AcceptsTheSpecForms) {
  const int64_t t = kSep5 + (14 * 3600 + 3 * 60 + 22) * kMicros;
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T14:03:22Z"), t);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T14:03:22"), t);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05 14:03:22"), t);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05 14:03:22.123Z"), t + 123'000);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T14:03:22.1"), t + 100'000);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T14:03:22.000001Z"), t + 1);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T16:03:22+02:00"), t);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T19:33:22+05:30"), t);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T04:33:22-09:30"), t);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T14:03:22+00:00"), t);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T14:03:22-00:00"), t);
  EXPECT_EQ(ParseIsoTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIsoTimestamp("1969-12-31T23:59:59Z"), -kMicros);
  EXPECT_EQ(ParseIsoTimestamp("2024-02-29T00:00:00Z"), kLeapDay2024);
  EXPECT_EQ(ParseIsoTimestamp("2000-02-29T00:00:00Z").has_value(), true);
}

TEST(TimestampParserTest, TruncatesFractionsToMicroseconds) {
  EXPECT_EQ(ParseIsoTimestamp("1970-01-01T00:00:00.123456789Z"), 123456);
  EXPECT_EQ(ParseIsoTimestamp("1970-01-01T00:00:00.999999999"), 999999);
  EXPECT_EQ(ParseIsoTimestamp("1970-01-01T00:00:00.0000009Z"), 0);
  EXPECT_EQ(ParseIsoTimestamp("1969-12-31T23:59:59.9999999Z"), -1);
  EXPECT_EQ(ParseIsoTimestamp("1970-01-01T00:00:00.1234567890Z"), std::nullopt);  // 10 digits
  EXPECT_EQ(ParseIsoTimestamp("1970-01-01T00:00:00.Z"), std::nullopt);
}

TEST(TimestampParserTest, OffsetsUpTo2359) {
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T23:59:00+23:59"), kSep5 + 0);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T00:00:00-23:59"),
            kSep5 + (23 * 3600 + 59 * 60) * kMicros);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T00:00:00+24:00"), std::nullopt);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T00:00:00-24:00"), std::nullopt);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T00:00:00+01:60"), std::nullopt);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T00:00:00+0200"), std::nullopt);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T00:00:00+02"), std::nullopt);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T00:00:00+02:00Z"), std::nullopt);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T00:00:00Z+02:00"), std::nullopt);
  EXPECT_EQ(ParseIsoTimestamp("2025-09-05T00:00:00 +02:00"), std::nullopt);
}

TEST(TimestampParserTest, RejectsImpossibleInstants) {
  for (const char* text : {"2025-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2025-02-30T00:00:00Z",
                           "2025-09-31T00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z",
                           "2025-09-00T00:00:00Z", "2025-09-05T24:00:00Z", "2025-09-05T23:60:00Z",
                           "2025-09-05T23:59:60Z", "2025-09-05T99:00:00Z"}) {
    EXPECT_EQ(ParseIsoTimestamp(text), std::nullopt) << text;
  }
}

TEST(TimestampParserTest, RejectsOtherShapes) {
  for (const char* text : {"",
                           " 2025-09-05T10:00:00Z",
                           "2025-09-05T10:00:00Z ",
                           "2025-09-05t10:00:00Z",
                           "2025-09-05T10:00:00z",
                           "2025/09/05 10:00:00",
                           "2025-09-05T10:00",
                           "2025-09-05",
                           "2025-9-05T10:00:00Z",
                           "25-09-05T10:00:00Z",
                           "+2025-09-05T10:00:00Z",
                           "2025-09-05T10:00:00.",
                           "2025-09-05T10:00:00,5Z",
                           "2025-09-05_10:00:00",
                           "2025-09-05T10:00:00ZZ",
                           "2025-09-05T1O:00:00Z",
                           "1757066400",
                           "2025-09-05T10:00:00+2:00",
                           "2025-09-05T10:00:00.12a",
                           "2025-09-05T10:00:00\n",
                           "2025-09-05\tT10:00:00Z"}) {
    EXPECT_EQ(ParseIsoTimestamp(text), std::nullopt) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace streampro
