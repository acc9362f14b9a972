// The pipeline on S3 (a real Ceph RADOS Gateway started by the `rgw` ctest fixture): the
// same report as on local disk, objects the aws CLI sees byte for byte, multipart and
// ranged reads over 16 MB, clear failures that publish nothing, crash recovery, and Ctrl-C;
// and backfill, status, stale dates and the run log on S3 (S3DailyOpsTest).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"
#include "storage/s3/rgw_env.h"
#include "storage/s3/s3_client.h"
#include "storage/s3/sigv4.h"

namespace streampro::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDate = "2025-09-09";
constexpr const char* kAwsCli = "/usr/bin/aws";

std::string SampleLanding() {
  return std::string(STREAMPRO_SOURCE_DIR) + "/data/landing";
}

// The report without its "lake" member (the lake's location is the one thing that differs).
std::string ReportWithoutLake(const std::string& json) {
  JsonDocument document(json);
  EXPECT_TRUE(document.ok()) << document.error();
  std::string out;
  for (const std::string& key : document.Keys("")) {
    if (key == "lake") continue;
    out += key + "=" + document.Minified("/" + key) + "\n";
  }
  return out;
}

// Runs a shell command, returns its exit status and stdout.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, out};
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class S3PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    bucket_ = testing::NewBucket(info->name());
    auto client = s3::S3Client::Make(testing::RgwOptions());
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = *client;
    local_ = fs::temp_directory_path() / fmt_name("streampro-s3-e2e-", info->name());
    fs::remove_all(local_);
    fs::create_directories(local_ / "tmp");
  }
  void TearDown() override { fs::remove_all(local_); }

  static std::string fmt_name(const std::string& prefix, const std::string& name) {
    return prefix + name + "-" + std::to_string(::getpid());
  }

  std::map<std::string, std::string> S3Env(std::map<std::string, std::string> extra = {}) const {
    const testing::RgwServer& rgw = testing::Rgw();
    std::map<std::string, std::string> env = {
        {"MINIO_ENDPOINT", rgw.endpoint},
        {"MINIO_ACCESS_KEY", rgw.access_key},
        {"MINIO_SECRET_KEY", rgw.secret_key},
        // Parts of 5 MiB, so the 16 MB+ test files go up in several parts.
        {"STREAMPRO_S3_PART_SIZE_MB", "5"},
        // Local scratch (spills) of S3 runs, so the tests can see what runs leave there.
        {"TMPDIR", (local_ / "tmp").string()},
    };
    for (auto& [key, value] : extra) env[key] = value;
    return env;
  }

  std::string Lake(const std::string& prefix = "lake") const {
    return "s3://" + bucket_ + "/" + prefix;
  }

  // Local scratch folders that S3 runs left in their TMPDIR.
  size_t ScratchFolders() const {
    size_t count = 0;
    for (const auto& entry : fs::directory_iterator(local_ / "tmp")) {
      count += entry.path().filename().string().starts_with("streampro-") ? 1 : 0;
    }
    return count;
  }

  // key -> (size, etag) of every object under `prefix`.
  std::map<std::string, std::pair<int64_t, std::string>> Objects(const std::string& prefix) const {
    std::map<std::string, std::pair<int64_t, std::string>> out;
    auto listed = client_->ListAll(bucket_, prefix);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (!listed.ok()) return out;
    for (const s3::ObjectMeta& meta : *listed) out[meta.key] = {meta.size, meta.etag};
    return out;
  }

  std::string Get(const std::string& key) const {
    std::string bytes;
    const Status status = client_->GetObjectStream(bucket_, key, [&](std::string_view piece) {
      bytes.append(piece);
      return Status::OK();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return bytes;
  }

  void Upload(const std::string& folder, const std::string& prefix) const {
    for (const auto& entry : fs::directory_iterator(folder)) {
      const std::string bytes = ReadFileOrEmpty(entry.path().string());
      auto put =
          client_->PutObject(bucket_, prefix + "/" + entry.path().filename().string(), bytes);
      ASSERT_TRUE(put.ok()) << put.status().ToString();
    }
  }

  // Every manifest under `lake_prefix` with the objects it names: each must exist with the
  // size and SHA-256 the manifest records, and be the only objects of its partition (the
  // run log's entries under _runs/ aside).
  void ExpectOnlyCompletePartitions(const std::string& lake_prefix) const {
    auto objects = Objects(lake_prefix);
    std::erase_if(objects, [](const auto& entry) {
      return entry.first.find("/_runs/") != std::string::npos;
    });
    std::set<std::string> named;
    int manifests = 0;
    for (const auto& [key, meta] : objects) {
      if (!key.ends_with("/_manifest.json")) continue;
      ++manifests;
      const std::string partition =
          key.substr(0, key.size() - std::string("_manifest.json").size());
      named.insert(key);
      JsonDocument manifest(Get(key));
      ASSERT_TRUE(manifest.ok()) << key;
      for (size_t i = 0; i < manifest.Size("/files"); ++i) {
        const std::string file = "/files/" + std::to_string(i);
        ASSERT_FALSE(manifest.Has(file + "/object")) << key << " still points at staged objects";
        const std::string object = partition + manifest.String(file + "/name");
        named.insert(object);
        const auto it = objects.find(object);
        ASSERT_NE(it, objects.end()) << object << " is named by " << key << " but missing";
        EXPECT_EQ(it->second.first, manifest.Int(file + "/bytes")) << object;
        EXPECT_EQ(s3::Sha256Hex(Get(object)), manifest.String(file + "/sha256")) << object;
      }
    }
    EXPECT_GT(manifests, 10);
    for (const auto& [key, meta] : objects) {
      EXPECT_TRUE(named.contains(key)) << key << " belongs to no manifest";
    }
  }

  // What a reader that follows the manifests gets: every file of every committed partition,
  // wherever the manifest says its bytes are, with the recorded SHA-256.
  void ExpectReadableThroughManifests(const std::string& lake_prefix) const {
    int files = 0;
    for (const auto& [key, meta] : Objects(lake_prefix)) {
      if (!key.ends_with("/_manifest.json") || key.find("/_staging/") != std::string::npos) {
        continue;
      }
      const std::string partition =
          key.substr(0, key.size() - std::string("_manifest.json").size());
      JsonDocument manifest(Get(key));
      ASSERT_TRUE(manifest.ok()) << key;
      for (size_t i = 0; i < manifest.Size("/files"); ++i) {
        const std::string file = "/files/" + std::to_string(i);
        const std::string object = manifest.Has(file + "/object")
                                       ? lake_prefix + "/" + manifest.String(file + "/object")
                                       : partition + manifest.String(file + "/name");
        EXPECT_EQ(s3::Sha256Hex(Get(object)), manifest.String(file + "/sha256")) << object;
        ++files;
      }
    }
    EXPECT_GT(files, 12);
  }

  std::string bucket_;
  std::shared_ptr<s3::S3Client> client_;
  fs::path local_;
};

TEST_F(S3PipelineTest, ReportEqualsTheLocalRunWithLocalOrS3Landing) {
  const std::string local_lake = (local_ / "lake").string();
  const RunResult local = RunPipeline(SampleLanding(), local_lake, kDate);
  ASSERT_EQ(local.exit_code, 0) << local.err;
  const std::string expected = ReportWithoutLake(ReadFileOrEmpty(ReportPath(local_lake, kDate)));

  // Local landing, uploaded.
  const RunResult uploaded = RunPipeline(SampleLanding(), Lake(), kDate, S3Env());
  ASSERT_EQ(uploaded.exit_code, 0) << uploaded.err;
  const std::string report_key = "lake/reports/ingestion_date=2025-09-09/report.json";
  EXPECT_EQ(ReportWithoutLake(Get(report_key)), expected);
  EXPECT_NE(Get(report_key).find("\"lake\": \"" + Lake() + "\""), std::string::npos);
  EXPECT_EQ(Objects("lake/_staging").size(), 0u);
  EXPECT_EQ(Objects("lake/_lock").size(), 0u) << "the lock is released";

  // Landing in the bucket: copied server-side into raw.
  Upload(SampleLanding(), "landing");
  const RunResult copied =
      RunPipeline("s3://" + bucket_ + "/landing", Lake("lake2"), kDate, S3Env());
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_EQ(ReportWithoutLake(Get("lake2/reports/ingestion_date=2025-09-09/report.json")),
            expected);
  JsonDocument raw_manifest(Get("lake2/raw/events/ingestion_date=2025-09-09/_manifest.json"));
  EXPECT_TRUE(raw_manifest.Has("/properties/landing_etag"));
  EXPECT_EQ(Get("lake2/raw/events/ingestion_date=2025-09-09/events_2025-09-09.jsonl"),
            ReadFileOrEmpty(SampleLanding() + "/events_2025-09-09.jsonl"));

  // The --format json of `report` reads the published file back from S3.
  const RunResult report = RunStreampro(
      {"report", "--env", "test", "--lake", Lake(), "--ingestion-date", kDate, "--format", "json"},
      S3Env());
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(ReportWithoutLake(report.out), expected);

  // Re-running replaces every partition (staged, then copied into place) and leaves only
  // complete partitions behind.
  const RunResult again = RunPipeline(SampleLanding(), Lake(), kDate, S3Env());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ReportWithoutLake(Get(report_key)), expected);
  ExpectOnlyCompletePartitions("lake");
}

