// History of the lake's Iceberg tables, read by pyiceberg and pyarrow: time travel across
// a re-run of a date (the previous snapshot's rows equal pyarrow's read of the previous
// run's files, copied aside before the re-run), snapshot isolation for a reader looping
// while dates are re-run and added, `streampro expire` (deleted files computed from
// pyiceberg's view of what each snapshot references), and a kill at each step of the
// Iceberg commit (the catalog stays on a complete snapshot; the next run removes the
// orphans).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "e2e/e2e_support.h"
#include "iceberg/history.h"
#include "support/temp_dir.h"

namespace streampro {
namespace {

namespace fs = std::filesystem;

constexpr char kDate[] = "2025-09-09";
constexpr char kNextDate[] = "2025-09-10";
const std::string kUsers = "lake/trusted/users";
const std::string kEvents = "lake/trusted/events";

class IcebergHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    python_ = e2e::EnginesPython();
    ASSERT_FALSE(python_.empty());
    fs::copy("data/landing", dir_ / "landing");
    fs::remove(dir_ / "landing/truth.json");
  }

  std::map<std::string, std::string> Env() const { return {{"STREAMPRO_CATALOG", CatalogUri()}}; }
  std::string CatalogUri() const { return "sqlite:///" + (dir_ / "catalog.db"); }
  std::string Lake() const { return dir_ / "lake"; }

  e2e::RunResult Pipeline(const std::string& date) {
    return e2e::RunPipeline(dir_ / "landing", Lake(), date, Env());
  }
  e2e::RunResult Streampro(std::vector<std::string> args) {
    args.insert(args.begin() + 1, {"--env", "test", "--lake", Lake()});
    return e2e::RunStreampro(args, Env());
  }

  // Keeps the first `keep` lines of a landing file (the header counts as one).
  void Truncate(const std::string& name, size_t keep) {
    const std::string path = dir_ / ("landing/" + name);
    std::istringstream in(e2e::ReadFileOrEmpty(path));
    std::string line, kept;
    for (size_t n = 0; n < keep && std::getline(in, line); ++n) kept += line + "\n";
    std::ofstream(path, std::ios::trunc) << kept;
  }

  // The landing files of kDate again as the files of `date`.
  void CopyLandingAs(const std::string& date) {
    for (const char* table : {"users", "videos", "devices"}) {
      fs::copy_file(dir_ / fmt::format("landing/{}_{}.csv", table, kDate),
                    dir_ / fmt::format("landing/{}_{}.csv", table, date));
    }
    fs::copy_file(dir_ / fmt::format("landing/events_{}.jsonl", kDate),
                  dir_ / fmt::format("landing/events_{}.jsonl", date));
  }

  std::unique_ptr<e2e::JsonDocument> Snapshots(const std::string& table,
                                               const std::string& column) {
    const e2e::RunResult run =
        e2e::RunProgram({python_, "tests/iceberg/pyiceberg_history.py", "snapshots", CatalogUri(),
                         "streampro", table, column});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    auto doc = std::make_unique<e2e::JsonDocument>(run.out);
    EXPECT_TRUE(doc->ok()) << doc->error() << run.out << run.err;
    return doc;
  }

  std::unique_ptr<e2e::JsonDocument> ParquetValues(const std::string& column,
                                                   const std::vector<std::string>& files) {
    std::vector<std::string> argv = {python_, "tests/iceberg/pyiceberg_history.py", "parquet",
                                     column};
    argv.insert(argv.end(), files.begin(), files.end());
    const e2e::RunResult run = e2e::RunProgram(argv);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return std::make_unique<e2e::JsonDocument>(run.out);
  }

  // The Parquet files of a partition folder, full paths.
  std::vector<std::string> PartitionFiles(const std::string& table, const std::string& date) {
    const std::string folder = dir_ / (table + "/ingestion_date=" + date);
    std::vector<std::string> files;
    for (const std::string& f : e2e::ListFiles(folder, ".parquet"))
      files.push_back(folder + "/" + f);
    return files;
  }

