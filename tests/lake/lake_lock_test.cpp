#include "lake/lake_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "common/file.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::lake {
namespace {

TEST(LakeLockTest, SecondAcquireFailsNamingTheLockFile) {
  testing::TempDir lake;
  auto first = LakeLock::Acquire(::streampro::testing::LocalLake(lake.path()));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = LakeLock::Acquire(::streampro::testing::LocalLake(lake.path()));
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find(lake / "_lock"), std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find(first->run_id()), std::string::npos)
      << second.status().message();
}

TEST(LakeLockTest, ReleasedLockCanBeTakenAgainWithANewRunId) {
  testing::TempDir lake;
  std::string first_run;
  {
    auto first = LakeLock::Acquire(::streampro::testing::LocalLake(lake.path()));
    ASSERT_TRUE(first.ok());
    first_run = first->run_id();
    EXPECT_TRUE(std::filesystem::is_directory(first->staging_dir()));
  }
  auto again = LakeLock::Acquire(::streampro::testing::LocalLake(lake.path()));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_NE(again->run_id(), first_run);
  EXPECT_FALSE(std::filesystem::exists(lake / ("_staging/" + first_run)));
}

TEST(LakeLockTest, LockHeldByAnotherProcessBlocksUntilItDies) {
  testing::TempDir lake;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake.path()));
    const char byte = lock.ok() ? '1' : '0';
    if (::write(ready[1], &byte, 1) != 1) ::_exit(2);
    ::pause();  // holds the lock until killed
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, '1');
  auto blocked = LakeLock::Acquire(::streampro::testing::LocalLake(lake.path()));
  EXPECT_FALSE(blocked.ok());
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  // The kernel released the dead run's lock; its staging folder is cleaned up.
  auto next = LakeLock::Acquire(::streampro::testing::LocalLake(lake.path()));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->recovery().removed_staging.size(), 1u);
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST(LakeLockTest, AcquireRemovesStagingLeftovers) {
  testing::TempDir lake;
  ASSERT_TRUE(CreateDirectories(lake / "_staging/20250101T000000Z-1-dead/00001-raw.users").ok());
  ASSERT_TRUE(
      WriteFileAtomically(lake / "_staging/20250101T000000Z-1-dead/00001-raw.users/x", "x").ok());
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake.path()));
  ASSERT_TRUE(lock.ok());
  EXPECT_FALSE(std::filesystem::exists(lake / "_staging/20250101T000000Z-1-dead"));
  EXPECT_EQ(lock->recovery().removed_staging, std::vector<std::string>{"20250101T000000Z-1-dead"});
}

TEST(LakeLockTest, StagingPathsAreUnique) {
  testing::TempDir lake;
  auto lock = LakeLock::Acquire(::streampro::testing::LocalLake(lake.path()));
  ASSERT_TRUE(lock.ok());
  const std::string a = lock->NewStagingPath("x");
  const std::string b = lock->NewStagingPath("x");
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with(lock->staging_dir() + "/"));
}

// ReadLockHolder and ListStagedRuns read without taking the lock: the live holder while it
// runs, the last one (gone) after, and what a dead run left staged.
TEST(LakeLockTest, HolderAndStagedRunsAreReadWithoutTheLock) {
  for (const bool memory : {false, true}) {
    SCOPED_TRACE(memory ? "memory" : "local");
    testing::TempDir folder;
    const auto lake = memory ? ::streampro::testing::MemoryLake("inspect", "lake")
                             : ::streampro::testing::LocalLake(folder.path());
    auto none = ReadLockHolder(*lake);
    ASSERT_TRUE(none.ok()) << none.status().ToString();
    EXPECT_FALSE(none->has_value());
    // A dead run's staged files: two partitions and a rename-aside marker.
    const std::string dead = lake->Uri("_staging/20250101T000000Z-1-0000dead");
    ASSERT_TRUE(lake->Write(dead + "/00001-raw.users.2025-09-09/users.csv", "abc").ok());
    ASSERT_TRUE(
        lake->Write(dead + "/00002-trusted.events.2025-09-09/part-00000.parquet", "12345").ok());
    ASSERT_TRUE(lake->Write(dead + "/00003-previous.raw.users.2025-09-09.recover", "{}").ok());
    auto staged = ListStagedRuns(*lake);
    ASSERT_TRUE(staged.ok()) << staged.status().ToString();
    ASSERT_EQ(staged->size(), 1u);
    EXPECT_EQ((*staged)[0].run_id, "20250101T000000Z-1-0000dead");
    EXPECT_EQ((*staged)[0].files, 3);
    EXPECT_EQ((*staged)[0].bytes, 10);
    EXPECT_EQ((*staged)[0].labels,
              (std::vector<std::string>{"previous.raw.users.2025-09-09", "raw.users.2025-09-09",
                                        "trusted.events.2025-09-09"}));
    std::string run_id;
    {
      auto lock = LakeLock::Acquire(lake);  // removes the dead run's files
      ASSERT_TRUE(lock.ok()) << lock.status().ToString();
      run_id = lock->run_id();
      auto holder = ReadLockHolder(*lake);
      ASSERT_TRUE(holder.ok() && holder->has_value()) << holder.status().ToString();
      EXPECT_EQ((*holder)->run_id, run_id);
      EXPECT_EQ((*holder)->pid, ::getpid());
      EXPECT_TRUE((*holder)->live);
      auto own = ListStagedRuns(*lake);
      ASSERT_TRUE(own.ok());
      for (const StagedRun& run : *own) EXPECT_EQ(run.run_id, run_id);
    }
    auto after = ReadLockHolder(*lake);
    ASSERT_TRUE(after.ok());
    if (memory) {
      EXPECT_FALSE(after->has_value()) << "the lock object is deleted on release";
    } else {
      // The lock file keeps the last holder's name; its staging folder is gone.
      ASSERT_TRUE(after->has_value());
      EXPECT_EQ((*after)->run_id, run_id);
      EXPECT_FALSE((*after)->live);
    }
    auto empty = ListStagedRuns(*lake);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
  }
}

}  // namespace
}  // namespace streampro::lake