TEST_F(S3PipelineTest, AwsCliListsAndDownloadsOurObjectsByteIdentical) {
  const RunResult run = RunPipeline(SampleLanding(), Lake(), kDate, S3Env());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const testing::RgwServer& rgw = testing::Rgw();
  const std::string aws = "AWS_ACCESS_KEY_ID='" + rgw.access_key + "' AWS_SECRET_ACCESS_KEY='" +
                          rgw.secret_key +
                          "' AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null "
                          "AWS_SHARED_CREDENTIALS_FILE=/dev/null " +
                          kAwsCli + " --endpoint-url " + rgw.endpoint + " ";
  const auto [listed_status, listing] =
      Shell(aws + "s3 ls --recursive s3://" + bucket_ + "/lake/ 2>&1");
  ASSERT_EQ(listed_status, 0) << listing;
  // `aws s3 ls --recursive`: "DATE TIME SIZE KEY" per object.
  std::map<std::string, int64_t> seen;
  std::istringstream lines(listing);
  std::string date, time, key;
  int64_t size = 0;
  while (lines >> date >> time >> size >> key) seen[key] = size;
  std::map<std::string, int64_t> ours;
  for (const auto& [object, meta] : Objects("lake")) ours[object] = meta.first;
  EXPECT_EQ(seen, ours);
  EXPECT_TRUE(seen.contains("lake/raw/events/ingestion_date=2025-09-09/events_2025-09-09.jsonl"));
  EXPECT_TRUE(seen.contains("lake/trusted/events/ingestion_date=2025-09-09/part-00000.parquet"));

  // Downloads equal the landing bytes (raw) and the SHA-256 the manifests record.
  const fs::path download = local_ / "download";
  const auto [copy_status, copy_out] = Shell(aws + "s3 cp --recursive --only-show-errors s3://" +
                                             bucket_ + "/lake/ " + download.string() + " 2>&1");
  ASSERT_EQ(copy_status, 0) << copy_out;
  for (const char* table : {"users", "videos", "devices", "events"}) {
    const std::string name =
        std::string(table) + "_2025-09-09." + (std::string(table) == "events" ? "jsonl" : "csv");
    EXPECT_EQ(
        ReadFileOrEmpty((download / "raw" / table / "ingestion_date=2025-09-09" / name).string()),
        ReadFileOrEmpty(SampleLanding() + "/" + name))
        << name;
  }
  int checked = 0;
  for (const auto& [object, meta] : Objects("lake")) {
    if (!object.ends_with("/_manifest.json")) continue;
    JsonDocument manifest(ReadFileOrEmpty((download / object.substr(5)).string()));
    ASSERT_TRUE(manifest.ok()) << object;
    const fs::path folder = (download / object.substr(5)).parent_path();
    for (size_t i = 0; i < manifest.Size("/files"); ++i) {
      const std::string file = "/files/" + std::to_string(i);
      EXPECT_EQ(s3::Sha256Hex(ReadFileOrEmpty((folder / manifest.String(file + "/name")).string())),
                manifest.String(file + "/sha256"))
          << object;
      ++checked;
    }
  }
  EXPECT_GT(checked, 12);
}

