#include "pipeline/user_buckets.h"

#include <gtest/gtest.h>

#include "lake/manifest.h"

namespace streampro::pipeline {
namespace {

// Worked by hand from the definition: FNV-1a 64 of "" is the offset basis
// 0xcbf29ce484222325; Fmix64 of it is pinned, since the hash is part of the lake format.
TEST(UserBucketsTest, HashIsPinned) {
  EXPECT_EQ(UserHash(""), Fmix64(14695981039346656037ULL));
  // "a": (basis ^ 0x61) * FNV prime, then Fmix64.
  EXPECT_EQ(UserHash("a"), Fmix64((14695981039346656037ULL ^ 0x61) * 1099511628211ULL));
  EXPECT_EQ(UserBucket("anything", 1), 0u);
  EXPECT_EQ(BucketCountFor(0), 1u);
  EXPECT_EQ(BucketCountFor(5), 8u);
  EXPECT_EQ(BucketCountFor(100000), 4096u);
}

TEST(UserBucketsTest, SplitKeepsInputOrderWithinEachBucket) {
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{"user_id", TypeId::kString, false}, {"n", TypeId::kInt64, false}});
  RecordBatch batch(schema);
  for (int64_t i = 0; i < 200; ++i) {
    batch.column(0).AppendString("user" + std::to_string(i % 37));
    batch.column(1).AppendInt64(i);
  }
  constexpr uint32_t kBuckets = 8;
  std::vector<RecordBatch> out;
  for (uint32_t b = 0; b < kBuckets; ++b) out.emplace_back(schema);
  UserBucketSplitter splitter(kBuckets);
  splitter.Split(batch, 0, out);
  int64_t total = 0;
  for (uint32_t b = 0; b < kBuckets; ++b) {
    int64_t previous = -1;
    for (int64_t row = 0; row < out[b].num_rows(); ++row) {
      EXPECT_EQ(UserBucket(out[b].column(0).string_value(row), kBuckets), b);
      EXPECT_GT(out[b].column(1).int64_values()[static_cast<size_t>(row)], previous);
      previous = out[b].column(1).int64_values()[static_cast<size_t>(row)];
    }
    total += out[b].num_rows();
  }
  EXPECT_EQ(total, 200);
}

TEST(UserBucketsTest, ManifestsMustNameOurHashAndAPowerOfTwo) {
  lake::PartitionManifest manifest;
  EXPECT_EQ(*BucketsOf(manifest, "m"), 1u);
  manifest.properties = {{"buckets", "16"}, {"bucket_hash", std::string(kUserBucketHash)}};
  EXPECT_EQ(*BucketsOf(manifest, "m"), 16u);
  manifest.properties["bucket_hash"] = "murmur3:user_id";
  const auto other_hash = BucketsOf(manifest, "m.json");
  ASSERT_FALSE(other_hash.ok());
  EXPECT_NE(other_hash.status().message().find("murmur3"), std::string::npos);
  for (const char* bad : {"12", "0", "x", "16x", "-4"}) {
    manifest.properties = {{"buckets", bad}, {"bucket_hash", std::string(kUserBucketHash)}};
    EXPECT_EQ(BucketsOf(manifest, "m.json").status().code(), StatusCode::kInvalidData) << bad;
  }
}

}  // namespace
}  // namespace streampro::pipeline