  // Every file under `{table}/_iceberg`, full paths.
  std::set<std::string> IcebergFiles(const std::string& table) {
    const std::string folder = dir_ / (table + "/_iceberg");
    std::set<std::string> files;
    for (const std::string& f : e2e::ListFiles(folder)) files.insert(folder + "/" + f);
    return files;
  }

  // What a snapshot of `doc` references: data files, manifests, manifest list.
  static std::set<std::string> References(const e2e::JsonDocument& doc, size_t s) {
    std::set<std::string> refs;
    const std::string p = fmt::format("/snapshots/{}", s);
    refs.insert(doc.String(p + "/manifest_list"));
    for (const char* key : {"/data_files", "/manifests"}) {
      for (size_t i = 0; i < doc.Size(p + key); ++i) {
        refs.insert(doc.String(fmt::format("{}{}/{}", p, key, i)));
      }
    }
    return refs;
  }

  testing::TempDir dir_;
  std::string python_;
};

// The expiry rules on four snapshots committed at days 1, 2, 3 and 4 (ms), the newest
// current: both rules together expire a snapshot only when both say so.
TEST(IcebergExpireRuleTest, OlderThanAndNotAmongTheNewest) {
  iceberg::TableMetadata m;
  for (int64_t day = 1; day <= 4; ++day) {
    iceberg::Snapshot s;
    s.snapshot_id = 100 + day;
    s.sequence_number = day;
    s.timestamp_ms = day * 86400000;
    m.snapshots.push_back(s);
  }
  m.current_snapshot_id = 104;
  const auto expired = [&](std::optional<int64_t> keep, std::optional<int64_t> before_day) {
    iceberg::ExpireOptions o;
    o.keep_snapshots = keep;
    if (before_day) o.older_than_ms = *before_day * 86400000;
    return iceberg::ExpiredSnapshots(m, o);
  };
  using Ids = std::vector<int64_t>;
  EXPECT_EQ(expired(std::nullopt, std::nullopt), Ids{});
  EXPECT_EQ(expired(2, std::nullopt), (Ids{101, 102}));
  EXPECT_EQ(expired(1, std::nullopt), (Ids{101, 102, 103}));
  EXPECT_EQ(expired(std::nullopt, 3), (Ids{101, 102}));         // committed before day 3
  EXPECT_EQ(expired(std::nullopt, 100), (Ids{101, 102, 103}));  // never the current one
  EXPECT_EQ(expired(3, 3), (Ids{101}));                         // older AND beyond the newest 3
  EXPECT_EQ(expired(1, 2), (Ids{101}));
  // The current snapshot is kept even when it is not the newest.
  m.current_snapshot_id = 102;
  EXPECT_EQ(expired(1, std::nullopt), (Ids{101, 103}));
}

// Item 1: a re-run of D with other landing data keeps the previous snapshot readable.
TEST_F(IcebergHistoryTest, TimeTravelAcrossAReRunReadsThePreviousRunsRows) {
  ASSERT_EQ(Pipeline(kDate).exit_code, 0);
  // The first run's files, copied aside before the re-run replaces them.
  std::vector<std::string> aside;
  for (const std::string& f : PartitionFiles(kUsers, kDate)) {
    aside.push_back(dir_ / ("aside-" + fs::path(f).filename().string()));
    fs::copy_file(f, aside.back());
  }
  ASSERT_FALSE(aside.empty());
  Truncate(fmt::format("users_{}.csv", kDate), 41);  // header + 40 users
  const e2e::RunResult rerun = Pipeline(kDate);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;

  const auto before = ParquetValues("user_id", aside);
  const auto now = ParquetValues("user_id", PartitionFiles(kUsers, kDate));
  ASSERT_NE(before->Int("/rows"), now->Int("/rows"));
  EXPECT_LE(now->Int("/rows"), 40);

  const auto doc = Snapshots("trusted_users", "user_id");
  ASSERT_EQ(doc->Size("/snapshots"), 2U);
  EXPECT_EQ(doc->Int("/current"), doc->Int("/snapshots/1/id"));
  EXPECT_EQ(doc->Int("/snapshots/0/rows"), before->Int("/rows"));
  EXPECT_EQ(doc->Minified("/snapshots/0/values"), before->Minified("/values"));
  EXPECT_EQ(doc->Int("/snapshots/1/rows"), now->Int("/rows"));
  EXPECT_EQ(doc->Minified("/snapshots/1/values"), now->Minified("/values"));
  // Both snapshots name immutable paths of their own under _iceberg/data.
  const std::string data = dir_ / (kUsers + "/_iceberg/data/ingestion_date=2025-09-09/");
  for (size_t s = 0; s < 2; ++s) {
    for (size_t i = 0; i < doc->Size(fmt::format("/snapshots/{}/data_files", s)); ++i) {
      const std::string path = doc->String(fmt::format("/snapshots/{}/data_files/{}", s, i));
      EXPECT_TRUE(path.starts_with(data)) << path;
    }
  }
  EXPECT_NE(doc->Minified("/snapshots/0/data_files"), doc->Minified("/snapshots/1/data_files"));
}

