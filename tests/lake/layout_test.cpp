#include "lake/layout.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/file.h"
#include "support/temp_dir.h"

namespace streampro::lake {
namespace {

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
  EXPECT_EQ(ReportsDir("/lake", D("2025-09-09")), "/lake/reports/ingestion_date=2025-09-09");
  EXPECT_EQ(PartitionDir("/lake", kReportsLayer, "", D("2025-09-09")),
            "/lake/reports/ingestion_date=2025-09-09");
}

TEST(LayoutTest, PartitionFolderNamesRoundTrip) {
  EXPECT_EQ(PartitionFolderName(D("2025-01-02")), "ingestion_date=2025-01-02");
  EXPECT_EQ(ParsePartitionFolderName("ingestion_date=2025-01-02"), D("2025-01-02"));
  EXPECT_FALSE(ParsePartitionFolderName("ingestion_date=2025-02-30"));
  EXPECT_FALSE(ParsePartitionFolderName("ingestion_date=2025-1-02"));
  EXPECT_FALSE(ParsePartitionFolderName("date=2025-01-02"));
  EXPECT_FALSE(ParsePartitionFolderName("ingestion_date=2025-01-02x"));
}

TEST(LayoutTest, ValidateLocationRejectsUnknownLayersAndPathTricks) {
  EXPECT_TRUE(ValidateLocation(kTrustedLayer, "users").ok());
  EXPECT_TRUE(ValidateLocation(kReportsLayer, "").ok());
  EXPECT_FALSE(ValidateLocation("landing", "users").ok());
  EXPECT_FALSE(ValidateLocation(kRawLayer, "").ok());
  EXPECT_FALSE(ValidateLocation(kRawLayer, "..").ok());
  EXPECT_FALSE(ValidateLocation(kRawLayer, "a/b").ok());
  EXPECT_FALSE(ValidateLocation(kReportsLayer, "x").ok());
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
