// The lake lock and partition publish on S3 (the commit-manifest protocol of
// docs/storage.md), against the RADOS Gateway of the `rgw` ctest fixture.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lake/lake_lock.h"
#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "storage/s3/rgw_env.h"
#include "storage/s3_store.h"
#include "streampro/object_store.h"

namespace streampro::lake {
namespace {

const Date kDate = *ParseIsoDate("2025-09-09");
using Files = std::map<std::string, std::string>;

class S3PublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(storage::RegisterS3(&stores_, streampro::testing::RgwOptions()).ok());
    bucket_ = streampro::testing::NewBucket(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    root_ = fmt::format("s3://{}/lake", bucket_);
  }

  // The lake at root_ in the gateway, with `folders`.
  std::shared_ptr<const Lake> OpenLake(LayerFolders folders = {}) {
    auto root = stores_.Resolve(root_);
    EXPECT_TRUE(root.ok()) << root.status().ToString();
    LakeOptions options;
    options.folders = std::move(folders);
    auto lake = Lake::Open(*root, options);
    EXPECT_TRUE(lake.ok()) << lake.status().ToString();
    return *lake;
  }

  // Every key under the lake (relative to it) -> content.
  std::map<std::string, std::string> Objects() {
    std::map<std::string, std::string> out;
    const auto lake = OpenLake();
    auto listed = lake->List(root_);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (!listed.ok()) return out;
    for (const storage::ObjectInfo& object : *listed) {
      auto bytes = lake->Read(object.key);
      EXPECT_TRUE(bytes.ok());
      out[lake->RelativeKey(object.key)] = bytes.ok() ? *bytes : "";
    }
    return out;
  }

  static Status Write(PartitionWriter* writer, const Files& files) {
    for (const auto& [name, content] : files) {
      ASSIGN_OR_RETURN(OutputStream * out, writer->CreateFile(name));
      RETURN_NOT_OK(out->Write(content));
      RETURN_NOT_OK(writer->CloseFile(name, std::nullopt));
    }
    return Status::OK();
  }

  Status Publish(const LakeLock& lock, const Files& files) {
    ASSIGN_OR_RETURN(auto writer,
                     PartitionWriter::Begin(lock, catalog::TrustedTable(Table::kEvents), kDate));
    RETURN_NOT_OK(Write(writer.get(), files));
    return writer->Commit();
  }

  storage::StoreRegistry stores_;
  std::string bucket_;
  std::string root_;
};

const char* kPartition = "trusted/events/ingestion_date=2025-09-09/";

TEST_F(S3PublishTest, CommitPutsFilesUnderTheirSpecKeysWithAManifest) {
  auto lock = LakeLock::Acquire(OpenLake());
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_TRUE(lock->remote());
  ASSERT_TRUE(Publish(*lock, {{"a.txt", "alpha"}, {"b.txt", "beta"}}).ok());
  const auto objects = Objects();
  EXPECT_EQ(objects.at(std::string(kPartition) + "a.txt"), "alpha");
  EXPECT_EQ(objects.at(std::string(kPartition) + "b.txt"), "beta");
  auto manifest = ReadManifest(*OpenLake(), catalog::TrustedTable(Table::kEvents), kDate);
  ASSERT_TRUE(manifest.ok() && manifest->has_value());
  ASSERT_EQ((*manifest)->files.size(), 2u);
  EXPECT_FALSE((*manifest)->files[0].object.has_value());
  auto dates = OpenLake()->ListPartitions(catalog::TrustedTable(Table::kEvents));
  ASSERT_TRUE(dates.ok());
  EXPECT_EQ(*dates, std::vector<Date>{kDate});
}

TEST_F(S3PublishTest, ReplacingLeavesExactlyTheNewVersion) {
  auto lock = LakeLock::Acquire(OpenLake());
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  ASSERT_TRUE(Publish(*lock, {{"a.txt", "v1"}, {"old.txt", "gone soon"}}).ok());
  ASSERT_TRUE(Publish(*lock, {{"a.txt", "v2"}, {"new.txt", "fresh"}}).ok());
  std::set<std::string> keys;
  for (const auto& [key, content] : Objects()) {
    if (!key.starts_with("_lock")) keys.insert(key);
  }
  EXPECT_EQ(keys, (std::set<std::string>{std::string(kPartition) + "_manifest.json",
                                         std::string(kPartition) + "a.txt",
                                         std::string(kPartition) + "new.txt"}));
  EXPECT_EQ(Objects().at(std::string(kPartition) + "a.txt"), "v2");
}

TEST_F(S3PublishTest, AbandonedWritersLeaveThePublishedStateAlone) {
  auto lock = LakeLock::Acquire(OpenLake());
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  {
    // A first version never committed: written in place, then removed.
    auto writer = PartitionWriter::Begin(*lock, catalog::TrustedTable(Table::kEvents), kDate);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(Write(writer->get(), {{"a.txt", "never"}}).ok());
  }
  for (const auto& [key, content] : Objects()) {
    EXPECT_TRUE(key == "_lock") << key << " left behind";
  }
  ASSERT_TRUE(Publish(*lock, {{"a.txt", "v1"}}).ok());
  const auto published = Objects();
  {
    // A replacement never committed: staged, then removed.
    auto writer = PartitionWriter::Begin(*lock, catalog::TrustedTable(Table::kEvents), kDate);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(Write(writer->get(), {{"a.txt", "v2"}, {"b.txt", "v2"}}).ok());
  }
  auto after = Objects();
  after["_lock"] = published.at("_lock");  // its lease may have been renewed
  EXPECT_EQ(after, published);
}

TEST_F(S3PublishTest, DropPartitionRemovesEveryObject) {
  auto lock = LakeLock::Acquire(OpenLake());
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  ASSERT_TRUE(Publish(*lock, {{"a.txt", "v1"}}).ok());
  ASSERT_TRUE(DropPartition(*lock, catalog::TrustedTable(Table::kEvents), kDate).ok());
  for (const auto& [key, content] : Objects()) EXPECT_EQ(key, "_lock");
  EXPECT_TRUE(DropPartition(*lock, catalog::TrustedTable(Table::kEvents), kDate).ok())
      << "missing is fine";
}

TEST_F(S3PublishTest, ASecondRunFailsNamingTheHolderAndTheLockIsReleased) {
  {
    auto first = LakeLock::Acquire(OpenLake());
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    auto second = LakeLock::Acquire(OpenLake());
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.status().message().find("another StreamPro run holds the lake lock"),
              std::string::npos)
        << second.status().message();
    EXPECT_NE(second.status().message().find(first->run_id()), std::string::npos);
  }
  EXPECT_TRUE(Objects().empty()) << "released on destruction";
  EXPECT_TRUE(LakeLock::Acquire(OpenLake()).ok());
}

