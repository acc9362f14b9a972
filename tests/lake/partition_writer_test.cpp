#include "lake/partition_writer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "common/file.h"
#include "lake/layout.h"
#include "lake/sha256.h"
#include "streampro/parquet.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::lake {
namespace {

using ::streampro::testing::kTrustedLayer;
using ::streampro::testing::ListPartitions;
using ::streampro::testing::PartitionDir;
using ::streampro::testing::ReadManifest;
using ::streampro::testing::TableOf;

constexpr int kCrashExitCode = 86;

const Date kDate = *ParseIsoDate("2025-09-09");
using Files = std::map<std::string, std::string>;

Status WritePartition(const LakeLock& lock, const Files& files, std::string_view layer = "trusted",
                      std::string_view table = "events") {
  ASSIGN_OR_RETURN(auto writer, PartitionWriter::Begin(lock, TableOf(layer, table), kDate));
  for (const auto& [name, content] : files) {
    ASSIGN_OR_RETURN(OutputStream * out, writer->CreateFile(name));
    RETURN_NOT_OK(out->Write(content));
    RETURN_NOT_OK(writer->CloseFile(name, std::nullopt));
  }
  return writer->Commit();
}

// Every entry of a folder (names only), or {"<missing>"}.
std::set<std::string> Entries(const std::string& dir) {
  if (!std::filesystem::exists(dir)) return {"<missing>"};
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

std::string Dir(const testing::TempDir& lake) {
  return PartitionDir(lake.path(), kTrustedLayer, "events", kDate);
}

class PartitionWriterTest : public ::testing::Test {
 protected:
  testing::TempDir lake_;
};

TEST_F(PartitionWriterTest, CommitPublishesFilesWithManifest) {
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(lock.ok());
  auto writer = PartitionWriter::Begin(*lock, TableOf("trusted", "events"), kDate);
  ASSERT_TRUE(writer.ok());
  auto out = (*writer)->CreateFile("part-00000.csv");
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->Write("hello ").ok());
  ASSERT_TRUE((*out)->Write("world").ok());
  EXPECT_EQ((*out)->position(), 11);
  ASSERT_TRUE((*writer)->CloseFile("part-00000.csv", 2).ok());
  (*writer)->set_source_file("events_2025-09-09.jsonl");
  (*writer)->set_property("buckets", "64");
  FileCounters counters;
  counters.rows_in = counters.rows_kept = 2;
  (*writer)->set_counters(counters);
  EXPECT_EQ(Entries(Dir(lake_)), std::set<std::string>{"<missing>"});
  ASSERT_TRUE((*writer)->Commit().ok());

  EXPECT_EQ(Entries(Dir(lake_)), (std::set<std::string>{"_manifest.json", "part-00000.csv"}));
  EXPECT_EQ(testing::ReadOrDie(Dir(lake_) + "/part-00000.csv"), "hello world");
  auto manifest = ReadManifest(lake_.path(), "trusted", "events", kDate);
  ASSERT_TRUE(manifest.ok() && manifest->has_value());
  const PartitionManifest& m = **manifest;
  EXPECT_EQ(m.run_id, lock->run_id());
  EXPECT_EQ(m.layer, "trusted");
  EXPECT_EQ(m.table, "events");
  ASSERT_EQ(m.files.size(), 1u);
  EXPECT_EQ(m.files[0].bytes, 11);
  EXPECT_EQ(m.files[0].sha256, Sha256::HexOf("hello world"));
  EXPECT_EQ(m.files[0].rows, 2);
  EXPECT_EQ(m.source_file, "events_2025-09-09.jsonl");
  EXPECT_EQ(m.properties.at("buckets"), "64");
  EXPECT_EQ(m.counters, counters);
  EXPECT_TRUE(m.committed_at.ends_with("Z"));
  EXPECT_EQ(Entries(lock->staging_dir()), std::set<std::string>{});
}

TEST_F(PartitionWriterTest, AbandonedWriterLeavesThePublishedVersion) {
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(WritePartition(*lock, {{"a.txt", "v1"}}).ok());
  {
    auto writer = PartitionWriter::Begin(*lock, TableOf("trusted", "events"), kDate);
    ASSERT_TRUE(writer.ok());
    auto out = (*writer)->CreateFile("a.txt");
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write("v2 never committed").ok());
  }
  EXPECT_EQ(testing::ReadOrDie(Dir(lake_) + "/a.txt"), "v1");
  EXPECT_EQ(Entries(lock->staging_dir()), std::set<std::string>{});
}

