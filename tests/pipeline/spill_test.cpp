#include "pipeline/spill.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <vector>

#include "pipeline/user_buckets.h"
#include "support/temp_dir.h"

namespace streampro::pipeline {
namespace {

SchemaPtr MixedSchema() {
  return std::make_shared<const Schema>(std::vector<Field>{
      Field{"name", TypeId::kString, true},
      Field{"ts", TypeId::kTimestampMicros, false},
      Field{"value", TypeId::kDouble, true},
      Field{"day", TypeId::kDate32, true},
      Field{"flag", TypeId::kBool, true},
  });
}

// Rows [first, first + count) with a null every third row.
RecordBatch MakeRows(int first, int count) {
  RecordBatch batch(MixedSchema());
  for (int i = first; i < first + count; ++i) {
    if (i % 3 == 0) {
      batch.column(0).AppendNull();
    } else {
      batch.column(0).AppendString(std::string(static_cast<size_t>(i % 7), 'a' + (i % 26)));
    }
    batch.column(1).AppendInt64(int64_t{1000} * i);
    if (i % 3 == 1) {
      batch.column(2).AppendNull();
    } else {
      batch.column(2).AppendDouble(i * 0.5);
    }
    batch.column(3).AppendInt32(i);
    batch.column(4).AppendBool(i % 2 == 0);
  }
  return batch;
}

// Every codec the spill files take (STREAMPRO_SPILL_COMPRESSION).
class SpillFileTest : public ::testing::TestWithParam<parquet::Compression> {};

INSTANTIATE_TEST_SUITE_P(Codecs, SpillFileTest,
                         ::testing::Values(parquet::Compression::kUncompressed,
                                           parquet::Compression::kSnappy,
                                           parquet::Compression::kZstd));

TEST_P(SpillFileTest, RoundTripsBatchesInOrder) {
  testing::TempDir dir;
  auto spill = SpillFile::Create(dir / "bucket.spill", MixedSchema(), GetParam());
  ASSERT_TRUE(spill.ok()) << spill.status().message();
  ASSERT_TRUE(spill->Append(MakeRows(0, 10)).ok());
  ASSERT_TRUE(spill->Append(MakeRows(10, 0)).ok());
  ASSERT_TRUE(spill->Append(MakeRows(10, 1000)).ok());
  EXPECT_EQ(spill->rows(), 1010);

  RecordBatch read(MixedSchema());
  ASSERT_TRUE(spill->ReadAllInto(&read).ok());
  const RecordBatch expected = MakeRows(0, 1010);
  EXPECT_TRUE(read.Equals(expected));
  EXPECT_EQ(read.column(0).null_count(), expected.column(0).null_count());
  EXPECT_TRUE(read.Validate().ok());
}

TEST_P(SpillFileTest, RoundTripsLongStringsAndColumnsWithoutNulls) {
  // Lengths of one, two and three LEB128 bytes, an empty string, and no nulls anywhere.
  RecordBatch batch(MixedSchema());
  for (const size_t length : {size_t{0}, size_t{127}, size_t{128}, size_t{16383}, size_t{16384},
                              size_t{70000}, size_t{5}}) {
    batch.column(0).AppendString(std::string(length, 'x'));
    batch.column(1).AppendInt64(static_cast<int64_t>(length));
    batch.column(2).AppendDouble(-0.0);
    batch.column(3).AppendInt32(-1);
    batch.column(4).AppendBool(true);
  }
  testing::TempDir dir;
  auto spill = SpillFile::Create(dir / "bucket.spill", MixedSchema(), GetParam());
  ASSERT_TRUE(spill.ok());
  ASSERT_TRUE(spill->Append(batch).ok());
  ASSERT_TRUE(spill->Append(MakeRows(0, 4)).ok());
  RecordBatch read(MixedSchema());
  ASSERT_TRUE(spill->ReadAllInto(&read).ok());
  ASSERT_EQ(read.num_rows(), 11);
  EXPECT_EQ(read.column(0).string_value(5).size(), 70000u);
  EXPECT_EQ(read.column(0).string_value(2), std::string(128, 'x'));
  EXPECT_EQ(read.column(0).null_count(), 2);  // rows 0 and 3 of MakeRows
  EXPECT_TRUE(std::signbit(read.column(2).double_values()[0]));
  RecordBatch expected(MixedSchema());
  for (int64_t row = 0; row < batch.num_rows(); ++row) expected.AppendRowFrom(batch, row);
  const RecordBatch tail = MakeRows(0, 4);
  for (int64_t row = 0; row < tail.num_rows(); ++row) expected.AppendRowFrom(tail, row);
  EXPECT_TRUE(read.Equals(expected));
  EXPECT_TRUE(read.Validate().ok());
}

TEST_P(SpillFileTest, SeveralBatchesMakeOneFrameOfTheirRows) {
  testing::TempDir dir;
  auto spill = SpillFile::Create(dir / "bucket.spill", MixedSchema(), GetParam());
  ASSERT_TRUE(spill.ok());
  std::vector<RecordBatch> pieces;
  pieces.push_back(MakeRows(0, 3));
  pieces.push_back(MakeRows(3, 0));
  pieces.push_back(MakeRows(3, 500));
  ASSERT_TRUE(spill->Append(pieces).ok());
  ASSERT_TRUE(spill->Append(std::span<const RecordBatch>(pieces.data(), 1)).ok());
  EXPECT_EQ(spill->rows(), 506);
  RecordBatch read(MixedSchema());
  ASSERT_TRUE(spill->ReadAllInto(&read).ok());
  RecordBatch expected = MakeRows(0, 503);
  const RecordBatch again = MakeRows(0, 3);
  for (int64_t row = 0; row < again.num_rows(); ++row) expected.AppendRowFrom(again, row);
  EXPECT_TRUE(read.Equals(expected));
  EXPECT_TRUE(read.Validate().ok());
  // One frame of rows 0-2 costs what a single batch of them does (CountsRawAndStoredBytes).
  auto single = SpillFile::Create(dir / "single.spill", MixedSchema(), GetParam());
  ASSERT_TRUE(single.ok());
  ASSERT_TRUE(single->Append(std::span<const RecordBatch>(pieces.data(), 2)).ok());
  EXPECT_EQ(single->raw_bytes(), 100);
}

TEST_P(SpillFileTest, AppendsAfterRowsAlreadyInTheTarget) {
  testing::TempDir dir;
  auto spill = SpillFile::Create(dir / "bucket.spill", MixedSchema(), GetParam());
  ASSERT_TRUE(spill.ok());
  ASSERT_TRUE(spill->Append(MakeRows(5, 20)).ok());
  RecordBatch read = MakeRows(0, 5);
  ASSERT_TRUE(spill->ReadAllInto(&read).ok());
  EXPECT_TRUE(read.Equals(MakeRows(0, 25)));
}

TEST_P(SpillFileTest, RemovesItsFile) {
  testing::TempDir dir;
  const std::string path = dir / "bucket.spill";
  {
    auto spill = SpillFile::Create(path, MixedSchema(), GetParam());
    ASSERT_TRUE(spill.ok());
    ASSERT_TRUE(spill->Append(MakeRows(0, 3)).ok());
    EXPECT_EQ(::access(path.c_str(), F_OK), 0);
  }
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

// Sizes worked out by hand for one batch of rows 0-2: rows (8); "name" (row 0 null, then
// "b" and "cc"): a flag, a 1-byte bitmap, an 8-byte count of the lengths, 3 one-byte
// lengths, an 8-byte length and 3 characters = 24; "ts" (no nulls) 1 + 3 * 8 = 25; "value"
// (row 1 null) 1 + 1 + 3 * 8 = 26; "day" 1 + 3 * 4 = 13; "flag" 1 + 3 = 4.
// 8 + 24 + 25 + 26 + 13 + 4 = 100 bytes of batch, plus the 16-byte frame header on disk.
TEST_P(SpillFileTest, CountsRawAndStoredBytes) {
  testing::TempDir dir;
  auto spill = SpillFile::Create(dir / "bucket.spill", MixedSchema(), GetParam());
  ASSERT_TRUE(spill.ok());
  ASSERT_TRUE(spill->Append(MakeRows(0, 3)).ok());
  EXPECT_EQ(spill->raw_bytes(), 100);
  EXPECT_EQ(spill->bytes(), static_cast<int64_t>(std::filesystem::file_size(spill->path())));
  if (GetParam() == parquet::Compression::kUncompressed) {
    EXPECT_EQ(spill->bytes(), 100 + 16);
  }
  // Many alike rows compress.
  ASSERT_TRUE(spill->Append(MakeRows(3, 20000)).ok());
  if (GetParam() != parquet::Compression::kUncompressed) {
    EXPECT_LT(spill->bytes() * 3, spill->raw_bytes() * 2);
  }
}

TEST_P(SpillFileTest, ACorruptFileIsAnErrorNamingIt) {
  testing::TempDir dir;
  auto spill = SpillFile::Create(dir / "bucket.spill", MixedSchema(), GetParam());
  ASSERT_TRUE(spill.ok());
  ASSERT_TRUE(spill->Append(MakeRows(0, 500)).ok());
  {
    // The stored size in the frame header now claims more than the file holds.
    std::fstream file(spill->path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(8);
    const int64_t huge = int64_t{1} << 40;
    file.write(reinterpret_cast<const char*>(&huge), sizeof(huge));
  }
  RecordBatch read(MixedSchema());
  const Status status = spill->ReadAllInto(&read);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find(spill->path()), std::string::npos) << status.message();
}

// Frames written by hand (kUncompressed) that a bug or a bad disk could leave: each is an
// Internal error naming the file, never a batch built from it or a crash.
TEST(SpillFileFrameTest, CorruptCountsAndLengthsAreErrors) {
  const auto schema =
      std::make_shared<const Schema>(std::vector<Field>{Field{"name", TypeId::kString, true}});
  const auto int64_bytes = [](int64_t value) {
    std::string bytes(sizeof(value), '\0');
    std::memcpy(bytes.data(), &value, sizeof(value));
    return bytes;
  };
  // A frame of two strings of 7 characters: rows, no-nulls flag, the lengths' byte count,
  // two one-byte lengths, the characters' count and the characters: 41 bytes.
  RecordBatch batch(schema);
  batch.column(0).AppendString("aaaaaaa");
  batch.column(0).AppendString("bbbbbbb");
  // Corrupt frames of the same 41 bytes.
  const std::string huge_length = std::string("\xFB\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01", 10);
  const std::vector<std::string> corrupt = {
      // Lengths 2^64 - 5 and 10: their sum wraps to the 5 characters there are.
      int64_bytes(2) + '\0' + int64_bytes(11) + huge_length + '\x0A' + int64_bytes(5) + "abcde",
      // A row count no frame of this size can hold.
      int64_bytes(int64_t{1} << 40) + std::string(33, '\0'),
  };
  for (const std::string& body : corrupt) {
    ASSERT_EQ(body.size(), 41u);
    testing::TempDir dir;
    auto spill =
        SpillFile::Create(dir / "bucket.spill", schema, parquet::Compression::kUncompressed);
    ASSERT_TRUE(spill.ok());
    ASSERT_TRUE(spill->Append(batch).ok());
    ASSERT_EQ(spill->bytes(), 16 + 41);
    {
      std::fstream file(spill->path(), std::ios::in | std::ios::out | std::ios::binary);
      const std::string frame = int64_bytes(41) + int64_bytes(41) + body;
      file.write(frame.data(), static_cast<std::streamsize>(frame.size()));
    }
    RecordBatch read(schema);
    const Status status = spill->ReadAllInto(&read);
    EXPECT_EQ(status.code(), StatusCode::kInternal) << status.ToString();
    EXPECT_NE(status.message().find(spill->path()), std::string::npos) << status.message();
  }
}

TEST(ColumnAppendColumnTest, CopiesStringsAfterAClear) {
  Column source(TypeId::kString);
  source.AppendString("dropped");
  source.Clear();
  source.AppendString("x");
  source.AppendNull();
  source.AppendString("yz");
  Column target(TypeId::kString);
  target.AppendString("first");
  target.AppendColumn(source);
  ASSERT_EQ(target.length(), 4);
  EXPECT_EQ(target.string_value(0), "first");
  EXPECT_EQ(target.string_value(1), "x");
  EXPECT_TRUE(target.IsNull(2));
  EXPECT_EQ(target.string_value(3), "yz");
  EXPECT_EQ(target.null_count(), 1);
}

TEST(BucketingTest, IsStableAndSpreadsUsers) {
  // The hash is part of the lake format: these values must never change.
  EXPECT_EQ(UserHash("user_1"), 5788069260567319058ULL);
  EXPECT_EQ(UserBucket("user_1", 1024), 530u);
  EXPECT_EQ(UserBucket("user_1", 1), 0u);
  EXPECT_NE(UserHash("user_2"), UserHash("user_1"));
  std::vector<int> counts(16, 0);
  for (int i = 0; i < 16000; ++i) ++counts[UserBucket(fmt::format("user_{}", i), 16)];
  for (const int c : counts) {
    EXPECT_GT(c, 800);
    EXPECT_LT(c, 1200);
  }
  // A bucket of 2^k buckets splits into buckets b and b + 2^k of 2^(k+1).
  for (int i = 0; i < 1000; ++i) {
    const std::string id = fmt::format("u{}", i);
    EXPECT_EQ(UserBucket(id, 32) & 7u, UserBucket(id, 8));
  }
  EXPECT_EQ(BucketCountFor(0), 1u);
  EXPECT_EQ(BucketCountFor(3), 4u);
  EXPECT_EQ(BucketCountFor(64), 64u);
  EXPECT_EQ(BucketCountFor(100000, 4096), 4096u);
}

}  // namespace
}  // namespace streampro::pipeline
