#pragma once

// Inline SVG charts for report.html: one horizontal bar chart on a fixed 0-100% axis,
// used for Q1 (one bar), Q2 (retention per genre) and Q3 (drop-off per segment). Styling
// comes from the page's CSS classes (chart, bar, hl, ci, ref, ...).

#include <optional>
#include <string>
#include <vector>

namespace streampro::report {

struct BarChartRow {
  std::string label;  ///< raw text; escaped by the chart, cut to a fixed width
  double value = 0;   ///< percent; drawn clamped to 0-100, non-finite drawn as 0
  /// Interval whisker in percent; drawn only when both ends are finite.
  std::optional<double> low;
  std::optional<double> high;
  bool highlight = false;  ///< class `hl` on the row (best genre, abnormal segment)
  std::string value_text;  ///< raw text shown right of the bar
};

struct BarChartOptions {
  std::string title;  ///< accessible name of the chart (`<title>` and aria-label)
  /// A dashed vertical reference line in percent (the overall rate), with its label.
  std::optional<double> reference;
  std::string reference_label;
  /// Shown instead of a chart when there are no rows.
  std::string empty_text = "Nothing to chart.";
};

/// A coordinate with one decimal, never `-0.0` (`12.5`, `0.0`).
std::string SvgNumber(double value);

/// An HTML fragment: an `<svg>` element, or a `<p class="empty">` when `rows` is empty.
/// Every coordinate is a finite number with one decimal. The label and value columns are
/// as wide as their longest text needs (at 12 px, kept generous for wide fonts), so no
/// text is clipped at the chart's edge.
std::string RenderBarChart(const std::vector<BarChartRow>& rows, const BarChartOptions& options);

}  // namespace streampro::report
