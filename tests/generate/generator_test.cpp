#include "generate/generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>

#include "support/reference_reader.h"
#include "support/temp_dir.h"

namespace streampro::generate {
namespace {

using testing::ReadOrDie;
using testing::TempDir;

const char* const kFiles[] = {"users_2025-09-09.csv", "videos_2025-09-09.csv",
                              "devices_2025-09-09.csv", "events_2025-09-09.jsonl", "truth.json"};

GenerateSummary GenerateOrDie(GeneratorOptions options) {
  auto summary = GenerateLanding(options);
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  if (!summary.ok()) std::abort();
  return *summary;
}

bool IsNumber(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

GeneratorOptions Defaults(const std::string& out) {
  GeneratorOptions options;
  options.out_dir = out;
  return options;
}

// Everything the reference reader derives from one generated landing set.
struct ReadBack {
  testing::DimensionResult users, videos, devices;
  testing::EventsResult events;
  std::vector<testing::SessionFacts> sessions;
  testing::Metrics metrics;
};

ReadBack ReadLanding(const std::string& dir) {
  ReadBack r;
  r.users = testing::ReadDimension("users", ReadOrDie(dir + "/users_2025-09-09.csv"));
  r.videos = testing::ReadDimension("videos", ReadOrDie(dir + "/videos_2025-09-09.csv"));
  r.devices = testing::ReadDimension("devices", ReadOrDie(dir + "/devices_2025-09-09.csv"));
  std::set<std::string> user_ids, video_ids;
  std::map<std::string, std::string> genre_of_video;
  for (const auto& [id, row] : r.users.rows) user_ids.insert(id);
  for (const auto& [id, row] : r.videos.rows) {
    video_ids.insert(id);
    genre_of_video[id] = row.at("genre");
  }
  r.events = testing::ReadEvents(ReadOrDie(dir + "/events_2025-09-09.jsonl"), user_ids, video_ids);
  r.sessions = testing::BuildSessions(r.events.kept, genre_of_video);
  r.metrics = testing::ComputeMetrics(r.sessions, user_ids);
  return r;
}

class Truth {
 public:
  explicit Truth(const std::string& dir) {
    const auto error = parser_.load(dir + "/truth.json").get(root_);
    if (error != simdjson::SUCCESS) std::abort();
  }
  simdjson::dom::element operator[](std::string_view key) const { return root_[key].value(); }
  int64_t Int(std::string_view pointer) const {
    return root_.at_pointer(pointer).get_int64().value();
  }
  std::string Str(std::string_view pointer) const {
    return std::string(root_.at_pointer(pointer).get_string().value());
  }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
};

void ExpectCountersMatch(const Truth& truth, const std::string& table,
                         const testing::Counters& actual) {
  const std::string base = "/expected/tables/" + table;
  SCOPED_TRACE(table);
  EXPECT_EQ(actual.rows_in, truth.Int(base + "/rows_in"));
  EXPECT_EQ(actual.rows_kept, truth.Int(base + "/rows_kept"));
  EXPECT_EQ(actual.rows_rejected, truth.Int(base + "/rows_rejected"));
  EXPECT_EQ(actual.rows_duplicate, truth.Int(base + "/rows_duplicate"));
  std::map<std::string, int64_t> expected_reasons;
  for (auto [reason, count] :
       truth["expected"]["tables"][table]["rejected_by_reason"].get_object()) {
    expected_reasons[std::string(reason)] = count.get_int64().value();
  }
  EXPECT_EQ(actual.rejected_by_reason, expected_reasons);
}

TEST(GeneratorTest, SameArgumentsGiveByteIdenticalFilesWhateverTheThreadCount) {
  TempDir one, two, three;
  GeneratorOptions options = Defaults(one.path());
  options.users = 700;  // three blocks of users
  options.threads = 1;
  GenerateOrDie(options);
  options.out_dir = two.path();
  options.threads = 2;
  GenerateOrDie(options);
  options.out_dir = three.path();
  options.threads = 5;
  GenerateOrDie(options);
  for (const char* file : kFiles) {
    const std::string a = ReadOrDie(one / file);
    EXPECT_EQ(a, ReadOrDie(two / file)) << file;
    EXPECT_EQ(a, ReadOrDie(three / file)) << file;
  }
}

TEST(GeneratorTest, DifferentSeedsGiveDifferentData) {
  TempDir one, two;
  GeneratorOptions options = Defaults(one.path());
  GenerateOrDie(options);
  options.out_dir = two.path();
  options.seed = 7;
  GenerateOrDie(options);
  EXPECT_NE(ReadOrDie(one / "events_2025-09-09.jsonl"), ReadOrDie(two / "events_2025-09-09.jsonl"));
  EXPECT_NE(ReadOrDie(one / "users_2025-09-09.csv"), ReadOrDie(two / "users_2025-09-09.csv"));
}

TEST(GeneratorTest, BundledSampleIsRegeneratedByteForByte) {
  TempDir fresh;
  GenerateOrDie(Defaults(fresh.path()));
  const std::string bundled = std::string(STREAMPRO_SOURCE_DIR) + "/data/landing";
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(bundled)) {
    names.insert(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::set<std::string>(std::begin(kFiles), std::end(kFiles)));
  for (const char* file : kFiles) {
    EXPECT_TRUE(ReadOrDie(bundled + "/" + file) == ReadOrDie(fresh / file))
        << file << " differs from a fresh `streampro generate` with default arguments; "
        << "run `make sample` if the change is intended";
  }
}

TEST(GeneratorTest, DefaultShapeMatchesTheOriginalSample) {
  TempDir dir;
  GeneratorOptions options = Defaults(dir.path());
  options.dirty_rate = 0;
  const GenerateSummary summary = GenerateOrDie(options);
  const ReadBack r = ReadLanding(dir.path());

  EXPECT_EQ(r.users.rows.size(), 100u);
  EXPECT_EQ(r.videos.rows.size(), 20u);
  EXPECT_EQ(r.devices.rows.size(), 5u);
  std::set<std::string> genres;
  for (const auto& [id, row] : r.videos.rows) genres.insert(row.at("genre"));
  EXPECT_GE(genres.size(), 4u);

  const auto n = static_cast<int64_t>(r.events.kept.size());
  EXPECT_EQ(n, summary.stats.events);
  EXPECT_GE(n, 13000);
  EXPECT_LE(n, 14500);
  const double sessions_per_user = static_cast<double>(r.sessions.size()) / 100.0;
  EXPECT_GE(sessions_per_user, 9.0);
  EXPECT_LE(sessions_per_user, 11.0);

  // Five days ending on the ingestion date.
  const int64_t window_start = *testing::ParseTimestamp("2025-09-05T00:00:00Z");
  const int64_t window_end = *testing::ParseTimestamp("2025-09-10T00:00:00Z");
  std::set<int64_t> days;
  std::map<std::string, int64_t> mix;
  std::map<std::string, std::set<std::string>> attributes_of_session;
  std::map<std::string, std::vector<int64_t>> times_of_session;
  for (const auto& e : r.events.kept) {
    ASSERT_GE(e.micros, window_start);
    ASSERT_LT(e.micros, window_end);
    days.insert((e.micros - window_start) / 86'400'000'000LL);
    ++mix[e.event_name];
    // Session ids look like user_12_sess_3_1: the user's id, then two numbers.
    ASSERT_EQ(e.session_id.rfind(e.user_id + "_sess_", 0), 0u) << e.session_id;
    const std::string tail = e.session_id.substr(e.user_id.size() + 6);
    const size_t sep = tail.find('_');
    ASSERT_NE(sep, std::string::npos) << e.session_id;
    EXPECT_TRUE(IsNumber(tail.substr(0, sep)) && IsNumber(tail.substr(sep + 1))) << e.session_id;
    attributes_of_session[e.session_id].insert(
        e.device_os.value_or("") + "|" + e.app_version.value_or("") + "|" + e.device.value_or(""));
    times_of_session[e.session_id].push_back(e.micros);
  }
  EXPECT_EQ(days.size(), 5u);
  for (const char* name :
       {"session_start", "play", "watch_time", "pause", "like", "heart", "session_end"}) {
    EXPECT_GT(mix[name], 0) << name;
  }
  EXPECT_GT(mix["watch_time"], n / 3);
  for (const auto& [session, attributes] : attributes_of_session) {
    EXPECT_EQ(attributes.size(), 1u) << session << " spans several devices or versions";
  }
  std::vector<int64_t> gaps;
  for (auto& [session, times] : times_of_session) {
    std::sort(times.begin(), times.end());
    for (size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
  }
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  EXPECT_NEAR(gaps[gaps.size() / 2] / 1e6, 5.0, 0.5) << "events should be about 5 s apart";
}

TEST(GeneratorTest, CsvFilesFollowTheSchema) {
  TempDir dir;
  GeneratorOptions options = Defaults(dir.path());
  options.dirty_rate = 0;
  GenerateOrDie(options);
  const std::pair<const char*, const char*> headers[] = {
      {"users_2025-09-09.csv", "user_id,signup_date,subscription_tier,age_group,gender"},
      {"videos_2025-09-09.csv", "video_id,title,genre,duration_seconds,patent_id"},
      {"devices_2025-09-09.csv", "device,os,model,os_version"}};
  for (const auto& [file, header] : headers) {
    const auto lines = testing::SplitLines(ReadOrDie(dir / file));
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0], header);
    const size_t columns = testing::SplitCsvLine(header)->size();
    for (size_t i = 1; i < lines.size(); ++i) {
      if (lines[i].empty() && i + 1 == lines.size()) continue;
      const auto fields = testing::SplitCsvLine(lines[i]);
      ASSERT_TRUE(fields.has_value()) << file << ":" << i + 1;
      EXPECT_EQ(fields->size(), columns) << file << ":" << i + 1;
    }
  }
  const ReadBack r = ReadLanding(dir.path());
  EXPECT_EQ(r.users.counters.rows_rejected + r.videos.counters.rows_rejected +
                r.devices.counters.rows_rejected,
            0);
  for (const auto& [id, row] : r.users.rows) {
    EXPECT_TRUE(row.at("subscription_tier") == "Free" || row.at("subscription_tier") == "Basic" ||
                row.at("subscription_tier") == "Premium");
  }
  for (const auto& [id, row] : r.devices.rows) {
    EXPECT_FALSE(row.at("os").empty());
    EXPECT_FALSE(row.at("os_version").empty());
  }
}

TEST(GeneratorTest, EventLinesFollowTheSchema) {
  TempDir dir;
  GeneratorOptions options = Defaults(dir.path());
  options.dirty_rate = 0;
  GenerateOrDie(options);
  const std::set<std::string_view> known = {
      "timestamp", "account_id", "user_id",     "session_id",   "event_name", "video_id", "value",
      "device",    "device_os",  "app_version", "network_type", "ip",         "country"};
  const std::set<std::string_view> strings = {
      "timestamp", "account_id", "user_id",     "session_id",   "event_name", "video_id",
      "device",    "device_os",  "app_version", "network_type", "ip",         "country"};
  simdjson::dom::parser parser;
  const auto lines = testing::SplitLines(ReadOrDie(dir / "events_2025-09-09.jsonl"));
  size_t records = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty() && i + 1 == lines.size()) continue;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(simdjson::padded_string(lines[i])).get(doc), simdjson::SUCCESS)
        << "line " << i + 1;
    ASSERT_TRUE(doc.is_object());
    ++records;
    for (auto [key, value] : doc.get_object()) {
      EXPECT_TRUE(known.count(key)) << "unexpected field " << key;
      if (strings.count(key)) {
        EXPECT_TRUE(value.is_string()) << key << " line " << i + 1;
      }
    }
    for (const char* required : {"timestamp", "user_id", "event_name", "session_id"}) {
      EXPECT_EQ(doc[required].error(), simdjson::SUCCESS) << required << " line " << i + 1;
    }
    const std::string_view ts = doc["timestamp"].get_string().value();
    EXPECT_TRUE(testing::ParseTimestamp(ts).has_value()) << ts;
    if (doc["event_name"].get_string().value() == "watch_time") {
      const double value = doc["value"].get_double().value();
      EXPECT_GT(value, 0);
      EXPECT_LE(value, 86400);
    }
  }
  EXPECT_GT(records, 13000u);
}

