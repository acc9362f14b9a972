// Running it every day on an S3 lake (the Ceph RADOS Gateway of the `rgw` fixture):
// `backfill`, `status` in text and JSON with counts worked out by hand for
// tests/golden/multi_date (see multi_date_test.cpp) and bytes as the gateway lists them,
// stale dates and `--cascade`, an interrupted run, and the run log as objects.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"
#include "storage/s3/rgw_env.h"
#include "storage/s3/s3_client.h"

namespace streampro::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kD1 = "2025-09-09";
constexpr const char* kD2 = "2025-09-10";

class S3DailyOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    bucket_ = testing::NewBucket(info->name());
    auto client = s3::S3Client::Make(testing::RgwOptions());
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = *client;
    local_ =
        fs::temp_directory_path() / fmt::format("streampro-s3-ops-{}-{}", info->name(), ::getpid());
    fs::remove_all(local_);
    fs::create_directories(local_ / "tmp");
    fs::copy(GoldenDir("multi_date"), local_ / "landing");
  }
  void TearDown() override { fs::remove_all(local_); }

  std::map<std::string, std::string> S3Env(std::map<std::string, std::string> extra = {}) const {
    const testing::RgwServer& rgw = testing::Rgw();
    std::map<std::string, std::string> env = {{"MINIO_ENDPOINT", rgw.endpoint},
                                              {"MINIO_ACCESS_KEY", rgw.access_key},
                                              {"MINIO_SECRET_KEY", rgw.secret_key},
                                              {"TMPDIR", (local_ / "tmp").string()}};
    for (auto& [key, value] : extra) env[key] = value;
    return env;
  }
  std::string Lake() const { return "s3://" + bucket_ + "/lake"; }
  std::string Landing() const { return (local_ / "landing").string(); }

  RunResult Run(std::vector<std::string> args, std::map<std::string, std::string> extra = {}) {
    args.insert(args.end(), {"--env", "test", "--lake", Lake()});
    return RunStreampro(args, S3Env(std::move(extra)));
  }
  RunResult Pipeline(const std::string& date, std::vector<std::string> extra = {},
                     std::map<std::string, std::string> env = {}) {
    std::vector<std::string> args = {"pipeline", "--landing", Landing(), "--ingestion-date", date};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args, std::move(env));
  }

  // key -> size of every object under `prefix`.
  std::map<std::string, int64_t> Objects(const std::string& prefix) const {
    std::map<std::string, int64_t> out;
    auto listed = client_->ListAll(bucket_, prefix);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (!listed.ok()) return out;
    for (const s3::ObjectMeta& meta : *listed) out[meta.key] = meta.size;
    return out;
  }
  // Bytes of a partition's objects, the manifest left out.
  int64_t PartitionBytes(const std::string& partition) const {
    int64_t bytes = 0;
    for (const auto& [key, size] : Objects("lake/" + partition + "/")) {
      if (!key.ends_with("/_manifest.json")) bytes += size;
    }
    return bytes;
  }
  std::string Get(const std::string& key) const {
    std::string bytes;
    const Status status = client_->GetObjectStream(bucket_, key, [&](std::string_view piece) {
      bytes.append(piece);
      return Status::OK();
    });
    EXPECT_TRUE(status.ok()) << key << ": " << status.ToString();
    return bytes;
  }
  std::string RunIdOf(const std::string& partition) const {
    return JsonDocument(Get("lake/" + partition + "/_manifest.json")).String("/run_id");
  }

  std::string bucket_;
  std::shared_ptr<s3::S3Client> client_;
  fs::path local_;
};

