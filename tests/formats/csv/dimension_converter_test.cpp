#include "formats/csv/dimension_converter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace streampro::formats::csv {
namespace {

TEST(DimensionConverterTest, PositiveInt32) {
  EXPECT_EQ(ParsePositiveInt32("1"), 1);
  EXPECT_EQ(ParsePositiveInt32("0042"), 42);
  EXPECT_EQ(ParsePositiveInt32("2147483647"), 2147483647);
  for (const char* bad : {"", "0", "000", "-5", "+5", "12.5", "1e3", "abc", "2147483648",
                          "99999999999999999999", " 12", "12 ", "1_000"}) {
    EXPECT_EQ(ParsePositiveInt32(bad), std::nullopt) << bad;
  }
}

TEST(DimensionConverterTest, Tier) {
  EXPECT_EQ(CanonicalTier("premium"), "Premium");
  EXPECT_EQ(CanonicalTier(" Free "), "Free");
  EXPECT_EQ(CanonicalTier("BASIC\t"), "Basic");
  EXPECT_EQ(CanonicalTier("Gold"), std::nullopt);
  EXPECT_EQ(CanonicalTier("Fre e"), std::nullopt);
  EXPECT_EQ(CanonicalTier("Freemium"), std::nullopt);
}

/// Reason name and column name of a users row, or "kept".
std::string Users(std::vector<std::string_view> values, RecordBatch* batch) {
  DimensionRowConverter converter(DimensionSpecFor(Table::kUsers));
  const auto rejection = converter.Convert(values, batch);
  if (!rejection) return "kept";
  return fmt::format("{}:{}", RejectReasonName(rejection->reason),
                     DimensionSpecFor(Table::kUsers).columns[rejection->column].name);
}

TEST(DimensionConverterTest, UsersRulesAndTheirOrder) {
  RecordBatch batch(DimensionSpecFor(Table::kUsers).schema);
  EXPECT_EQ(Users({"u1", "2024-02-29", " premium ", " 50+ ", ""}, &batch), "kept");
  EXPECT_EQ(Users({"", "bad", "Gold", "x", ""}, &batch), "missing_required:user_id");
  EXPECT_EQ(Users({"  ", "2024-01-01", "Free", "", ""}, &batch), "missing_required:user_id");
  EXPECT_EQ(Users({"u2", "bad", "", "", ""}, &batch), "missing_required:subscription_tier");
  EXPECT_EQ(Users({"u2", "2023-02-29", "Gold", "x", ""}, &batch), "invalid_date:signup_date");
  EXPECT_EQ(Users({"u2", " 2024-01-01", "Free", "", ""}, &batch), "invalid_date:signup_date");
  EXPECT_EQ(Users({"u2", "2024/01/01", "Free", "", ""}, &batch), "invalid_date:signup_date");
  EXPECT_EQ(Users({"u2", "2024-01-01", "Gold", "x", ""}, &batch), "invalid_enum:subscription_tier");
  EXPECT_EQ(Users({"u2", "2024-01-01", "Free", "18 - 25", ""}, &batch), "invalid_enum:age_group");
  EXPECT_EQ(Users({"u2", "2024-01-01", "Free", "50", ""}, &batch), "invalid_enum:age_group");
  EXPECT_EQ(Users({"u3", "2024-01-01", "basic", " ", "f, \"x\""}, &batch), "kept");
  ASSERT_EQ(batch.num_rows(), 2);
  EXPECT_TRUE(batch.Validate().ok());
  EXPECT_EQ(batch.column(0).string_value(0), "u1");
  EXPECT_EQ(batch.column(1).int32_values()[0], 19782);  // 2024-02-29
  EXPECT_EQ(batch.column(2).string_value(0), "Premium");
  EXPECT_EQ(batch.column(3).string_value(0), "50+");
  EXPECT_TRUE(batch.column(4).IsNull(0));
  EXPECT_EQ(batch.column(2).string_value(1), "Basic");
  EXPECT_TRUE(batch.column(3).IsNull(1));  // whitespace-only age_group is empty
  EXPECT_EQ(batch.column(4).string_value(1), "f, \"x\"");
}

TEST(DimensionConverterTest, VideosGenreAndDuration) {
  const DimensionSpec& spec = DimensionSpecFor(Table::kVideos);
  DimensionRowConverter converter(spec);
  RecordBatch batch(spec.schema);
  auto convert = [&](std::vector<std::string_view> values) -> std::string {
    const auto rejection = converter.Convert(values, &batch);
    if (!rejection) return "kept";
    return fmt::format("{}:{}", RejectReasonName(rejection->reason),
                       spec.columns[rejection->column].name);
  };
  EXPECT_EQ(convert({"v1", "T", " DRAMA ", "120", ""}), "kept");
  EXPECT_EQ(convert({"v2", "", "sci-FI", "1", "P1"}), "kept");
  EXPECT_EQ(convert({"v3", "T", "  ", "120", ""}), "missing_required:genre");
  EXPECT_EQ(convert({"v3", "T", "Drama", "", ""}), "missing_required:duration_seconds");
  EXPECT_EQ(convert({"v3", "T", "Drama", " 120", ""}), "invalid_value:duration_seconds");
  EXPECT_EQ(convert({"v3", "T", "Drama", "0", ""}), "invalid_value:duration_seconds");
  EXPECT_EQ(convert({"", "T", "", "x", ""}), "missing_required:video_id");
  ASSERT_EQ(batch.num_rows(), 2);
  EXPECT_EQ(batch.column(2).string_value(0), "Drama");
  EXPECT_EQ(batch.column(2).string_value(1), "Sci-fi");
  EXPECT_EQ(batch.column(3).int32_values()[1], 1);
  EXPECT_TRUE(batch.column(1).IsNull(1));
  EXPECT_EQ(batch.column(4).string_value(1), "P1");
}

}  // namespace
}  // namespace streampro::formats::csv