TEST(GeneratorTest, PlantedSignalsAreVisibleInTheData) {
  TempDir dir;
  GeneratorOptions options = Defaults(dir.path());
  options.users = 2000;
  GenerateOrDie(options);
  const Truth truth(dir.path());
  const ReadBack r = ReadLanding(dir.path());

  // Q2: the planted genre retains best, by a clear margin.
  const std::string planted_genre = truth.Str("/planted/retention_genre");
  std::vector<std::pair<double, std::string>> rates;
  for (const auto& [genre, g] : r.metrics.by_genre) {
    ASSERT_GE(g.new_users, 100) << genre;
    rates.emplace_back(static_cast<double>(g.returned_within_3d) / g.new_users, genre);
  }
  std::sort(rates.rbegin(), rates.rend());
  EXPECT_EQ(rates[0].second, planted_genre);
  EXPECT_GT(rates[0].first, 1.5 * rates[1].first);

  // Q3: the planted device_os x app_version pair drops off most, far above the rest.
  const auto planted_segment = std::make_pair(truth.Str("/planted/drop_off_segment/device_os"),
                                              truth.Str("/planted/drop_off_segment/app_version"));
  int64_t total_sessions = 0, total_drops = 0;
  std::pair<std::string, std::string> worst;
  double worst_rate = -1;
  for (const auto& [segment, counts] : r.metrics.segments) {
    total_sessions += counts.first;
    total_drops += counts.second;
    const double rate = static_cast<double>(counts.second) / counts.first;
    if (rate > worst_rate) {
      worst_rate = rate;
      worst = segment;
    }
  }
  EXPECT_EQ(worst, planted_segment);
  const auto& planted = r.metrics.segments.at(planted_segment);
  const double rest_rate = static_cast<double>(total_drops - planted.second) /
                           static_cast<double>(total_sessions - planted.first);
  EXPECT_GE(worst_rate / rest_rate, 2.0);

  // truth.json states exactly what the data yields.
  EXPECT_EQ(r.metrics.new_users, truth.Int("/expected/q1/new_users"));
  EXPECT_EQ(r.metrics.reached_30s, truth.Int("/expected/q1/reached_30s"));
  EXPECT_EQ(static_cast<int64_t>(r.users.rows.size()) - r.metrics.new_users,
            truth.Int("/expected/q1/never_active"));
  for (auto g : truth["expected"]["q2"]["genres"].get_array()) {
    const std::string genre(g["genre"].get_string().value());
    const auto it = r.metrics.by_genre.find(genre);
    ASSERT_NE(it, r.metrics.by_genre.end()) << genre;
    EXPECT_EQ(it->second.new_users, g["new_users"].get_int64().value()) << genre;
    EXPECT_EQ(it->second.returned_within_3d, g["returned_within_3d"].get_int64().value()) << genre;
  }
  size_t segments = 0;
  for (auto s : truth["expected"]["q3"]["segments"].get_array()) {
    const auto key = std::make_pair(std::string(s["device_os"].get_string().value()),
                                    std::string(s["app_version"].get_string().value()));
    const auto& counts = r.metrics.segments.at(key);
    EXPECT_EQ(counts.first, s["sessions"].get_int64().value());
    EXPECT_EQ(counts.second, s["drop_offs"].get_int64().value());
    ++segments;
  }
  EXPECT_EQ(segments, r.metrics.segments.size());
}

