#include "common/file.h"

#include <gtest/gtest.h>

#include <filesystem>

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

TEST(ReadFileToStringTest, MissingFileIsNotFound) {
  const auto bytes = ReadFileToString("/nonexistent-folder/x.txt");
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace streampro