TEST_F(S3DailyOpsTest, StatusBackfillStaleAndInterruptedRunsOnS3) {
  const RunResult backfill = Run({"backfill", "--landing", Landing(), "--from", kD1, "--to", kD2});
  ASSERT_EQ(backfill.exit_code, 0) << backfill.out << backfill.err;

  const RunResult json_run = Run({"status", "--format", "json"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const JsonDocument status(json_run.out);
  ASSERT_TRUE(status.ok()) << json_run.out;
  EXPECT_EQ(status.String("/lake"), Lake());
  EXPECT_EQ(status.String("/commit_protocol"), "object-manifest");
  EXPECT_TRUE(status.IsNull("/lock")) << "released";
  EXPECT_EQ(status.Size("/interrupted_runs"), 0u);
  ASSERT_EQ(status.Size("/dates"), 2u);
  // By hand (multi_date_test.cpp): D1 users 3, videos 2, devices 1, events 3, nothing
  // rejected; D2 users 4, no videos file, devices 2, events 6 lines: 5 kept, 1 duplicate.
  struct Expected {
    const char* table;
    int64_t in, kept, duplicate;
  };
  const std::vector<std::vector<Expected>> expected = {
      {{"users", 3, 3, 0}, {"videos", 2, 2, 0}, {"devices", 1, 1, 0}, {"events", 3, 3, 0}},
      {{"users", 4, 4, 0}, {"devices", 2, 2, 0}, {"events", 6, 5, 1}}};
  for (size_t d = 0; d < 2; ++d) {
    const std::string date = d == 0 ? kD1 : kD2;
    SCOPED_TRACE(date);
    const std::string at = fmt::format("/dates/{}", d);
    EXPECT_EQ(status.String(at + "/date"), date);
    EXPECT_EQ(status.String(at + "/state"), "ok");
    EXPECT_EQ(status.Size(at + "/tables"), expected[d].size());
    int64_t in = 0;
    for (const Expected& e : expected[d]) {
      const std::string table = at + "/tables/" + e.table;
      EXPECT_EQ(status.Int(table + "/rows_in"), e.in) << e.table;
      EXPECT_EQ(status.Int(table + "/rows_kept"), e.kept) << e.table;
      EXPECT_EQ(status.Int(table + "/rows_rejected"), 0) << e.table;
      EXPECT_EQ(status.Int(table + "/rows_duplicate"), e.duplicate) << e.table;
      const std::string trusted = fmt::format("trusted/{}/ingestion_date={}", e.table, date);
      EXPECT_EQ(status.Int(at + "/layers/trusted/partitions/" + e.table + "/rows"), e.kept);
      EXPECT_EQ(status.Int(at + "/layers/trusted/partitions/" + e.table + "/bytes"),
                PartitionBytes(trusted));
      const std::string raw = fmt::format("raw/{}/ingestion_date={}", e.table, date);
      EXPECT_EQ(status.Int(at + "/layers/raw/partitions/" + e.table + "/bytes"),
                static_cast<int64_t>(fs::file_size(
                    fmt::format("{}/{}_{}.{}", Landing(), e.table, date,
                                std::string(e.table) == "events" ? "jsonl" : "csv"))));
      EXPECT_EQ(PartitionBytes(raw),
                status.Int(at + "/layers/raw/partitions/" + e.table + "/bytes"));
      in += e.in;
    }
    EXPECT_EQ(status.Int(at + "/rows_in"), in);
    EXPECT_EQ(status.Int(at + "/layers/raw/published"), d == 0 ? 4 : 3);
    EXPECT_EQ(status.Int(at + "/layers/trusted/published"), d == 0 ? 5 : 4);
    EXPECT_EQ(status.Int(at + "/layers/enriched/published"), 4);
    EXPECT_EQ(status.Int(at + "/layers/reports/published"), 1);
    EXPECT_EQ(status.Int(at + "/layers/trusted/partitions/_rejects/rows"), 0);
    // D2's sessions over both dates: m1, m5, m2, m4; its journeys: u1..u4.
    EXPECT_EQ(status.Int(at + "/layers/enriched/partitions/user_sessions/rows"), d == 0 ? 2 : 4);
    EXPECT_EQ(status.Int(at + "/layers/enriched/partitions/user_journey/rows"), d == 0 ? 3 : 4);
    EXPECT_EQ(status.Int(at + "/layers/reports/partitions/report/bytes"),
              PartitionBytes(fmt::format("reports/ingestion_date={}", date)));
    EXPECT_EQ(status.Int(at + "/abnormal_segments"), 0);
    EXPECT_EQ(status.String(at + "/last_run/run_id"),
              RunIdOf(fmt::format("reports/ingestion_date={}", date)));
    EXPECT_EQ(status.String(at + "/last_run/command"), "backfill");
  }
  // Q1: D1 0/2, D2 2/3.
  EXPECT_TRUE(IsClose(status.Double("/dates/0/q1_pct"), 0.0));
  EXPECT_TRUE(IsClose(status.Double("/dates/1/q1_pct"), 200.0 / 3));
  ASSERT_EQ(status.Size("/runs"), 1u);
  EXPECT_EQ(status.String("/runs/0/command"), "backfill");

  const RunResult text = Run({"status"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(fmt::format("Lake {} (commit protocol object-manifest)", Lake())),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("2025-09-10  ok          3/4  4/5      4/4       1/1            12"
                          "        11         0          1   66.67         0"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("Lock: free\n"), std::string::npos) << text.out;

  // The run log is an object per run, one JSON line each.
  const auto runs = Objects("lake/_runs/");
  ASSERT_EQ(runs.size(), 1u);
  const std::string line = Get(runs.begin()->first);
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  EXPECT_EQ(JsonDocument(line).String("/run_id"), RunIdOf("reports/ingestion_date=2025-09-10"));

  // A corrected D1 (u2's event gone) makes D2 stale; --cascade rebuilds it.
  {
    const std::string events = Landing() + "/events_2025-09-09.jsonl";
    std::string bytes = ReadFileOrEmpty(events);
    bytes.erase(bytes.rfind("{\"timestamp\":\"2025-09-08T11:00:00Z\""));
    std::ofstream(events, std::ios::trunc) << bytes;
  }
  ASSERT_EQ(Pipeline(kD1).exit_code, 0);
  const JsonDocument stale(Run({"status", "--format", "json"}).out);
  EXPECT_FALSE(stale.Bool("/dates/0/stale"));
  EXPECT_TRUE(stale.Bool("/dates/1/stale"));
  EXPECT_NE(stale.Minified("/dates/1/stale_reasons").find("trusted.events 2025-09-09"),
            std::string::npos);
  const RunResult cascade = Pipeline(kD1, {"--cascade"});
  ASSERT_EQ(cascade.exit_code, 0) << cascade.err;
  EXPECT_NE(cascade.out.find("Cascade: 2025-09-10 is stale"), std::string::npos) << cascade.out;
  EXPECT_FALSE(JsonDocument(Run({"status", "--format", "json"}).out).Bool("/dates/1/stale"));

  // A run of D2 that dies mid-publish: status names it until the next run cleans up.
  const RunResult crash = Pipeline(kD2, {}, {{"FAULT_CRASH_AFTER", "files_verified"}});
  ASSERT_EQ(crash.exit_code, 86) << crash.err;
  const auto staged = Objects("lake/_staging/");
  ASSERT_FALSE(staged.empty());
  const std::string first = staged.begin()->first.substr(std::string("lake/_staging/").size());
  const std::string dead_run = first.substr(0, first.find('/'));
  int64_t staged_bytes = 0;
  for (const auto& [key, size] : staged) staged_bytes += size;
  const JsonDocument interrupted(Run({"status", "--format", "json"}).out);
  ASSERT_EQ(interrupted.Size("/interrupted_runs"), 1u) << interrupted.text();
  EXPECT_EQ(interrupted.String("/interrupted_runs/0/run_id"), dead_run);
  EXPECT_EQ(interrupted.Int("/interrupted_runs/0/files"), static_cast<int64_t>(staged.size()));
  EXPECT_EQ(interrupted.Int("/interrupted_runs/0/bytes"), staged_bytes);
  EXPECT_EQ(interrupted.String("/lock/run_id"), dead_run);
  EXPECT_FALSE(interrupted.Bool("/lock/held")) << "its process is gone";
  const RunResult interrupted_text = Run({"status"});
  EXPECT_NE(interrupted_text.out.find(dead_run + "  "), std::string::npos) << interrupted_text.out;

  ASSERT_EQ(Pipeline(kD2).exit_code, 0);
  const JsonDocument after(Run({"status", "--format", "json"}).out);
  EXPECT_EQ(after.Size("/interrupted_runs"), 0u) << after.text();
  EXPECT_TRUE(after.IsNull("/lock"));
  EXPECT_EQ(after.Size("/runs"), 4u) << "backfill, pipeline, pipeline --cascade, pipeline";
  EXPECT_EQ(Objects("lake/_runs/").size(), 4u) << "the crashed run left no entry";
}

}  // namespace
}  // namespace streampro::e2e
