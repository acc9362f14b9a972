// The stages' side of live progress and Ctrl-C (StageOptions::control): what they count,
// checked against file sizes and hand counts of tests/golden, and that a stage whose run
// was cancelled publishes nothing and leaves nothing staged.
//
// tests/golden/multi_date events: D1 = 3 valid lines; D2 = 6 lines, one an exact duplicate
// within the file, so 5 kept in trusted. Enriched for D2 reads both dates: 3 + 5 = 8.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "common/progress.h"
#include "pipeline/enriched_stage.h"
#include "pipeline/landing.h"
#include "pipeline/raw_ingest.h"
#include "pipeline/report_stage.h"
#include "pipeline/trusted_stage.h"
#include "storage/forwarding_store.h"
#include "storage/local_store.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::pipeline {
namespace {

using ::streampro::testing::ListPartitions;
using ::streampro::testing::LocalRef;
using ::streampro::testing::LockLocalLake;
using ::streampro::testing::TableOf;

const Date kD1 = *ParseIsoDate("2025-09-09");
const Date kD2 = *ParseIsoDate("2025-09-10");

std::string Golden(const std::string& name) {
  return std::string(STREAMPRO_SOURCE_DIR) + "/tests/golden/" + name;
}

int64_t SizeOf(const std::string& path) {
  return static_cast<int64_t>(std::filesystem::file_size(path));
}

// Entries left in the run's staging folder.
std::vector<std::string> Staged(const lake::LakeLock& lock) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(lock.staging_dir())) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

LandingInventory Inventory(const std::string& landing, Date date) {
  auto inventory = ScanLanding(LocalRef(landing), date);
  EXPECT_TRUE(inventory.ok()) << inventory.status().ToString();
  return inventory.ok() ? *inventory : LandingInventory{};
}

StageOptions Options(RunControl control) {
  StageOptions options;
  options.threads = 2;
  options.control = control;
  return options;
}

TEST(StageControlTest, ProgressCountsEveryLandingByteAndEveryEvent) {
  testing::TempDir lake;
  const lake::LakeLock lock = LockLocalLake(lake.path());
  Progress progress;
  const RunControl control{&progress, nullptr};
  const std::string landing = Golden("multi_date");

  ASSERT_TRUE(IngestRaw(lock, Inventory(landing, kD1), kD1, control).ok());
  ProgressSnapshot copied = progress.Snapshot();
  EXPECT_EQ(copied.phase, "copying landing files");
  EXPECT_EQ(copied.unit, ProgressUnit::kBytes);
  const int64_t d1_bytes =
      SizeOf(landing + "/users_2025-09-09.csv") + SizeOf(landing + "/videos_2025-09-09.csv") +
      SizeOf(landing + "/devices_2025-09-09.csv") + SizeOf(landing + "/events_2025-09-09.jsonl");
  EXPECT_EQ(copied.total, d1_bytes);
  EXPECT_EQ(copied.done, d1_bytes);
  // Unchanged files count at once on a re-run.
  ASSERT_TRUE(IngestRaw(lock, Inventory(landing, kD1), kD1, control).ok());
  EXPECT_EQ(progress.Snapshot().done, d1_bytes);

  auto trusted = RawToTrusted(lock, kD1, Options(control));
  ASSERT_TRUE(trusted.ok()) << trusted.status().ToString();
  const ProgressSnapshot written = progress.Snapshot();
  EXPECT_EQ(written.phase, "deduplicating and writing events");
  EXPECT_EQ(written.unit, ProgressUnit::kBuckets);
  EXPECT_EQ(written.total, trusted->event_buckets);
  EXPECT_EQ(written.done, trusted->event_buckets);
  EXPECT_EQ(written.events, 3);

  ASSERT_TRUE(IngestRaw(lock, Inventory(landing, kD2), kD2, control).ok());
  ASSERT_TRUE(RawToTrusted(lock, kD2, Options(control)).ok());
  EXPECT_EQ(progress.Snapshot().events, 5);
  ASSERT_TRUE(TrustedToEnriched(lock, kD2, Options(control)).ok());
  const ProgressSnapshot enriched = progress.Snapshot();
  EXPECT_EQ(enriched.phase, "sessions and journeys");
  EXPECT_EQ(enriched.unit, ProgressUnit::kEvents);
  EXPECT_EQ(enriched.total, 8);
  EXPECT_EQ(enriched.done, 8);
  EXPECT_EQ(enriched.events, 8);
}