TEST(GeneratorTest, EveryDirtyKindIsPresentAtTheDefaultRate) {
  TempDir dir;
  GenerateOrDie(Defaults(dir.path()));
  const Truth truth(dir.path());
  for (const char* table : {"users", "videos", "devices", "events"}) {
    size_t kinds = 0;
    for (auto [kind, count] : truth["injected"][table].get_object()) {
      EXPECT_GE(count.get_int64().value(), 1) << table << "." << kind;
      ++kinds;
    }
    EXPECT_EQ(kinds, KindsOf(*TableFromName(table)).size()) << table;
  }
  // The reference reader, applying SPEC §7 on its own, lands on truth.json's counters.
  const ReadBack r = ReadLanding(dir.path());
  ExpectCountersMatch(truth, "users", r.users.counters);
  ExpectCountersMatch(truth, "videos", r.videos.counters);
  ExpectCountersMatch(truth, "devices", r.devices.counters);
  ExpectCountersMatch(truth, "events", r.events.counters);
  // And the clean signal survives the dirt untouched.
  EXPECT_EQ(r.metrics.new_users, truth.Int("/expected/q1/new_users"));
  EXPECT_EQ(r.metrics.reached_30s, truth.Int("/expected/q1/reached_30s"));

  const std::string events = ReadOrDie(dir / "events_2025-09-09.jsonl");
  EXPECT_EQ(events.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(events.find("\r\n"), std::string::npos);
  EXPECT_NE(ReadOrDie(dir / "videos_2025-09-09.csv").find("\"\""), std::string::npos);
}

TEST(GeneratorTest, ZeroDirtyRateGivesOnlyCleanRecords) {
  TempDir dir;
  GeneratorOptions options = Defaults(dir.path());
  options.dirty_rate = 0;
  GenerateOrDie(options);
  const Truth truth(dir.path());
  const ReadBack r = ReadLanding(dir.path());
  for (const auto* c :
       {&r.users.counters, &r.videos.counters, &r.devices.counters, &r.events.counters}) {
    EXPECT_EQ(c->rows_rejected, 0);
    EXPECT_EQ(c->rows_duplicate, 0);
    EXPECT_EQ(c->rows_in, c->rows_kept);
  }
  ExpectCountersMatch(truth, "events", r.events.counters);
  const std::string events = ReadOrDie(dir / "events_2025-09-09.jsonl");
  EXPECT_EQ(events.find("\r"), std::string::npos);
  EXPECT_NE(events.substr(0, 3), "\xEF\xBB\xBF");
}

TEST(GeneratorTest, EventsKnobLandsNearTheTarget) {
  TempDir dir;
  GeneratorOptions options = Defaults(dir.path());
  options.events = 200'000;
  options.dirty_rate = 0;
  GenerateSummary summary = GenerateOrDie(options);
  EXPECT_NEAR(static_cast<double>(summary.stats.events), 200'000.0, 200'000 * 0.05);

  options.users = 300;
  options.events = 100'000;
  summary = GenerateOrDie(options);
  EXPECT_EQ(summary.users, 300);
  EXPECT_NEAR(static_cast<double>(summary.stats.events), 100'000.0, 100'000 * 0.10);
}

TEST(GeneratorTest, OtherDatesAndWindowsNameTheFilesAndStayInTheWindow) {
  TempDir dir;
  GeneratorOptions options = Defaults(dir.path());
  options.date = *ParseIsoDate("2024-03-01");
  options.days = 2;
  const GenerateSummary summary = GenerateOrDie(options);
  EXPECT_TRUE(std::filesystem::exists(dir / "events_2024-03-01.jsonl"));
  EXPECT_TRUE(std::filesystem::exists(dir / "users_2024-03-01.csv"));
  const auto lines = testing::SplitLines(ReadOrDie(dir / "events_2024-03-01.jsonl"));
  const int64_t start = *testing::ParseTimestamp("2024-02-29T00:00:00Z");
  const int64_t end = *testing::ParseTimestamp("2024-03-02T00:00:00Z");
  simdjson::dom::parser parser;
  int64_t in_window = 0;
  for (const auto& line : lines) {
    simdjson::dom::element doc;
    if (parser.parse(simdjson::padded_string(line)).get(doc) || !doc.is_object()) continue;
    std::string_view ts;
    if (doc["timestamp"].get_string().get(ts)) continue;
    const auto micros = testing::ParseTimestamp(ts);
    if (!micros) continue;
    // Offset forms shift the written local time, never the instant.
    EXPECT_GE(*micros, start) << ts;
    EXPECT_LT(*micros, end) << ts;
    ++in_window;
  }
  EXPECT_GE(in_window, summary.stats.events);
}

TEST(GeneratorTest, RejectsBadOptionsWithAClearMessage) {
  TempDir dir;
  auto expect_error = [&](GeneratorOptions options, const std::string& fragment) {
    const auto result = GenerateLanding(options);
    ASSERT_FALSE(result.ok()) << fragment;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find(fragment), std::string::npos)
        << result.status().message();
  };
  GeneratorOptions o = Defaults(dir.path());
  o.videos = 3;
  expect_error(o, "--videos");
  o = Defaults(dir.path());
  o.days = 0;
  expect_error(o, "--days");
  o = Defaults(dir.path());
  o.dirty_rate = 0.9;
  expect_error(o, "--dirty-rate");
  o = Defaults("");
  expect_error(o, "--out");
  o = Defaults(dir.path());
  o.users = 2;
  o.days = 1;
  o.events = 1'000'000;
  expect_error(o, "raise --users or --days");
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(GeneratorTest, ReplacesEarlierFilesAndLeavesNoTemporaryFiles) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir / "events_2025-09-09.jsonl", "stale\n").ok());
  // What a run killed before its commit would leave.
  ASSERT_TRUE(WriteFileAtomically(dir / ".events_2025-09-09.jsonl.999999999.tmp", "half").ok());
  GenerateOrDie(Defaults(dir.path()));
  EXPECT_NE(ReadOrDie(dir / "events_2025-09-09.jsonl").substr(0, 6), "stale\n");
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.insert(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::set<std::string>(std::begin(kFiles), std::end(kFiles)));
}

}  // namespace
}  // namespace streampro::generate
