#include "common/date.h"

#include <gtest/gtest.h>

namespace streampro {
namespace {

TEST(DateTest, ParsesRealDates) {
  EXPECT_EQ(ParseIsoDate("1970-01-01")->days_since_epoch, 0);
  EXPECT_EQ(ParseIsoDate("2025-09-09")->days_since_epoch, 20340);
  EXPECT_EQ(ParseIsoDate("2024-02-29")->days_since_epoch, 19782);
  EXPECT_EQ(ParseIsoDate("1969-12-31")->days_since_epoch, -1);
  EXPECT_EQ(ParseIsoDate("2000-03-01")->days_since_epoch, 11017);
}

TEST(DateTest, RejectsAnythingButARealYyyyMmDd) {
  for (const char* bad : {"2025-02-29", "2023-02-29", "1900-02-29", "2025-13-01", "2025-00-10",
                          "2025-04-31", "2025-9-9", "2025/09/09", "20250909", "2025-09-09 ",
                          " 2025-09-09", "2025-09-0x", "", "abcd-ef-gh"}) {
    EXPECT_FALSE(ParseIsoDate(bad).has_value()) << bad;
  }
  EXPECT_TRUE(ParseIsoDate("2000-02-29").has_value());
}

TEST(DateTest, FormatRoundTripsEveryDayOverFourCenturies) {
  for (int32_t d = -150000; d < 150000; d += 7) {
    const std::string text = FormatIsoDate(Date{d});
    const auto parsed = ParseIsoDate(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(parsed->days_since_epoch, d) << text;
  }
}

TEST(DateTest, CivilFieldsMatchKnownDays) {
  const CivilFields f = CivilFromDays(20340);
  EXPECT_EQ(f.year, 2025);
  EXPECT_EQ(f.month, 9u);
  EXPECT_EQ(f.day, 9u);
  EXPECT_EQ(DaysFromCivil(2025, 9, 9), 20340);
}

}  // namespace
}  // namespace streampro
