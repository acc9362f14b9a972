// The readers against the bundled sample and a generated dataset: counters must equal
// truth.json, and kept events must equal the independent reference reader's.

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "formats/common/truth_counters.h"
#include "formats/csv/csv_reader.h"
#include "formats/jsonl/event_reader.h"
#include "formats/jsonl/event_schema.h"
#include "support/reference_reader.h"
#include "support/temp_dir.h"

namespace streampro::formats::jsonl {
namespace {

using testing::Describe;
using testing::ExpectedCounters;

struct Landing {
  csv::DimensionTable users{Table::kUsers};
  csv::DimensionTable videos{Table::kVideos};
  csv::DimensionTable devices{Table::kDevices};
  EventTable events;
};

Landing ReadLanding(const std::string& dir, const std::string& date, int threads) {
  Landing landing;
  csv::CsvReadOptions csv_options;
  csv_options.chunking.threads = threads;
  auto read_csv = [&](Table table) {
    auto file = OpenLocalFile(fmt::format("{}/{}_{}.csv", dir, TableName(table), date));
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    auto result = csv::ReadDimensionCsv(**file, table, csv_options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return std::move(result).value();
  };
  landing.users = read_csv(Table::kUsers);
  landing.videos = read_csv(Table::kVideos);
  landing.devices = read_csv(Table::kDevices);
  EventReadOptions options;
  options.chunking.threads = threads;
  options.chunking.chunk_bytes = 256 << 10;
  options.known_users = KeySet::FromColumn(landing.users.rows.column(0));
  options.known_videos = KeySet::FromColumn(landing.videos.rows.column(0));
  auto file = OpenLocalFile(fmt::format("{}/events_{}.jsonl", dir, date));
  EXPECT_TRUE(file.ok());
  auto events = ReadAllEvents(**file, options);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  landing.events = std::move(events).value();
  return landing;
}

void ExpectCountersMatchTruth(const Landing& landing, const std::string& truth) {
  for (const auto& [table, counters] :
       {std::pair{"users", &landing.users.counters}, std::pair{"videos", &landing.videos.counters},
        std::pair{"devices", &landing.devices.counters},
        std::pair{"events", &landing.events.counters}}) {
    const FileCounters expected = ExpectedCounters(truth, table);
    EXPECT_EQ(*counters, expected) << table << "\n  got:      " << Describe(*counters)
                                   << "\n  expected: " << Describe(expected);
  }
}

void ExpectKeptEqualsReference(const std::string& dir, const std::string& date,
                               const Landing& landing) {
  const std::string users_csv = testing::ReadOrDie(fmt::format("{}/users_{}.csv", dir, date));
  const std::string videos_csv = testing::ReadOrDie(fmt::format("{}/videos_{}.csv", dir, date));
  const auto users = testing::ReadDimension("users", users_csv);
  const auto videos = testing::ReadDimension("videos", videos_csv);
  std::set<std::string> user_ids, video_ids;
  for (const auto& [id, row] : users.rows) user_ids.insert(id);
  for (const auto& [id, row] : videos.rows) video_ids.insert(id);
  const std::string events_jsonl = testing::ReadOrDie(fmt::format("{}/events_{}.jsonl", dir, date));
  const testing::EventsResult reference = testing::ReadEvents(events_jsonl, user_ids, video_ids);

  const RecordBatch& kept = landing.events.kept;
  ASSERT_EQ(kept.num_rows(), static_cast<int64_t>(reference.kept.size()));
  auto optional_string = [&](int column, int64_t row) -> std::optional<std::string> {
    if (kept.column(column).IsNull(row)) return std::nullopt;
    return std::string(kept.column(column).string_value(row));
  };
  int mismatches = 0;
  for (int64_t row = 0; row < kept.num_rows() && mismatches < 10; ++row) {
    const testing::KeptEvent& want = reference.kept[static_cast<size_t>(row)];
    const auto r = static_cast<size_t>(row);
    const bool same = kept.column(kSourceLineColumn).int64_values()[r] == want.line &&
                      kept.column(kTimestampColumn).int64_values()[r] == want.micros &&
                      kept.column(kUserIdColumn).string_value(row) == want.user_id &&
                      kept.column(kSessionIdColumn).string_value(row) == want.session_id &&
                      kept.column(kEventNameColumn).string_value(row) == want.event_name &&
                      optional_string(kVideoIdColumn, row) == want.video_id &&
                      optional_string(kDeviceOsColumn, row) == want.device_os &&
                      optional_string(kAppVersionColumn, row) == want.app_version &&
                      optional_string(kDeviceColumn, row) == want.device &&
                      (kept.column(kValueColumn).IsNull(row)
                           ? !want.value.has_value()
                           : (want.value.has_value() &&
                              kept.column(kValueColumn).double_values()[r] == *want.value));
    if (!same) {
      ++mismatches;
      ADD_FAILURE() << "kept row " << row << " differs from the reference (reference line "
                    << want.line << ")";
    }
  }
  // The reference's counters agree with ours too (both read by SPEC §7).
  EXPECT_EQ(landing.events.counters.rows_in, reference.counters.rows_in);
  EXPECT_EQ(landing.events.counters.rows_duplicate, reference.counters.rows_duplicate);
}

TEST(EventsLandingTest, BundledSampleMatchesTruthWithOneAndFourThreads) {
  const std::string dir = std::string(STREAMPRO_SOURCE_DIR) + "/data/landing";
  for (int threads : {1, 4}) {
    SCOPED_TRACE(threads);
    const Landing landing = ReadLanding(dir, "2025-09-09", threads);
    ExpectCountersMatchTruth(landing, dir + "/truth.json");
    ExpectKeptEqualsReference(dir, "2025-09-09", landing);
    EXPECT_TRUE(landing.events.kept.Validate().ok());
    EXPECT_EQ(landing.events.rejects.num_rows(), landing.events.counters.rows_rejected);
  }
}

TEST(EventsLandingTest, GeneratedDirtyDatasetMatchesTruthAndReference) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::RunGenerator(dir.path(), "--events 300000 --seed 7 --dirty-rate 0.03"));
  const Landing landing = ReadLanding(dir.path(), "2025-09-09", 0);
  ExpectCountersMatchTruth(landing, dir / "truth.json");
  ExpectKeptEqualsReference(dir.path(), "2025-09-09", landing);
  EXPECT_GT(landing.events.counters.rows_kept, 250000);
}

}  // namespace
}  // namespace streampro::formats::jsonl
