// The commit protocols through the seams: the object-manifest protocol on the in-memory
// store (the same code S3 runs), faults injected by FaultInjectingStore, crashes simulated
// by a CommitObserver, and the conflict check shared by every protocol.

#include "lake/commit_protocol.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "lake/lake_lock.h"
#include "lake/partition_writer.h"
#include "storage/fault_injecting_store.h"
#include "storage/memory_store.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::lake {
namespace {

const Date kDate = *ParseIsoDate("2025-09-09");
using Files = std::map<std::string, std::string>;

const catalog::TableDef& Events() {
  return catalog::TrustedTable(Table::kEvents);
}

Status Publish(const LakeLock& lock, const Files& files) {
  ASSIGN_OR_RETURN(auto writer, PartitionWriter::Begin(lock, Events(), kDate));
  for (const auto& [name, content] : files) {
    ASSIGN_OR_RETURN(OutputStream * out, writer->CreateFile(name));
    RETURN_NOT_OK(out->Write(content));
    RETURN_NOT_OK(writer->CloseFile(name, std::nullopt));
  }
  return writer->Commit();
}

// What a reader of the lake sees of the partition: each file the manifest names, read from
// where the manifest says its bytes are. Empty when there is no manifest.
Files Visible(const Lake& lake) {
  Files out;
  auto manifest = ReadManifest(lake, Events(), kDate);
  EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
  if (!manifest.ok() || !manifest->has_value()) return out;
  for (const FileEntry& file : (*manifest)->files) {
    auto bytes = lake.Read(FileUri(lake, **manifest, file));
    EXPECT_TRUE(bytes.ok()) << file.name << ": " << bytes.status().ToString();
    out[file.name] = bytes.ok() ? *bytes : "<unreadable>";
  }
  return out;
}

// Keys of every object under the lake, relative to it, but the lock.
std::set<std::string> Keys(const Lake& lake) {
  std::set<std::string> keys;
  auto listed = lake.List(lake.uri());
  EXPECT_TRUE(listed.ok());
  for (const auto& object : *listed) {
    const std::string key = lake.RelativeKey(object.key);
    if (key != "_lock") keys.insert(key);
  }
  return keys;
}

const std::string kPartition = "trusted/events/ingestion_date=2025-09-09/";

// Objects of "crashed" runs: reachable, never destroyed.
std::vector<void*>& Graveyard() {
  static auto* const kDead = new std::vector<void*>();
  return *kDead;
}

class MemoryLakeTest : public ::testing::Test {
 protected:
  std::shared_ptr<storage::MemoryStore> store_ = std::make_shared<storage::MemoryStore>("t");