// An interrupted run names exactly what it published: the lock lists each commit, in
// order, and nothing for a writer that never committed.
TEST_F(PartitionWriterTest, TheLockListsWhatThisRunPublished) {
  {
    auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
    ASSERT_TRUE(lock.ok());
    EXPECT_TRUE(lock->published().empty());
    ASSERT_TRUE(WritePartition(*lock, {{"a.csv", "1"}}, "raw", "users").ok());
    {
      auto abandoned = PartitionWriter::Begin(*lock, TableOf("trusted", "users"), kDate);
      ASSERT_TRUE(abandoned.ok());
    }
    ASSERT_TRUE(WritePartition(*lock, {{"part-00000.csv", "2"}}).ok());
    EXPECT_EQ(lock->published(),
              (std::vector<std::string>{"raw/users/ingestion_date=2025-09-09",
                                        "trusted/events/ingestion_date=2025-09-09"}));
  }
  // The next run starts with an empty list.
  auto next = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->published().empty());
}

TEST_F(PartitionWriterTest, ReplacingLeavesExactlyTheNewFiles) {
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(WritePartition(*lock, {{"part-00000.txt", "a"}, {"part-00001.txt", "b"}}).ok());
  ASSERT_TRUE(WritePartition(*lock, {{"part-00000.txt", "c"}}).ok());
  EXPECT_EQ(Entries(Dir(lake_)), (std::set<std::string>{"_manifest.json", "part-00000.txt"}));
  EXPECT_EQ(testing::ReadOrDie(Dir(lake_) + "/part-00000.txt"), "c");
  EXPECT_EQ(Entries(lock->staging_dir()), std::set<std::string>{});
}

TEST_F(PartitionWriterTest, ReplacingWorksThroughTheRenameAsideFallback) {
  LakeOptions options;
  options.force_rename_aside = true;
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path(), options));
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(WritePartition(*lock, {{"x.txt", "a"}, {"y.txt", "b"}}).ok());
  ASSERT_TRUE(WritePartition(*lock, {{"z.txt", "c"}}).ok());
  EXPECT_EQ(Entries(Dir(lake_)), (std::set<std::string>{"_manifest.json", "z.txt"}));
  EXPECT_EQ(Entries(lock->staging_dir()), std::set<std::string>{});
}

TEST_F(PartitionWriterTest, ReportsPartitionHasNoTableLevel) {
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(WritePartition(*lock, {{"report.json", "{}"}}, "reports", "").ok());
  EXPECT_EQ(testing::ReadOrDie(PartitionDir(lake_.path(), "reports", "", kDate) + "/report.json"),
            "{}");
  auto dates = ListPartitions(lake_.path(), "reports", "");
  ASSERT_TRUE(dates.ok());
  EXPECT_EQ(*dates, std::vector<Date>{kDate});
}

TEST_F(PartitionWriterTest, RejectsBadNamesAndUnfinishedFiles) {
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(lock.ok());
  auto writer = PartitionWriter::Begin(*lock, TableOf("trusted", "events"), kDate);
  ASSERT_TRUE(writer.ok());
  EXPECT_FALSE((*writer)->CreateFile("_manifest.json").ok());
  EXPECT_FALSE((*writer)->CreateFile(".hidden").ok());
  EXPECT_FALSE((*writer)->CreateFile("a/b").ok());
  ASSERT_TRUE((*writer)->CreateFile("a.txt").ok());
  EXPECT_FALSE((*writer)->CreateFile("a.txt").ok());
  EXPECT_FALSE((*writer)->CloseFile("never.txt", std::nullopt).ok());
  const Status unclosed = (*writer)->Commit();
  EXPECT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.message().find("never closed"), std::string::npos) << unclosed.message();
  EXPECT_EQ(Entries(Dir(lake_)), std::set<std::string>{"<missing>"});
}