TEST_F(S3PipelineTest, MultipartUploadAndRangedReadsOverSixteenMegabytes) {
  const std::string landing = (local_ / "landing").string();
  const RunResult generated = RunStreampro(
      {"generate", "--out", landing, "--date", kDate, "--events", "70000", "--seed", "11"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  const std::string events = landing + "/events_2025-09-09.jsonl";
  ASSERT_GT(fs::file_size(events), uint64_t{16} << 20);

  const std::string local_lake = (local_ / "lake").string();
  const RunResult local = RunPipeline(landing, local_lake, kDate);
  ASSERT_EQ(local.exit_code, 0) << local.err;
  const RunResult remote = RunPipeline(landing, Lake(), kDate, S3Env());
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  EXPECT_EQ(ReportWithoutLake(Get("lake/reports/ingestion_date=2025-09-09/report.json")),
            ReportWithoutLake(ReadFileOrEmpty(ReportPath(local_lake, kDate))));

  // The raw copy went up in 5 MiB parts: a multipart ETag ends in "-{parts}".
  const std::string raw_key = "lake/raw/events/ingestion_date=2025-09-09/events_2025-09-09.jsonl";
  auto head = client_->HeadObject(bucket_, raw_key);
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_NE((*head)->etag.find('-'), std::string::npos) << (*head)->etag;
  EXPECT_EQ(Get(raw_key), ReadFileOrEmpty(events));

  // The same object read back through ranged GETs across part boundaries.
  auto object = s3::OpenObject(client_, bucket_, raw_key);
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  const std::string expected = ReadFileOrEmpty(events);
  for (const int64_t offset : {int64_t{0}, (int64_t{5} << 20) - 7, (int64_t{10} << 20) - 1,
                               static_cast<int64_t>(expected.size()) - 100}) {
    std::string bytes;
    ASSERT_TRUE((*object)->ReadAt(offset, 4096, &bytes).ok());
    EXPECT_EQ(bytes, expected.substr(static_cast<size_t>(offset), 4096)) << offset;
  }
}

TEST_F(S3PipelineTest, WrongCredentialsFailClearlyAndPublishNothing) {
  const RunResult first = RunPipeline(SampleLanding(), Lake(), kDate, S3Env());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto before = Objects("lake");

  const RunResult wrong_secret = RunPipeline(
      SampleLanding(), Lake(), kDate, S3Env({{"MINIO_SECRET_KEY", "not-the-secret-0123456789"}}));
  EXPECT_EQ(wrong_secret.exit_code, 1);
  EXPECT_NE(wrong_secret.err.find("SignatureDoesNotMatch"), std::string::npos) << wrong_secret.err;
  EXPECT_EQ(wrong_secret.err.find("not-the-secret"), std::string::npos) << "secret printed";
  EXPECT_EQ(wrong_secret.out.find("not-the-secret"), std::string::npos) << "secret printed";

  const RunResult unknown_key =
      RunPipeline(SampleLanding(), Lake(), kDate, S3Env({{"MINIO_ACCESS_KEY", "NOSUCHKEY000"}}));
  EXPECT_EQ(unknown_key.exit_code, 1);
  EXPECT_NE(unknown_key.err.find("InvalidAccessKeyId"), std::string::npos) << unknown_key.err;

  EXPECT_EQ(Objects("lake"), before);
}

TEST_F(S3PipelineTest, MissingBucketFailsClearly) {
  const std::string missing = "s3://" + bucket_ + "-missing/lake";
  const RunResult run = RunPipeline(SampleLanding(), missing, kDate, S3Env());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("bucket does not exist"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(bucket_ + "-missing"), std::string::npos) << run.err;
  EXPECT_FALSE(client_->HeadBucket(bucket_ + "-missing").ok());
}

TEST_F(S3PipelineTest, UnreachableEndpointFailsClearly) {
  const RunResult run = RunPipeline(
      SampleLanding(), Lake(), kDate,
      S3Env({{"MINIO_ENDPOINT", "http://127.0.0.1:9"}, {"STREAMPRO_S3_MAX_ATTEMPTS", "2"}}));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("127.0.0.1:9"), std::string::npos) << run.err;
  EXPECT_EQ(Objects("lake").size(), 0u);
}

TEST_F(S3PipelineTest, NotConfiguredFailsClearly) {
  const RunResult run = RunPipeline(SampleLanding(), Lake(), kDate, {});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("MINIO_ENDPOINT"), std::string::npos) << run.err;
}

