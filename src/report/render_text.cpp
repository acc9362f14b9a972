// The terminal rendering: the three answers first, then the file counts. Plain text, no
// colour codes, no line wider than kWidth columns; data strings pass through
// TerminalSafe() so a genre or file name cannot carry escape sequences.

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "report/answers.h"
#include "report/report.h"
#include "report/text_layout.h"

namespace streampro::report {

namespace {

constexpr size_t kWidth = 100;
constexpr std::string_view kIndent = "    ";
constexpr size_t kTopReasons = 3;

class TextOut {
 public:
  void Line(std::string_view line) {
    text_.append(line);
    text_.push_back('\n');
  }
  void Blank() { text_.push_back('\n'); }
  // A sentence wrapped to kWidth, the first line after `prefix`, the others indented.
  void Paragraph(std::string_view prefix, std::string_view sentence,
                 std::string_view next_prefix = kIndent) {
    for (const std::string& line : WrapText(TerminalSafe(sentence), kWidth, prefix, next_prefix)) {
      Line(line);
    }
  }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

std::string Interval(double low, double high) {
  return FormatPercentRange(low * 100, high * 100);
}

void RenderGenreTable(const Q2& q2, TextOut& out) {
  if (q2.genres.empty()) return;
  out.Line(fmt::format("{}{:>4}  {}  {:>9}  {:>9}  {:>9}  {}  {:>14}", kIndent, "rank",
                       FitLeft("genre", 22), "new users", "returned", "retention",
                       FitLeft("95% CI", 13), "avg 1st watch"));
  for (const GenreRow& row : q2.genres) {
    const std::string rank = row.rank ? fmt::format("{}", *row.rank) : std::string("-");
    const std::string watch = std::isfinite(row.avg_first_session_watch_seconds)
                                  ? fmt::format("{:.0f} s", row.avg_first_session_watch_seconds)
                                  : std::string("n/a");
    out.Line(fmt::format("{}{:>4}  {}  {:>9}  {:>9}  {:>9}  {}  {:>14}", kIndent, rank,
                         FitLeft(TerminalSafe(row.genre), 22), row.new_users,
                         row.returned_within_3d, FormatRate(row.retention_rate),
                         FitLeft(Interval(row.ci_low, row.ci_high), 13), watch));
  }
}

std::string TopReasons(const FileCounters& counters) {
  std::vector<std::pair<std::string, int64_t>> reasons;
  for (const auto& [reason, count] : counters.RejectedByReasonMap()) {
    reasons.emplace_back(reason, count);
  }
  // Largest first; the map's name order breaks ties.
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (size_t i = 0; i < reasons.size() && i < kTopReasons; ++i) {
    if (i > 0) text += ", ";
    text += fmt::format("{} {}", reasons[i].first, reasons[i].second);
  }
  if (reasons.size() > kTopReasons) {
    const size_t more = reasons.size() - kTopReasons;
    text += fmt::format(", and {} more {}", more, more == 1 ? "reason" : "reasons");
  }
  return text;
}

void RenderFiles(const Report& report, TextOut& out) {
  out.Line(fmt::format("Files for {}", FormatIsoDate(report.ingestion_date)));
  if (report.tables.empty()) {
    out.Line(fmt::format("{}No table counts.", kIndent));
    return;
  }
  out.Line(fmt::format("{}{} {} {:>10} {:>10} {:>10} {:>10}", kIndent, FitLeft("table", 8),
                       FitLeft("file", 26), "rows in", "kept", "rejected", "duplicate"));
  for (const TableCounts& table : report.tables) {
    const FileCounters& c = table.counters;
    const std::string file = table.file ? TerminalSafe(*table.file) : std::string("(no file)");
    out.Line(fmt::format("{}{} {} {:>10} {:>10} {:>10} {:>10}", kIndent,
                         FitLeft(TerminalSafe(table.table), 8), FitLeft(file, 26), c.rows_in,
                         c.rows_kept, c.rows_rejected, c.rows_duplicate));
  }
  for (const TableCounts& table : report.tables) {
    if (table.counters.rows_rejected == 0) continue;
    out.Paragraph(kIndent, fmt::format("{} rejects: {}", table.table, TopReasons(table.counters)));
  }
}

}  // namespace

std::string RenderText(const Report& report) {
  TextOut out;
  out.Paragraph("", fmt::format("StreamPro report for {} (lake: {})",
                                FormatIsoDate(report.ingestion_date), report.lake));
  out.Blank();

  out.Paragraph("Q1  ", Q1Answer(report.q1));
  out.Blank();

  out.Paragraph("Q2  ", Q2Answer(report.q2));
  RenderGenreTable(report.q2, out);
  out.Blank();

  out.Paragraph("Q3  ", Q3Answer(report.q3));
  for (const SegmentRow& row : report.q3.abnormal) {
    out.Paragraph(fmt::format("{}- ", kIndent), SegmentAnswer(row), "      ");
  }
  out.Blank();

  RenderFiles(report, out);
  return out.Take();
}

}  // namespace streampro::report
