#include "report/trend_chart.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "report/escape.h"
#include "report/svg_chart.h"

namespace streampro::report {

namespace {

constexpr double kWidth = 320;
constexpr double kHeight = 150;
constexpr double kPlotLeft = 46;  // y labels are right-aligned left of this
constexpr double kPlotRight = 308;
constexpr double kPlotTop = 10;
constexpr double kPlotBottom = 122;
constexpr double kDotRadius = 3;
constexpr double kMaxBarWidth = 18;

struct Axis {
  std::vector<Date> dates;
  double max = 1;

  double X(Date date) const {
    const int32_t first = dates.front().days_since_epoch;
    const int32_t span = dates.back().days_since_epoch - first;
    if (span <= 0) return (kPlotLeft + kPlotRight) / 2;
    return kPlotLeft + (kPlotRight - kPlotLeft) * (date.days_since_epoch - first) / span;
  }
  double Y(double value) const {
    return kPlotBottom - (kPlotBottom - kPlotTop) * std::clamp(value, 0.0, max) / max;
  }
};

std::string TickText(double value, bool percent) {
  return fmt::format("{:g}{}", value == 0 ? 0.0 : value, percent ? "%" : "");
}

void AppendAxes(const Axis& axis, const TrendChartOptions& options, std::string& svg) {
  auto out = std::back_inserter(svg);
  std::vector<double> ticks = {0, axis.max};
  if (options.percent || std::fmod(axis.max, 2) == 0) ticks.insert(ticks.begin() + 1, axis.max / 2);
  for (const double tick : ticks) {
    const std::string y = SvgNumber(axis.Y(tick));
    fmt::format_to(out, "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                   SvgNumber(kPlotLeft), y, SvgNumber(kPlotRight), y);
    fmt::format_to(out, "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                   SvgNumber(kPlotLeft - 6), SvgNumber(axis.Y(tick) + 4),
                   TickText(tick, options.percent));
  }
  const std::string label_y = SvgNumber(kPlotBottom + 18);
  const Date first = axis.dates.front();
  const Date last = axis.dates.back();
  if (first == last) {
    fmt::format_to(out, "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                   SvgNumber(axis.X(first)), label_y, FormatIsoDate(first));
  } else {
    fmt::format_to(out, "<text class=\"tick\" x=\"{}\" y=\"{}\">{}</text>", SvgNumber(kPlotLeft),
                   label_y, FormatIsoDate(first));
    fmt::format_to(out, "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                   SvgNumber(kPlotRight), label_y, FormatIsoDate(last));
  }
  svg.push_back('\n');
}

bool Drawn(const TrendValue& value) {
  return value.value && std::isfinite(*value.value);
}

void AppendLine(const Axis& axis, const TrendSeries& series, std::string& svg) {
  auto out = std::back_inserter(svg);
  const size_t count = std::min(series.values.size(), axis.dates.size());
  // One polyline per run of consecutive dates with a value.
  for (size_t begin = 0; begin < count;) {
    if (!Drawn(series.values[begin])) {
      ++begin;
      continue;
    }
    size_t end = begin;
    std::string points;
    while (end < count && Drawn(series.values[end])) {
      if (!points.empty()) points.push_back(' ');
      points +=
          SvgNumber(axis.X(axis.dates[end])) + "," + SvgNumber(axis.Y(*series.values[end].value));
      ++end;
    }
    if (end - begin > 1) fmt::format_to(out, "<polyline class=\"line\" points=\"{}\"/>", points);
    begin = end;
  }
  for (size_t i = 0; i < count; ++i) {
    const TrendValue& value = series.values[i];
    if (!Drawn(value)) continue;
    const std::string x = SvgNumber(axis.X(axis.dates[i]));
    fmt::format_to(out, "<g class=\"point\"><title>{}</title>", HtmlEscape(value.tip));
    if (value.low && value.high && std::isfinite(*value.low) && std::isfinite(*value.high)) {
      fmt::format_to(out, "<line class=\"ci\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", x,
                     SvgNumber(axis.Y(*value.low)), SvgNumber(axis.Y(*value.high)));
    }
    fmt::format_to(out, "<circle class=\"dot\" cx=\"{}\" cy=\"{}\" r=\"{}\"/></g>", x,
                   SvgNumber(axis.Y(*value.value)), SvgNumber(kDotRadius));
  }
}

void AppendBars(const Axis& axis, const TrendSeries& series, std::string& svg) {
  auto out = std::back_inserter(svg);
  const int32_t span = axis.dates.back().days_since_epoch - axis.dates.front().days_since_epoch + 1;
  const double width =
      std::clamp((kPlotRight - kPlotLeft) / static_cast<double>(span) * 0.6, 1.0, kMaxBarWidth);
  const size_t count = std::min(series.values.size(), axis.dates.size());
  for (size_t i = 0; i < count; ++i) {
    const TrendValue& value = series.values[i];
    if (!Drawn(value)) continue;
    // Bars stay inside the plot even at its first and last date.
    const double x = std::clamp(axis.X(axis.dates[i]) - width / 2, kPlotLeft, kPlotRight - width);
    const double top = axis.Y(*value.value);
    fmt::format_to(out,
                   "<g class=\"point\"><title>{}</title><rect class=\"bar\" x=\"{}\" y=\"{}\" "
                   "width=\"{}\" height=\"{}\"/></g>",
                   HtmlEscape(value.tip), SvgNumber(x), SvgNumber(top), SvgNumber(width),
                   SvgNumber(kPlotBottom - top));
  }
}

}  // namespace

double RoundAxisMax(double value, bool integer) {
  if (!std::isfinite(value) || value <= 0) return 1;
  if (integer) value = std::max(value, 1.0);
  double power = 1;
  while (power * 10 <= value) power *= 10;
  while (power > value) power /= 10;
  // value lies in [power, 10 * power).
  for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (integer && step == 2.5) continue;
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

std::string RenderTrendChart(const std::vector<Date>& dates, const std::vector<TrendSeries>& series,
                             const TrendChartOptions& options) {
  if (dates.empty()) return "";
  Axis axis;
  axis.dates = dates;
  if (options.axis_max && std::isfinite(*options.axis_max) && *options.axis_max > 0) {
    axis.max = *options.axis_max;
  } else {
    double largest = 0;
    for (const TrendSeries& one : series) {
      for (const TrendValue& value : one.values) {
        for (const std::optional<double>& v : {value.value, value.high}) {
          if (v && std::isfinite(*v)) largest = std::max(largest, *v);
        }
      }
    }
    axis.max = RoundAxisMax(largest, !options.percent);
  }
  const std::string title = HtmlEscape(options.title);
  std::string svg;
  auto out = std::back_inserter(svg);
  fmt::format_to(
      out,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend\" viewBox=\"0 0 {0} {1}\" "
      "width=\"{0}\" height=\"{1}\" role=\"img\" aria-label=\"{2}\"><title>{2}</title>\n",
      SvgNumber(kWidth), SvgNumber(kHeight), title);
  AppendAxes(axis, options, svg);
  for (size_t i = 0; i < series.size(); ++i) {
    fmt::format_to(out, "<g class=\"s{}\">", i);
    if (options.kind == TrendKind::kBars) {
      AppendBars(axis, series[i], svg);
    } else {
      AppendLine(axis, series[i], svg);
    }
    svg.append("</g>\n");
  }
  svg.append("</svg>\n");
  return svg;
}

}  // namespace streampro::report