// Without an events file the trusted stage's one phase reads the three dimension files.
TEST(StageControlTest, TrustedCountsTheBytesOfTheRawFilesItReads) {
  testing::TempDir lake;
  const lake::LakeLock lock = LockLocalLake(lake.path());
  const std::string landing = Golden("no_events");
  ASSERT_TRUE(IngestRaw(lock, Inventory(landing, kD1), kD1).ok());
  Progress progress;
  ASSERT_TRUE(RawToTrusted(lock, kD1, Options({&progress, nullptr})).ok());
  const ProgressSnapshot read = progress.Snapshot();
  EXPECT_EQ(read.phase, "reading raw files");
  const int64_t bytes = SizeOf(landing + "/users_2025-09-09.csv") +
                        SizeOf(landing + "/videos_2025-09-09.csv") +
                        SizeOf(landing + "/devices_2025-09-09.csv");
  EXPECT_EQ(read.total, bytes);
  EXPECT_EQ(read.done, bytes);
}

// Each stage, cancelled: Cancelled with the token's reason, nothing published by it, and
// nothing left staged; the stages before it are untouched.
TEST(StageControlTest, ACancelledStagePublishesNothingAndLeavesNothingStaged) {
  testing::TempDir lake;
  const lake::LakeLock lock = LockLocalLake(lake.path());
  const std::string landing = Golden("multi_date");
  CancellationToken cancelled;
  cancelled.Cancel("interrupted by SIGINT");
  const RunControl stop{nullptr, &cancelled};
  // The stage stopped with the token's reason, published nothing more than the
  // `published_before` partitions of the stages before it, and left nothing staged.
  const auto expect_cancelled = [&](const Status& status, size_t published_before,
                                    const char* stage) {
    EXPECT_EQ(status.code(), StatusCode::kCancelled) << stage << ": " << status.ToString();
    EXPECT_EQ(status.message(), "interrupted by SIGINT") << stage;
    EXPECT_EQ(lock.published().size(), published_before) << stage;
    EXPECT_TRUE(Staged(lock).empty()) << stage;
  };
  const auto partitions = [&](std::string_view layer, std::string_view table) {
    auto dates = lock.lake().ListPartitions(TableOf(layer, table));
    EXPECT_TRUE(dates.ok());
    return dates.ok() ? dates->size() : size_t{99};
  };

  expect_cancelled(IngestRaw(lock, Inventory(landing, kD1), kD1, stop).status(), 0, "to-raw");
  EXPECT_EQ(partitions("raw", "events"), 0u);
  EXPECT_EQ(partitions("raw", "users"), 0u);
  ASSERT_TRUE(IngestRaw(lock, Inventory(landing, kD1), kD1).ok());
  EXPECT_EQ(lock.published().size(), 4u);  // users, videos, devices, events

  expect_cancelled(RawToTrusted(lock, kD1, Options(stop)).status(), 4, "to-trusted");
  EXPECT_EQ(partitions("trusted", "events"), 0u);
  EXPECT_EQ(partitions("trusted", "_rejects"), 0u);
  ASSERT_TRUE(RawToTrusted(lock, kD1, Options({})).ok());
  EXPECT_EQ(lock.published().size(), 9u);  // + the four tables and _rejects

  expect_cancelled(TrustedToEnriched(lock, kD1, Options(stop)).status(), 9, "to-enriched");
  EXPECT_EQ(partitions("enriched", "user_sessions"), 0u);
  EXPECT_EQ(partitions("enriched", "device_analytics"), 0u);
  ASSERT_TRUE(TrustedToEnriched(lock, kD1, Options({})).ok());
  EXPECT_EQ(lock.published().size(), 13u);  // + four enriched tables

  expect_cancelled(PublishReport(lock, kD1, Options(stop)).status(), 13, "report");
  EXPECT_EQ(partitions("reports", ""), 0u);
}

