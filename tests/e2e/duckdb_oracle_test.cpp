#include "e2e/duckdb_oracle.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>

#include "support/temp_dir.h"

namespace streampro::testing {
namespace {

// The rejected_by_reason object of a table's counters as a map.
std::map<std::string, int64_t> ReasonCounts(simdjson::dom::element counters) {
  std::map<std::string, int64_t> counts;
  const simdjson::dom::object reasons = counters["rejected_by_reason"].get_object().value();
  for (auto [reason, n] : reasons) counts[std::string(reason)] = n.get_int64().value();
  return counts;
}

// `expected` of a truth.json against a DuckDB report: every table counter, the Q1 and Q2
// counts and the sessions / drop-offs of every os x version segment.
void ExpectReportMatchesTruth(const std::string& report_text, const std::string& truth_path) {
  simdjson::dom::parser report_parser;
  simdjson::dom::parser truth_parser;
  const simdjson::padded_string report_json(report_text);
  const simdjson::padded_string truth_json = simdjson::padded_string::load(truth_path).value();
  const simdjson::dom::element report = report_parser.parse(report_json).value();
  const simdjson::dom::element expected = truth_parser.parse(truth_json)["expected"].value();

  const simdjson::dom::object tables = expected["tables"].get_object().value();
  for (auto [table, counters] : tables) {
    SCOPED_TRACE(std::string(table));
    const simdjson::dom::element ours = report["tables"][table].value();
    for (const char* key : {"rows_in", "rows_kept", "rows_rejected", "rows_duplicate"}) {
      EXPECT_EQ(ours[key].get_int64().value(), counters[key].get_int64().value()) << key;
    }
    EXPECT_EQ(ReasonCounts(ours), ReasonCounts(counters));
  }

  for (const char* key : {"new_users", "reached_30s", "never_active"}) {
    EXPECT_EQ(report["q1"][key].get_int64().value(), expected["q1"][key].get_int64().value())
        << "q1." << key;
  }

  std::map<std::string, std::pair<int64_t, int64_t>> genres;
  const simdjson::dom::array report_genres = report["q2"]["genres"].get_array().value();
  for (simdjson::dom::element g : report_genres) {
    genres[std::string(g["genre"].get_string().value())] = {
        g["new_users"].get_int64().value(), g["returned_within_3d"].get_int64().value()};
  }
  const simdjson::dom::array expected_genres = expected["q2"]["genres"].get_array().value();
  for (simdjson::dom::element g : expected_genres) {
    const std::string genre(g["genre"].get_string().value());
    const std::pair<int64_t, int64_t> want{g["new_users"].get_int64().value(),
                                           g["returned_within_3d"].get_int64().value()};
    EXPECT_EQ(genres[genre], want) << "q2 genre " << genre;
  }

  using Segment = std::pair<std::string, std::string>;
  std::map<Segment, std::pair<int64_t, int64_t>> segments;
  const simdjson::dom::array tested = report["q3"]["tested"].get_array().value();
  for (simdjson::dom::element s : tested) {
    if (s["dimension"].get_string().value() != "device_os x app_version") continue;
    const Segment key{std::string(s["segment"]["device_os"].get_string().value()),
                      std::string(s["segment"]["app_version"].get_string().value())};
    segments[key] = {s["sessions"].get_int64().value(), s["drop_offs"].get_int64().value()};
  }
  const simdjson::dom::array expected_segments = expected["q3"]["segments"].get_array().value();
  for (simdjson::dom::element s : expected_segments) {
    const Segment key{std::string(s["device_os"].get_string().value()),
                      std::string(s["app_version"].get_string().value())};
    const std::pair<int64_t, int64_t> want{s["sessions"].get_int64().value(),
                                           s["drop_offs"].get_int64().value()};
    EXPECT_EQ(segments[key], want) << "q3 segment " << key.first << " x " << key.second;
  }
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(DuckDbOracle, BundledSampleMatchesItsTruth) {
  TempDir out;
  const std::string landing = std::string(STREAMPRO_SOURCE_DIR) + "/data/landing";
  auto report = RunDuckDbPipeline(landing, "2025-09-09", out.path());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ExpectReportMatchesTruth(*report, landing + "/truth.json");
  EXPECT_TRUE(
      std::filesystem::exists(out / "trusted/events/ingestion_date=2025-09-09/part-00000.parquet"));
  EXPECT_TRUE(std::filesystem::exists(
      out / "enriched/user_sessions/ingestion_date=2025-09-09/part-00000.parquet"));
  EXPECT_TRUE(std::filesystem::exists(out / "raw/events/ingestion_date=2025-09-09/"
                                            "events_2025-09-09.jsonl"));
}

TEST(DuckDbOracle, GeneratedDirtySetMatchesItsTruth) {
  TempDir landing;
  TempDir out;
  const std::string command = std::string(STREAMPRO_BINARY) + " generate --out '" + landing.path() +
                              "' --events 60000 --dirty-rate 0.03 --seed 7 >'" +
                              (out / "generate.log") + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  auto report = RunDuckDbPipeline(landing.path(), "2025-09-09", out / "lake");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ExpectReportMatchesTruth(*report, landing / "truth.json");
}

// SPEC §7 edge rules, one line each: strict JSON, the reason order, offsets in the
// duplicate key, and strings that merely look like NaN or a trailing comma.
TEST(DuckDbOracle, EventEdgeRulesFollowSpecOrder) {
  TempDir landing;
  TempDir out;
  WriteText(landing / "users_2025-09-09.csv",
            "user_id,signup_date,subscription_tier\nuser_1,2025-01-01,free\n");
  WriteText(landing / "videos_2025-09-09.csv",
            "video_id,genre,duration_seconds\nvideo_1, comedy ,60\n");
  WriteText(landing / "devices_2025-09-09.csv", "device\nd1\n");
  const std::string base = R"("user_id":"user_1","event_name":"play","session_id":"s1")";
  const std::string t0 = R"({"timestamp":"2025-09-09T10:00:00Z",)";
  std::string events;
  events += t0 + base + "}\n";  // kept
  events += R"({"session_id":"s1","event_name":"play","user_id":"user_1",)"
            R"("timestamp":"2025-09-09T12:00:00+02:00"})"
            "\n";                                          // duplicate
  events += t0 + base + ",}\n";                            // malformed
  events += t0 + base + R"(,"value":NaN})" + "\n";         // malformed
  events += t0 + R"("user_id":"user_1",)" + base + "}\n";  // malformed
  events += "[\"timestamp\",\"user_id\"]\n";               // malformed
  events += t0 + R"("user_id":"user_1","event_name":"watch_time","session_id":"s1",)"
                 R"("value":1e999})"
                 "\n";  // value: valid JSON, not finite
  events += R"({"timestamp":"2025-09-09T10:00:03Z",)" + base +
            R"(,"value":-1e999,"extra":123456789012345678901234567890})" + "\n";  // kept
  events += R"({"timestamp":"2025-02-30T00:00:00Z",)" + base + "}\n";             // timestamp
  events += R"({"timestamp":1757412000,)" + base + "}\n";                         // timestamp
  events += R"({"timestamp":"2025-09-09T10:00:00+24:00",)" + base + "}\n";        // timestamp
  events += t0 + R"("user_id":"user_1","event_name":"Play","session_id":"s1"})"
                 "\n";  // name
  events += t0 + R"("user_id":"user_1","event_name":"watch_time","session_id":"s1",)"
                 R"("value":null})"
                 "\n";  // missing
  events += t0 + R"("user_id":"user_1","event_name":"watch_time","session_id":"s1",)"
                 R"("value":true})"
                 "\n";  // value
  events += t0 + R"("user_id":"user_1","event_name":"play","session_id":5})"
                 "\n";  // value
  events += t0 + R"("user_id":"","event_name":"play","session_id":"s1"})"
                 "\n";                                       // user
  events += t0 + base + R"(,"video_id":"video_9"})" + "\n";  // video
  events += "   \r\n";                                       // blank
  events += R"({"timestamp":"2025-09-09 10:00:01.123456789","user_id":"user_1",)"
            R"("event_name":"watch_time","session_id":"s1","value":45,"video_id":"video_1"})"
            "\r\n";  // kept
  events += R"({"timestamp":"2025-09-09T10:00:02Z","user_id":"user_1","event_name":"pause",)"
            R"("session_id":"s1","device":"NaN-phone, inf",  "extra":[1,2]})"
            "\n";  // kept
  WriteText(landing / "events_2025-09-09.jsonl", "\xEF\xBB\xBF" + events);

  auto report_text = RunDuckDbPipeline(landing.path(), "2025-09-09", out.path());
  ASSERT_TRUE(report_text.ok()) << report_text.status().ToString();
  simdjson::dom::parser parser;
  const simdjson::padded_string json(*report_text);
  const simdjson::dom::element report = parser.parse(json).value();
  const simdjson::dom::element counters = report["tables"]["events"].value();
  EXPECT_EQ(counters["rows_in"].get_int64().value(), 19);
  EXPECT_EQ(counters["rows_kept"].get_int64().value(), 4);
  EXPECT_EQ(counters["rows_duplicate"].get_int64().value(), 1);
  EXPECT_EQ(counters["rows_rejected"].get_int64().value(), 14);
  const std::map<std::string, int64_t> want{{"malformed_record", 4},   {"invalid_timestamp", 3},
                                            {"unknown_event_name", 1}, {"missing_required", 1},
                                            {"invalid_value", 3},      {"unknown_user", 1},
                                            {"unknown_video", 1}};
  EXPECT_EQ(ReasonCounts(counters), want);

  // One session: 45 s of Comedy (genre trimmed and capitalised), so Q1 counts it.
  EXPECT_EQ(report["q1"]["new_users"].get_int64().value(), 1);
  EXPECT_EQ(report["q1"]["reached_30s"].get_int64().value(), 1);
  EXPECT_EQ(report["q2"]["best_genre"].get_string().value(), "Comedy");
}

TEST(DuckDbOracle, MissingRequiredColumnFailsTheRun) {
  TempDir landing;
  TempDir out;
  WriteText(landing / "users_2025-09-09.csv", "user_id,subscription_tier\nuser_1,Free\n");
  WriteText(landing / "videos_2025-09-09.csv", "video_id,genre,duration_seconds\nv,Drama,1\n");
  WriteText(landing / "devices_2025-09-09.csv", "device\nd1\n");
  WriteText(landing / "events_2025-09-09.jsonl", "\n");
  auto report = RunDuckDbPipeline(landing.path(), "2025-09-09", out.path());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("signup_date"), std::string::npos)
      << report.status().message();
}

}  // namespace
}  // namespace streampro::testing