  std::shared_ptr<const Lake> Open(LakeOptions options = {},
                                   std::optional<storage::FaultPlan> faults = {}) {
    std::shared_ptr<storage::ObjectStore> store = store_;
    if (faults) store = std::make_shared<storage::FaultInjectingStore>(store_, *faults);
    auto lake = Lake::Open(storage::ObjectRef{store, "lake"}, std::move(options));
    EXPECT_TRUE(lake.ok());
    return *lake;
  }
};

TEST_F(MemoryLakeTest, TheObjectManifestProtocolServesAnObjectStore) {
  const auto lake = Open();
  EXPECT_EQ(lake->protocol().name(), "object-manifest");
  EXPECT_EQ(testing::LocalLake("/tmp/x")->protocol().name(), "rename");
  EXPECT_EQ(lake->uri(), "mem://t/lake");
  auto lock = LakeLock::Acquire(lake);
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_TRUE(lock->remote());
  ASSERT_TRUE(Publish(*lock, {{"a.txt", "v1"}, {"b.txt", "v1"}}).ok());
  EXPECT_EQ(Visible(*lake), (Files{{"a.txt", "v1"}, {"b.txt", "v1"}}));
  ASSERT_TRUE(Publish(*lock, {{"a.txt", "v2"}}).ok());
  EXPECT_EQ(Visible(*lake), (Files{{"a.txt", "v2"}}));
  // Exactly the SPEC keys remain: the staged copies were moved into place.
  EXPECT_EQ(Keys(*lake),
            (std::set<std::string>{kPartition + "_manifest.json", kPartition + "a.txt"}));
}

// Each write of a replacement fails in turn: the commit fails or not, but a reader always
// sees one complete version, and the next run leaves exactly one complete version.
TEST_F(MemoryLakeTest, AFailedWriteNeverLeavesAMixOfVersions) {
  {
    auto lock = LakeLock::Acquire(Open());
    ASSERT_TRUE(lock.ok());
    ASSERT_TRUE(Publish(*lock, {{"a.txt", "v1"}, {"b.txt", "v1"}}).ok());
  }
  const Files v1{{"a.txt", "v1"}, {"b.txt", "v1"}};
  const Files v2{{"a.txt", "v2"}, {"c.txt", "v2"}};
  int failures = 0;
  for (int64_t n = 1; n <= 30; ++n) {
    SCOPED_TRACE(n);
    storage::FaultPlan plan;
    plan.fail_write = n;
    plan.key_filter = "trusted";  // the lock's writes are not counted
    const auto lake = Open({}, plan);
    Status published;
    {
      auto lock = LakeLock::Acquire(lake);
      ASSERT_TRUE(lock.ok()) << lock.status().ToString();
      published = Publish(*lock, v2);
      const Files seen = Visible(*lake);
      EXPECT_TRUE(seen == v1 || seen == v2);
      if (published.ok()) {
        EXPECT_EQ(seen, v2);
      }
    }
    failures += !published.ok();
    // The next run settles what the failed one left, then puts v1 back for the next round.
    auto lock = LakeLock::Acquire(Open());
    ASSERT_TRUE(lock.ok()) << lock.status().ToString();
    const Files settled = Visible(*Open());
    EXPECT_TRUE(settled == v1 || settled == v2);
    std::set<std::string> expected_keys{kPartition + "_manifest.json"};
    for (const auto& [name, content] : settled) expected_keys.insert(kPartition + name);
    EXPECT_EQ(Keys(*Open()), expected_keys);
    ASSERT_TRUE(Publish(*lock, v1).ok());
  }
  EXPECT_GT(failures, 3) << "the faults reached the commit";
}

TEST_F(MemoryLakeTest, ALostCommitReplyIsAnErrorButThePartitionIsComplete) {
  {
    auto lock = LakeLock::Acquire(Open());
    ASSERT_TRUE(lock.ok());
    ASSERT_TRUE(Publish(*lock, {{"a.txt", "v1"}}).ok());
  }
  storage::FaultPlan plan;
  plan.lose_reply = 1;
  plan.key_filter = "_manifest.json";
  const auto lake = Open({}, plan);
  auto lock = LakeLock::Acquire(lake);
  ASSERT_TRUE(lock.ok());
  const Status published = Publish(*lock, {{"a.txt", "v2"}});
  EXPECT_FALSE(published.ok());
  EXPECT_NE(published.message().find("reply"), std::string::npos) << published.message();
  // The manifest landed: readers see the new version, complete.
  EXPECT_EQ(Visible(*lake), (Files{{"a.txt", "v2"}}));
}

TEST_F(MemoryLakeTest, AWriteCutShortIsCaughtBeforeTheCommit) {
  storage::FaultPlan plan;
  plan.cut_short_write = 1;
  plan.key_filter = "b.txt";
  const auto lake = Open({}, plan);
  auto lock = LakeLock::Acquire(lake);
  ASSERT_TRUE(lock.ok());
  const Status published = Publish(*lock, {{"a.txt", "alpha"}, {"b.txt", "bravo-bravo"}});
  ASSERT_FALSE(published.ok());
  EXPECT_NE(published.message().find("5 bytes stored, 11 written"), std::string::npos)
      << published.message();
  EXPECT_TRUE(Visible(*lake).empty());
}

// A crash at each step of the object-manifest protocol: readers see v1 or v2, complete, and
// the next run finishes or undoes it.
TEST_F(MemoryLakeTest, ACrashAtAnyStepLeavesACompleteVersion) {
  for (const CommitStep step :
       {CommitStep::kFilesVerified, CommitStep::kPublished, CommitStep::kMovedAside}) {
    SCOPED_TRACE(CommitStepName(step));
    store_ = std::make_shared<storage::MemoryStore>("t");
    {
      auto lock = LakeLock::Acquire(Open());
      ASSERT_TRUE(lock.ok());
      ASSERT_TRUE(Publish(*lock, {{"a.txt", "v1"}, {"b.txt", "v1"}}).ok());
    }
    // A crash is an exception thrown from the observer: the commit stops there, and the
    // writer and its lock are never destroyed (kept in Graveyard()), like a killed
    // process's, so nothing cleans up after them but the next run.
    struct Crash {};
    LakeOptions options;
    options.observer = [step](CommitStep reached) {
      if (reached == step) throw Crash{};
    };
    const auto crashing = Open(options);
    auto* lock = new Result<LakeLock>(LakeLock::Acquire(crashing));
    Graveyard().push_back(lock);
    ASSERT_TRUE(lock->ok());
    auto writer = PartitionWriter::Begin(**lock, Events(), kDate);
    ASSERT_TRUE(writer.ok());
    for (const char* name : {"a.txt", "c.txt"}) {
      auto out = (*writer)->CreateFile(name);
      ASSERT_TRUE(out.ok());
      ASSERT_TRUE((*out)->Write("v2").ok());
      ASSERT_TRUE((*writer)->CloseFile(name, std::nullopt).ok());
    }
    auto* dead_writer = writer->release();
    Graveyard().push_back(dead_writer);
    EXPECT_THROW((void)dead_writer->Commit(), Crash);
    const Files seen = Visible(*Open());
    const Files v1{{"a.txt", "v1"}, {"b.txt", "v1"}};
    const Files v2{{"a.txt", "v2"}, {"c.txt", "v2"}};
    EXPECT_EQ(seen, step == CommitStep::kFilesVerified ? v1 : v2);
    // The dead run's lock object would have expired; the next run takes it over.
    ASSERT_TRUE(store_->Delete("lake/_lock").ok());
    auto next = LakeLock::Acquire(Open());
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    EXPECT_EQ(Visible(*Open()), seen);
    std::set<std::string> expected_keys{kPartition + "_manifest.json"};
    for (const auto& [name, content] : seen) expected_keys.insert(kPartition + name);
    EXPECT_EQ(Keys(*Open()), expected_keys);
  }
}

// Two writers of one partition (say, two catalogs' worth of runs that bypassed the lock):
// the second to commit finds the version it started from replaced and refuses.
TEST(CommitConflictTest, AReplacedBaseVersionIsAConflict) {
  testing::TempDir dir;
  for (const bool memory : {false, true}) {
    SCOPED_TRACE(memory ? "object-manifest" : "rename");
    const auto lake = memory ? testing::MemoryLake("c", "lake") : testing::LocalLake(dir.path());
    auto lock = LakeLock::Acquire(lake);
    ASSERT_TRUE(lock.ok());
    ASSERT_TRUE(Publish(*lock, {{"a.txt", "v0"}}).ok());
    auto first = PartitionWriter::Begin(*lock, Events(), kDate);
    auto second = PartitionWriter::Begin(*lock, Events(), kDate);
    ASSERT_TRUE(first.ok() && second.ok());
    for (auto* writer : {first->get(), second->get()}) {
      auto out = writer->CreateFile("a.txt");
      ASSERT_TRUE(out.ok());
      ASSERT_TRUE((*out)->Write(writer == first->get() ? "first" : "second").ok());
      ASSERT_TRUE(writer->CloseFile("a.txt", std::nullopt).ok());
    }
    const Status committed = (*first)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.ToString();
    const Status conflict = (*second)->Commit();
    EXPECT_EQ(conflict.code(), StatusCode::kInvalidData);
    EXPECT_NE(conflict.message().find("conflict"), std::string::npos) << conflict.message();
    EXPECT_EQ(Visible(*lake), (Files{{"a.txt", "first"}}));
  }
}

TEST(CommitProtocolRegistryTest, RenameForPathsThenObjectManifestForAnyStore) {
  const auto protocols = RegisteredCommitProtocols();
  ASSERT_EQ(protocols.size(), 2u);
  EXPECT_EQ(protocols[0].name, "rename");
  EXPECT_EQ(protocols[1].name, "object-manifest");
  const storage::ObjectRef memory{std::make_shared<storage::MemoryStore>("r"), "x"};
  EXPECT_FALSE(protocols[0].supports(memory));
  EXPECT_TRUE(protocols[1].supports(memory));
  EXPECT_TRUE(protocols[0].supports(testing::LocalRef("/x")));
}

}  // namespace
}  // namespace streampro::lake
