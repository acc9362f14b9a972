#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "report/report.h"
#include "report/text_layout.h"
#include "report_fixture.h"

namespace streampro::report {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The text with wrapped sentences joined again: a newline and the continuation indent
// become one space.
std::string Unwrap(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && text.compare(i + 1, 4, "    ") == 0) {
      out.push_back(' ');
      while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

TEST(RenderTextTest, AnswersComeFirstAndReadPlainly) {
  const std::string wrapped = RenderText(testing::MakeSampleReport());
  const auto lines = Lines(wrapped);
  EXPECT_EQ(lines[2].rfind("Q1  71.9% of 96 new users", 0), 0u);
  const std::string text = Unwrap(wrapped);
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines[0], "StreamPro report for 2025-09-09 (lake: /data/lake)");
  EXPECT_TRUE(Contains(text,
                       "Q1  71.9% of 96 new users reached 30 s of watch time in their first "
                       "session (95% CI 61.6-79.4%); 4 users never active"))
      << text;
  EXPECT_TRUE(
      Contains(text,
               "Q2  Comedy retains best: 45.0% of 40 new users returned within 3 "
               "days (95% CI 30.7-60.2%); clearly ahead of the runner-up Drama, 20.0% (95% CI "
               "9.5-37.3%)"))
      << text;
  EXPECT_LT(text.find("Q1  "), text.find("Q2  "));
  EXPECT_LT(text.find("Q2  "), text.find("Q3  "));
  EXPECT_LT(text.find("Q3  "), text.find("Files for 2025-09-09"));
}

TEST(RenderTextTest, GenreTableListsEveryGenre) {
  const std::string text = RenderText(testing::MakeSampleReport());
  EXPECT_TRUE(Contains(text, "rank  genre")) << text;
  for (const char* genre : {"Comedy", "Drama", "Unknown"}) {
    EXPECT_TRUE(Contains(text, genre)) << genre;
  }
  // Unknown is listed without a rank.
  bool found = false;
  for (const std::string& line : Lines(text)) {
    if (Contains(line, "Unknown") && line.rfind("       -  Unknown", 0) == 0) found = true;
  }
  EXPECT_TRUE(found) << text;
}

TEST(RenderTextTest, OverlapIsSaid) {
  Report report = testing::MakeSampleReport();
  report.q2.best_overlaps_runner_up = true;
  EXPECT_TRUE(Contains(Unwrap(RenderText(report)),
                       "not clearly ahead: its interval overlaps that of the runner-up Drama"));
}

TEST(RenderTextTest, AbnormalSegmentsWorstFirst) {
  const std::string text = Unwrap(RenderText(testing::MakeSampleReport()));
  EXPECT_TRUE(Contains(text,
                       "Q3  2 segments have an abnormal drop-off rate (3 segments tested, "
                       "min 30 sessions), worst first:"))
      << text;
  const size_t first = text.find(
      "- app_version 1.9.0: 60.0% drop-off vs 28.2% in other "
      "sessions, lift 2.13, q 3e-05 (120 of 200 sessions)");
  const size_t second = text.find("- device_os x app_version Android / 2.0.1: 50.0%");
  EXPECT_NE(first, std::string::npos) << text;
  EXPECT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_FALSE(Contains(text, "device_os iOS:"));  // tested but not abnormal
}

TEST(RenderTextTest, NoAbnormalSegmentGivesThePlainSentence) {
  Report report = testing::MakeSampleReport();
  report.q3.abnormal.clear();
  report.q3.segments_tested = 14;
  const std::string text = RenderText(report);
  EXPECT_TRUE(Contains(
      text, "Q3  No segment has an abnormal drop-off rate (14 segments tested, min 30 sessions)\n"))
      << text;
}

TEST(RenderTextTest, FileCountsAndTopReasons) {
  const std::string text = RenderText(testing::MakeSampleReport());
  EXPECT_TRUE(Contains(text,
                       "    events   events_2025-09-09.jsonl          1000        950         "
                       "40         10\n"))
      << text;
  EXPECT_TRUE(Contains(text, "    devices  (no file)"));
  EXPECT_TRUE(Contains(text,
                       "    events rejects: invalid_timestamp 25, unknown_user 9, "
                       "malformed_record 4, and 1 more reason\n"))
      << text;
  EXPECT_TRUE(Contains(text, "    users rejects: duplicate_key 2, invalid_date 1\n"));
  EXPECT_FALSE(Contains(text, "videos rejects"));
}

TEST(RenderTextTest, EmptyModelStillReadsWell) {
  const std::string text = RenderText(testing::MakeEmptyReport());
  EXPECT_TRUE(Contains(text,
                       "Q1  No new users: no user's first session is in the lake; 0 users "
                       "never active\n"))
      << text;
  EXPECT_TRUE(Contains(text, "Q2  No genre to rank: there are no new users\n"));
  EXPECT_TRUE(Contains(
      text, "Q3  No segment has an abnormal drop-off rate (0 segments tested, min 30 sessions)\n"));
  EXPECT_FALSE(Contains(text, "nan"));
}

TEST(RenderTextTest, FitsOneHundredColumnsWithoutControlCharacters) {
  Report report = testing::MakeSampleReport();
  report.lake = std::string(150, 'l');
  report.q2.genres[0].genre =
      "\x1B[31mA genre with a very long name indeed, longer than any column";
  report.q2.best_genre = report.q2.genres[0].genre;
  report.tables[3].file = std::string(80, 'f') + ".jsonl";
  report.q1.new_users = 1234567890;
  report.q1.never_active = 1234567890;
  for (const Report& model : {report, testing::MakeEmptyReport()}) {
    const std::string text = RenderText(model);
    for (const std::string& line : Lines(text)) {
      EXPECT_LE(DisplayWidth(line), 100u) << line;
    }
    for (char c : text) {
      EXPECT_TRUE(c == '\n' || static_cast<unsigned char>(c) >= 0x20) << static_cast<int>(c);
    }
  }
}

TEST(RenderTextTest, SameModelSameText) {
  EXPECT_EQ(RenderText(testing::MakeSampleReport()), RenderText(testing::MakeSampleReport()));
}

}  // namespace
}  // namespace streampro::report
