// The report of a four-date lake (generated days 2025-09-09, -10, -11 and -13), checked
// against independent sources:
// - the history in report.json against each date's own report.json, the generator's
//   truth.json (rows read per file) and DuckDB counting the rejects Parquet files;
// - report.html in headless Chromium (tests/e2e/page_check.py over the DevTools protocol):
//   no console message, no request but the file itself, nothing wider than a phone, no SVG
//   text outside its chart, no file name cut inside a word, and the DOM holding the figures
//   of report.json. Screenshots and the DOM are kept under the build folder
//   (test-artifacts/report_page/).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"
#include "formats/parquet/duckdb_runner.h"
#include "support/temp_dir.h"

namespace streampro::e2e {
namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 4> kDates = {"2025-09-09", "2025-09-10", "2025-09-11",
                                               "2025-09-13"};
constexpr const char* kLastDate = "2025-09-13";
constexpr std::array<const char*, 4> kTables = {"users", "videos", "devices", "events"};
constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kDash = "\xE2\x80\x93";  // U+2013, how the DOM holds &ndash;

// `chromium` on PATH: a declared test dependency (scripts/bootstrap --test).
std::string FindChromium() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/snap/bin"}) {
    const fs::path path = fs::path(dir) / "chromium";
    if (fs::exists(path)) return path.string();
  }
  return "";
}

std::string Percent1(double percent) {
  return fmt::format("{:.1f}%", percent);
}
std::string Range1(double low, double high) {
  return fmt::format("{:.1f}-{:.1f}%", low, high);
}

// The text of an HTML fragment: tags removed, the few references Chromium writes decoded,
// white space runs as one space, trimmed.
std::string TextOf(const std::string& html) {
  std::string text;
  bool in_tag = false;
  for (const char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag) text += c;
    if (c == '>') in_tag = false;
  }
  for (const auto& [reference, character] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&nbsp;", " "}, {"&amp;", "&"}}) {
    for (size_t pos = text.find(reference); pos != std::string::npos;
         pos = text.find(reference, pos + character.size())) {
      text.replace(pos, reference.size(), character);
    }
  }
  std::string squeezed;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (squeezed.empty() || squeezed.back() == ' ')) continue;
    squeezed += space ? ' ' : c;
  }
  while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
  return squeezed;
}

// The part of `html` from `begin` up to the next `end` ("" when `begin` is missing).
std::string Between(const std::string& html, const std::string& begin, const std::string& end) {
  const size_t start = html.find(begin);
  if (start == std::string::npos) return "";
  const size_t stop = html.find(end, start);
  return html.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
}

// The text of each <td> of a fragment holding one row.
std::vector<std::string> Cells(const std::string& row) {
  std::vector<std::string> cells;
  for (size_t pos = row.find("<td"); pos != std::string::npos; pos = row.find("<td", pos + 1)) {
    const size_t open_end = row.find('>', pos);
    const size_t close = row.find("</td>", open_end);
    cells.push_back(TextOf(row.substr(open_end + 1, close - open_end - 1)));
  }
  return cells;
}

// Every <tr> of the <tbody> of `fragment`, as cells.
std::vector<std::vector<std::string>> BodyRows(const std::string& fragment) {
  const std::string body = Between(fragment, "<tbody>", "</tbody>");
  std::vector<std::vector<std::string>> rows;
  for (size_t pos = body.find("<tr"); pos != std::string::npos; pos = body.find("<tr", pos + 1)) {
    rows.push_back(Cells(body.substr(pos, body.find("</tr>", pos) - pos)));
  }
  return rows;
}

class ReportPageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    // A lake folder name wider than a phone screen: the page must still fit one.
    lake_ = *dir_ / "lake-in-a-folder-whose-name-is-wider-than-a-phone-screen-0123456789";
    for (size_t i = 0; i < kDates.size(); ++i) {
      const std::string landing = Landing(kDates[i]);
      const RunResult generated = RunStreampro(
          {"generate", "--out", landing, "--date", kDates[i], "--seed", std::to_string(41 + i)});
      ASSERT_EQ(generated.exit_code, 0) << generated.err;
      const RunResult run = RunPipeline(landing, lake_, kDates[i]);
      ASSERT_EQ(run.exit_code, 0) << kDates[i] << "\n" << run.err;
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // Each date's landing files (and its truth.json) in a folder of their own.
  static std::string Landing(const std::string& date) { return *dir_ / ("landing-" + date); }

  static testing::TempDir* dir_;
  static std::string lake_;
};

testing::TempDir* ReportPageTest::dir_ = nullptr;
std::string ReportPageTest::lake_;

// The genre object named best_genre, by name, in a report's q2.genres.
std::string BestGenreOf(const JsonDocument& report) {
  const int index = report.IndexWhere("/q2/genres", {{"/genre", report.String("/q2/best_genre")}});
  return index < 0 ? "<none>" : report.Minified(fmt::format("/q2/genres/{}", index));
}

TEST_F(ReportPageTest, HistoryHoldsWhatEachDateReportedAndTheRejectedShare) {
  const auto last = ReadReport(lake_, kLastDate);
  ASSERT_TRUE(last->ok()) << last->error();
  ASSERT_EQ(last->Size("/history"), kDates.size());

  // Rejected rows per date and table, counted by DuckDB in the rejects Parquet files.
  const std::vector<std::string> counted = parquet::testing_duckdb::RunDuckDb(
      fmt::format("SELECT d || '|' || t || '|' || CAST(n AS VARCHAR) AS l FROM (SELECT "
                  "CAST(ingestion_date AS VARCHAR) AS d, \"table\" AS t, count(*) AS n FROM "
                  "read_parquet('{}/trusted/_rejects/ingestion_date=*/part-*.parquet', "
                  "hive_partitioning = true) GROUP BY 1, 2) ORDER BY l",
                  lake_));
  std::map<std::string, int64_t> rejected;
  for (const std::string& line : counted) {
    const size_t first = line.find('|');
    const size_t second = line.find('|', first + 1);
    rejected[line.substr(0, second)] = std::stoll(line.substr(second + 1));
  }
  EXPECT_FALSE(rejected.empty());

  for (size_t i = 0; i < kDates.size(); ++i) {
    const std::string date = kDates[i];
    const std::string entry = fmt::format("/history/{}", i);
    SCOPED_TRACE(entry + " " + date);
    EXPECT_EQ(last->String(entry + "/ingestion_date"), date);
    EXPECT_TRUE(last->Bool(entry + "/has_report"));
    // The figures of the date's own report, as it published them.
    const auto own = ReadReport(lake_, date);
    ASSERT_TRUE(own->ok()) << own->error();
    EXPECT_EQ(last->Minified(entry + "/q1"), own->Minified("/q1"));
    EXPECT_EQ(last->Minified(entry + "/best_genre"), BestGenreOf(*own));
    EXPECT_EQ(last->Int(entry + "/segments_tested"), own->Int("/q3/segments_tested"));
    EXPECT_EQ(last->Int(entry + "/abnormal_segments"),
              static_cast<int64_t>(own->Size("/q3/abnormal")));
    // Every earlier report holds the same entries for the dates it covers.
    ASSERT_EQ(own->Size("/history"), i + 1);
    for (size_t j = 0; j <= i; ++j) {
      EXPECT_EQ(own->Minified(fmt::format("/history/{}", j)),
                last->Minified(fmt::format("/history/{}", j)))
          << date << " entry " << j;
    }

    // Rows read: the generator's truth; rows rejected: DuckDB over the rejects table.
    const JsonDocument truth(ReadFileOrEmpty(Landing(date) + "/truth.json"));
    ASSERT_TRUE(truth.ok()) << truth.error();
    for (const char* table : kTables) {
      const std::string base = fmt::format("{}/reject_rate/{}", entry, table);
      const int64_t rows_in = truth.Int(fmt::format("/expected/tables/{}/rows_in", table));
      const int64_t rows_rejected = rejected[fmt::format("{}|{}", date, table)];
      EXPECT_EQ(truth.Int(fmt::format("/expected/tables/{}/rows_rejected", table)), rows_rejected)
          << table;
      EXPECT_EQ(last->Int(base + "/rows_in"), rows_in) << table;
      EXPECT_EQ(last->Int(base + "/rows_rejected"), rows_rejected) << table;
      EXPECT_TRUE(IsClose(last->Double(base + "/rate"),
                          static_cast<double>(rows_rejected) / static_cast<double>(rows_in)))
          << table;
    }
  }
}

