#include "common/progress.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace streampro {
namespace {

TEST(CancellationTokenTest, CheckIsOkUntilCancelledThenKeepsTheFirstReason) {
  CancellationToken token;
  EXPECT_FALSE(token.cancelled());
  EXPECT_TRUE(token.Check().ok());
  token.Cancel("interrupted by SIGINT");
  token.Cancel("interrupted by SIGTERM");
  EXPECT_TRUE(token.cancelled());
  const Status status = token.Check();
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(status.message(), "interrupted by SIGINT");
}

TEST(ProgressTest, PhasesResetTheCountersAndStagesClearThePhase) {
  Progress progress;
  EXPECT_TRUE(progress.Snapshot().stage.empty());
  progress.StartStage("to-trusted");
  const ProgressSnapshot staged = progress.Snapshot();
  EXPECT_EQ(staged.stage, "to-trusted");
  EXPECT_TRUE(staged.phase.empty());

  progress.StartPhase("reading raw files", ProgressUnit::kBytes, 1000);
  progress.Add(300);
  progress.Add(200);
  progress.AddEvents(7);
  const ProgressSnapshot reading = progress.Snapshot();
  EXPECT_EQ(reading.phase, "reading raw files");
  EXPECT_EQ(reading.unit, ProgressUnit::kBytes);
  EXPECT_EQ(reading.total, 1000);
  EXPECT_EQ(reading.done, 500);
  EXPECT_EQ(reading.events, 7);

  progress.StartPhase("writing", ProgressUnit::kBuckets, 64);
  const ProgressSnapshot writing = progress.Snapshot();
  EXPECT_EQ(writing.done, 0);
  EXPECT_EQ(writing.events, 0);
  EXPECT_EQ(writing.total, 64);
  EXPECT_GE(writing.started, reading.started);

  progress.EndStage();
  EXPECT_TRUE(progress.Snapshot().stage.empty());
  EXPECT_TRUE(progress.Snapshot().phase.empty());
}

TEST(ProgressTest, AddsFromManyThreadsAreAllCounted) {
  Progress progress;
  progress.StartStage("to-enriched");
  progress.StartPhase("sessions", ProgressUnit::kEvents, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        progress.Add(3);
        progress.AddEvents(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(progress.Snapshot().done, 4 * 10'000 * 3);
  EXPECT_EQ(progress.Snapshot().events, 4 * 10'000);
}

TEST(RunControlTest, WithoutProgressOrTokenNothingHappens) {
  const RunControl none;
  EXPECT_TRUE(none.CheckCancelled().ok());
  none.StartPhase("x", ProgressUnit::kBytes, 1);
  none.Add(5, 5);
  const std::shared_ptr<RandomAccessFile> file = MakeBufferFile("f", "abc");
  EXPECT_EQ(MonitorReads(file, none), file);
}

TEST(MonitorReadsTest, CountsTheBytesReadAndFailsOnceCancelled) {
  Progress progress;
  CancellationToken token;
  progress.StartStage("to-raw");
  progress.StartPhase("copying", ProgressUnit::kBytes, 10);
  const std::shared_ptr<RandomAccessFile> file =
      MonitorReads(MakeBufferFile("landing/users.csv", "0123456789"), {&progress, &token});
  EXPECT_EQ(file->name(), "landing/users.csv");
  EXPECT_EQ(file->size(), 10);
  std::string bytes;
  ASSERT_TRUE(file->ReadAt(0, 4, &bytes).ok());
  EXPECT_EQ(bytes, "0123");
  // Bytes read again (a header sniffed before the chunks) count once.
  ASSERT_TRUE(file->ReadAt(0, 3, &bytes).ok());
  EXPECT_EQ(progress.Snapshot().done, 4);
  ASSERT_TRUE(file->ReadAt(4, 100, &bytes).ok());  // 6 bytes left
  EXPECT_EQ(bytes, "456789");
  EXPECT_EQ(progress.Snapshot().done, 10);

  token.Cancel("interrupted by SIGINT");
  const Status read = file->ReadAt(0, 4, &bytes);
  EXPECT_EQ(read.code(), StatusCode::kCancelled);
  EXPECT_EQ(read.message(), "interrupted by SIGINT");
  EXPECT_EQ(progress.Snapshot().done, 10);
}

}  // namespace
}  // namespace streampro
