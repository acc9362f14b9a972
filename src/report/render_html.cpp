// report.html: one self-contained page (inline CSS, inline SVG; nothing fetched from the
// network, no scripts). Every string from the data goes through HtmlEscape().

#include <iterator>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "report/answers.h"
#include "report/escape.h"
#include "report/html_history.h"
#include "report/report.h"
#include "report/svg_chart.h"
#include "streampro/version.h"

namespace streampro::report {

namespace {

constexpr std::string_view kStyle = R"(
body { margin: 0; background: #f6f7f9; color: #1d2330;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 8px; }
section { background: #fff; border: 1px solid #dde1e7; border-radius: 8px;
          padding: 16px 20px; margin: 16px 0; overflow-x: auto; }
.meta, .note, .empty { color: #5b6475; font-size: 13px; }
.answer { font-size: 16px; }
table { border-collapse: collapse; margin-top: 12px; font-size: 14px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e6e9ee; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td.date { white-space: nowrap; }
tr.hl td { font-weight: 600; }
table.history { font-size: 13px; }
table.history th, table.history td { padding: 4px 6px; }
code { font-size: 13px; white-space: nowrap; }
.meta code { display: inline-block; max-width: 100%; overflow-x: auto; vertical-align: bottom; }
svg.chart { display: block; max-width: 100%; height: auto; margin-top: 8px; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
                 fill: #1d2330; }
svg.chart .tick, svg.chart .ref-label { fill: #5b6475; font-size: 11px; }
svg.chart .grid { stroke: #e6e9ee; stroke-width: 1; }
svg.chart .bar { fill: #9bb0cf; }
svg.chart .hl .bar { fill: #d9822b; }
svg.chart .hl .label, svg.chart .hl .value { font-weight: 600; }
svg.chart .ci { stroke: #1d2330; stroke-width: 1.5; }
svg.chart .ref { stroke: #c23030; stroke-width: 1.5; stroke-dasharray: 4 3; }
.trends { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(340px, 100%), 1fr));
          gap: 12px 24px; margin-top: 8px; }
figure { margin: 0; min-width: 0; }
figcaption { color: #5b6475; font-size: 13px; }
svg.trend { display: block; width: 100%; max-width: 420px; height: auto; }
svg.trend text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
                 fill: #5b6475; }
svg.trend .grid { stroke: #e6e9ee; stroke-width: 1; }
svg.trend .line { fill: none; stroke-width: 2; }
svg.trend .ci { stroke-width: 1.5; opacity: 0.6; }
.s0 { --series: #3b6fb6; } .s1 { --series: #d9822b; }
.s2 { --series: #2e8b57; } .s3 { --series: #8e44ad; }
svg.trend .line, svg.trend .ci { stroke: var(--series); }
svg.trend .dot, svg.trend .bar { fill: var(--series); }
.legend { margin: 2px 0 0; color: #5b6475; font-size: 13px; }
.key { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
       margin: 0 4px 0 8px; background: var(--series); }
@media (max-width: 600px) {
  main { padding: 12px; }
  section { padding: 12px; }
}
@media (min-width: 601px) {
  td code wbr { display: none; }
}
)";

std::string Percent(double rate) {
  return FormatRate(rate);
}

std::string Interval(double low, double high) {
  return FormatPercentRange(low * 100, high * 100);
}

void AppendQ1(const Q1& q1, std::string& html) {
  auto out = std::back_inserter(html);
  fmt::format_to(out,
                 "<section id=\"q1\">\n<h2>Q1 &middot; Do new users reach 30 s of watch time in "
                 "their first session?</h2>\n<p class=\"answer\">{}.</p>\n",
                 HtmlEscape(Q1Answer(q1)));
  std::vector<BarChartRow> rows;
  if (q1.new_users > 0 && q1.pct) {
    BarChartRow row;
    row.label = "Reached 30 s";
    row.value = *q1.pct;
    row.low = q1.ci_low;
    row.high = q1.ci_high;
    row.highlight = true;
    row.value_text = fmt::format("{} of {}", FormatPercent(*q1.pct), q1.new_users);
    rows.push_back(std::move(row));
  }
  BarChartOptions options;
  options.title = "Share of new users whose first session reached 30 s, with 95% interval";
  options.empty_text = "No new users, so there is nothing to chart.";
  html += RenderBarChart(rows, options);
  html += "</section>\n";
}

void AppendGenreTable(const Q2& q2, const GenreRow* best, std::string& html) {
  if (q2.genres.empty()) return;
  auto out = std::back_inserter(html);
  html +=
      "<table>\n<thead><tr><th class=\"num\">Rank</th><th>First-session genre</th>"
      "<th class=\"num\">New users</th><th class=\"num\">Returned within 3 days</th>"
      "<th class=\"num\">Retention</th><th class=\"num\">95% CI</th>"
      "<th class=\"num\">Avg first-session watch</th></tr></thead>\n<tbody>\n";
  for (const GenreRow& row : q2.genres) {
    const std::string rank = row.rank ? fmt::format("{}", *row.rank) : std::string("&ndash;");
    const std::string watch = std::isfinite(row.avg_first_session_watch_seconds)
                                  ? fmt::format("{:.0f} s", row.avg_first_session_watch_seconds)
                                  : std::string("n/a");
    fmt::format_to(out,
                   "<tr{}><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>"
                   "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                   "<td class=\"num\">{}</td></tr>\n",
                   &row == best ? " class=\"hl\"" : "", rank, HtmlEscape(row.genre), row.new_users,
                   row.returned_within_3d, Percent(row.retention_rate),
                   Interval(row.ci_low, row.ci_high), watch);
  }
  html += "</tbody>\n</table>\n";
}

void AppendQ2(const Q2& q2, std::string& html) {
  auto out = std::back_inserter(html);
  fmt::format_to(out,
                 "<section id=\"q2\">\n<h2>Q2 &middot; Which first-session genre brings new "
                 "users back within 3 days?</h2>\n<p class=\"answer\">{}.</p>\n",
                 HtmlEscape(Q2Answer(q2)));
  const GenreRow* best = BestGenre(q2);
  std::vector<BarChartRow> rows;
  for (const GenreRow& genre : q2.genres) {
    BarChartRow row;
    row.label = genre.genre;
    row.value = genre.retention_rate * 100;
    row.low = genre.ci_low * 100;
    row.high = genre.ci_high * 100;
    row.highlight = &genre == best;
    row.value_text = fmt::format("{} of {}", Percent(genre.retention_rate), genre.new_users);
    rows.push_back(std::move(row));
  }
  BarChartOptions options;
  options.title = "3-day retention per first-session genre, with 95% intervals";
  options.empty_text = "No genres, so there is nothing to chart.";
  html += RenderBarChart(rows, options);
  AppendGenreTable(q2, best, html);
  html += "</section>\n";
}

void AppendQ3(const Q3& q3, std::string& html) {
  auto out = std::back_inserter(html);
  fmt::format_to(out,
                 "<section id=\"q3\">\n<h2>Q3 &middot; Which devices and app versions have an "
                 "abnormal drop-off rate?</h2>\n<p class=\"answer\">{}</p>\n",
                 HtmlEscape(q3.abnormal.empty() ? Q3Answer(q3) + "." : Q3Answer(q3)));
  if (!q3.abnormal.empty()) {
    html += "<ol>\n";
    for (const SegmentRow& row : q3.abnormal) {
      fmt::format_to(out, "<li>{}</li>\n", HtmlEscape(SegmentAnswer(row)));
    }
    html += "</ol>\n";
  }
  std::vector<BarChartRow> rows;
  for (const SegmentRow& segment : q3.tested) {
    BarChartRow row;
    row.label = segment.segment;
    row.value = segment.drop_off_rate * 100;
    row.highlight = segment.abnormal;
    row.value_text = fmt::format("{} of {}{}", Percent(segment.drop_off_rate), segment.sessions,
                                 segment.abnormal ? ", abnormal" : "");
    rows.push_back(std::move(row));
  }
  BarChartOptions options;
  options.title = "Drop-off rate per tested segment against the rate of all sessions";
  options.empty_text = "No segment had enough sessions to be tested, so there is nothing to chart.";
  const std::optional<double> overall = OverallDropOffRate(q3);
  if (overall) {
    options.reference = *overall * 100;
    options.reference_label = fmt::format("all sessions {}", Percent(*overall));
  }
  html += RenderBarChart(rows, options);
  fmt::format_to(out,
                 "<p class=\"note\">A drop-off is a session with less than 30 s of watch time. "
                 "Segments of device_os, app_version and the pair with at least {} sessions "
                 "are tested against all other sessions (one-sided two-proportion z-test, "
                 "Benjamini-Hochberg); abnormal means q &lt; 0.05 and lift &ge; 1.25.</p>\n",
                 q3.min_sessions);
  html += "</section>\n";
}

std::string ReasonList(const FileCounters& counters) {
  std::string text;
  for (const auto& [reason, count] : counters.RejectedByReasonMap()) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}", HtmlEscape(reason), count);
  }
  return text.empty() ? std::string("&ndash;") : text;
}

void AppendFiles(const Report& report, std::string& html) {
  auto out = std::back_inserter(html);
  fmt::format_to(out, "<section id=\"files\">\n<h2>Files for {}</h2>\n",
                 FormatIsoDate(report.ingestion_date));
  if (report.tables.empty()) {
    html += "<p class=\"empty\">No table counts.</p>\n</section>\n";
    return;
  }
  html +=
      "<table>\n<thead><tr><th>Table</th><th>File</th><th class=\"num\">Rows in</th>"
      "<th class=\"num\">Kept</th><th class=\"num\">Rejected</th>"
      "<th class=\"num\">Duplicate</th><th>Reject reasons</th></tr></thead>\n<tbody>\n";
  for (const TableCounts& table : report.tables) {
    const FileCounters& c = table.counters;
    const std::string file = table.file
                                 ? fmt::format("<code>{}</code>", HtmlEscapeBreakable(*table.file))
                                 : std::string("no file for this date");
    fmt::format_to(out,
                   "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                   "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                   HtmlEscape(table.table), file, c.rows_in, c.rows_kept, c.rows_rejected,
                   c.rows_duplicate, ReasonList(c));
  }
  html += "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string RenderHtml(const Report& report) {
  const std::string date = FormatIsoDate(report.ingestion_date);
  std::string html;
  auto out = std::back_inserter(html);
  fmt::format_to(out,
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<meta name=\"generator\" content=\"StreamPro {0}\">\n"
                 "<title>StreamPro report {1}</title>\n<style>{2}</style>\n</head>\n<body>\n"
                 "<main>\n<h1>StreamPro report for {1}</h1>\n"
                 "<p class=\"meta\">Lake <code>{3}</code> &middot; StreamPro {0}</p>\n",
                 kVersion, date, kStyle, HtmlEscapeBreakable(report.lake));
  AppendQ1(report.q1, html);
  AppendQ2(report.q2, html);
  AppendQ3(report.q3, html);
  AppendHistorySection(report, html);
  AppendFiles(report, html);
  html += "</main>\n</body>\n</html>\n";
  return html;
}

}  // namespace streampro::report