// The JSON page_check.py prints for `page`; artefacts go to `out`.
std::unique_ptr<JsonDocument> CheckPage(const std::string& page, const std::string& out) {
  const std::string chromium = FindChromium();
  EXPECT_FALSE(chromium.empty()) << "chromium is missing: run scripts/bootstrap --test";
  const RunResult run =
      RunProgram({kPython, std::string(STREAMPRO_SOURCE_DIR) + "/tests/e2e/page_check.py",
                  "--chromium", chromium, "--page", page, "--out", out});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  auto result = std::make_unique<JsonDocument>(run.out);
  EXPECT_TRUE(result->ok()) << result->error() << "\n" << run.out << run.err;
  return result;
}

TEST_F(ReportPageTest, PageRendersInChromiumWithTheFiguresOfReportJson) {
  const std::string page = ReportPath(lake_, kLastDate, "report.html");
  const std::string html = ReadFileOrEmpty(page);
  ASSERT_FALSE(html.empty()) << page;
  // Nothing to fetch: no src or href at all (so none with http(s)), no CSS url().
  for (const char* attribute : {"src=", "href=", "SRC=", "HREF=", "url("}) {
    EXPECT_EQ(html.find(attribute), std::string::npos) << attribute;
  }

  const std::string out = std::string(STREAMPRO_TEST_ARTIFACTS) + "/report_page";
  fs::remove_all(out);
  fs::create_directories(out);
  fs::copy_file(page, out + "/report.html");
  const auto checked = CheckPage(out + "/report.html", out);
  ASSERT_TRUE(checked->ok());
  ASSERT_EQ(checked->Size("/views"), 2u);
  const std::string url = checked->String("/url");
  for (size_t v = 0; v < 2; ++v) {
    const std::string view = fmt::format("/views/{}", v);
    SCOPED_TRACE(checked->String(view + "/name"));
    EXPECT_EQ(checked->Minified(view + "/requests"), fmt::format("[\"{}\"]", url));
    EXPECT_EQ(checked->Size(view + "/console"), 0u) << checked->Minified(view + "/console");
    EXPECT_LE(checked->Int(view + "/scroll_width"), checked->Int(view + "/client_width"));
    EXPECT_EQ(checked->Int(view + "/client_width"), checked->Int(view + "/width"));
    // Text was drawn (a font was found), so the clip check measured something.
    EXPECT_GT(checked->Int(view + "/svg_text_measured"), 20);
    EXPECT_EQ(checked->Int(view + "/svg_text_unmeasured"), 0);
    EXPECT_EQ(checked->Size(view + "/clipped_text"), 0u)
        << checked->Minified(view + "/clipped_text");
    EXPECT_EQ(checked->Size(view + "/mid_word_breaks"), 0u)
        << checked->Minified(view + "/mid_word_breaks");
    const std::string screenshot = checked->String(view + "/screenshot");
    EXPECT_EQ(ReadFileOrEmpty(screenshot).substr(0, 8), "\x89PNG\r\n\x1A\n") << screenshot;
    std::cout << "report.html screenshot (" << checked->String(view + "/name")
              << "): " << screenshot << "\n";
  }

  // The DOM after load holds the figures of report.json, read here on their own.
  const std::string dom = ReadFileOrEmpty(checked->String("/views/0/dom"));
  const auto report = ReadReport(lake_, kLastDate);
  ASSERT_TRUE(report->ok());

  const std::string q1 = TextOf(Between(dom, "<section id=\"q1\">", "</section>"));
  EXPECT_NE(q1.find(fmt::format("{} of {} new users reached 30 s",
                                Percent1(report->Double("/q1/pct")), report->Int("/q1/new_users"))),
            std::string::npos)
      << q1;
  EXPECT_NE(
      q1.find("95% CI " + Range1(report->Double("/q1/ci_low"), report->Double("/q1/ci_high"))),
      std::string::npos)
      << q1;
  EXPECT_NE(q1.find(fmt::format("{} users never active", report->Int("/q1/never_active"))),
            std::string::npos);

  // Q2: the genre table row by row, in report.json's order.
  const auto genres = BodyRows(Between(dom, "<section id=\"q2\">", "</section>"));
  ASSERT_EQ(genres.size(), report->Size("/q2/genres"));
  for (size_t i = 0; i < genres.size(); ++i) {
    const std::string g = fmt::format("/q2/genres/{}", i);
    const std::vector<std::string> expected = {
        report->IsNull(g + "/rank") ? std::string(kDash) : std::to_string(report->Int(g + "/rank")),
        report->String(g + "/genre"),
        std::to_string(report->Int(g + "/new_users")),
        std::to_string(report->Int(g + "/returned_within_3d")),
        Percent1(report->Double(g + "/retention_rate") * 100),
        Range1(report->Double(g + "/ci_low") * 100, report->Double(g + "/ci_high") * 100),
        fmt::format("{:.0f} s", report->Double(g + "/avg_first_session_watch_seconds"))};
    EXPECT_EQ(genres[i], expected) << g;
  }

  // Q3: each abnormal segment, worst first, and its bar's value text.
  const std::string q3 = Between(dom, "<section id=\"q3\">", "</section>");
  const std::string list = Between(q3, "<ol>", "</ol>");
  std::vector<std::string> items;
  for (size_t pos = list.find("<li>"); pos != std::string::npos; pos = list.find("<li>", pos + 1)) {
    items.push_back(TextOf(list.substr(pos, list.find("</li>", pos) - pos)));
  }
  ASSERT_EQ(items.size(), report->Size("/q3/abnormal"));
  EXPECT_GT(items.size(), 0u) << "the generator plants an abnormal segment";
  const std::string q3_text = TextOf(q3);
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string s = fmt::format("/q3/abnormal/{}", i);
    SCOPED_TRACE(items[i]);
    for (const char* key : {"device_os", "app_version"}) {
      if (report->Has(s + "/segment/" + key)) {
        EXPECT_NE(items[i].find(report->String(s + "/segment/" + key)), std::string::npos) << key;
      }
    }
    const double rate = report->Double(s + "/drop_off_rate") * 100;
    EXPECT_NE(items[i].find(fmt::format("{} drop-off vs {} in other sessions", Percent1(rate),
                                        Percent1(report->Double(s + "/rest_rate") * 100))),
              std::string::npos);
    EXPECT_NE(items[i].find(fmt::format("({} of {} sessions)", report->Int(s + "/drop_offs"),
                                        report->Int(s + "/sessions"))),
              std::string::npos);
    EXPECT_NE(q3_text.find(
                  fmt::format("{} of {}, abnormal", Percent1(rate), report->Int(s + "/sessions"))),
              std::string::npos);
  }

  // The files of the date: every counter.
  const auto files = BodyRows(Between(dom, "<section id=\"files\">", "</section>"));
  ASSERT_EQ(files.size(), kTables.size());
  for (size_t t = 0; t < kTables.size(); ++t) {
    const std::string base = fmt::format("/tables/{}", kTables[t]);
    ASSERT_GE(files[t].size(), 6u);
    EXPECT_EQ(files[t][0], kTables[t]);
    EXPECT_EQ(files[t][1], report->String(base + "/file"));
    EXPECT_EQ(files[t][2], std::to_string(report->Int(base + "/rows_in")));
    EXPECT_EQ(files[t][3], std::to_string(report->Int(base + "/rows_kept")));
    EXPECT_EQ(files[t][4], std::to_string(report->Int(base + "/rows_rejected")));
    EXPECT_EQ(files[t][5], std::to_string(report->Int(base + "/rows_duplicate")));
  }

  // History: one row per date with its figures, and the four trend charts.
  const std::string history = Between(dom, "<section id=\"history\">", "</section>");
  EXPECT_EQ(BodyRows(history).size(), kDates.size());
  size_t charts = 0;
  for (size_t pos = history.find("class=\"trend\""); pos != std::string::npos;
       pos = history.find("class=\"trend\"", pos + 1)) {
    ++charts;
  }
  EXPECT_EQ(charts, 4u);
  for (size_t i = 0; i < kDates.size(); ++i) {
    const std::string h = fmt::format("/history/{}", i);
    SCOPED_TRACE(h);
    std::vector<std::string> expected = {
        kDates[i],
        Percent1(report->Double(h + "/q1/pct")),
        Range1(report->Double(h + "/q1/ci_low"), report->Double(h + "/q1/ci_high")),
        report->String(h + "/best_genre/genre"),
        Percent1(report->Double(h + "/best_genre/retention_rate") * 100),
        Range1(report->Double(h + "/best_genre/ci_low") * 100,
               report->Double(h + "/best_genre/ci_high") * 100),
        std::to_string(report->Int(h + "/abnormal_segments"))};
    for (const char* table : kTables) {
      expected.push_back(
          fmt::format("{:.2f}%", report->Double(h + "/reject_rate/" + table + "/rate") * 100));
    }
    const std::string row =
        Between(history, fmt::format("<tr id=\"history-{}\"", kDates[i]), "</tr>");
    EXPECT_EQ(Cells(row), expected);
  }
}

