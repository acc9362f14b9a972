#include "lake/manifest.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/file.h"
#include "lake/layout.h"
#include "support/lake_support.h"
#include "support/temp_dir.h"

namespace streampro::lake {
namespace {

using ::streampro::testing::kRawLayer;
using ::streampro::testing::kTrustedLayer;
using ::streampro::testing::PartitionDir;
using ::streampro::testing::ReadManifest;

PartitionManifest Sample() {
  PartitionManifest manifest;
  manifest.layer = "trusted";
  manifest.table = "events";
  manifest.date = *ParseIsoDate("2025-09-09");
  manifest.run_id = "20250909T101112Z-42-0000abcd";
  manifest.committed_at = "2025-09-09T10:11:12.123456Z";
  manifest.files = {
      {"part-00000.parquet", 1234, std::string(64, 'a'), 10, std::nullopt},
      {"part-00001.parquet", 99, std::string(64, 'b'), 5,
       "_staging/20250909T101112Z-42-0000abcd/00003-trusted.events.2025-09-09/part-00001.parquet"},
      {"notes \"odd\"\n.txt", 7, std::string(64, 'c'), std::nullopt, std::nullopt}};
  manifest.source_file = "events_2025-09-09.jsonl";
  FileCounters counters;
  counters.rows_in = 20;
  counters.rows_kept = 15;
  counters.rows_duplicate = 2;
  counters.AddReject(RejectReason::kInvalidTimestamp);
  counters.AddReject(RejectReason::kUnknownUser);
  counters.AddReject(RejectReason::kUnknownUser);
  manifest.counters = counters;
  manifest.properties = {{"buckets", "64"}, {"landing_mtime_ns", "1757412672000000000"}};
  return manifest;
}

TEST(ManifestTest, JsonRoundTripKeepsEveryField) {
  const PartitionManifest manifest = Sample();
  EXPECT_EQ(manifest.total_rows(), 15);
  const std::string json = manifest.ToJson();
  EXPECT_NE(json.find("\"total_rows\": 15"), std::string::npos);
  EXPECT_NE(json.find("\"unknown_user\": 2"), std::string::npos);
  auto parsed = PartitionManifest::FromJson(json, "m.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, manifest);
}

TEST(ManifestTest, MinimalManifestRoundTrips) {
  PartitionManifest manifest;
  manifest.layer = "reports";
  manifest.date = *ParseIsoDate("2025-09-09");
  auto parsed = PartitionManifest::FromJson(manifest.ToJson(), "m.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, manifest);
  EXPECT_FALSE(parsed->counters);
  EXPECT_FALSE(parsed->source_file);
}

TEST(ManifestTest, FindFileByName) {
  const PartitionManifest manifest = Sample();
  ASSERT_NE(manifest.FindFile("part-00001.parquet"), nullptr);
  EXPECT_EQ(manifest.FindFile("part-00001.parquet")->bytes, 99);
  EXPECT_EQ(manifest.FindFile("missing"), nullptr);
}

TEST(ManifestTest, FileUriFollowsTheObjectKeyWhenSet) {
  const PartitionManifest manifest = Sample();
  const auto lake = ::streampro::testing::MemoryLake("b", "lake");
  EXPECT_EQ(FileUri(*lake, manifest, manifest.files[0]),
            "mem://b/lake/trusted/events/ingestion_date=2025-09-09/part-00000.parquet");
  EXPECT_EQ(FileUri(*lake, manifest, manifest.files[1]),
            "mem://b/lake/_staging/20250909T101112Z-42-0000abcd/00003-trusted.events.2025-09-09/"
            "part-00001.parquet");
}

TEST(ManifestTest, ObjectKeyOutsideTheLakeIsInvalid) {
  for (const char* object : {"../elsewhere/x.parquet", "/abs/x.parquet", ""}) {
    PartitionManifest manifest = Sample();
    manifest.files[0].object = object;
    auto parsed = PartitionManifest::FromJson(manifest.ToJson(), "m.json");
    ASSERT_FALSE(parsed.ok()) << object;
    EXPECT_NE(parsed.status().message().find("is not a key inside the lake"), std::string::npos)
        << parsed.status().message();
  }
}

TEST(ManifestTest, BadJsonIsInvalidDataNamingTheFile) {
  for (const char* text : {"not json", "[]", "{\"format_version\": 1}",
                           "{\"format_version\": 2, \"layer\": \"raw\"}"}) {
    auto parsed = PartitionManifest::FromJson(text, "lake/x/_manifest.json");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidData);
    EXPECT_NE(parsed.status().message().find("lake/x/_manifest.json"), std::string::npos);
  }
}

// `json` with the first `from` replaced by `to` (the text must be there).
std::string Corrupt(std::string json, const std::string& from, const std::string& to) {
  const size_t at = json.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) json.replace(at, from.size(), to);
  return json;
}

TEST(ManifestTest, CorruptNumbersAreInvalidDataNamingTheFile) {
  const std::string json = Sample().ToJson();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"bytes\": 1234", "\"bytes\": \"12x\""},                  // not a number
      {"\"bytes\": 1234", "\"bytes\": 12.5"},                     // not an integer
      {"\"bytes\": 1234", "\"bytes\": -1234"},                    // negative size
      {"\"bytes\": 1234", "\"bytes\": 9223372036854775808"},      // above int64
      {"\"bytes\": 1234", "\"bytes\": 99999999999999999999999"},  // above uint64
      {"\"bytes\": 1234", "\"bytes\": 1e999"},                    // beyond double
      {"\"rows\": 10", "\"rows\": -10"},                          // negative count
      {"\"rows_in\": 20", "\"rows_in\": -20"},                    // negative count
      {"\"rows_duplicate\": 2", "\"rows_duplicate\": \"2\""},     // a string
      {"\"unknown_user\": 2", "\"unknown_user\": -2"},            // negative count
      {"\"format_version\": 1", "\"format_version\": 18446744073709551615"},
  };
  for (const auto& [from, to] : cases) {
    const std::string corrupt = Corrupt(json, from, to);
    auto parsed = PartitionManifest::FromJson(corrupt, "lake/trusted/x/_manifest.json");
    ASSERT_FALSE(parsed.ok()) << to;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidData) << to;
    EXPECT_EQ(
        parsed.status().message().rfind("lake/trusted/x/_manifest.json: invalid manifest: ", 0), 0u)
        << parsed.status().message();
  }
}

