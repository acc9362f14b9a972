#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "render_checks.h"
#include "report/report.h"
#include "report_fixture.h"

namespace streampro::report {
namespace {

using testing::Contains;
using testing::Count;

// Every http(s) reference must be the SVG namespace declaration.
void ExpectNoNetworkReference(const std::string& html) {
  const std::string xmlns = "xmlns=\"http://www.w3.org/2000/svg\"";
  std::string rest = html;
  for (size_t pos = rest.find(xmlns); pos != std::string::npos; pos = rest.find(xmlns)) {
    rest.erase(pos, xmlns.size());
  }
  EXPECT_FALSE(Contains(rest, "http://"));
  EXPECT_FALSE(Contains(rest, "https://"));
  EXPECT_FALSE(Contains(rest, "<script"));
  EXPECT_FALSE(Contains(rest, "<link"));
  EXPECT_FALSE(Contains(rest, "<img"));
  EXPECT_FALSE(Contains(rest, "@import"));
  EXPECT_FALSE(Contains(rest, "url("));
}

void ExpectNoNonFiniteNumbers(const std::string& html) {
  for (std::string_view bad : {"nan", "NaN", "inf\"", "-inf", "Infinity"}) {
    EXPECT_FALSE(Contains(html, bad)) << bad;
  }
}

void ExpectWellFormedPage(const std::string& html) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_TRUE(Contains(html, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(Contains(html, "<title>StreamPro report 2025-09-09</title>"));
  EXPECT_EQ(html.substr(html.size() - 16), "</body>\n</html>\n");
  for (std::string_view tag : {"section", "svg", "table", "tr", "g", "p", "main", "style"}) {
    EXPECT_EQ(Count(html, fmt::format("<{}>", tag)) + Count(html, fmt::format("<{} ", tag)),
              Count(html, fmt::format("</{}>", tag)))
        << tag;
  }
}

TEST(RenderHtmlTest, SampleHasTheAnswersAndCharts) {
  const std::string html = RenderHtml(testing::MakeSampleReport());
  ExpectWellFormedPage(html);
  ExpectNoNetworkReference(html);
  ExpectNoNonFiniteNumbers(html);
  EXPECT_TRUE(Contains(html, "71.9% of 96 new users reached 30 s of watch time"));
  EXPECT_TRUE(Contains(html, "Comedy retains best"));
  EXPECT_TRUE(Contains(html, "2 segments have an abnormal drop-off rate"));
  EXPECT_EQ(Count(html, "<svg "), 3u);  // Q1, Q2, Q3
  // Best genre and the two abnormal segments are highlighted in the charts.
  EXPECT_EQ(Count(html, "<g class=\"row hl\">"), 1u + 1u + 2u);
  EXPECT_TRUE(Contains(html, "<tr class=\"hl\"><td class=\"num\">1</td><td>Comedy</td>"));
  // Overall drop-off line of Q3 at 30%.
  EXPECT_TRUE(Contains(html, "all sessions 30.0%"));
  EXPECT_TRUE(Contains(html, "invalid_timestamp 25"));
}

TEST(RenderHtmlTest, EscapesEveryStringFromTheData) {
  Report report = testing::MakeSampleReport();
  const std::string script = "<script>alert(1)</script>";
  report.q2.genres[0].genre = script;
  report.q2.best_genre = script;
  report.q3.tested[0].segment = "\"><img src=x onerror=alert(1)>";
  report.q3.abnormal[0].segment = "a & b";
  report.tables[0].file = "<b>users</b>.csv";
  report.lake = "/lake/'quoted'";
  const std::string html = RenderHtml(report);
  EXPECT_FALSE(Contains(html, script));
  EXPECT_FALSE(Contains(html, "<img"));
  EXPECT_FALSE(Contains(html, "<b>"));
  EXPECT_TRUE(Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(Contains(html, "a &amp; b"));
  EXPECT_TRUE(Contains(html, "/<wbr>lake/<wbr>&#39;quoted&#39;"));
  ExpectNoNetworkReference(html);
}

TEST(RenderHtmlTest, ControlCharactersAndBadUtf8AreReplaced) {
  Report report = testing::MakeSampleReport();
  report.q2.genres[1].genre =
      "Dr\x01"
      "ama\xFF caf\xC3\xA9";
  const std::string html = RenderHtml(report);
  EXPECT_TRUE(Contains(html,
                       "Dr\xEF\xBF\xBD"
                       "ama\xEF\xBF\xBD caf\xC3\xA9"));
  EXPECT_FALSE(Contains(html, "\x01"));
}

TEST(RenderHtmlTest, EmptyModelRendersWithoutCharts) {
  const std::string html = RenderHtml(testing::MakeEmptyReport());
  ExpectWellFormedPage(html);
  ExpectNoNetworkReference(html);
  ExpectNoNonFiniteNumbers(html);
  EXPECT_EQ(Count(html, "<svg "), 0u);
  EXPECT_TRUE(Contains(html, "No new users, so there is nothing to chart."));
  EXPECT_TRUE(Contains(html, "No segment has an abnormal drop-off rate (0 segments tested"));
}

TEST(RenderHtmlTest, ZeroRatesAndNonFiniteValuesStayFinite) {
  Report report = testing::MakeSampleReport();
  report.q1.new_users = 0;
  report.q1.pct = std::nullopt;
  report.q3.sessions = 0;
  report.q3.drop_offs = 0;
  report.q2.genres[0].retention_rate = std::numeric_limits<double>::quiet_NaN();
  report.q2.genres[1].ci_high = std::numeric_limits<double>::infinity();
  report.q3.tested[0].drop_off_rate = -std::numeric_limits<double>::infinity();
  const std::string html = RenderHtml(report);
  ExpectNoNonFiniteNumbers(html);
  EXPECT_FALSE(Contains(html, "class=\"ref\""));  // no overall line without sessions
}

// The text of the history table's row for `date`, cells separated by `|`, tags removed.
std::string HistoryRow(const std::string& html, std::string_view date) {
  const size_t start = html.find(fmt::format("<tr id=\"history-{}\"", date));
  if (start == std::string::npos) return "<no row>";
  const std::string row = html.substr(start, html.find("</tr>", start) - start);
  std::string text;
  bool in_tag = false;
  for (size_t i = row.find('>') + 1; i < row.size(); ++i) {
    if (row.compare(i, 4, "</td") == 0) text += '|';
    if (row[i] == '<') in_tag = true;
    if (!in_tag) text += row[i];
    if (row[i] == '>') in_tag = false;
  }
  return text;
}

TEST(RenderHtmlTest, HistorySectionHasChartsAndARowPerDate) {
  const std::string html = RenderHtml(testing::MakeSampleReportWithHistory());
  ExpectWellFormedPage(html);
  ExpectNoNetworkReference(html);
  ExpectNoNonFiniteNumbers(html);
  EXPECT_TRUE(Contains(html, "<section id=\"history\">\n<h2>History up to 2025-09-09</h2>"));
  EXPECT_TRUE(
      Contains(html, "3 dates from 2025-09-06 to 2025-09-09 (1 without a published report)"));
  EXPECT_EQ(Count(html, "class=\"trend\""), 4u);
  EXPECT_EQ(Count(html, "<svg "), 3u + 4u);
  // The history sits between Q3 and the files.
  EXPECT_LT(html.find("id=\"q3\""), html.find("id=\"history\""));
  EXPECT_LT(html.find("id=\"history\""), html.find("id=\"files\""));
  // Reject rates with two decimals: users 1 of 50, events 2 of 400, 3 of 100, 40 of 1000.
  EXPECT_EQ(HistoryRow(html, "2025-09-06"),
            "2025-09-06|no report published for this date|2.00%|&ndash;|&ndash;|&ndash;|");
  EXPECT_EQ(HistoryRow(html, "2025-09-08"),
            "2025-09-08|&ndash;|&ndash;|no ranked genre|&ndash;|&ndash;|0|&ndash;|&ndash;|"
            "&ndash;|0.50%|");
  EXPECT_EQ(HistoryRow(html, "2025-09-09"),
            "2025-09-09|71.9%|61.6-79.4%|Comedy|45.0%|30.7-60.2%|2|3.00%|0.00%|&ndash;|4.00%|");
  EXPECT_TRUE(Contains(html, "<tr id=\"history-2025-09-09\" class=\"hl\">"));
  EXPECT_TRUE(Contains(html, "title=\"40 of 1000 rows\""));
  EXPECT_TRUE(Contains(html, "title=\"69 of 96 new users\""));
  EXPECT_TRUE(Contains(html, "<p class=\"legend\"><span class=\"key s0\"></span>users"));
}

TEST(RenderHtmlTest, HistoryEscapesGenreNames) {
  Report report = testing::MakeSampleReportWithHistory();
  report.history.back().best_genre->genre = "<b>Drama</b>";
  const std::string html = RenderHtml(report);
  EXPECT_FALSE(Contains(html, "<b>"));
  EXPECT_TRUE(Contains(html, "<td>&lt;b&gt;Drama&lt;/b&gt;</td>"));
  EXPECT_TRUE(Contains(html, "<title>2025-09-09: &lt;b&gt;Drama&lt;/b&gt; 45.0% of 40 new users"));
}

TEST(RenderHtmlTest, NoHistoryNoSection) {
  EXPECT_FALSE(Contains(RenderHtml(testing::MakeSampleReport()), "id=\"history\""));
}

TEST(RenderHtmlTest, FileNamesWrapOnlyAtSeparators) {
  const std::string html = RenderHtml(testing::MakeSampleReport());
  EXPECT_TRUE(Contains(html, "<code>events_<wbr>2025-09-09<wbr>.jsonl</code>"));
  EXPECT_TRUE(Contains(html, "<code>/<wbr>data/<wbr>lake</code>"));
  EXPECT_FALSE(Contains(html, "break-all"));
  EXPECT_TRUE(Contains(html, "code { font-size: 13px; white-space: nowrap; }"));
}

TEST(RenderHtmlTest, SameModelSameBytes) {
  EXPECT_EQ(RenderHtml(testing::MakeSampleReport()), RenderHtml(testing::MakeSampleReport()));
}

}  // namespace
}  // namespace streampro::report