// A copy of the golden day D1 in a landing folder the test may change.
std::string CopyLanding(const testing::TempDir& dir) {
  const std::string landing = dir.path() + "/landing";
  std::filesystem::create_directories(landing);
  for (const char* name : {"users_2025-09-09.csv", "videos_2025-09-09.csv",
                           "devices_2025-09-09.csv", "events_2025-09-09.jsonl"}) {
    std::filesystem::copy_file(Golden("multi_date") + "/" + name, landing + "/" + name);
  }
  return landing;
}

// Overwrites the raw copy of D1's events with as many bytes of one unparsable line, so a
// read of it and a read of the landing file give different counters.
void SpoilRawEvents(const std::string& lake) {
  const std::string raw = lake + "/raw/events/ingestion_date=2025-09-09/events_2025-09-09.jsonl";
  const auto size = std::filesystem::file_size(raw);
  std::filesystem::permissions(raw, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::ofstream(raw, std::ios::binary | std::ios::trunc) << std::string(size - 1, 'x') << "\n";
}

const FileCounters& EventCounters(const TrustedResult& result) {
  return std::find_if(result.tables.begin(), result.tables.end(),
                      [](const auto& t) { return t.table == Table::kEvents; })
      ->counters;
}

// The pipeline hands to-trusted the landing inventory to-raw copied: the landing file is
// read in place of its raw copy while the raw manifest matches it, and the raw copy once
// it does not.
TEST(TrustedFromLandingTest, ReadsTheLandingFileOnlyWhileTheRawCopyMatchesIt) {
  testing::TempDir dir;
  const std::string landing = CopyLanding(dir);
  const std::string lake_path = dir.path() + "/lake";
  const lake::LakeLock lock = LockLocalLake(lake_path);
  const LandingInventory inventory = Inventory(landing, kD1);
  ASSERT_TRUE(IngestRaw(lock, inventory, kD1).ok());
  SpoilRawEvents(lake_path);

  auto from_landing = RawToTrusted(lock, kD1, Options({}), &inventory);
  ASSERT_TRUE(from_landing.ok()) << from_landing.status().ToString();
  EXPECT_EQ(EventCounters(*from_landing).rows_kept, 3);
  EXPECT_EQ(EventCounters(*from_landing).rows_rejected, 0);

  auto from_raw = RawToTrusted(lock, kD1, Options({}));
  ASSERT_TRUE(from_raw.ok()) << from_raw.status().ToString();
  EXPECT_EQ(EventCounters(*from_raw).rows_kept, 0);
  EXPECT_EQ(EventCounters(*from_raw).rows_rejected, 1);

  // A landing file modified since the copy (a new modification time) is not read.
  const std::string events = landing + "/events_2025-09-09.jsonl";
  std::filesystem::last_write_time(
      events, std::filesystem::last_write_time(events) + std::chrono::seconds(5));
  auto changed = RawToTrusted(lock, kD1, Options({}), &inventory);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(EventCounters(*changed).rows_rejected, 1);
}

// The bytes of every file under `root`, by path relative to it; `_manifest.json` is left
// out (it records commit times).
std::map<std::string, std::string> DataFiles(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().filename() == "_manifest.json") continue;
    const std::string relative = std::filesystem::relative(entry.path(), root).string();
    if (relative.starts_with("_")) continue;  // the lock, staging and run folders
    std::ifstream in(entry.path(), std::ios::binary);
    files[relative] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

// to-raw beside to-trusted (the pipeline command on a local lake) publishes what the two
// stages publish one after the other: the same raw copies and the same trusted files,
// byte for byte; the counts are the golden day's (3 events, none rejected).
TEST(RawBesideTrustedTest, PublishesWhatTheStagesPublishOneAfterTheOther) {
  testing::TempDir dir;
  const std::string landing = CopyLanding(dir);
  const LandingInventory inventory = Inventory(landing, kD1);
  const std::string beside_root = dir.path() + "/beside";
  const std::string after_root = dir.path() + "/after";
  {
    const lake::LakeLock lock = LockLocalLake(beside_root);
    ASSERT_TRUE(CanIngestRawBesideTrusted(lock, inventory));
    const RawAndTrustedResult result = IngestRawBesideTrusted(lock, inventory, kD1, Options({}));
    ASSERT_TRUE(result.raw.ok()) << result.raw.status().ToString();
    ASSERT_TRUE(result.trusted.ok()) << result.trusted.status().ToString();
    EXPECT_EQ(result.raw->size(), 4u);
    EXPECT_GT(result.raw_seconds.count(), 0.0);
    EXPECT_EQ(EventCounters(*result.trusted).rows_kept, 3);
    EXPECT_EQ(EventCounters(*result.trusted).rows_rejected, 0);
    EXPECT_EQ(lock.published().size(), 9u);  // four raw, four trusted and _rejects
    EXPECT_TRUE(Staged(lock).empty());
  }
  {
    const lake::LakeLock lock = LockLocalLake(after_root);
    ASSERT_TRUE(IngestRaw(lock, inventory, kD1).ok());
    ASSERT_TRUE(RawToTrusted(lock, kD1, Options({})).ok());
  }
  // The rejects name the lake's raw files, so the two lakes' rejects differ by their root;
  // the golden day has none.
  const auto beside = DataFiles(beside_root);
  EXPECT_EQ(beside.size(), 9u);
  EXPECT_EQ(beside, DataFiles(after_root));
}

// to-trusted fails (a users file without a required column) while to-raw copies beside
// it: to-raw's four partitions are published as when it runs alone, to-trusted's error is
// the outcome, and nothing of to-trusted is published or left staged.
TEST(RawBesideTrustedTest, AFailedTrustedStageLeavesTheRawCopiesPublished) {
  testing::TempDir dir;
  const std::string landing = CopyLanding(dir);
  std::ofstream(landing + "/users_2025-09-09.csv", std::ios::trunc)
      << "user_id,subscription_tier\nu1,Free\n";
  const lake::LakeLock lock = LockLocalLake(dir.path() + "/lake");
  const RawAndTrustedResult result =
      IngestRawBesideTrusted(lock, Inventory(landing, kD1), kD1, Options({}));
  ASSERT_TRUE(result.raw.ok()) << result.raw.status().ToString();
  ASSERT_FALSE(result.trusted.ok());
  EXPECT_NE(result.trusted.status().message().find("signup_date"), std::string::npos)
      << result.trusted.status().message();
  EXPECT_EQ(lock.published().size(), 4u);
  EXPECT_EQ(ListPartitions(dir.path() + "/lake", "raw", "events")->size(), 1u);
  EXPECT_EQ(ListPartitions(dir.path() + "/lake", "trusted", "_rejects")->size(), 0u);
  EXPECT_TRUE(Staged(lock).empty());
}

// Both stages, cancelled before they start: Cancelled, nothing published, nothing staged.
TEST(RawBesideTrustedTest, ACancelledRunPublishesNothing) {
  testing::TempDir dir;
  const std::string landing = CopyLanding(dir);
  const lake::LakeLock lock = LockLocalLake(dir.path() + "/lake");
  CancellationToken cancelled;
  cancelled.Cancel("interrupted by SIGINT");
  const RawAndTrustedResult result =
      IngestRawBesideTrusted(lock, Inventory(landing, kD1), kD1, Options({nullptr, &cancelled}));
  EXPECT_EQ(result.raw.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(result.trusted.status().code(), StatusCode::kCancelled);
  EXPECT_TRUE(lock.published().empty());
  EXPECT_TRUE(Staged(lock).empty());
}

// A file that gives itself a new modification time at its first read: a landing file
// changed while to-trusted reads it.
class TouchedAtFirstRead final : public RandomAccessFile {
 public:
  TouchedAtFirstRead(std::unique_ptr<RandomAccessFile> file, std::string path)
      : file_(std::move(file)), path_(std::move(path)) {}
  const std::string& name() const override { return file_->name(); }
  int64_t size() const override { return file_->size(); }
  Status ReadAt(int64_t offset, int64_t length, std::string* out) const override {
    Touch();
    return file_->ReadAt(offset, length, out);
  }
  Result<int64_t> ReadInto(int64_t offset, std::span<char> out) const override {
    Touch();
    return file_->ReadInto(offset, out);
  }

 private:
  void Touch() const {
    if (touched_.exchange(true)) return;
    std::filesystem::last_write_time(
        path_, std::filesystem::last_write_time(path_) + std::chrono::seconds(5));
  }
  std::unique_ptr<RandomAccessFile> file_;
  std::string path_;
  mutable std::atomic<bool> touched_ = false;
};

// The local store, except that the file `touched` is opened as a TouchedAtFirstRead.
class TouchOnReadStore final : public storage::ForwardingStore {
 public:
  explicit TouchOnReadStore(std::string touched)
      : ForwardingStore(std::make_shared<storage::LocalStore>()), touched_(std::move(touched)) {}
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& key) override {
    ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> opened, base_->OpenRead(key));
    if (key != touched_) return opened;
    return std::unique_ptr<RandomAccessFile>(
        std::make_unique<TouchedAtFirstRead>(std::move(opened), key));
  }

 private:
  std::string touched_;
};

