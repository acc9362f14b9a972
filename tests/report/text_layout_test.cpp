#include "report/text_layout.h"

#include <gtest/gtest.h>

namespace streampro::report {
namespace {

TEST(TextLayoutTest, TerminalSafeReplacesControls) {
  EXPECT_EQ(TerminalSafe("\x1B[31mred\x1B[0m\n\t"), "?[31mred?[0m??");
  EXPECT_EQ(TerminalSafe("caf\xC3\xA9 \xC2\x9B \xFF"), "caf\xC3\xA9 ? ?");
}

TEST(TextLayoutTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("caf\xC3\xA9"), 4u);
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2u);
}

TEST(TextLayoutTest, FitLeftPadsOrCuts) {
  EXPECT_EQ(FitLeft("ab", 5), "ab   ");
  EXPECT_EQ(FitLeft("abcde", 5), "abcde");
  EXPECT_EQ(FitLeft("abcdef", 5), "ab...");
  EXPECT_EQ(FitLeft("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 5), "\xC3\xA9\xC3\xA9...");
  EXPECT_EQ(FitLeft("abcdef", 2), "..");
  EXPECT_EQ(PadLeft("7", 3), "  7");
  EXPECT_EQ(PadLeft("1234", 3), "1234");
}

TEST(TextLayoutTest, WrapTextKeepsWidth) {
  const auto lines = WrapText("one two three four five six", 12, "Q1  ", "    ");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "Q1  one two");
  EXPECT_EQ(lines[1], "    three");
  EXPECT_EQ(lines[2], "    four");
  EXPECT_EQ(lines[3], "    five six");
  for (const auto& line : lines) EXPECT_LE(DisplayWidth(line), 12u);
}

TEST(TextLayoutTest, WrapTextCutsLongWords) {
  const auto lines = WrapText("a 0123456789abcdef b", 10, "", "  ");
  for (const auto& line : lines) EXPECT_LE(DisplayWidth(line), 10u) << line;
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "  01234567");
  EXPECT_EQ(lines[2], "  89abcdef");
  EXPECT_EQ(lines[3], "  b");
}

TEST(TextLayoutTest, WrapTextOfNothingIsThePrefix) {
  const auto lines = WrapText("", 10, "Q1  ", "    ");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "Q1  ");
}

}  // namespace
}  // namespace streampro::report