TEST_F(PartitionWriterTest, BrokenCounterInvariantStopsTheCommit) {
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(lock.ok());
  auto writer = PartitionWriter::Begin(*lock, TableOf("trusted", "events"), kDate);
  ASSERT_TRUE(writer.ok());
  FileCounters counters;
  counters.rows_in = 3;
  counters.rows_kept = 1;
  (*writer)->set_counters(counters);
  EXPECT_EQ((*writer)->Commit().code(), StatusCode::kInternal);
  EXPECT_EQ(Entries(Dir(lake_)), std::set<std::string>{"<missing>"});
}

Status WriteParquet(OutputStream* out, int64_t rows) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"id", TypeId::kInt64, false}});
  ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(out, schema));
  RecordBatch batch(schema);
  for (int64_t i = 0; i < rows; ++i) batch.column(0).AppendInt64(i);
  RETURN_NOT_OK(writer->WriteBatch(batch));
  return writer->Close();
}

TEST_F(PartitionWriterTest, ParquetRowCountsAreCheckedAgainstTheFooter) {
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(lock.ok());
  {
    auto writer = PartitionWriter::Begin(*lock, TableOf("trusted", "events"), kDate);
    ASSERT_TRUE(writer.ok());
    auto out = (*writer)->CreateFile("part-00000.parquet");
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE(WriteParquet(*out, 5).ok());
    ASSERT_TRUE((*writer)->CloseFile("part-00000.parquet", 6).ok());
    const Status wrong = (*writer)->Commit();
    EXPECT_EQ(wrong.code(), StatusCode::kInvalidData);
    EXPECT_NE(wrong.message().find("footer says 5 rows"), std::string::npos) << wrong.message();
  }
  EXPECT_EQ(Entries(Dir(lake_)), std::set<std::string>{"<missing>"});

  auto writer = PartitionWriter::Begin(*lock, TableOf("trusted", "events"), kDate);
  ASSERT_TRUE(writer.ok());
  for (const char* name : {"part-00000.parquet", "part-00001.parquet"}) {
    auto out = (*writer)->CreateFile(name);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE(WriteParquet(*out, 7).ok());
  }
  ASSERT_TRUE((*writer)->CloseFile("part-00000.parquet", 7).ok());
  ASSERT_TRUE((*writer)->CloseFile("part-00001.parquet", std::nullopt).ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ((*writer)->manifest().total_rows(), 14);
  EXPECT_EQ((*writer)->manifest().files[1].rows, 7);
}

TEST_F(PartitionWriterTest, FilesCanBeWrittenFromSeveralThreads) {
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(lock.ok());
  auto writer = PartitionWriter::Begin(*lock, TableOf("trusted", "events"), kDate);
  ASSERT_TRUE(writer.ok());
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<Status> statuses(kThreads);
  const std::string big(5 << 20, 'z');  // takes the parallel-hash path
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string name = fmt::format("part-{:05}.txt", t);
      auto out = (*writer)->CreateFile(name);
      if (!out.ok()) {
        statuses[t] = out.status();
        return;
      }
      Status st = (*out)->Write(fmt::format("file {}\n", t));
      if (st.ok() && t == 0) st = (*out)->Write(big);
      if (st.ok()) st = (*writer)->CloseFile(name, std::nullopt);
      statuses[t] = st;
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Status& st : statuses) ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE((*writer)->Commit().ok());
  const PartitionManifest& m = (*writer)->manifest();
  ASSERT_EQ(m.files.size(), size_t{kThreads});
  EXPECT_EQ(m.files[0].sha256, Sha256::HexOf("file 0\n" + big));
  EXPECT_EQ(m.files[3].sha256, Sha256::HexOf("file 3\n"));
}

