#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "report/escape.h"
#include "report/text_layout.h"

namespace streampro::report {

namespace {

constexpr double kWidth = 760;
constexpr double kLabelRight = 190;  // labels are right-aligned here
constexpr double kPlotLeft = 200;
constexpr double kPlotWidth = 440;
constexpr double kValueLeft = kPlotLeft + kPlotWidth + 10;
constexpr double kTop = 26;  // room for the reference label
constexpr double kRowHeight = 24;
constexpr double kBarHeight = 14;
constexpr double kAxisHeight = 24;
constexpr size_t kMaxLabelColumns = 28;

double PercentX(double percent) {
  if (!std::isfinite(percent)) percent = 0;
  return kPlotLeft + std::clamp(percent, 0.0, 100.0) / 100.0 * kPlotWidth;
}

// One decimal, never `-0.0`.
std::string Num(double value) {
  const double rounded = std::round(value * 10) / 10;
  return fmt::format("{:.1f}", rounded == 0 ? 0.0 : rounded);
}

std::string Label(const std::string& text) {
  if (DisplayWidth(text) <= kMaxLabelColumns) return HtmlEscape(text);
  return HtmlEscape(FitLeft(text, kMaxLabelColumns));
}

void AppendAxis(double plot_bottom, std::string& svg) {
  auto out = std::back_inserter(svg);
  for (int tick = 0; tick <= 100; tick += 25) {
    const std::string x = Num(PercentX(tick));
    fmt::format_to(out, "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", x,
                   Num(kTop - 4), Num(plot_bottom));
    fmt::format_to(out, "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}%</text>",
                   x, Num(plot_bottom + 16), tick);
  }
}

void AppendRow(const BarChartRow& row, double row_top, std::string& svg) {
  auto out = std::back_inserter(svg);
  const double bar_top = row_top + (kRowHeight - kBarHeight) / 2;
  const double middle = row_top + kRowHeight / 2;
  const double text_y = middle + 4;
  fmt::format_to(out, "<g class=\"{}\"><title>{}</title>", row.highlight ? "row hl" : "row",
                 HtmlEscape(row.label));
  fmt::format_to(out, "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                 Num(kLabelRight), Num(text_y), Label(row.label));
  fmt::format_to(out, "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                 Num(kPlotLeft), Num(bar_top), Num(PercentX(row.value) - kPlotLeft),
                 Num(kBarHeight));
  if (row.low && row.high && std::isfinite(*row.low) && std::isfinite(*row.high)) {
    const std::string low = Num(PercentX(*row.low));
    const std::string high = Num(PercentX(*row.high));
    const std::string cap_top = Num(middle - 5);
    const std::string cap_bottom = Num(middle + 5);
    fmt::format_to(out, "<line class=\"ci\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\"/>", low,
                   high, Num(middle));
    for (const std::string& x : {low, high}) {
      fmt::format_to(out, "<line class=\"ci\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", x,
                     cap_top, cap_bottom);
    }
  }
  fmt::format_to(out, "<text class=\"value\" x=\"{}\" y=\"{}\">{}</text></g>\n", Num(kValueLeft),
                 Num(text_y), HtmlEscape(row.value_text));
}

}  // namespace

std::string RenderBarChart(const std::vector<BarChartRow>& rows, const BarChartOptions& options) {
  if (rows.empty()) {
    return fmt::format("<p class=\"empty\">{}</p>\n", HtmlEscape(options.empty_text));
  }
  const double plot_bottom = kTop + static_cast<double>(rows.size()) * kRowHeight;
  const double height = plot_bottom + kAxisHeight;
  const std::string title = HtmlEscape(options.title);
  std::string svg;
  auto out = std::back_inserter(svg);
  fmt::format_to(
      out,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {0} {1}\" "
      "width=\"{0}\" height=\"{1}\" role=\"img\" aria-label=\"{2}\"><title>{2}</title>\n",
      Num(kWidth), Num(height), title);
  AppendAxis(plot_bottom, svg);
  svg.push_back('\n');
  for (size_t i = 0; i < rows.size(); ++i) {
    AppendRow(rows[i], kTop + static_cast<double>(i) * kRowHeight, svg);
  }
  if (options.reference && std::isfinite(*options.reference)) {
    const std::string x = Num(PercentX(*options.reference));
    fmt::format_to(out, "<line class=\"ref\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", x,
                   Num(kTop - 8), Num(plot_bottom));
    fmt::format_to(out,
                   "<text class=\"ref-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                   x, Num(kTop - 12), HtmlEscape(options.reference_label));
  }
  svg.append("</svg>\n");
  return svg;
}

}  // namespace streampro::report