// Item 2: a reader looping over the current snapshot while D is re-run and a later date
// is added always sees one whole snapshot.
TEST_F(IcebergHistoryTest, AReaderAlwaysSeesAWholeSnapshot) {
  ASSERT_EQ(Pipeline(kDate).exit_code, 0);
  CopyLandingAs(kNextDate);
  const std::string out = dir_ / "reads.jsonl";
  const std::string stop = dir_ / "stop";
  // The reader stops however the test ends.
  struct StopReader {
    std::string path;
    ~StopReader() { std::ofstream(path) << "stop\n"; }
  } stop_reader{stop};
  ASSERT_EQ(std::system(fmt::format("'{}' tests/iceberg/pyiceberg_history.py loop '{}' streampro "
                                    "trusted_events '{}' '{}' >/dev/null 2>&1 &",
                                    python_, CatalogUri(), stop, out)
                            .c_str()),
            0);
  const auto lines_of = [&] {
    std::vector<std::string> lines;
    std::istringstream in(e2e::ReadFileOrEmpty(out));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  };
  const auto wait_for = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 600 && !done(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  };
  wait_for([&] { return !lines_of().empty(); });
  ASSERT_FALSE(lines_of().empty()) << "the reader did not start";
  // Events of D re-run with half the lines, then D+1 added.
  Truncate(fmt::format("events_{}.jsonl", kDate), 7000);
  EXPECT_EQ(Pipeline(kDate).exit_code, 0);
  EXPECT_EQ(Pipeline(kNextDate).exit_code, 0);
  const size_t after_runs = lines_of().size();
  wait_for([&] { return lines_of().size() > after_runs + 1; });
  std::ofstream(stop) << "stop\n";
  wait_for([&] { return lines_of().back().starts_with("{\"done\""); });  // not empty: see above

  const auto doc = Snapshots("trusted_events", "event_name");
  ASSERT_EQ(doc->Size("/snapshots"), 3U);
  std::map<int64_t, int64_t> rows_of;
  for (size_t s = 0; s < 3; ++s) {
    rows_of[doc->Int(fmt::format("/snapshots/{}/id", s))] =
        doc->Int(fmt::format("/snapshots/{}/rows", s));
  }
  // Three different counts: a mix of two snapshots would show as another number.
  ASSERT_EQ(std::set<int64_t>({rows_of.begin()->second, std::next(rows_of.begin())->second,
                               rows_of.rbegin()->second})
                .size(),
            3U);
  const std::vector<std::string> lines = lines_of();
  ASSERT_TRUE(lines.back().starts_with("{\"done\"")) << lines.back();
  std::set<int64_t> seen;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    e2e::JsonDocument read(lines[i]);
    ASSERT_FALSE(read.Has("/error")) << lines[i];
    const int64_t id = read.Int("/snapshot");
    ASSERT_EQ(rows_of.count(id), 1U) << lines[i];
    EXPECT_EQ(read.Int("/rows"), rows_of[id]) << lines[i];
    seen.insert(id);
  }
  std::printf("reader: %zu scans, %zu snapshots seen\n", lines.size() - 1, seen.size());
  EXPECT_GE(lines.size(), 4U);
  EXPECT_GE(seen.size(), 2U) << "the reader saw only one snapshot";
}

