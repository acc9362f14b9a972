#include "common/file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <span>
#include <vector>

#include "streampro/io.h"
#include "support/temp_dir.h"

namespace streampro {
namespace {

size_t EntriesIn(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFileWriterTest, TargetAppearsOnlyAtCommit) {
  testing::TempDir dir;
  const std::string target = dir / "out.txt";
  auto writer = AtomicFileWriter::Open(target);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->Append("hello ").ok());
  ASSERT_TRUE(writer->Append("world").ok());
  EXPECT_FALSE(std::filesystem::exists(target));
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(testing::ReadOrDie(target), "hello world");
  EXPECT_EQ(EntriesIn(dir.path()), 1u);
}

TEST(AtomicFileWriterTest, AbandonedWriterLeavesOldContentAndNoTemporaryFile) {
  testing::TempDir dir;
  const std::string target = dir / "out.txt";
  ASSERT_TRUE(WriteFileAtomically(target, "old").ok());
  {
    auto writer = AtomicFileWriter::Open(target);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->Append("new but never committed").ok());
  }
  EXPECT_EQ(testing::ReadOrDie(target), "old");
  EXPECT_EQ(EntriesIn(dir.path()), 1u);
}

TEST(AtomicFileWriterTest, MissingFolderIsAnIOErrorNamingThePath) {
  auto writer = AtomicFileWriter::Open("/nonexistent-folder/x.txt");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), StatusCode::kIOError);
  EXPECT_NE(writer.status().message().find("/nonexistent-folder/"), std::string::npos);
}

TEST(AtomicFileWriterTest, StaleTemporaryFilesOfDeadProcessesAreRemoved) {
  testing::TempDir dir;
  const std::string target = dir / "out.txt";
  // pid 999999999 is above any pid_max, so no such process runs.
  ASSERT_TRUE(WriteFileAtomically(dir / ".out.txt.999999999.tmp", "stale").ok());
  ASSERT_TRUE(WriteFileAtomically(dir / ".other.txt.999999999.tmp", "not ours").ok());
  auto live = AtomicFileWriter::Open(target);  // this process: alive
  ASSERT_TRUE(live.ok());
  ASSERT_TRUE(RemoveStaleTemporaryFiles(target).ok());
  EXPECT_FALSE(std::filesystem::exists(dir / ".out.txt.999999999.tmp"));
  EXPECT_TRUE(std::filesystem::exists(dir / ".other.txt.999999999.tmp"));
  EXPECT_EQ(EntriesIn(dir.path()), 2u);  // the live writer's file and the other target's
  ASSERT_TRUE(live->Commit().ok());
}

TEST(ReadIntoTest, LocalFileAndTheDefaultReadTheSameRanges) {
  testing::TempDir dir;
  std::string bytes;
  for (int i = 0; i < 10000; ++i) bytes.push_back(static_cast<char>(i * 31 + 5));
  ASSERT_TRUE(WriteFileAtomically(dir / "file", bytes).ok());
  auto local = OpenLocalFile(dir / "file");
  ASSERT_TRUE(local.ok());
  const auto buffer = MakeBufferFile("buffer", bytes);
  for (const RandomAccessFile* file : {local->get(), buffer.get()}) {
    SCOPED_TRACE(file->name());
    std::string out(4096, '?');
    for (const auto& [offset, expected] : std::vector<std::pair<int64_t, size_t>>{
             {0, 4096}, {5000, 4096}, {9000, 1000}, {10000, 0}}) {
      const Result<int64_t> n = file->ReadInto(offset, std::span<char>(out));
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      ASSERT_EQ(*n, static_cast<int64_t>(expected));
      EXPECT_EQ(out.substr(0, expected), bytes.substr(static_cast<size_t>(offset), expected));
    }
    EXPECT_FALSE(file->ReadInto(10001, std::span<char>(out)).ok());  // past the end
  }
}

// Holds `bytes` but claims `claimed` bytes; reads from `fail_at` on fail.
class ShortFile final : public RandomAccessFile {
 public:
  ShortFile(std::string bytes, int64_t claimed, int64_t fail_at)
      : bytes_(std::move(bytes)), claimed_(claimed), fail_at_(fail_at) {}
  const std::string& name() const override { return name_; }
  int64_t size() const override { return claimed_; }
  Status ReadAt(int64_t offset, int64_t length, std::string* out) const override {
    if (offset >= fail_at_) return Status::IOError("read failed at " + std::to_string(offset));
    const auto start = static_cast<size_t>(std::min<int64_t>(offset, bytes_.size()));
    out->assign(bytes_, start, static_cast<size_t>(length));
    return Status::OK();
  }

 private:
  std::string name_ = "short";
  std::string bytes_;
  int64_t claimed_;
  int64_t fail_at_;
};

TEST(CopyAllTest, StopsAtAFileThatShrankAndReportsAFailedRead) {
  const std::string bytes(500, 'x');
  BufferOutputStream shrunk;
  const Result<int64_t> copied = CopyAll(ShortFile(bytes, 1000, 1000), &shrunk, 64);
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(*copied, 500);
  EXPECT_EQ(shrunk.buffer(), bytes);

  BufferOutputStream failed;
  const Result<int64_t> broken = CopyAll(ShortFile(bytes, 500, 192), &failed, 64);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message(), "read failed at 192");
  EXPECT_EQ(failed.buffer(), std::string(192, 'x'));
}

TEST(CopyAllTest, CopiesEveryByteInChunks) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>(i * 7));
  const auto source = MakeBufferFile("source", bytes);
  BufferOutputStream sink;
  const Result<int64_t> copied = CopyAll(*source, &sink, 64);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(*copied, 1000);
  EXPECT_EQ(sink.buffer(), bytes);

  BufferOutputStream empty_sink;
  const Result<int64_t> none = CopyAll(*MakeBufferFile("empty", ""), &empty_sink, 64);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  EXPECT_EQ(empty_sink.buffer(), "");
}

TEST(ReadFileToStringTest, MissingFileIsNotFound) {
  const auto bytes = ReadFileToString("/nonexistent-folder/x.txt");
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace streampro
