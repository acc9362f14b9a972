#include "pipeline/raw_ingest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/file.h"
#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/sha256.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::pipeline {
namespace {

using lake::LakeLock;
using lake::PartitionManifest;
using lake::Sha256;
using ::streampro::testing::kRawLayer;
using ::streampro::testing::ListPartitions;
using ::streampro::testing::PartitionDir;
using ::streampro::testing::ReadManifest;

const Date kDate = *ParseIsoDate("2025-09-09");

// Bytes of every value, several copy buffers long.
std::string BigContent(size_t size) {
  std::string bytes(size, '\0');
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    bytes[i] = static_cast<char>(x);
  }
  return bytes;
}

class RawIngestTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& content) {
    ASSERT_TRUE(WriteFileAtomically(landing_ / name, content).ok());
  }
  std::vector<RawFileResult> Ingest() {
    auto inventory = ScanLanding(::streampro::testing::LocalRef(landing_.path()), kDate);
    EXPECT_TRUE(inventory.ok());
    auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
    EXPECT_TRUE(lock.ok());
    auto results = IngestRaw(*lock, *inventory, kDate);
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    return results.ok() ? *results : std::vector<RawFileResult>{};
  }
  testing::TempDir landing_;
  testing::TempDir lake_;
};

TEST_F(RawIngestTest, CopiesByteIdenticalWithChecksumsInTheManifest) {
  const std::string users = "user_id,signup_date,subscription_tier\nu1,2025-01-01,Free\n";
  const std::string events = BigContent((size_t{8} << 20) * 2 + 12345);
  Write("users_2025-09-09.csv", users);
  Write("events_2025-09-09.jsonl", events);
  Write("videos_2025-09-08.csv", "other date, not taken");

  const std::vector<RawFileResult> results = Ingest();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].table, Table::kUsers);
  EXPECT_EQ(results[1].table, Table::kEvents);
  for (const RawFileResult& r : results) EXPECT_FALSE(r.unchanged);

  const std::string events_raw =
      PartitionDir(lake_.path(), kRawLayer, "events", kDate) + "/events_2025-09-09.jsonl";
  EXPECT_EQ(results[1].raw_path, events_raw);
  EXPECT_TRUE(testing::ReadOrDie(events_raw) == events);
  EXPECT_EQ(results[1].sha256, Sha256::HexOf(events));
  EXPECT_EQ(results[1].bytes, static_cast<int64_t>(events.size()));

  auto manifest = ReadManifest(lake_.path(), kRawLayer, "users", kDate);
  ASSERT_TRUE(manifest.ok() && manifest->has_value());
  const PartitionManifest& m = **manifest;
  ASSERT_EQ(m.files.size(), 1u);
  EXPECT_EQ(m.files[0].name, "users_2025-09-09.csv");
  EXPECT_EQ(m.files[0].sha256, Sha256::HexOf(users));
  EXPECT_EQ(m.files[0].bytes, static_cast<int64_t>(users.size()));
  EXPECT_FALSE(m.files[0].rows);
  EXPECT_EQ(m.source_file, "users_2025-09-09.csv");
  EXPECT_EQ(m.properties.at(std::string(kLandingBytesProperty)), std::to_string(users.size()));
  struct stat info;
  ASSERT_EQ(::stat((landing_ / "users_2025-09-09.csv").c_str(), &info), 0);
  EXPECT_EQ(m.properties.at(std::string(kLandingMtimeProperty)),
            std::to_string(int64_t{info.st_mtim.tv_sec} * 1'000'000'000 + info.st_mtim.tv_nsec));
  auto videos = ListPartitions(lake_.path(), kRawLayer, "videos");
  ASSERT_TRUE(videos.ok());
  EXPECT_TRUE(videos->empty());
}

TEST_F(RawIngestTest, RerunWithoutChangesCopiesNothing) {
  Write("devices_2025-09-09.csv", "device,os\nd1,iOS\n");
  const auto first = Ingest();
  ASSERT_EQ(first.size(), 1u);
  auto before = ReadManifest(lake_.path(), kRawLayer, "devices", kDate);
  ASSERT_TRUE(before.ok() && before->has_value());

  const auto second = Ingest();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(second[0].unchanged);
  EXPECT_EQ(second[0].sha256, first[0].sha256);
  EXPECT_EQ(second[0].bytes, first[0].bytes);
  auto after = ReadManifest(lake_.path(), kRawLayer, "devices", kDate);
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->run_id, (*before)->run_id);  // the partition was not rewritten
}

TEST_F(RawIngestTest, ChangedLandingFileReplacesTheRawPartition) {
  Write("devices_2025-09-09.csv", "device,os\nd1,iOS\n");
  Ingest();
  Write("devices_2025-09-09.csv", "device,os\nd1,iOS\nd2,Android\n");
  // Make the modification time differ even on coarse-grained clocks.
  const auto path = std::filesystem::path(landing_ / "devices_2025-09-09.csv");
  std::filesystem::last_write_time(
      path, std::filesystem::last_write_time(path) + std::chrono::seconds(5));
  const auto results = Ingest();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].unchanged);
  EXPECT_EQ(testing::ReadOrDie(results[0].raw_path), "device,os\nd1,iOS\nd2,Android\n");
}

TEST_F(RawIngestTest, UndatedFileReplacesAndTablesWithoutFilesKeepTheirPartition) {
  Write("users_2025-09-09.csv", "user_id\nu1\n");
  Write("videos_2025-09-09.csv", "video_id\nv1\n");
  Ingest();
  std::filesystem::remove(landing_ / "users_2025-09-09.csv");
  std::filesystem::remove(landing_ / "videos_2025-09-09.csv");
  Write("users.csv", "user_id\nu2\n");
  const auto results = Ingest();
  ASSERT_EQ(results.size(), 1u);
  const std::string users_dir = PartitionDir(lake_.path(), kRawLayer, "users", kDate);
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(users_dir)) {
    names.insert(e.path().filename().string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"_manifest.json", "users.csv"}));
  auto manifest = ReadManifest(lake_.path(), kRawLayer, "users", kDate);
  ASSERT_TRUE(manifest.ok() && manifest->has_value());
  EXPECT_EQ((*manifest)->properties.at(std::string(kLandingUndatedProperty)), "true");
  EXPECT_EQ(testing::ReadOrDie(PartitionDir(lake_.path(), kRawLayer, "videos", kDate) +
                               "/videos_2025-09-09.csv"),
            "video_id\nv1\n");
}

}  // namespace
}  // namespace streampro::pipeline