// The checks of page_check.py fire on a page that breaks each rule, so a clean report is
// not clean only because nothing was looked at.
TEST(PageCheckTest, FindsRequestsConsoleErrorsOverflowClippingAndMidWordBreaks) {
  testing::TempDir dir;
  const std::string page = dir / "bad.html";
  std::ofstream(page) << R"(<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>bad</title></head>
<body>
<img src="http://127.0.0.1:9/pixel.png" alt="">
<script>console.error("deliberate error");</script>
<div style="width: 900px">wider than a phone</div>
<svg viewBox="0 0 100 20" width="100" height="20">
<text x="60" y="15">far too long for its chart</text></svg>
<code style="display: block; width: 4em; white-space: normal; overflow-wrap: anywhere">
averyveryverylongname.csv</code>
</body></html>
)";
  const auto checked = CheckPage(page, dir / "out");
  ASSERT_TRUE(checked->ok());
  const std::string desktop = "/views/0";
  EXPECT_GE(checked->IndexWhere(desktop + "/requests", {{"", "http://127.0.0.1:9/pixel.png"}}), 0)
      << checked->Minified(desktop + "/requests");
  EXPECT_GE(checked->IndexWhere(desktop + "/console",
                                {{"/level", "error"}, {"/text", "deliberate error"}}),
            0)
      << checked->Minified(desktop + "/console");
  EXPECT_GE(
      checked->IndexWhere(desktop + "/clipped_text", {{"/text", "far too long for its chart"}}), 0)
      << checked->Minified(desktop + "/clipped_text");
  EXPECT_GT(checked->Size(desktop + "/mid_word_breaks"), 0u);
  const std::string phone = "/views/1";
  EXPECT_EQ(checked->String(phone + "/name"), "phone");
  EXPECT_GT(checked->Int(phone + "/scroll_width"), checked->Int(phone + "/client_width"));
}

}  // namespace
}  // namespace streampro::e2e