// A run killed at each step of the publish leaves only complete partitions readable; the
// next run takes over the lock, finishes or undoes what was left, and cleans up.
TEST_F(S3PipelineTest, CrashesLeaveCompletePartitionsAndTheNextRunCleansUp) {
  const std::string local_lake = (local_ / "lake").string();
  ASSERT_EQ(RunPipeline(SampleLanding(), local_lake, kDate).exit_code, 0);
  const std::string expected = ReportWithoutLake(ReadFileOrEmpty(ReportPath(local_lake, kDate)));
  const std::string report_key = "lake/reports/ingestion_date=2025-09-09/report.json";

  // First publish of every partition (in place), killed after the files are written.
  const RunResult first_crash =
      RunPipeline(SampleLanding(), Lake(), kDate, S3Env({{"FAULT_CRASH_AFTER", "files_verified"}}));
  ASSERT_EQ(first_crash.exit_code, 86) << first_crash.err;
  EXPECT_GT(Objects("lake/raw").size(), 0u) << "the dead run left its objects";
  EXPECT_EQ(Objects("lake/_lock").size(), 1u) << "and its lock";
  EXPECT_EQ(ScratchFolders(), 1u) << "and its local scratch folder";
  const RunResult recovered = RunPipeline(SampleLanding(), Lake(), kDate, S3Env());
  ASSERT_EQ(recovered.exit_code, 0) << recovered.err;
  EXPECT_EQ(ScratchFolders(), 0u) << "the next run removes the dead run's scratch and its own";
  EXPECT_NE(recovered.out.find("Took over the lake lock"), std::string::npos) << recovered.out;
  EXPECT_NE(recovered.out.find("Removed the scratch folder of a run that is gone"),
            std::string::npos)
      << recovered.out;
  EXPECT_EQ(ReportWithoutLake(Get(report_key)), expected);
  ExpectOnlyCompletePartitions("lake");

  // Replacing partitions: killed before the manifest, after it (objects still staged), and
  // while the staged objects are copied into place.
  for (const char* step : {"files_verified", "published", "moved_aside"}) {
    SCOPED_TRACE(step);
    const RunResult crash =
        RunPipeline(SampleLanding(), Lake(), kDate, S3Env({{"FAULT_CRASH_AFTER", step}}));
    ASSERT_EQ(crash.exit_code, 86) << crash.err;
    EXPECT_GT(Objects("lake/_staging").size(), 0u);
    // Readers still see complete partitions: the old version, or the new one through the
    // staged copies its manifest names.
    ExpectReadableThroughManifests("lake");

    const RunResult next = RunPipeline(SampleLanding(), Lake(), kDate, S3Env());
    ASSERT_EQ(next.exit_code, 0) << next.err;
    if (std::string(step) != "files_verified") {
      EXPECT_NE(next.out.find("Finished the publish of an interrupted run"), std::string::npos)
          << next.out;
    }
    EXPECT_EQ(Objects("lake/_staging").size(), 0u);
    EXPECT_EQ(ScratchFolders(), 0u);
    EXPECT_EQ(ReportWithoutLake(Get(report_key)), expected);
    ExpectOnlyCompletePartitions("lake");
  }

  // `report` takes the lock too, so it is also the run that finishes an interrupted publish.
  ASSERT_EQ(RunPipeline(SampleLanding(), Lake(), kDate, S3Env({{"FAULT_CRASH_AFTER", "published"}}))
                .exit_code,
            86);
  const RunResult read = RunStreampro(
      {"report", "--env", "test", "--lake", Lake(), "--ingestion-date", kDate, "--format", "json"},
      S3Env());
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(ReportWithoutLake(read.out), expected);
  EXPECT_NE(read.err.find("Finished the publish of an interrupted run"), std::string::npos)
      << read.err;
  ExpectOnlyCompletePartitions("lake");
  EXPECT_EQ(ScratchFolders(), 0u);
}