TEST_F(PartitionWriterTest, DropPartitionRemovesItInOneStep) {
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(WritePartition(*lock, {{"a.txt", "a"}}).ok());
  ASSERT_TRUE(DropPartition(*lock, TableOf("trusted", "events"), kDate).ok());
  EXPECT_EQ(Entries(Dir(lake_)), std::set<std::string>{"<missing>"});
  EXPECT_TRUE(DropPartition(*lock, TableOf("trusted", "events"), kDate).ok());
  EXPECT_EQ(Entries(lock->staging_dir()), std::set<std::string>{});
}

// Crash safety: a child process publishes v2 over v1 and dies at `step`; the parent
// checks what readers see, then that the next run cleans up and can publish again.
struct CrashCase {
  CommitStep step;
  bool rename_aside;
  const char* visible_after_crash;  // content of data.txt readers see
};

class PartitionWriterCrashTest : public ::testing::TestWithParam<CrashCase> {
 protected:
  testing::TempDir lake_;
};

TEST_P(PartitionWriterCrashTest, ReadersSeeACompleteVersionAndTheNextRunCleansUp) {
  const CrashCase& c = GetParam();
  {
    auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
    ASSERT_TRUE(lock.ok());
    ASSERT_TRUE(WritePartition(*lock, {{"data.txt", "v1"}, {"old-only.txt", "v1"}}).ok());
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    LakeOptions options;
    options.force_rename_aside = c.rename_aside;
    options.observer = [step = c.step](CommitStep reached) {
      if (reached == step) ::_exit(kCrashExitCode);
    };
    auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path(), options));
    if (!lock.ok()) ::_exit(2);
    const Status st = WritePartition(*lock, {{"data.txt", "v2"}});
    ::_exit(st.ok() ? 0 : 3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), kCrashExitCode);

  const std::string dir = Dir(lake_);
  const std::string expected = c.visible_after_crash;
  if (expected == "none") {
    EXPECT_FALSE(std::filesystem::exists(dir));
  } else {
    EXPECT_EQ(testing::ReadOrDie(dir + "/data.txt"), expected);
    auto manifest = ReadManifest(lake_.path(), "trusted", "events", kDate);
    ASSERT_TRUE(manifest.ok() && manifest->has_value());
    EXPECT_EQ((*manifest)->files.size(), expected == "v1" ? 2u : 1u);
  }
  EXPECT_EQ(Entries(lake_ / "_staging").size(), 1u);  // the dead run's folder

  auto next = LakeLock::Acquire(::streampro::testing::LocalLake(lake_.path()));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(Entries(lake_ / "_staging"), std::set<std::string>{next->run_id()});
  // The fallback's half-done swap is repaired: the old version is back.
  const std::string after_recovery = expected == "none" ? "v1" : expected;
  EXPECT_EQ(testing::ReadOrDie(dir + "/data.txt"), after_recovery);
  EXPECT_EQ(Entries(dir).count("old-only.txt"), after_recovery == "v1" ? 1u : 0u);
  ASSERT_TRUE(WritePartition(*next, {{"data.txt", "v3"}}).ok());
  EXPECT_EQ(Entries(dir), (std::set<std::string>{"_manifest.json", "data.txt"}));
}

INSTANTIATE_TEST_SUITE_P(Steps, PartitionWriterCrashTest,
                         ::testing::Values(CrashCase{CommitStep::kFilesVerified, false, "v1"},
                                           CrashCase{CommitStep::kManifestWritten, false, "v1"},
                                           CrashCase{CommitStep::kPublished, false, "v2"},
                                           CrashCase{CommitStep::kManifestWritten, true, "v1"},
                                           CrashCase{CommitStep::kMovedAside, true, "none"},
                                           CrashCase{CommitStep::kPublished, true, "v2"}));

}  // namespace
}  // namespace streampro::lake
