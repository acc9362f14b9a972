// ReadPacer: the leader waits for the follower, never for a follower that will not read
// on, the bytes read are the file's, and the pages both have read leave the page cache
// (checked with mincore(2) on a mapping of the file).

#include "pipeline/read_pacer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "storage/local_store.h"
#include "support/temp_dir.h"

namespace streampro::pipeline {
namespace {

constexpr int64_t kWindow = 64 << 10;

// A file of `bytes` bytes (a repeating pattern) written to the disk, so that its pages
// in the page cache are clean.
std::string WriteFile(const testing::TempDir& dir, int64_t bytes) {
  const std::string path = dir / "landing.jsonl";
  std::string text(static_cast<size_t>(bytes), '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  std::ofstream(path, std::ios::binary) << text;
  const int fd = ::open(path.c_str(), O_RDONLY);
  EXPECT_EQ(::fsync(fd), 0);
  ::close(fd);
  return path;
}

std::unique_ptr<RandomAccessFile> Open(const std::shared_ptr<storage::ObjectStore>& store,
                                       const std::string& path) {
  auto opened = store->OpenRead(path);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(*opened) : nullptr;
}

std::string Read(const RandomAccessFile& file, int64_t offset, int64_t length) {
  std::string out;
  EXPECT_TRUE(file.ReadAt(offset, length, &out).ok());
  return out;
}

// The leader reads [offset, offset + length) on a thread of its own; `done` says whether
// the read returned.
struct LeaderRead {
  LeaderRead(const RandomAccessFile& file, int64_t offset, int64_t length)
      : thread([&file, offset, length, this] {
          bytes = Read(file, offset, length);
          done = true;
        }) {}
  ~LeaderRead() {
    if (thread.joinable()) thread.join();
  }
  // Whether the read is still waiting after a while (a read that does not wait returns
  // in far less).
  bool StillWaiting() {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return !done;
  }
  std::string bytes;
  std::atomic<bool> done = false;
  std::thread thread;
};

TEST(ReadPacerTest, TheLeaderWaitsUntilTheFollowerIsWithinTheWindow) {
  testing::TempDir dir;
  const std::string path = WriteFile(dir, 4 * kWindow);
  const auto store = std::make_shared<storage::LocalStore>();
  const ReadPacer pacer(kWindow);
  const auto leader = Open(pacer.Leader(store), path);
  const auto follower = Open(pacer.Follower(store), path);
  const std::string expected = Read(*Open(store, path), 0, 4 * kWindow);

  // Up to the window ahead of a follower that has read nothing: no wait.
  EXPECT_EQ(Read(*leader, 0, kWindow), expected.substr(0, kWindow));
  {
    LeaderRead ahead(*leader, kWindow, kWindow);
    EXPECT_TRUE(ahead.StillWaiting());
    EXPECT_EQ(Read(*follower, 0, kWindow / 2), expected.substr(0, kWindow / 2));
    EXPECT_TRUE(ahead.StillWaiting());  // needs the follower at kWindow
    EXPECT_EQ(Read(*follower, kWindow / 2, kWindow / 2), expected.substr(kWindow / 2, kWindow / 2));
    ahead.thread.join();
    EXPECT_EQ(ahead.bytes, expected.substr(kWindow, kWindow));
  }
  // A follower behind the leader never waits.
  EXPECT_EQ(Read(*follower, kWindow, kWindow), expected.substr(kWindow, kWindow));
}

TEST(ReadPacerTest, AClosedFollowerOrAReleaseFreesTheLeader) {
  testing::TempDir dir;
  const std::string path = WriteFile(dir, 4 * kWindow);
  const auto store = std::make_shared<storage::LocalStore>();
  {
    const ReadPacer pacer(kWindow);
    const auto leader = Open(pacer.Leader(store), path);
    auto follower = Open(pacer.Follower(store), path);
    LeaderRead ahead(*leader, 2 * kWindow, kWindow);
    EXPECT_TRUE(ahead.StillWaiting());
    follower.reset();
    ahead.thread.join();
    EXPECT_EQ(ahead.bytes.size(), static_cast<size_t>(kWindow));
  }
  {
    // A follower that never opens the file: the release frees the leader.
    const ReadPacer pacer(kWindow);
    const auto leader = Open(pacer.Leader(store), path);
    LeaderRead ahead(*leader, 3 * kWindow, kWindow);
    EXPECT_TRUE(ahead.StillWaiting());
    pacer.ReleaseLeader();
    ahead.thread.join();
    EXPECT_EQ(ahead.bytes.size(), static_cast<size_t>(kWindow));
    // Released for good.
    EXPECT_EQ(Read(*leader, 0, 4 * kWindow).size(), static_cast<size_t>(4 * kWindow));
  }
}

// The pages of `path` in the page cache, one flag per page.
std::vector<bool> CachedPages(const std::string& path, int64_t bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  void* mapped = ::mmap(nullptr, static_cast<size_t>(bytes), PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  EXPECT_NE(mapped, MAP_FAILED);
  const size_t pages = static_cast<size_t>(bytes / ::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> flags(pages);
  EXPECT_EQ(::mincore(mapped, static_cast<size_t>(bytes), flags.data()), 0);
  ::munmap(mapped, static_cast<size_t>(bytes));
  std::vector<bool> cached(pages);
  for (size_t i = 0; i < pages; ++i) cached[i] = (flags[i] & 1) != 0;
  return cached;
}

TEST(ReadPacerTest, PagesBothHaveReadLeaveThePageCache) {
  constexpr int64_t kBytes = int64_t{96} << 20;
  constexpr int64_t kBoth = int64_t{64} << 20;
  testing::TempDir dir;
  const std::string path = WriteFile(dir, kBytes);
  const auto store = std::make_shared<storage::LocalStore>();
  const ReadPacer pacer(kBytes);
  const auto leader = Open(pacer.Leader(store), path);
  const auto follower = Open(pacer.Follower(store), path);
  // The leader reads it all, the follower the first 64 MiB: all of it is cached by then
  // except what both have read.
  for (int64_t at = 0; at < kBytes; at += 8 << 20) Read(*leader, at, 8 << 20);
  for (int64_t at = 0; at < kBoth; at += 8 << 20) Read(*follower, at, 8 << 20);
  const std::vector<bool> cached = CachedPages(path, kBytes);
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t dropped_early = 0;
  size_t kept_late = 0;
  for (size_t i = 0; i < cached.size(); ++i) {
    if (i * page < static_cast<size_t>(kBoth)) dropped_early += cached[i] ? 0 : 1;
    if (i * page >= static_cast<size_t>(kBoth)) kept_late += cached[i] ? 1 : 0;
  }
  EXPECT_EQ(dropped_early, static_cast<size_t>(kBoth) / page);
  EXPECT_EQ(kept_late, static_cast<size_t>(kBytes - kBoth) / page);
}

}  // namespace
}  // namespace streampro::pipeline
