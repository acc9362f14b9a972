#include "lake/layout.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/file.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::lake {
namespace {

using ::streampro::testing::kEnrichedLayer;
using ::streampro::testing::kRawLayer;
using ::streampro::testing::kRejectsTable;
using ::streampro::testing::kReportsLayer;
using ::streampro::testing::kTrustedLayer;
using ::streampro::testing::kUserSessionsTable;
using ::streampro::testing::ListPartitions;
using ::streampro::testing::PartitionDir;

Date D(const char* text) {
  return *ParseIsoDate(text);
}

TEST(LayoutTest, PartitionDirFollowsTheSpecLayout) {
  EXPECT_EQ(PartitionDir("/lake", kRawLayer, "events", D("2025-09-09")),
            "/lake/raw/events/ingestion_date=2025-09-09");
  EXPECT_EQ(PartitionDir("/lake", kTrustedLayer, kRejectsTable, D("2025-09-09")),
            "/lake/trusted/_rejects/ingestion_date=2025-09-09");
  EXPECT_EQ(PartitionDir("lake", kEnrichedLayer, kUserSessionsTable, D("2024-02-29")),
            "lake/enriched/user_sessions/ingestion_date=2024-02-29");
  EXPECT_EQ(PartitionDir("/lake", kReportsLayer, "", D("2025-09-09")),
            "/lake/reports/ingestion_date=2025-09-09");
  EXPECT_EQ(::streampro::testing::LocalLake("/lake")->ManifestUri(
                catalog::Get(catalog::TableId::kReport), D("2025-09-09")),
            "/lake/reports/ingestion_date=2025-09-09/_manifest.json");
}

TEST(LayoutTest, LayerFoldersMoveWholeLayers) {
  LakeOptions options;
  options.folders = LayerFolders{"bronze", "silver", "lake/gold", "reports"};
  const auto lake = ::streampro::testing::LocalLake("/l", options);
  EXPECT_EQ(lake->PartitionUri(catalog::RawTable(Table::kUsers), D("2025-09-09")),
            "/l/bronze/users/ingestion_date=2025-09-09");
  EXPECT_EQ(lake->TableUri(catalog::Get(catalog::TableId::kDeviceAnalytics)),
            "/l/lake/gold/device_analytics");
  EXPECT_EQ(lake->RelativeKey("/l/silver/events"), "silver/events");
  EXPECT_EQ(lake->RelativeKey("/other/silver"), "");
  EXPECT_FALSE(lake->KeyOf("/other/x").ok());
}

TEST(LayoutTest, PartitionFolderNamesRoundTrip) {
  EXPECT_EQ(PartitionFolderName(D("2025-01-02")), "ingestion_date=2025-01-02");
  EXPECT_EQ(ParsePartitionFolderName("ingestion_date=2025-01-02"), D("2025-01-02"));
  EXPECT_FALSE(ParsePartitionFolderName("ingestion_date=2025-02-30"));
  EXPECT_FALSE(ParsePartitionFolderName("ingestion_date=2025-1-02"));
  EXPECT_FALSE(ParsePartitionFolderName("date=2025-01-02"));
  EXPECT_FALSE(ParsePartitionFolderName("ingestion_date=2025-01-02x"));
}

TEST(LayoutTest, LayerFoldersMustBePlainRelativeKeys) {
  EXPECT_TRUE(LayerFolders{}.Validate().ok());
  EXPECT_TRUE((LayerFolders{"a/raw", "t", "e", "r"}.Validate().ok()));
  for (const char* bad : {"", "/raw", "raw/", "../raw", "_raw"}) {
    EXPECT_FALSE((LayerFolders{bad, "t", "e", "r"}.Validate().ok())) << bad;
  }
  LakeOptions options;
  options.folders.trusted = "..";
  EXPECT_FALSE(Lake::Open(::streampro::testing::LocalRef("/l"), options).ok());
}

TEST(LayoutTest, ListPartitionsReturnsCommittedFoldersInDateOrder) {
  testing::TempDir lake;
  auto empty = ListPartitions(lake.path(), kTrustedLayer, "events");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());

  for (const char* date : {"2025-09-10", "2025-09-08", "2025-09-09"}) {
    const std::string dir = PartitionDir(lake.path(), kTrustedLayer, "events", D(date));
    ASSERT_TRUE(CreateDirectories(dir).ok());
    ASSERT_TRUE(WriteFileAtomically(dir + "/_manifest.json", "{}").ok());
  }
  // Not committed (no manifest), and not a partition folder at all.
  ASSERT_TRUE(
      CreateDirectories(PartitionDir(lake.path(), kTrustedLayer, "events", D("2025-09-11"))).ok());
  ASSERT_TRUE(CreateDirectories(lake / "trusted/events/other").ok());

  auto dates = ListPartitions(lake.path(), kTrustedLayer, "events");
  ASSERT_TRUE(dates.ok());
  EXPECT_EQ(*dates, (std::vector<Date>{D("2025-09-08"), D("2025-09-09"), D("2025-09-10")}));
}

}  // namespace
}  // namespace streampro::lake
