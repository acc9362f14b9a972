#include "report/svg_chart.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "render_checks.h"

namespace streampro::report {
namespace {

using testing::Count;
using testing::ExpectCoordinatesWithin;

TEST(SvgChartTest, EmptyRowsGiveTheEmptyText) {
  BarChartOptions options;
  options.empty_text = "Nothing <here>";
  EXPECT_EQ(RenderBarChart({}, options), "<p class=\"empty\">Nothing &lt;here&gt;</p>\n");
}

TEST(SvgChartTest, BarsWhiskersAndHighlight) {
  std::vector<BarChartRow> rows(2);
  rows[0].label = "Comedy";
  rows[0].value = 50;
  rows[0].low = 40;
  rows[0].high = 60;
  rows[0].highlight = true;
  rows[0].value_text = "50.0% of 40";
  rows[1].label = "Drama";
  rows[1].value = 100;
  BarChartOptions options;
  options.title = "Retention";
  options.reference = 25;
  options.reference_label = "all";
  const std::string svg = RenderBarChart(rows, options);
  ExpectCoordinatesWithin(svg);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(Count(svg, "<g class=\"row hl\">"), 1u);
  EXPECT_EQ(Count(svg, "<g class=\"row\">"), 1u);
  EXPECT_EQ(Count(svg, "class=\"ci\""), 3u);  // one whisker with two caps
  // The plot runs from x=200 to x=640: 50% ends at 420, 100% at 640, the line at 310.
  EXPECT_NE(svg.find("<rect class=\"bar\" x=\"200.0\" y=\"31.0\" width=\"220.0\""),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find("width=\"440.0\""), std::string::npos);
  EXPECT_NE(svg.find("<line class=\"ref\" x1=\"310.0\""), std::string::npos);
  EXPECT_NE(svg.find(">50.0% of 40</text>"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(SvgChartTest, OutOfRangeAndNonFiniteValuesAreClamped) {
  std::vector<BarChartRow> rows(4);
  rows[0].value = std::numeric_limits<double>::quiet_NaN();
  rows[1].value = -5;
  rows[2].value = 250;
  rows[2].low = std::numeric_limits<double>::quiet_NaN();
  rows[2].high = 300;
  rows[3].value = std::numeric_limits<double>::infinity();
  BarChartOptions options;
  options.reference = std::numeric_limits<double>::infinity();
  const std::string svg = RenderBarChart(rows, options);
  ExpectCoordinatesWithin(svg);
  EXPECT_EQ(Count(svg, "class=\"ci\""), 0u);
  EXPECT_EQ(Count(svg, "class=\"ref\""), 0u);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(SvgChartTest, LabelsAreEscapedAndCut) {
  std::vector<BarChartRow> rows(1);
  rows[0].label = "<script>alert(1)</script> and a long tail of text";
  const std::string svg = RenderBarChart(rows, {});
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("<title>&lt;script&gt;alert(1)&lt;/script&gt; and a long tail of text"),
            std::string::npos);
  EXPECT_NE(svg.find(">&lt;script&gt;alert(1)&lt;/script&gt;...</text>"), std::string::npos) << svg;
}

// Text columns grow with their text at 7.8 px a column (12 px text), so that a value
// such as "67.8% of 90, abnormal" is not cut off at the right edge.
TEST(SvgChartTest, ColumnsAreWideEnoughForTheirText) {
  std::vector<BarChartRow> rows(2);
  rows[0].label = "Android";
  rows[0].value = 67.8;
  rows[0].value_text = "67.8% of 90, abnormal";  // 21 columns
  rows[1].label = "Web";
  rows[1].value = 10;
  rows[1].value_text = "10.0% of 9";
  std::string svg = RenderBarChart(rows, {});
  ExpectCoordinatesWithin(svg);
  // Values start at 650; 650 + 21 * 7.8 + 8 = 821.8.
  EXPECT_NE(svg.find("viewBox=\"0 0 821.8 "), std::string::npos) << svg;
  EXPECT_NE(svg.find("width=\"821.8\""), std::string::npos);
  EXPECT_NE(svg.find("<text class=\"value\" x=\"650.0\""), std::string::npos);

  // A label of 28 columns or more (cut to 28): 8 + 28 * 7.8 = 226.4 for the labels, the
  // plot from 236.4 to 676.4, values at 686.4; the short value texts keep the minimum 760.
  rows[0].label = std::string(40, 'x');
  rows[0].value = 100;
  rows[0].value_text = "100%";
  rows[1].value_text = "";
  svg = RenderBarChart(rows, {});
  ExpectCoordinatesWithin(svg);
  EXPECT_NE(svg.find("<text class=\"label\" x=\"226.4\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("<rect class=\"bar\" x=\"236.4\" y=\"31.0\" width=\"440.0\""),
            std::string::npos);
  EXPECT_NE(svg.find("<text class=\"value\" x=\"686.4\""), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\"0 0 760.0 "), std::string::npos);
}

}  // namespace
}  // namespace streampro::report