TEST_F(S3PublishTest, AnExpiredLockIsTakenOver) {
  ASSERT_TRUE(OpenLake()
                  ->Write(root_ + "/_lock",
                          "{\"run_id\": \"20200101T000000Z-1-deadbeef\", \"host\": "
                          "\"elsewhere\", \"pid\": 1, \"expires_unix\": 1}\n")
                  .ok());
  auto lock = LakeLock::Acquire(OpenLake());
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_EQ(lock->recovery().taken_over_lock, "20200101T000000Z-1-deadbeef");
}

TEST_F(S3PublishTest, ALiveLockOfAnotherHostIsRespected) {
  const int64_t future = 4102444800;  // 2100-01-01
  ASSERT_TRUE(
      OpenLake()
          ->Write(root_ + "/_lock", fmt::format("{{\"run_id\": \"r\", \"host\": \"elsewhere\", "
                                                "\"pid\": 1, \"expires_unix\": {}}}\n",
                                                future))
          .ok());
  auto lock = LakeLock::Acquire(OpenLake());
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find("pid 1 on elsewhere"), std::string::npos)
      << lock.status().message();
}

TEST_F(S3PublishTest, ScratchFoldersOfKilledRunsOnThisHostAreRemoved) {
  // A pid that no longer exists: a child that has exited and been reaped.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);

  const std::string tmp = ::testing::TempDir() + "/scratch-sweep-" + bucket_;
  std::filesystem::remove_all(tmp);
  const std::string dead = fmt::format("{}/streampro-20200101T000000Z-{}-0badf00d", tmp, child);
  const std::string live =
      fmt::format("{}/streampro-20200101T000000Z-{}-0badf00d", tmp, ::getpid());
  const std::string not_a_run = tmp + "/streampro-notes";
  for (const std::string& folder : {dead, live, not_a_run}) {
    std::filesystem::create_directories(folder + "/spill");
    std::ofstream(folder + "/spill/col.bin") << "columns";
  }

  const char* saved = std::getenv("TMPDIR");
  const std::string saved_tmpdir = saved != nullptr ? saved : "";
  ::setenv("TMPDIR", tmp.c_str(), 1);
  std::string scratch;
  {
    auto lock = LakeLock::Acquire(OpenLake());
    if (saved != nullptr) {
      ::setenv("TMPDIR", saved_tmpdir.c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
    ASSERT_TRUE(lock.ok()) << lock.status().ToString();
    EXPECT_EQ(lock->recovery().removed_scratch, std::vector<std::string>{dead});
    scratch = lock->scratch_dir();
    EXPECT_TRUE(scratch.starts_with(tmp + "/streampro-")) << scratch;
    EXPECT_TRUE(std::filesystem::is_directory(scratch));
  }
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(live + "/spill/col.bin"));
  EXPECT_TRUE(std::filesystem::exists(not_a_run + "/spill/col.bin"));
  EXPECT_FALSE(std::filesystem::exists(scratch));  // a clean run removes its own
  std::filesystem::remove_all(tmp);
}

TEST_F(S3PublishTest, LayerFoldersMoveTheTables) {
  auto lock = LakeLock::Acquire(OpenLake(LayerFolders{"bronze", "silver", "gold", "reports"}));
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  const Status published = Publish(*lock, {{"a.txt", "v1"}});
  ASSERT_TRUE(published.ok()) << published.ToString();
  EXPECT_TRUE(Objects().contains("silver/events/ingestion_date=2025-09-09/a.txt"));
}

}  // namespace
}  // namespace streampro::lake