// A landing file that changes while to-trusted reads it fails the stage, and nothing of
// it is published.
TEST(TrustedFromLandingTest, ALandingFileChangedDuringTheReadFailsTheStage) {
  testing::TempDir dir;
  const std::string landing = CopyLanding(dir);
  const lake::LakeLock lock = LockLocalLake(dir.path() + "/lake");
  const LandingInventory inventory = Inventory(landing, kD1);
  ASSERT_TRUE(IngestRaw(lock, inventory, kD1).ok());
  const size_t published = lock.published().size();

  LandingInventory touching = inventory;
  touching.store = std::make_shared<TouchOnReadStore>(landing + "/events_2025-09-09.jsonl");
  const auto result = RawToTrusted(lock, kD1, Options({}), &touching);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kIOError);
  EXPECT_NE(result.status().message().find("changed while to-trusted read it"), std::string::npos)
      << result.status().message();
  EXPECT_EQ(lock.published().size(), published);
  EXPECT_TRUE(Staged(lock).empty());
}

// A landing file that changes while to-raw copies it beside to-trusted (each reader of
// the test store touches it at its first read): to-raw's error is the outcome, and
// neither the events copy nor anything of to-trusted is published.
TEST(RawBesideTrustedTest, ALandingFileChangedDuringTheCopyPublishesNoEventsAndNoTrusted) {
  testing::TempDir dir;
  const std::string landing = CopyLanding(dir);
  const lake::LakeLock lock = LockLocalLake(dir.path() + "/lake");
  LandingInventory touching = Inventory(landing, kD1);
  touching.store = std::make_shared<TouchOnReadStore>(landing + "/events_2025-09-09.jsonl");
  const RawAndTrustedResult result = IngestRawBesideTrusted(lock, touching, kD1, Options({}));
  ASSERT_FALSE(result.raw.ok());
  EXPECT_EQ(result.raw.status().code(), StatusCode::kIOError);
  EXPECT_NE(result.raw.status().message().find("changed while it was copied"), std::string::npos)
      << result.raw.status().message();
  EXPECT_EQ(result.trusted.status().message(), result.raw.status().message());
  EXPECT_EQ(lock.published().size(), 3u);  // users, videos, devices
  EXPECT_EQ(ListPartitions(dir.path() + "/lake", "raw", "events")->size(), 0u);
  EXPECT_EQ(ListPartitions(dir.path() + "/lake", "trusted", "events")->size(), 0u);
  EXPECT_TRUE(Staged(lock).empty());
}

}  // namespace
}  // namespace streampro::pipeline
