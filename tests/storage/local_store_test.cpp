#include "storage/local_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace streampro::storage {
namespace {

// Deterministic bytes of every value.
std::string Pattern(size_t size, uint64_t seed) {
  std::string bytes(size, '\0');
  uint64_t x = seed | 1;
  for (char& byte : bytes) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    byte = static_cast<char>(x >> 24);
  }
  return bytes;
}

// A buffer at a 4 KiB boundary (what a direct write can take without copying).
struct AlignedBytes {
  explicit AlignedBytes(const std::string& bytes)
      : data(static_cast<char*>(std::aligned_alloc(4096, (bytes.size() + 4095) / 4096 * 4096))),
        size(bytes.size()) {
    std::copy(bytes.begin(), bytes.end(), data.get());
  }
  std::string_view view() const { return {data.get(), size}; }
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> data;
  size_t size;
};

// Writes `pieces` (aligned ones from a 4 KiB boundary) through `writer`, checking position()
// after each; returns what the file must hold.
std::string WritePieces(ObjectWriter* writer, const std::vector<std::pair<size_t, bool>>& pieces) {
  std::string expected;
  uint64_t seed = 7;
  for (const auto& [size, aligned] : pieces) {
    const std::string bytes = Pattern(size, ++seed);
    if (aligned) {
      const AlignedBytes copy(bytes);
      EXPECT_TRUE(writer->Write(copy.view()).ok());
    } else {
      EXPECT_TRUE(writer->Write(bytes).ok());
    }
    expected += bytes;
    EXPECT_EQ(writer->position(), static_cast<int64_t>(expected.size()));
  }
  return expected;
}

constexpr size_t kMiB = size_t{1} << 20;

TEST(LocalStoreBulkWriteTest, EveryMixOfAlignedAndUnalignedPiecesIsWrittenExactly) {
  const std::vector<std::vector<std::pair<size_t, bool>>> cases = {
      {},                                                      // empty file
      {{1, false}},                                            // less than a block
      {{4096, true}},                                          // one whole block, direct
      {{4096, true}, {100, false}},                            // direct, then a tail
      {{8 * kMiB, true}, {8 * kMiB + 12345, true}},            // the raw copy's shape
      {{3, false}, {8 * kMiB, true}, {4097, true}},            // aligned data after a partial block
      {{5 * kMiB + 1, false}, {5 * kMiB, false}, {7, false}},  // fills the staging buffer
      {{8 * kMiB, false}, {16 * kMiB + 4096, false}},          // staging buffer exactly full, twice
  };
  testing::TempDir dir;
  LocalStore store;
  int n = 0;
  for (const auto& pieces : cases) {
    SCOPED_TRACE(n);
    const std::string path = dir / ("sub/file-" + std::to_string(n++));
    auto writer = store.OpenBulkWrite(path);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    const std::string expected = WritePieces(writer->get(), pieces);
    ASSERT_TRUE((*writer)->Close().ok());
    EXPECT_EQ(std::filesystem::file_size(path), expected.size());
    EXPECT_TRUE(testing::ReadOrDie(path) == expected);
    EXPECT_FALSE((*writer)->Close().ok());  // closed twice
  }
}

TEST(LocalStoreBulkWriteTest, ReplacesAnExistingFileAndMatchesABufferedWriter) {
  testing::TempDir dir;
  LocalStore store;
  const std::string bulk_path = dir / "bulk";
  const std::string plain_path = dir / "plain";
  ASSERT_TRUE(store.WriteAll(bulk_path, Pattern(20 * kMiB, 1)).ok());
  const std::vector<std::pair<size_t, bool>> pieces = {
      {kMiB + 1, false}, {2 * kMiB, true}, {10, false}, {9 * kMiB, true}};
  auto bulk = store.OpenBulkWrite(bulk_path);
  auto plain = store.OpenWrite(plain_path);
  ASSERT_TRUE(bulk.ok() && plain.ok());
  EXPECT_EQ(WritePieces(bulk->get(), pieces), WritePieces(plain->get(), pieces));
  ASSERT_TRUE((*bulk)->Close().ok());
  ASSERT_TRUE((*plain)->Close().ok());
  EXPECT_TRUE(testing::ReadOrDie(bulk_path) == testing::ReadOrDie(plain_path));
}

TEST(LocalStoreBulkWriteTest, AWriterDestroyedWithoutCloseLeavesNoFile) {
  testing::TempDir dir;
  LocalStore store;
  const std::string path = dir / "partial";
  {
    auto writer = store.OpenBulkWrite(path);
    ASSERT_TRUE(writer.ok());
    WritePieces(writer->get(), {{8 * kMiB, true}, {3, false}});
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

// Link: a hard link (same inode, no bytes copied) that keeps the old bytes when the source
// path is replaced by a rename, as a re-run's publish does; linking again is a no-op and
// another file under the name is replaced.
TEST(LocalStoreLinkTest, AHardLinkKeepsTheBytesWhenTheSourcePathIsReplaced) {
  testing::TempDir dir;
  LocalStore store;
  const std::string source = dir / "t/ingestion_date=D/part-00000.parquet";
  const std::string link = dir / "t/_iceberg/data/ingestion_date=D/run1/part-00000.parquet";
  ASSERT_TRUE(store.WriteAll(source, "version one").ok());
  ASSERT_TRUE(store.Link(source, link).ok());
  EXPECT_TRUE(std::filesystem::equivalent(source, link));
  EXPECT_EQ(std::filesystem::hard_link_count(source), 2U);
  ASSERT_TRUE(store.Link(source, link).ok()) << "linked before: kept";
  EXPECT_EQ(std::filesystem::hard_link_count(source), 2U);

  // A new version under the source path (write a new file, rename over).
  ASSERT_TRUE(store.WriteAll(dir / "staged", "version two!").ok());
  std::filesystem::rename(dir / "staged", source);
  EXPECT_EQ(*store.ReadAll(link), "version one");
  EXPECT_EQ(*store.ReadAll(source), "version two!");

  // Another file under the link's name is replaced by a link to the source.
  ASSERT_TRUE(store.Link(source, link).ok());
  EXPECT_TRUE(std::filesystem::equivalent(source, link));
  EXPECT_EQ(*store.ReadAll(link), "version two!");
  EXPECT_EQ(store.Link(dir / "missing", dir / "l2").code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace streampro::storage