// Item 3: expire keeps the newest snapshots readable and deletes exactly the files only
// the expired ones referenced; a dry run changes nothing.
TEST_F(IcebergHistoryTest, ExpireDeletesExactlyTheFilesNoKeptSnapshotReferences) {
  ASSERT_EQ(Pipeline(kDate).exit_code, 0);
  Truncate(fmt::format("users_{}.csv", kDate), 41);
  ASSERT_EQ(Pipeline(kDate).exit_code, 0);
  CopyLandingAs(kNextDate);
  ASSERT_EQ(Pipeline(kNextDate).exit_code, 0);

  const auto before = Snapshots("trusted_users", "user_id");
  ASSERT_EQ(before->Size("/snapshots"), 3U);
  const std::set<std::string> files_before = IcebergFiles(kUsers);

  e2e::RunResult dry = Streampro({"expire", "--keep-snapshots", "2", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("Expire (dry run, nothing changed): 9 snapshots of 9 tables"),
            std::string::npos)
      << dry.out;
  EXPECT_EQ(IcebergFiles(kUsers), files_before);

  // By hand: the oldest snapshot goes; what the two newest reference stays, and so do the
  // metadata files (3 commits, within the kept metadata-log).
  std::set<std::string> kept = References(*before, 1);
  kept.merge(References(*before, 2));
  std::set<std::string> expected_deleted;
  for (const std::string& f : files_before) {
    if (kept.count(f) == 0 && !f.ends_with(".metadata.json")) expected_deleted.insert(f);
  }
  ASSERT_FALSE(expected_deleted.empty());
  for (const std::string& f : expected_deleted) {
    EXPECT_NE(dry.out.find(f), std::string::npos) << "dry run does not list " << f;
  }

  const e2e::RunResult run = Streampro({"expire", "--keep-snapshots", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("Expire: 9 snapshots of 9 tables"), std::string::npos) << run.out;
  const std::set<std::string> files_after = IcebergFiles(kUsers);
  std::set<std::string> deleted, added;
  std::set_difference(files_before.begin(), files_before.end(), files_after.begin(),
                      files_after.end(), std::inserter(deleted, deleted.end()));
  std::set_difference(files_after.begin(), files_after.end(), files_before.begin(),
                      files_before.end(), std::inserter(added, added.end()));
  EXPECT_EQ(deleted, expected_deleted);
  ASSERT_EQ(added.size(), 1U);
  EXPECT_TRUE(added.begin()->ends_with(".metadata.json")) << *added.begin();

  const auto after = Snapshots("trusted_users", "user_id");
  ASSERT_EQ(after->Size("/snapshots"), 2U);
  for (size_t s = 0; s < 2; ++s) {
    EXPECT_EQ(after->Minified(fmt::format("/snapshots/{}", s)),
              before->Minified(fmt::format("/snapshots/{}", s + 1)));
  }
  EXPECT_EQ(after->Int("/current"), before->Int("/current"));

  // Nothing more to expire: nothing changes.
  const e2e::RunResult again = Streampro({"expire", "--keep-snapshots", "2"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("Expire: 0 snapshots of 9 tables, 0 files (0 bytes) deleted"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(IcebergFiles(kUsers), files_after);
}

TEST_F(IcebergHistoryTest, KeepDatesDropsOldEnrichedDatesAndUsageErrors) {
  ASSERT_EQ(Pipeline(kDate).exit_code, 0);
  CopyLandingAs(kNextDate);
  ASSERT_EQ(Pipeline(kNextDate).exit_code, 0);
  const e2e::RunResult run = Streampro({"expire", "--keep-dates", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("Enriched dates: dropped 4 partitions older than the newest 1"),
            std::string::npos)
      << run.out;
  EXPECT_FALSE(fs::exists(dir_ / "lake/enriched/user_sessions/ingestion_date=2025-09-09"));
  EXPECT_TRUE(fs::exists(dir_ / "lake/trusted/users/ingestion_date=2025-09-09"));
  const auto doc = Snapshots("user_sessions", "user_id");
  ASSERT_EQ(doc->Size("/snapshots"), 3U);
  const auto next =
      ParquetValues("user_id", PartitionFiles("lake/enriched/user_sessions", kNextDate));
  EXPECT_EQ(doc->Minified("/snapshots/2/values"), next->Minified("/values"));

  EXPECT_EQ(Streampro({"expire"}).exit_code, 2);
  EXPECT_EQ(e2e::RunStreampro({"expire", "--env", "test", "--lake", Lake(), "--keep-dates", "1"})
                .exit_code,
            2);
}

// Item 4: a run killed at each step of the Iceberg commit leaves the catalog on a whole
// snapshot; the next run removes the killed run's files under _iceberg/ and says so.
TEST_F(IcebergHistoryTest, AKilledCommitLeavesAWholeSnapshotAndItsOrphansAreRemoved) {
  ASSERT_EQ(Pipeline(kDate).exit_code, 0);
  size_t lines = 100;
  for (const std::string step : {"iceberg_linked", "iceberg_manifest_written",
                                 "iceberg_metadata_written", "iceberg_committed"}) {
    SCOPED_TRACE(step);
    Truncate(fmt::format("users_{}.csv", kDate), lines -= 10);
    const e2e::RunResult killed =
        e2e::RunProgram({STREAMPRO_FAULT_DRIVER, "pipeline", "--env", "test", "--landing",
                         dir_ / "landing", "--lake", Lake(), "--ingestion-date", kDate},
                        {{"STREAMPRO_CATALOG", CatalogUri()}, {"FAULT_CRASH_AFTER", step}});
    ASSERT_EQ(killed.exit_code, 86) << killed.err;
    const auto hive = ParquetValues("user_id", PartitionFiles(kUsers, kDate));
    // The catalog is on a whole snapshot: the previous one, or (committed) the new one.
    const auto doc = Snapshots("trusted_users", "user_id");
    const size_t n = doc->Size("/snapshots");
    ASSERT_GE(n, 1U);
    const std::string current = fmt::format("/snapshots/{}", n - 1);
    EXPECT_EQ(doc->Int("/current"), doc->Int(current + "/id"));
    if (std::string(step) == "iceberg_committed") {
      EXPECT_EQ(doc->Minified(current + "/values"), hive->Minified("/values"));
    } else {
      EXPECT_NE(doc->Minified(current + "/values"), hive->Minified("/values"));
    }

    const e2e::RunResult next = Pipeline(kDate);
    ASSERT_EQ(next.exit_code, 0) << next.err;
    if (std::string(step) != "iceberg_committed") {
      EXPECT_NE(next.err.find("Cleaned up after an interrupted Iceberg commit of trusted_users: "
                              "removed "),
                std::string::npos)
          << next.err;
    }
    // Every file under _iceberg is the current metadata, one in its log, or referenced by
    // a snapshot; no marker is left.
    const auto after = Snapshots("trusted_users", "user_id");
    std::set<std::string> referenced;
    for (size_t s = 0; s < after->Size("/snapshots"); ++s) referenced.merge(References(*after, s));
    size_t metadata_files = 0;
    for (const std::string& f : IcebergFiles(kUsers)) {
      if (f.ends_with(".metadata.json")) {
        ++metadata_files;
        continue;
      }
      EXPECT_EQ(referenced.count(f), 1U) << "not referenced: " << f;
    }
    // One metadata file per snapshot: no stopped commit's metadata stays.
    EXPECT_EQ(metadata_files, after->Size("/snapshots"));
    EXPECT_EQ(after->Minified(fmt::format("/snapshots/{}/values", after->Size("/snapshots") - 1)),
              ParquetValues("user_id", PartitionFiles(kUsers, kDate))->Minified("/values"));
  }
}

}  // namespace
}  // namespace streampro
