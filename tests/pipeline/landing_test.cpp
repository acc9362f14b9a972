#include "pipeline/landing.h"

#include <gtest/gtest.h>

#include "common/file.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::pipeline {
namespace {

TEST(LandingTest, TakesFilesOfTheDateAndListsEverythingElseAsSkipped) {
  testing::TempDir dir;
  for (const char* name :
       {"users_2025-09-09.csv", "videos_2025-09-09.csv", "events_2025-09-09.jsonl",
        "events_2025-09-08.jsonl", "devices.csv", "notes.txt", "users_2025-09-09.jsonl",
        "events_2025-13-01.jsonl", "truth.json"}) {
    ASSERT_TRUE(WriteFileAtomically(dir / name, "x\n").ok());
  }
  const auto inventory = ScanLanding(testing::LocalRef(dir.path()), *ParseIsoDate("2025-09-09"));
  ASSERT_TRUE(inventory.ok()) << inventory.status().ToString();
  ASSERT_EQ(inventory->taken.size(), 4u);
  EXPECT_EQ(inventory->taken[0].name, "users_2025-09-09.csv");
  EXPECT_EQ(inventory->taken[1].name, "videos_2025-09-09.csv");
  EXPECT_EQ(inventory->taken[2].name, "devices.csv");
  EXPECT_TRUE(inventory->taken[2].undated);
  EXPECT_EQ(inventory->taken[3].name, "events_2025-09-09.jsonl");
  EXPECT_EQ(inventory->taken[3].bytes, 2);

  std::map<std::string, std::string> skipped;
  for (const auto& s : inventory->skipped) skipped[s.name] = s.reason;
  EXPECT_EQ(skipped.size(), 5u);
  EXPECT_EQ(skipped["events_2025-09-08.jsonl"], "dated 2025-09-08, not 2025-09-09");
  EXPECT_EQ(skipped["users_2025-09-09.jsonl"], "users files must end in .csv");
  EXPECT_EQ(skipped["events_2025-13-01.jsonl"], "'2025-13-01' is not a YYYY-MM-DD date");
  EXPECT_NE(skipped["notes.txt"].find("not a landing table"), std::string::npos);
  EXPECT_NE(skipped["truth.json"].find("not a landing table"), std::string::npos);
}

TEST(LandingTest, DatedFileWinsOverUndatedOne) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir / "users.csv", "a\n").ok());
  ASSERT_TRUE(WriteFileAtomically(dir / "users_2025-09-09.csv", "b\n").ok());
  const auto inventory = ScanLanding(testing::LocalRef(dir.path()), *ParseIsoDate("2025-09-09"));
  ASSERT_TRUE(inventory.ok());
  ASSERT_EQ(inventory->taken.size(), 1u);
  EXPECT_EQ(inventory->taken[0].name, "users_2025-09-09.csv");
  ASSERT_EQ(inventory->skipped.size(), 1u);
  EXPECT_EQ(inventory->skipped[0].name, "users.csv");
}

TEST(LandingTest, MissingFolderIsNotFoundAndNamesIt) {
  const auto inventory =
      ScanLanding(testing::LocalRef("/nonexistent/landing"), *ParseIsoDate("2025-09-09"));
  ASSERT_FALSE(inventory.ok());
  EXPECT_EQ(inventory.status().code(), StatusCode::kNotFound);
  EXPECT_NE(inventory.status().message().find("/nonexistent/landing"), std::string::npos);
}

}  // namespace
}  // namespace streampro::pipeline