TEST(ManifestTest, IntPropertyParsesWithoutThrowingAndNamesTheManifest) {
  PartitionManifest manifest = Sample();
  auto buckets =
      IntProperty(*::streampro::testing::LocalLake("/lake"), manifest, "buckets", 1, 4294967295);
  ASSERT_TRUE(buckets.ok()) << buckets.status().ToString();
  EXPECT_EQ(*buckets, std::optional<int64_t>(64));
  auto absent = IntProperty(*::streampro::testing::LocalLake("/lake"), manifest,
                            "min_segment_sessions", 0, 100);
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(*absent, std::nullopt);
  for (const char* text : {"12x", "", " 64", "+64", "0x40", "-1", "0", "4294967296",
                           "99999999999999999999", "6.4e1"}) {
    manifest.properties["buckets"] = text;
    auto bad =
        IntProperty(*::streampro::testing::LocalLake("/lake"), manifest, "buckets", 1, 4294967295);
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidData);
    EXPECT_EQ(bad.status().message(),
              fmt::format("/lake/trusted/events/ingestion_date=2025-09-09/_manifest.json: invalid "
                          "manifest: property 'buckets' must be an integer from 1 to 4294967295, "
                          "got '{}'",
                          text));
  }
}

TEST(ManifestTest, ReadManifestOfMissingPartitionIsEmpty) {
  testing::TempDir lake;
  auto missing = ReadManifest(lake.path(), kRawLayer, "users", *ParseIsoDate("2025-09-09"));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  const PartitionManifest manifest = Sample();
  const std::string dir = PartitionDir(lake.path(), kTrustedLayer, "events", manifest.date);
  ASSERT_TRUE(CreateDirectories(dir).ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/_manifest.json", manifest.ToJson()).ok());
  auto read = ReadManifest(lake.path(), kTrustedLayer, "events", manifest.date);
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(**read, manifest);

  ASSERT_TRUE(WriteFileAtomically(dir + "/_manifest.json", "{").ok());
  auto corrupt = ReadManifest(lake.path(), kTrustedLayer, "events", manifest.date);
  EXPECT_EQ(corrupt.status().code(), StatusCode::kInvalidData);
}

}  // namespace
}  // namespace streampro::lake