// Running it every day on S3: `backfill`, `status` in text and JSON with counts worked out
// by hand for tests/golden/multi_date (see multi_date_test.cpp) and bytes as the gateway
// lists them, stale dates and `--cascade`, an interrupted run, and the run log as objects
// (the local side: daily_ops_test.cpp).
class S3DailyOpsTest : public S3PipelineTest {
 protected:
  static constexpr const char* kD1 = "2025-09-09";
  static constexpr const char* kD2 = "2025-09-10";

  void SetUp() override {
    S3PipelineTest::SetUp();
    fs::copy(GoldenDir("multi_date"), local_ / "landing");
  }
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
  // Bytes of a partition's objects, the manifest left out.
  int64_t PartitionBytes(const std::string& partition) const {
    int64_t bytes = 0;
    for (const auto& [key, meta] : Objects("lake/" + partition + "/")) {
      if (!key.ends_with("/_manifest.json")) bytes += meta.first;
    }
    return bytes;
  }
  std::string RunIdOf(const std::string& partition) const {
    return JsonDocument(Get("lake/" + partition + "/_manifest.json")).String("/run_id");
  }
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
  for (const auto& [key, meta] : staged) staged_bytes += meta.first;
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

// The history of a later date, read from the earlier date's report and manifests in the
// bucket, equals the local run's (tests/golden/multi_date: 2025-09-09, then 2025-09-10).
TEST_F(S3PipelineTest, HistoryOfASecondDateEqualsTheLocalRun) {
  const std::string local_lake = (local_ / "lake").string();
  for (const char* date : {"2025-09-09", "2025-09-10"}) {
    const RunResult local = RunPipeline(GoldenDir("multi_date"), local_lake, date);
    ASSERT_EQ(local.exit_code, 0) << local.err;
    const RunResult remote = RunPipeline(GoldenDir("multi_date"), Lake(), date, S3Env());
    ASSERT_EQ(remote.exit_code, 0) << remote.err;
  }
  const std::string remote = Get("lake/reports/ingestion_date=2025-09-10/report.json");
  EXPECT_EQ(ReportWithoutLake(remote),
            ReportWithoutLake(ReadFileOrEmpty(ReportPath(local_lake, "2025-09-10"))));
  const JsonDocument report(remote);
  EXPECT_EQ(report.Size("/history"), 2u);
  EXPECT_EQ(report.String("/history/0/ingestion_date"), "2025-09-09");
  EXPECT_TRUE(report.Bool("/history/0/has_report"));
}

// Ctrl-C on an S3 lake: the staged objects and the lock object are removed, the local
// scratch folder too, the raw partitions this run published are named, and the next run
// succeeds.
TEST_F(S3PipelineTest, SigintMidStageRemovesStagedObjectsAndTheLock) {
  const std::string landing = (local_ / "landing").string();
  const RunResult generated = RunStreampro(
      {"generate", "--out", landing, "--events", "300000", "--seed", "5", "--date", kDate});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  const auto env = S3Env({{"STREAMPRO_PROGRESS_INTERVAL_MS", "100"}});
  const std::vector<std::string> args = {"pipeline", "--env",  "test", "--landing",
                                         landing,    "--lake", Lake(), "--ingestion-date",
                                         kDate};
  const RunResult stopped = SignalWhen(args, env, "\nprogress: to-trusted: ", SIGINT);
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  EXPECT_NE(stopped.err.find(fmt::format(
                "interrupted by SIGINT during to-trusted for {0}: published before the "
                "interruption: raw/users/ingestion_date={0}, raw/videos/ingestion_date={0}, "
                "raw/devices/ingestion_date={0}, raw/events/ingestion_date={0}; nothing else "
                "was published; staged files removed, lake lock released",
                kDate)),
            std::string::npos)
      << stopped.err;
  EXPECT_EQ(Objects("lake/_staging").size(), 0u);
  EXPECT_EQ(Objects("lake/_lock").size(), 0u);
  EXPECT_EQ(Objects("lake/trusted").size(), 0u);
  EXPECT_EQ(ScratchFolders(), 0u);
  EXPECT_EQ(Objects("lake/raw").size(), 8u) << "four files and their manifests";

  const RunResult next = RunStreampro(args, env);
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(next.out.find("Took over the lake lock"), std::string::npos) << next.out;
  ExpectOnlyCompletePartitions("lake");
}

// Iceberg tables of an S3 lake: each snapshot names server-side copies of its files under
// `_iceberg/data/ingestion_date=D/{run id}/`, so a re-run of D leaves the previous run's
// bytes (SHA-256 as its partition manifest recorded them) readable there, and `expire`
// deletes them once no kept snapshot reads them.
TEST_F(S3PipelineTest, IcebergSnapshotsKeepTheirFilesAcrossAReRunAndExpireDeletesThem) {
  const std::string catalog = "sqlite:///" + (local_ / "catalog.db").string();
  const auto env = S3Env({{"STREAMPRO_CATALOG", catalog}});
  const std::string users = "lake/trusted/users/";
  const auto manifest_files = [&] {
    // name -> sha256 of the published partition's files, with the run id.
    JsonDocument manifest(Get(users + "ingestion_date=2025-09-09/_manifest.json"));
    std::map<std::string, std::string> files;
    for (size_t i = 0; i < manifest.Size("/files"); ++i) {
      files[manifest.String("/files/" + std::to_string(i) + "/name")] =
          manifest.String("/files/" + std::to_string(i) + "/sha256");
    }
    return std::make_pair(manifest.String("/run_id"), files);
  };
  ASSERT_EQ(RunPipeline("data/landing", Lake(), "2025-09-09", env).exit_code, 0);
  const auto first = manifest_files();
  const RunResult rerun = RunPipeline("data/landing", Lake(), "2025-09-09", env);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  const auto second = manifest_files();
  ASSERT_NE(first.first, second.first);
  for (const auto& run : {first, second}) {
    for (const auto& [name, sha] : run.second) {
      const std::string key =
          users + "_iceberg/data/ingestion_date=2025-09-09/" + run.first + "/" + name;
      EXPECT_EQ(s3::Sha256Hex(Get(key)), sha) << key;
    }
  }
  const RunResult expire =
      RunStreampro({"expire", "--env", "test", "--lake", Lake(), "--keep-snapshots", "1"}, env);
  ASSERT_EQ(expire.exit_code, 0) << expire.err;
  EXPECT_NE(expire.out.find("Expire: 9 snapshots of 9 tables"), std::string::npos) << expire.out;
  EXPECT_TRUE(Objects(users + "_iceberg/data/ingestion_date=2025-09-09/" + first.first).empty());
  EXPECT_EQ(Objects(users + "_iceberg/data/ingestion_date=2025-09-09/" + second.first).size(),
            second.second.size());
}

}  // namespace
}  // namespace streampro::e2e
