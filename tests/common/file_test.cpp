#include "common/file.h"

#include <gtest/gtest.h>

#include <filesystem>

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
