#include "report/trend_chart.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "render_checks.h"

namespace streampro::report {
namespace {

using testing::Contains;
using testing::Count;
using testing::ExpectCoordinatesWithin;

Date Day(unsigned day) {
  return Date{DaysFromCivil(2025, 9, day)};
}

TrendValue At(double value) {
  TrendValue point;
  point.value = value;
  return point;
}

TEST(TrendChartTest, RoundAxisMax) {
  EXPECT_DOUBLE_EQ(RoundAxisMax(0.3, false), 0.5);
  EXPECT_DOUBLE_EQ(RoundAxisMax(2.1, false), 2.5);
  EXPECT_DOUBLE_EQ(RoundAxisMax(2.5, false), 2.5);
  EXPECT_DOUBLE_EQ(RoundAxisMax(37.5, false), 50);
  EXPECT_DOUBLE_EQ(RoundAxisMax(100, false), 100);
  EXPECT_DOUBLE_EQ(RoundAxisMax(0.0123, false), 0.02);
  EXPECT_DOUBLE_EQ(RoundAxisMax(0, false), 1);
  EXPECT_DOUBLE_EQ(RoundAxisMax(std::numeric_limits<double>::quiet_NaN(), false), 1);
  EXPECT_DOUBLE_EQ(RoundAxisMax(0.4, true), 1);
  EXPECT_DOUBLE_EQ(RoundAxisMax(1, true), 1);
  EXPECT_DOUBLE_EQ(RoundAxisMax(2.1, true), 5);  // no 2.5 for counts
  EXPECT_DOUBLE_EQ(RoundAxisMax(11, true), 20);
}

TEST(TrendChartTest, NoDatesNoChart) {
  EXPECT_EQ(RenderTrendChart({}, {}, {}), "");
}

// Plot x from 46 to 308 over 2025-09-09 .. 2025-09-13 (4 days: 65.5 per day); y from 122
// (0%) up to 10 (100%): 1.12 per percent.
TEST(TrendChartTest, PointsSitAtTheirDateAndAGapBreaksTheLine) {
  const std::vector<Date> dates = {Day(9), Day(10), Day(11), Day(13)};
  TrendSeries series;
  series.values = {At(10), At(20), TrendValue{}, At(30)};
  series.values[0].low = 5;
  series.values[0].high = 15;
  series.values[0].tip = "9 <Sept>";
  TrendChartOptions options;
  options.axis_max = 100;
  options.title = "Q1";
  const std::string svg = RenderTrendChart(dates, {series}, options);
  ExpectCoordinatesWithin(svg, 320);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend\" "
                      "viewBox=\"0 0 320.0 150.0\"",
                      0),
            0u);
  // 09-09 and 09-10 joined; 09-11 missing; 09-13 alone (a dot, no line).
  EXPECT_EQ(Count(svg, "<polyline"), 1u);
  EXPECT_TRUE(Contains(svg, "<polyline class=\"line\" points=\"46.0,110.8 111.5,99.6\"/>")) << svg;
  EXPECT_EQ(Count(svg, "<circle"), 3u);
  EXPECT_TRUE(Contains(svg, "cx=\"308.0\" cy=\"88.4\""));
  // The whisker of 09-09 runs from 5% (116.4) to 15% (105.2).
  EXPECT_TRUE(
      Contains(svg, "<line class=\"ci\" x1=\"46.0\" y1=\"116.4\" x2=\"46.0\" y2=\"105.2\"/>"));
  EXPECT_TRUE(Contains(svg, "<title>9 &lt;Sept&gt;</title>"));
  // Axis: 0, 50 and 100%; the first and last dates.
  for (const char* tick : {">0%<", ">50%<", ">100%<", ">2025-09-09<", ">2025-09-13<"}) {
    EXPECT_TRUE(Contains(svg, tick)) << tick;
  }
  EXPECT_FALSE(Contains(svg, "2025-09-10"));
  EXPECT_TRUE(Contains(svg, "<g class=\"s0\">"));
}

TEST(TrendChartTest, OneDateSitsInTheMiddle) {
  TrendSeries series;
  series.values = {At(50)};
  TrendChartOptions options;
  options.axis_max = 100;
  const std::string svg = RenderTrendChart({Day(9)}, {series}, options);
  EXPECT_TRUE(Contains(svg, "cx=\"177.0\" cy=\"66.0\"")) << svg;
  EXPECT_TRUE(Contains(svg, "text-anchor=\"middle\">2025-09-09</text>"));
  EXPECT_FALSE(Contains(svg, "<polyline"));
}

// Two consecutive dates: bars 18 wide (the cap), kept inside the plot at both ends; the
// count axis tops at 5 (above 3), with no half-way tick for an odd top.
TEST(TrendChartTest, BarsForCounts) {
  TrendSeries series;
  series.values = {At(0), At(3)};
  TrendChartOptions options;
  options.kind = TrendKind::kBars;
  options.percent = false;
  const std::string svg = RenderTrendChart({Day(9), Day(10)}, {series}, options);
  ExpectCoordinatesWithin(svg, 320);
  EXPECT_TRUE(
      Contains(svg, "<rect class=\"bar\" x=\"46.0\" y=\"122.0\" width=\"18.0\" height=\"0.0\"/>"))
      << svg;
  EXPECT_TRUE(
      Contains(svg, "<rect class=\"bar\" x=\"290.0\" y=\"54.8\" width=\"18.0\" height=\"67.2\"/>"));
  EXPECT_TRUE(Contains(svg, ">5<"));
  EXPECT_TRUE(Contains(svg, ">0<"));
  EXPECT_FALSE(Contains(svg, ">2.5<"));
  EXPECT_FALSE(Contains(svg, "%<"));
}

TEST(TrendChartTest, SeveralSeriesAndAnAxisAboveTheLargestValue) {
  TrendSeries users;
  users.values = {At(1.5), At(2.1)};
  TrendSeries events;
  events.values = {At(0.5), At(std::numeric_limits<double>::quiet_NaN())};
  events.values[0].high = std::numeric_limits<double>::infinity();
  const std::string svg = RenderTrendChart({Day(9), Day(10)}, {users, events}, {});
  ExpectCoordinatesWithin(svg, 320);
  EXPECT_TRUE(Contains(svg, "<g class=\"s0\">"));
  EXPECT_TRUE(Contains(svg, "<g class=\"s1\">"));
  EXPECT_EQ(Count(svg, "<circle"), 3u);  // NaN is not drawn
  EXPECT_EQ(Count(svg, "class=\"ci\""), 0u);
  for (const char* tick : {">0%<", ">1.25%<", ">2.5%<"}) EXPECT_TRUE(Contains(svg, tick)) << tick;
  // 2.1 of 2.5: y = 122 - 112 * 0.84 = 27.92.
  EXPECT_TRUE(Contains(svg, "cx=\"308.0\" cy=\"27.9\""));
}

TEST(TrendChartTest, OutOfRangeValuesAreClamped) {
  TrendSeries series;
  series.values = {At(-5), At(250), At(std::numeric_limits<double>::infinity())};
  TrendChartOptions options;
  options.axis_max = 100;
  const std::string svg = RenderTrendChart({Day(9), Day(10), Day(11)}, {series}, options);
  ExpectCoordinatesWithin(svg, 320);
  EXPECT_TRUE(Contains(svg, "cx=\"46.0\" cy=\"122.0\""));
  EXPECT_TRUE(Contains(svg, "cx=\"177.0\" cy=\"10.0\""));
  EXPECT_EQ(Count(svg, "<circle"), 2u);
}

}  // namespace
}  // namespace streampro::report
