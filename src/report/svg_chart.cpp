#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "report/escape.h"
#include "report/text_layout.h"

namespace streampro::report {

namespace {

constexpr double kMinWidth = 760;
constexpr double kMinLabelRight = 190;  // labels are right-aligned here, or further right
constexpr double kPlotWidth = 440;
constexpr double kGap = 10;  // between labels, plot and values
constexpr double kEdge = 8;  // free space at the left and right edge
constexpr double kTop = 26;  // room for the reference label
constexpr double kRowHeight = 24;
constexpr double kBarHeight = 14;
constexpr double kAxisHeight = 24;
constexpr size_t kMaxLabelColumns = 28;
// Width of one column of 12 px text, above the average advance of common UI fonts even in
// bold (DejaVu Sans: digits 7.6 px, `%` 11.4 px, lower-case letters about 7.3 px).
constexpr double kColumnWidth = 7.8;

// Where the columns of one chart are: wide enough for its longest label and value text.
struct Layout {
  double label_right = kMinLabelRight;
  double plot_left = kMinLabelRight + kGap;
  double value_left = kMinLabelRight + kGap + kPlotWidth + kGap;
  double width = kMinWidth;

  double PercentX(double percent) const {
    if (!std::isfinite(percent)) percent = 0;
    return plot_left + std::clamp(percent, 0.0, 100.0) / 100.0 * kPlotWidth;
  }
};

std::string Label(const std::string& text) {
  if (DisplayWidth(text) <= kMaxLabelColumns) return HtmlEscape(text);
  return HtmlEscape(FitLeft(text, kMaxLabelColumns));
}

Layout LayoutFor(const std::vector<BarChartRow>& rows) {
  size_t label_columns = 0;
  size_t value_columns = 0;
  for (const BarChartRow& row : rows) {
    label_columns = std::max(label_columns, std::min(DisplayWidth(row.label), kMaxLabelColumns));
    value_columns = std::max(value_columns, DisplayWidth(row.value_text));
  }
  Layout layout;
  layout.label_right =
      std::max(kMinLabelRight, kEdge + static_cast<double>(label_columns) * kColumnWidth);
  layout.plot_left = layout.label_right + kGap;
  layout.value_left = layout.plot_left + kPlotWidth + kGap;
  layout.width = std::max(
      kMinWidth, layout.value_left + static_cast<double>(value_columns) * kColumnWidth + kEdge);
  return layout;
}

void AppendAxis(const Layout& layout, double plot_bottom, std::string& svg) {
  auto out = std::back_inserter(svg);
  for (int tick = 0; tick <= 100; tick += 25) {
    const std::string x = SvgNumber(layout.PercentX(tick));
    fmt::format_to(out, "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", x,
                   SvgNumber(kTop - 4), SvgNumber(plot_bottom));
    fmt::format_to(out, "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}%</text>",
                   x, SvgNumber(plot_bottom + 16), tick);
  }
}

void AppendRow(const Layout& layout, const BarChartRow& row, double row_top, std::string& svg) {
  auto out = std::back_inserter(svg);
  const double bar_top = row_top + (kRowHeight - kBarHeight) / 2;
  const double middle = row_top + kRowHeight / 2;
  const double text_y = middle + 4;
  fmt::format_to(out, "<g class=\"{}\"><title>{}</title>", row.highlight ? "row hl" : "row",
                 HtmlEscape(row.label));
  fmt::format_to(out, "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                 SvgNumber(layout.label_right), SvgNumber(text_y), Label(row.label));
  fmt::format_to(out, "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                 SvgNumber(layout.plot_left), SvgNumber(bar_top),
                 SvgNumber(layout.PercentX(row.value) - layout.plot_left), SvgNumber(kBarHeight));
  if (row.low && row.high && std::isfinite(*row.low) && std::isfinite(*row.high)) {
    const std::string low = SvgNumber(layout.PercentX(*row.low));
    const std::string high = SvgNumber(layout.PercentX(*row.high));
    const std::string cap_top = SvgNumber(middle - 5);
    const std::string cap_bottom = SvgNumber(middle + 5);
    fmt::format_to(out, "<line class=\"ci\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\"/>", low,
                   high, SvgNumber(middle));
    for (const std::string& x : {low, high}) {
      fmt::format_to(out, "<line class=\"ci\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", x,
                     cap_top, cap_bottom);
    }
  }
  fmt::format_to(out, "<text class=\"value\" x=\"{}\" y=\"{}\">{}</text></g>\n",
                 SvgNumber(layout.value_left), SvgNumber(text_y), HtmlEscape(row.value_text));
}

}  // namespace

std::string SvgNumber(double value) {
  const double rounded = std::round(value * 10) / 10;
  return fmt::format("{:.1f}", rounded == 0 ? 0.0 : rounded);
}

std::string RenderBarChart(const std::vector<BarChartRow>& rows, const BarChartOptions& options) {
  if (rows.empty()) {
    return fmt::format("<p class=\"empty\">{}</p>\n", HtmlEscape(options.empty_text));
  }
  const double plot_bottom = kTop + static_cast<double>(rows.size()) * kRowHeight;
  const double height = plot_bottom + kAxisHeight;
  const std::string title = HtmlEscape(options.title);
  const Layout layout = LayoutFor(rows);
  std::string svg;
  auto out = std::back_inserter(svg);
  fmt::format_to(
      out,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {0} {1}\" "
      "width=\"{0}\" height=\"{1}\" role=\"img\" aria-label=\"{2}\"><title>{2}</title>\n",
      SvgNumber(layout.width), SvgNumber(height), title);
  AppendAxis(layout, plot_bottom, svg);
  svg.push_back('\n');
  for (size_t i = 0; i < rows.size(); ++i) {
    AppendRow(layout, rows[i], kTop + static_cast<double>(i) * kRowHeight, svg);
  }
  if (options.reference && std::isfinite(*options.reference)) {
    const std::string x = SvgNumber(layout.PercentX(*options.reference));
    fmt::format_to(out, "<line class=\"ref\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", x,
                   SvgNumber(kTop - 8), SvgNumber(plot_bottom));
    fmt::format_to(out,
                   "<text class=\"ref-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                   x, SvgNumber(kTop - 12), HtmlEscape(options.reference_label));
  }
  svg.append("</svg>\n");
  return svg;
}

}  // namespace streampro::report
