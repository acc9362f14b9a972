#pragma once

// Small inline SVG trend charts for the history section of report.html: one value per
// ingestion date, as lines (with optional interval whiskers) or bars. Dates sit at their
// calendar position, so a missing day shows as a gap. Styling comes from the page's CSS
// classes (trend, line, dot, ci, bar, s0..s3 for the series).

#include <optional>
#include <string>
#include <vector>

#include "common/date.h"

namespace streampro::report {

/// One series' value at one date; no value leaves a gap in the line.
struct TrendValue {
  std::optional<double> value;
  /// Interval whisker; drawn only when both ends are finite.
  std::optional<double> low;
  std::optional<double> high;
  std::string tip;  ///< raw text of the point's tooltip
};

struct TrendSeries {
  std::vector<TrendValue> values;  ///< one per date, in the dates' order
};

enum class TrendKind { kLine, kBars };

struct TrendChartOptions {
  std::string title;  ///< accessible name (`<title>` and aria-label)
  TrendKind kind = TrendKind::kLine;
  /// Axis labels as percentages (`25%`) rather than counts.
  bool percent = true;
  /// A fixed top of the axis (100 for shares); otherwise a round number at or above the
  /// largest value (1, 2, 2.5 or 5 times a power of ten; 1, 2 or 5 for counts).
  std::optional<double> axis_max;
};

/// An `<svg class="trend">` element: the dates on x (the first and last labelled), the
/// values on a y axis from 0, each series in class s{index}. Values outside the axis are
/// clamped and non-finite ones skipped, so every coordinate is a finite number. `dates`
/// must be ascending; an empty `dates` gives an empty string.
std::string RenderTrendChart(const std::vector<Date>& dates, const std::vector<TrendSeries>& series,
                             const TrendChartOptions& options);

/// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value` (1, 2, 5 times a
/// power of ten, at least 1, when `integer`); 1 for a value that is not positive or finite.
double RoundAxisMax(double value, bool integer);

}  // namespace streampro::report
