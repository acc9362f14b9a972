#include "report/html_history.h"

#include <array>
#include <iterator>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "catalog/catalog.h"
#include "report/answers.h"
#include "report/escape.h"
#include "report/trend_chart.h"

namespace streampro::report {

namespace {

constexpr std::array<std::string_view, 4> kRejectTables = {
    TableName(Table::kUsers), TableName(Table::kVideos), TableName(Table::kDevices),
    TableName(Table::kEvents)};

constexpr std::string_view kDash = "&ndash;";

// Two decimals: reject rates are often well below 1%.
std::string RejectPercent(double rate) {
  return fmt::format("{:.2f}%", rate * 100);
}

std::string Cell(std::string_view content, std::string_view title = {}) {
  if (title.empty()) return fmt::format("<td class=\"num\">{}</td>", content);
  return fmt::format("<td class=\"num\" title=\"{}\">{}</td>", HtmlEscape(title), content);
}

std::string Q1Tip(const HistoryPoint& point) {
  const Q1& q1 = *point.q1;
  std::string tip = fmt::format("{}: {} of {}", FormatIsoDate(point.date), FormatPercent(*q1.pct),
                                CountNoun(q1.new_users, "new user", "new users"));
  if (q1.ci_low && q1.ci_high) {
    tip += fmt::format(" (95% CI {})", FormatPercentRange(*q1.ci_low, *q1.ci_high));
  }
  return tip;
}

std::string GenreTip(const HistoryPoint& point) {
  const GenreRow& best = *point.best_genre;
  return fmt::format("{}: {} {} of {} (95% CI {})", FormatIsoDate(point.date), best.genre,
                     FormatRate(best.retention_rate),
                     CountNoun(best.new_users, "new user", "new users"),
                     FormatPercentRange(best.ci_low * 100, best.ci_high * 100));
}

std::string Figure(std::string_view caption, const std::string& chart,
                   std::string_view legend = {}) {
  return fmt::format("<figure>\n<figcaption>{}</figcaption>\n{}{}</figure>\n", caption, chart,
                     legend);
}

void AppendCharts(const std::vector<HistoryPoint>& history, std::string& html) {
  std::vector<Date> dates;
  TrendSeries q1;
  TrendSeries genre;
  TrendSeries abnormal;
  std::vector<TrendSeries> rejects(kRejectTables.size());
  for (const HistoryPoint& point : history) {
    dates.push_back(point.date);
    TrendValue& q1_value = q1.values.emplace_back();
    if (point.q1 && point.q1->pct) {
      q1_value = {point.q1->pct, point.q1->ci_low, point.q1->ci_high, Q1Tip(point)};
    }
    TrendValue& genre_value = genre.values.emplace_back();
    if (point.best_genre) {
      const GenreRow& best = *point.best_genre;
      genre_value = {best.retention_rate * 100, best.ci_low * 100, best.ci_high * 100,
                     GenreTip(point)};
    }
    TrendValue& abnormal_value = abnormal.values.emplace_back();
    if (point.abnormal_segments) {
      abnormal_value.value = static_cast<double>(*point.abnormal_segments);
      abnormal_value.tip = fmt::format("{}: {} abnormal of {} tested", FormatIsoDate(point.date),
                                       *point.abnormal_segments, point.segments_tested.value_or(0));
    }
    for (size_t t = 0; t < kRejectTables.size(); ++t) {
      const TableCounts* counts = FindTable(point.tables, kRejectTables[t]);
      TrendValue& value = rejects[t].values.emplace_back();
      if (const std::optional<double> rate = RejectRate(counts)) {
        value.value = *rate * 100;
        value.tip = fmt::format("{} {}: {} ({} of {} rows)", FormatIsoDate(point.date),
                                kRejectTables[t], RejectPercent(*rate),
                                counts->counters.rows_rejected, counts->counters.rows_in);
      }
    }
  }
  TrendChartOptions share;
  share.axis_max = 100;
  share.title = "Share of new users whose first session reached 30 s, per date";
  html += "<div class=\"trends\">\n";
  html += Figure("Q1 &middot; reached 30 s in the first session, with 95% CI",
                 RenderTrendChart(dates, {q1}, share));
  share.title = "3-day retention of the best genre, per date";
  html += Figure("Q2 &middot; the best genre&rsquo;s 3-day retention, with 95% CI",
                 RenderTrendChart(dates, {genre}, share));
  TrendChartOptions counts;
  counts.kind = TrendKind::kBars;
  counts.percent = false;
  counts.title = "Segments with an abnormal drop-off rate, per date";
  html += Figure("Q3 &middot; abnormal segments", RenderTrendChart(dates, {abnormal}, counts));
  TrendChartOptions rates;
  rates.title = "Share of rows rejected, per table and date";
  std::string legend = "<p class=\"legend\">";
  for (size_t t = 0; t < kRejectTables.size(); ++t) {
    fmt::format_to(std::back_inserter(legend), "<span class=\"key s{}\"></span>{}", t,
                   kRejectTables[t]);
  }
  legend += "</p>\n";
  html += Figure("Rejected rows per table", RenderTrendChart(dates, rejects, rates), legend);
  html += "</div>\n";
}

std::string AnswerCells(const HistoryPoint& point) {
  if (!point.has_report()) {
    return "<td colspan=\"6\" class=\"empty\">no report published for this date</td>";
  }
  const Q1& q1 = *point.q1;
  std::string cells;
  if (q1.pct) {
    cells += Cell(
        FormatPercent(*q1.pct),
        fmt::format("{} of {}", q1.reached_30s, CountNoun(q1.new_users, "new user", "new users")));
  } else {
    cells += Cell(kDash, "no new users");
  }
  cells += Cell(q1.ci_low && q1.ci_high ? FormatPercentRange(*q1.ci_low, *q1.ci_high)
                                        : std::string(kDash));
  if (point.best_genre) {
    const GenreRow& best = *point.best_genre;
    cells += fmt::format("<td>{}</td>", HtmlEscape(best.genre));
    cells += Cell(FormatRate(best.retention_rate),
                  fmt::format("{} of {} returned within 3 days", best.returned_within_3d,
                              CountNoun(best.new_users, "new user", "new users")));
    cells += Cell(FormatPercentRange(best.ci_low * 100, best.ci_high * 100));
  } else {
    cells += fmt::format("<td class=\"empty\">no ranked genre</td>{0}{0}", Cell(kDash));
  }
  cells += Cell(fmt::format("{}", point.abnormal_segments.value_or(0)),
                fmt::format("of {} tested segments", point.segments_tested.value_or(0)));
  return cells;
}

void AppendTable(const Report& report, std::string& html) {
  auto out = std::back_inserter(html);
  html +=
      "<table class=\"history\">\n<thead>\n<tr><th rowspan=\"2\">Date</th>"
      "<th colspan=\"2\" class=\"num\">Q1 reached 30 s</th>"
      "<th colspan=\"3\">Q2 best genre</th>"
      "<th rowspan=\"2\" class=\"num\">Q3 abnormal segments</th>"
      "<th colspan=\"4\" class=\"num\">Rows rejected</th></tr>\n"
      "<tr><th class=\"num\">Share</th><th class=\"num\">95% CI</th><th>Genre</th>"
      "<th class=\"num\">Retention</th><th class=\"num\">95% CI</th>";
  for (std::string_view table : kRejectTables) {
    fmt::format_to(out, "<th class=\"num\">{}</th>", table);
  }
  html += "</tr>\n</thead>\n<tbody>\n";
  for (const HistoryPoint& point : report.history) {
    const std::string date = FormatIsoDate(point.date);
    fmt::format_to(out, "<tr id=\"history-{}\"{}><td class=\"date\">{}</td>{}", date,
                   point.date == report.ingestion_date ? " class=\"hl\"" : "", date,
                   AnswerCells(point));
    for (std::string_view table : kRejectTables) {
      const TableCounts* counts = FindTable(point.tables, table);
      const std::optional<double> rate = RejectRate(counts);
      html += rate ? Cell(RejectPercent(*rate),
                          fmt::format("{} of {} rows", counts->counters.rows_rejected,
                                      counts->counters.rows_in))
                   : Cell(kDash, "no file");
    }
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n";
}

}  // namespace

void AppendHistorySection(const Report& report, std::string& html) {
  if (report.history.empty()) return;
  const std::vector<HistoryPoint>& history = report.history;
  size_t without_report = 0;
  for (const HistoryPoint& point : history) {
    if (!point.has_report()) ++without_report;
  }
  auto out = std::back_inserter(html);
  fmt::format_to(out, "<section id=\"history\">\n<h2>History up to {}</h2>\n",
                 FormatIsoDate(report.ingestion_date));
  std::string span =
      history.size() == 1
          ? fmt::format("1 date, {}", FormatIsoDate(history.front().date))
          : fmt::format("{} dates from {} to {}", history.size(),
                        FormatIsoDate(history.front().date), FormatIsoDate(history.back().date));
  if (without_report > 0) {
    span += fmt::format(" ({} without a published report)", without_report);
  }
  fmt::format_to(out,
                 "<p class=\"answer\">{}.</p>\n<p class=\"note\">Each date shows the answers "
                 "of its own report, as published; rejected rows are the share of rows read "
                 "from that date&rsquo;s files.</p>\n",
                 span);
  AppendCharts(history, html);
  AppendTable(report, html);
  html += "</section>\n";
}

}  // namespace streampro::report
