#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "report/report.h"
#include "report_fixture.h"
#include "streampro/version.h"

namespace streampro::report {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Parses `text` (which must stay alive) and returns its root; fails the test on bad JSON.
class Parsed {
 public:
  explicit Parsed(const std::string& text) : padded_(text) {
    auto result = parser_.parse(padded_);
    EXPECT_EQ(result.error(), simdjson::SUCCESS) << text;
    if (result.error() == simdjson::SUCCESS) root_ = result.value();
  }
  element root() const { return root_; }

 private:
  simdjson::padded_string padded_;
  simdjson::dom::parser parser_;
  element root_;
};

size_t KeyCount(object obj) {
  size_t count = 0;
  for (auto field : obj) {
    (void)field;
    ++count;
  }
  return count;
}

std::string_view Str(element e) {
  return std::string_view(e.get_string().value());
}
int64_t Int(element e) {
  return e.get_int64().value();
}
double Dbl(element e) {
  return e.get_double().value();
}
bool IsNull(element e) {
  return e.is_null();
}

void ExpectTable(element table, std::optional<std::string> file, const FileCounters& counters) {
  if (file) {
    EXPECT_EQ(Str(table["file"]), *file);
  } else {
    EXPECT_TRUE(IsNull(table["file"]));
  }
  EXPECT_EQ(Int(table["rows_in"]), counters.rows_in);
  EXPECT_EQ(Int(table["rows_kept"]), counters.rows_kept);
  EXPECT_EQ(Int(table["rows_rejected"]), counters.rows_rejected);
  EXPECT_EQ(Int(table["rows_duplicate"]), counters.rows_duplicate);
  object reasons = table["rejected_by_reason"].get_object().value();
  const auto expected = counters.RejectedByReasonMap();
  EXPECT_EQ(KeyCount(reasons), expected.size());
  for (const auto& [reason, count] : expected) {
    EXPECT_GT(count, 0);
    EXPECT_EQ(Int(reasons[reason]), count) << reason;
  }
  EXPECT_EQ(KeyCount(table.get_object().value()), 6u);
}

void ExpectOptionalDouble(element e, std::optional<double> expected) {
  if (expected) {
    EXPECT_EQ(Dbl(e), *expected);
  } else {
    EXPECT_TRUE(IsNull(e));
  }
}

void ExpectSegment(element e, const SegmentRow& row) {
  EXPECT_EQ(Str(e["dimension"]), row.dimension);
  object segment = e["segment"].get_object().value();
  if (row.dimension == "device_os") {
    EXPECT_EQ(KeyCount(segment), 1u);
    EXPECT_EQ(Str(segment["device_os"]), *row.device_os);
  } else if (row.dimension == "app_version") {
    EXPECT_EQ(KeyCount(segment), 1u);
    EXPECT_EQ(Str(segment["app_version"]), *row.app_version);
  } else {
    EXPECT_EQ(KeyCount(segment), 2u);
    EXPECT_EQ(Str(segment["device_os"]), *row.device_os);
    EXPECT_EQ(Str(segment["app_version"]), *row.app_version);
  }
  EXPECT_EQ(Int(e["sessions"]), row.sessions);
  EXPECT_EQ(Int(e["drop_offs"]), row.drop_offs);
  EXPECT_EQ(Dbl(e["drop_off_rate"]), row.drop_off_rate);
  ExpectOptionalDouble(e["rest_rate"], row.rest_rate);
  ExpectOptionalDouble(e["lift"], row.lift);
  ExpectOptionalDouble(e["z"], row.z);
  ExpectOptionalDouble(e["p_value"], row.p_value);
  ExpectOptionalDouble(e["q_value"], row.q_value);
  EXPECT_EQ(e["abnormal"].get_bool().value(), row.abnormal);
}

TEST(RenderJsonTest, EveryKeyAndValueRoundTrips) {
  const Report report = testing::MakeSampleReport();
  const std::string text = RenderJson(report);
  Parsed parsed(text);
  element root = parsed.root();

  EXPECT_EQ(Str(root["ingestion_date"]), "2025-09-09");
  EXPECT_EQ(Str(root["generator"]), std::string("StreamPro ") + kVersion);
  EXPECT_EQ(Str(root["lake"]), "/data/lake");

  element tables = root["tables"];
  EXPECT_EQ(KeyCount(tables.get_object().value()), 4u);
  for (const TableCounts& counts : report.tables) {
    SCOPED_TRACE(counts.table);
    ExpectTable(tables[counts.table], counts.file, counts.counters);
  }

  element q1 = root["q1"];
  EXPECT_EQ(Int(q1["new_users"]), 96);
  EXPECT_EQ(Int(q1["reached_30s"]), 69);
  EXPECT_EQ(Dbl(q1["pct"]), 71.875);
  EXPECT_EQ(Dbl(q1["ci_low"]), 61.6);
  EXPECT_EQ(Dbl(q1["ci_high"]), 79.4);
  EXPECT_EQ(Int(q1["never_active"]), 4);
  EXPECT_EQ(KeyCount(q1.get_object().value()), 6u);

  element q2 = root["q2"];
  array genres = q2["genres"].get_array().value();
  ASSERT_EQ(genres.size(), report.q2.genres.size());
  size_t i = 0;
  for (element genre : genres) {
    const GenreRow& row = report.q2.genres[i++];
    EXPECT_EQ(Str(genre["genre"]), row.genre);
    EXPECT_EQ(Int(genre["new_users"]), row.new_users);
    EXPECT_EQ(Int(genre["returned_within_3d"]), row.returned_within_3d);
    EXPECT_EQ(Dbl(genre["retention_rate"]), row.retention_rate);
    EXPECT_EQ(Dbl(genre["ci_low"]), row.ci_low);
    EXPECT_EQ(Dbl(genre["ci_high"]), row.ci_high);
    EXPECT_EQ(Dbl(genre["avg_first_session_watch_seconds"]), row.avg_first_session_watch_seconds);
    if (row.rank) {
      EXPECT_EQ(Int(genre["rank"]), *row.rank);
    } else {
      EXPECT_TRUE(IsNull(genre["rank"]));
    }
  }
  EXPECT_EQ(Str(q2["best_genre"]), "Comedy");
  EXPECT_EQ(q2["best_overlaps_runner_up"].get_bool().value(), false);

  element q3 = root["q3"];
  EXPECT_EQ(Int(q3["min_sessions"]), 30);
  EXPECT_EQ(Int(q3["segments_tested"]), 3);
  EXPECT_EQ(Int(q3["sessions"]), 5000);
  EXPECT_EQ(Int(q3["drop_offs"]), 1500);
  array abnormal = q3["abnormal"].get_array().value();
  ASSERT_EQ(abnormal.size(), 2u);
  i = 0;
  for (element segment : abnormal) ExpectSegment(segment, report.q3.abnormal[i++]);
  array tested = q3["tested"].get_array().value();
  ASSERT_EQ(tested.size(), 3u);
  i = 0;
  for (element segment : tested) ExpectSegment(segment, report.q3.tested[i++]);
}

TEST(RenderJsonTest, TablesInSpecOrderAndAlwaysPresent) {
  Report report = testing::MakeSampleReport();
  report.tables = {report.tables[3]};  // only events
  const std::string text = RenderJson(report);
  const size_t users = text.find("\"users\"");
  const size_t videos = text.find("\"videos\"");
  const size_t devices = text.find("\"devices\"");
  const size_t events = text.find("\"events\"");
  ASSERT_NE(users, std::string::npos);
  EXPECT_LT(users, videos);
  EXPECT_LT(videos, devices);
  EXPECT_LT(devices, events);
  Parsed parsed(text);
  ExpectTable(parsed.root()["tables"]["users"], std::nullopt, {});
  ExpectTable(parsed.root()["tables"]["events"], "events_2025-09-09.jsonl",
              report.tables[0].counters);
}

TEST(RenderJsonTest, EmptyModelWritesNulls) {
  const std::string text = RenderJson(testing::MakeEmptyReport());
  Parsed parsed(text);
  element root = parsed.root();
  element q1 = root["q1"];
  EXPECT_EQ(Int(q1["new_users"]), 0);
  EXPECT_TRUE(IsNull(q1["pct"]));
  EXPECT_TRUE(IsNull(q1["ci_low"]));
  EXPECT_TRUE(IsNull(q1["ci_high"]));
  EXPECT_EQ(root["q2"]["genres"].get_array().value().size(), 0u);
  EXPECT_TRUE(IsNull(root["q2"]["best_genre"]));
  EXPECT_TRUE(IsNull(root["q2"]["best_overlaps_runner_up"]));
  EXPECT_EQ(root["q3"]["abnormal"].get_array().value().size(), 0u);
  EXPECT_EQ(KeyCount(root["tables"]["events"]["rejected_by_reason"].get_object().value()), 0u);
  EXPECT_NE(text.find("\"genres\": []"), std::string::npos);
  EXPECT_NE(text.find("\"rejected_by_reason\": {}"), std::string::npos);
}

TEST(RenderJsonTest, NonFiniteNumbersBecomeNull) {
  Report report = testing::MakeSampleReport();
  report.q1.pct = std::numeric_limits<double>::quiet_NaN();
  report.q3.tested[0].lift = std::numeric_limits<double>::infinity();
  report.q3.tested[0].rest_rate = std::nullopt;
  report.q2.genres[0].ci_high = -std::numeric_limits<double>::infinity();
  const std::string text = RenderJson(report);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
  Parsed parsed(text);
  element root = parsed.root();
  EXPECT_TRUE(IsNull(root["q1"]["pct"]));
  element first_tested = root["q3"]["tested"].at(0).value();
  EXPECT_TRUE(IsNull(first_tested["lift"]));
  EXPECT_TRUE(IsNull(first_tested["rest_rate"]));
  EXPECT_TRUE(IsNull(root["q2"]["genres"].at(0).value()["ci_high"]));
}

TEST(RenderJsonTest, DoublesAreShortestAndIntegersStayIntegers) {
  Report report = testing::MakeSampleReport();
  report.q1.pct = 100.0;
  report.q1.ci_low = 0.1 + 0.2;
  report.q3.tested[0].p_value = 1e-300;
  const std::string text = RenderJson(report);
  EXPECT_NE(text.find("\"pct\": 100.0,"), std::string::npos);
  EXPECT_NE(text.find("\"ci_low\": 0.30000000000000004,"), std::string::npos);
  EXPECT_NE(text.find("\"p_value\": 1e-300,"), std::string::npos);
  EXPECT_NE(text.find("\"new_users\": 96,"), std::string::npos);
  Parsed parsed(text);
  EXPECT_TRUE(parsed.root()["q1"]["new_users"].is_int64());
  EXPECT_TRUE(parsed.root()["q1"]["pct"].is_double());
  EXPECT_EQ(Dbl(parsed.root()["q1"]["ci_low"]), 0.1 + 0.2);
}

TEST(RenderJsonTest, EscapesStringsFromTheData) {
  Report report = testing::MakeSampleReport();
  const std::string nasty = "Say \"hi\"\\ \n\t\x01 caf\xC3\xA9 \xE2\x9C\x93 <script>";
  report.q2.genres[0].genre = nasty;
  report.q2.best_genre = nasty;
  report.tables[0].file = "users \x1F\"x\".csv";
  const std::string text = RenderJson(report);
  EXPECT_NE(text.find(R"(Say \"hi\"\\ \u000a\u0009\u0001 café ✓ <script>)"), std::string::npos)
      << text;
  Parsed parsed(text);
  EXPECT_EQ(Str(parsed.root()["q2"]["best_genre"]), nasty);
  EXPECT_EQ(Str(parsed.root()["q2"]["genres"].at(0).value()["genre"]), nasty);
  EXPECT_EQ(Str(parsed.root()["tables"]["users"]["file"]), "users \x1F\"x\".csv");
}

TEST(RenderJsonTest, IllFormedUtf8BecomesReplacementCharacter) {
  Report report = testing::MakeSampleReport();
  report.q2.genres[1].genre = "bad\xFF\xC3";
  const std::string text = RenderJson(report);
  Parsed parsed(text);
  EXPECT_EQ(Str(parsed.root()["q2"]["genres"].at(1).value()["genre"]),
            "bad\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(RenderJsonTest, LayoutIsIndentedWithTrailingNewline) {
  const std::string text = RenderJson(testing::MakeSampleReport());
  EXPECT_EQ(text.rfind("{\n  \"ingestion_date\": \"2025-09-09\",\n", 0), 0u);
  EXPECT_NE(text.find("\n  \"q1\": {\n    \"new_users\": 96,\n"), std::string::npos);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.substr(text.size() - 3), "\n}\n");
}

void ExpectRejectRate(element rates, std::string_view table, int64_t rows_in, int64_t rows_rejected,
                      std::optional<double> rate) {
  SCOPED_TRACE(table);
  element entry = rates[table];
  EXPECT_EQ(Int(entry["rows_in"]), rows_in);
  EXPECT_EQ(Int(entry["rows_rejected"]), rows_rejected);
  if (rate) {
    EXPECT_EQ(Dbl(entry["rate"]), *rate);
  } else {
    EXPECT_TRUE(IsNull(entry["rate"]));
  }
  EXPECT_EQ(KeyCount(entry.get_object().value()), 3u);
}

TEST(RenderJsonTest, HistoryComesLastWithEveryDate) {
  const std::string text = RenderJson(testing::MakeSampleReportWithHistory());
  Parsed parsed(text);
  element root = parsed.root();
  // The SPEC keys keep their place; history is the last key.
  std::vector<std::string_view> keys;
  const object fields = root.get_object().value();
  for (auto field : fields) keys.push_back(field.key);
  EXPECT_EQ(keys, (std::vector<std::string_view>{"ingestion_date", "generator", "lake", "tables",
                                                 "q1", "q2", "q3", "history"}));
  array history = root["history"].get_array().value();
  ASSERT_EQ(history.size(), 3u);

  // 2025-09-06: trusted files, no report. users 1 of 50 rejected = 0.02.
  element first = history.at(0).value();
  EXPECT_EQ(Str(first["ingestion_date"]), "2025-09-06");
  EXPECT_FALSE(first["has_report"].get_bool().value());
  for (const char* key : {"q1", "best_genre", "segments_tested", "abnormal_segments"}) {
    EXPECT_TRUE(IsNull(first[key])) << key;
  }
  ExpectRejectRate(first["reject_rate"], "users", 50, 1, 0.02);
  ExpectRejectRate(first["reject_rate"], "videos", 0, 0, std::nullopt);
  ExpectRejectRate(first["reject_rate"], "events", 0, 0, std::nullopt);

  // 2025-09-08: a report with no new users and no genre; events 2 of 400 = 0.005.
  element second = history.at(1).value();
  EXPECT_EQ(Str(second["ingestion_date"]), "2025-09-08");
  EXPECT_TRUE(second["has_report"].get_bool().value());
  EXPECT_EQ(Int(second["q1"]["new_users"]), 0);
  EXPECT_EQ(Int(second["q1"]["never_active"]), 7);
  EXPECT_TRUE(IsNull(second["q1"]["pct"]));
  EXPECT_TRUE(IsNull(second["best_genre"]));
  EXPECT_EQ(Int(second["segments_tested"]), 0);
  EXPECT_EQ(Int(second["abnormal_segments"]), 0);
  ExpectRejectRate(second["reject_rate"], "events", 400, 2, 0.005);

  // The date itself: the sample's answers; users 3 of 100, videos 0 of 20, devices no file,
  // events 40 of 1000.
  element last = history.at(2).value();
  EXPECT_EQ(Str(last["ingestion_date"]), "2025-09-09");
  EXPECT_EQ(Dbl(last["q1"]["pct"]), 71.875);
  EXPECT_EQ(Dbl(last["q1"]["ci_low"]), 61.6);
  EXPECT_EQ(Dbl(last["q1"]["ci_high"]), 79.4);
  EXPECT_EQ(Str(last["best_genre"]["genre"]), "Comedy");
  EXPECT_EQ(Dbl(last["best_genre"]["retention_rate"]), 0.45);
  EXPECT_EQ(Dbl(last["best_genre"]["ci_low"]), 0.307);
  EXPECT_EQ(Dbl(last["best_genre"]["ci_high"]), 0.602);
  EXPECT_EQ(Int(last["segments_tested"]), 3);
  EXPECT_EQ(Int(last["abnormal_segments"]), 2);
  ExpectRejectRate(last["reject_rate"], "users", 100, 3, 0.03);
  ExpectRejectRate(last["reject_rate"], "videos", 20, 0, 0.0);
  ExpectRejectRate(last["reject_rate"], "devices", 0, 0, std::nullopt);
  ExpectRejectRate(last["reject_rate"], "events", 1000, 40, 0.04);
}

TEST(RenderJsonTest, NoHistoryIsAnEmptyArray) {
  const std::string text = RenderJson(testing::MakeSampleReport());
  EXPECT_NE(text.find("\"history\": []\n}"), std::string::npos);
}

TEST(RenderJsonTest, SameModelSameBytes) {
  EXPECT_EQ(RenderJson(testing::MakeSampleReport()), RenderJson(testing::MakeSampleReport()));
  EXPECT_EQ(RenderJson(testing::MakeEmptyReport()), RenderJson(testing::MakeEmptyReport()));
}

}  // namespace
}  // namespace streampro::report
