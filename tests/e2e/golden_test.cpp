// Golden end-to-end cases: tiny hand-written landing folders under tests/golden/<case>/,
// the real `streampro pipeline`, and every expected number worked out by hand in the
// comment next to it (SPEC §4, §5, §7). Where the SPEC is silent the project chose: session
// watch_seconds summed in input order; hours = microsecond difference / 3.6e9; Q3 pair
// segments only when os and version are both set; a segment is tested when it has at
// least min_sessions sessions and the rest is non-empty; p = erfc(z/√2)/2; one
// Benjamini-Hochberg pass over the tested segments of all three dimensions.
//
// Wilson 95% interval used below, z = 1.959963984540054, z² = 3.8414588206941254:
//   center = (p + z²/2n) / (1 + z²/n),  half = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "e2e/e2e_support.h"
#include "support/temp_dir.h"

namespace streampro::e2e {
namespace {

constexpr char kDate[] = "2025-09-09";

struct Segment {
  std::string dimension;
  std::optional<std::string> device_os;
  std::optional<std::string> app_version;
  int64_t sessions = 0;
  int64_t drop_offs = 0;
  double drop_off_rate = 0;
  double rest_rate = 0;
  double lift = 0;
  double z = 0;
  double p_value = 0;
  double q_value = 0;
};

// The element of the q3 array at `array_pointer` that is `segment`, checked field by
// field; its `segment` object holds exactly the keys of its dimension.
void ExpectSegment(const JsonDocument& report, const std::string& array_pointer,
                   const Segment& segment) {
  std::vector<std::pair<std::string, std::string>> match = {{"/dimension", segment.dimension}};
  std::vector<std::string> keys;
  if (segment.device_os) {
    match.emplace_back("/segment/device_os", *segment.device_os);
    keys.emplace_back("device_os");
  }
  if (segment.app_version) {
    match.emplace_back("/segment/app_version", *segment.app_version);
    keys.emplace_back("app_version");
  }
  SCOPED_TRACE(array_pointer + " " + match.back().second);
  const int index = report.IndexWhere(array_pointer, match);
  ASSERT_GE(index, 0) << report.Minified(array_pointer);
  const std::string base = array_pointer + "/" + std::to_string(index);
  std::vector<std::string> actual_keys = report.Keys(base + "/segment");
  std::sort(actual_keys.begin(), actual_keys.end());
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(actual_keys, keys);
  EXPECT_EQ(report.Int(base + "/sessions"), segment.sessions);
  EXPECT_EQ(report.Int(base + "/drop_offs"), segment.drop_offs);
  EXPECT_TRUE(IsClose(report.Double(base + "/drop_off_rate"), segment.drop_off_rate));
  EXPECT_TRUE(IsClose(report.Double(base + "/rest_rate"), segment.rest_rate));
  EXPECT_TRUE(IsClose(report.Double(base + "/lift"), segment.lift));
  EXPECT_TRUE(IsClose(report.Double(base + "/z"), segment.z));
  EXPECT_TRUE(IsClose(report.Double(base + "/p_value"), segment.p_value));
  EXPECT_TRUE(IsClose(report.Double(base + "/q_value"), segment.q_value));
}

// "user/session" -> `column` of user_sessions for kDate.
ColumnByKey SessionColumn(const std::string& lake, const std::string& column) {
  return EnrichedColumn(lake, "user_sessions", kDate, {"user_id", "session_id"}, column);
}

// user_id -> `column` of user_journey for kDate.
ColumnByKey JourneyColumn(const std::string& lake, const std::string& column) {
  return EnrichedColumn(lake, "user_journey", kDate, {"user_id"}, column);
}

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

class GoldenTest : public ::testing::Test {
 protected:
  // Runs the pipeline over tests/golden/<name> for kDate into this test's lake and
  // returns report.json (not ok() when it is missing).
  std::unique_ptr<JsonDocument> RunCase(const std::string& name,
                                        const std::map<std::string, std::string>& env = {}) {
    const RunResult run = RunPipeline(GoldenDir(name), lake_.path(), kDate, env);
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    auto report = ReadReport(lake_.path(), kDate);
    EXPECT_TRUE(report->ok()) << ReportPath(lake_.path(), kDate) << ": " << report->error();
    return report;
  }

  std::string lake() const { return lake_.path(); }

 private:
  testing::TempDir lake_;
};

// ---------------------------------------------------------------------------------------
// Case 1: ties (tests/golden/ties)
// ---------------------------------------------------------------------------------------

TEST_F(GoldenTest, TiesAreBrokenBySessionIdGenreNameAndNewUsers) {
  const auto report = RunCase("ties");
  ASSERT_TRUE(report->ok());
  EXPECT_EQ(report->String("/ingestion_date"), kDate);

  // Every line is clean: 10 users, 3 videos (`comedy` -> Comedy), 2 devices, 20 events.
  ExpectTableCounts(*report, "users", {10, 10, 0, 0});
  ExpectTableCounts(*report, "videos", {3, 3, 0, 0});
  ExpectTableCounts(*report, "devices", {2, 2, 0, 0});
  ExpectTableCounts(*report, "events", {20, 20, 0, 0});

  // First sessions (session 1 of each user) and their watch seconds:
  //   u1: t1 and t2 both start 2025-09-08T10:00:00; the tie goes to the smaller id, t1
  //       (listed second in the file): Comedy 40 s -> reached. t2 is session 2, 0 h later.
  //   u2: u2a: Drama 20 s then Action 20 s -> tie, alphabetical -> Action; 40 s reached.
  //   u3: u3a Action 10 s; u3b 24 h later -> returned.
  //   u4: u4a Comedy exactly 30 s -> reached (>= 30); one session.
  //   u5: u5a Drama 100 s -> reached; u5b 24 h later -> returned.
  //   u6: u6a Drama 29.5 s; u6b 48 h later -> returned.
  //   u7: u7a has 0 watch seconds (its watch_time is Action, value 0), so the genre falls
  //       back to the earliest event with a known video: session_start on v3 -> Drama.
  //   u8: u8a Drama 45 s -> reached; u8b 96 h later -> not returned.
  //   u9: two sessions without any video -> Unknown, 0 s; u9b 24 h later -> returned.
  //   u10: no events -> never active.
  // Q1: new users u1..u9 = 9; reached u1, u2, u4, u5, u8 = 5; pct 500/9 = 55.5556 %.
  //   Wilson 5/9: denom 1.426829, center 0.538936, half 0.272285 -> [26.6651, 81.1221] %.
  ExpectQ1(*report, {9, 5, 1, 55.55555555555556, 26.665129349549305, 81.12214789023355});

  // Q2: Drama {u5 ret, u6 ret, u7, u8} 2/4; Action {u2, u3 ret} 1/2; Comedy {u1 ret, u4}
  // 1/2; Unknown {u9 ret} 1/1. All three ranked genres have rate 0.5: Drama first (4 new
  // users), then Action before Comedy by name. Unknown (rate 1.0) is listed last, unranked.
  //   Wilson 2/4: denom 1.960365, center 0.5, half 0.349961 -> [0.150039, 0.849961]
  //   Wilson 1/2: denom 2.920729, center 0.5, half 0.405469 -> [0.094531, 0.905469]
  //   Wilson 1/1: denom 4.841459, center 0.603275, half 0.396725 -> [0.206549, 1]
  //   avg first-session watch: Drama (100 + 29.5 + 0 + 45)/4 = 43.625; Action (40 + 10)/2
  //   = 25; Comedy (40 + 30)/2 = 35; Unknown 0.
  ExpectGenres(*report,
               {
                   {"Drama", 1, 4, 2, 0.5, 0.15003898915214947, 0.8499610108478506, 43.625},
                   {"Action", 2, 2, 1, 0.5, 0.09453120573423074, 0.9054687942657693, 25},
                   {"Comedy", 3, 2, 1, 0.5, 0.09453120573423074, 0.9054687942657693, 35},
                   {"Unknown", std::nullopt, 1, 1, 1.0, 0.20654931437723745, 1.0, 0},
               });
  // Best Drama; its ci_low 0.150 <= runner-up Action's ci_high 0.905 -> overlaps.
  EXPECT_EQ(report->String("/q2/best_genre"), "Drama");
  EXPECT_TRUE(report->Bool("/q2/best_overlaps_runner_up"));

  // Q3: 15 sessions in all, so no segment reaches the default 30 sessions.
  EXPECT_EQ(report->Int("/q3/min_sessions"), 30);
  EXPECT_EQ(report->Int("/q3/segments_tested"), 0);
  EXPECT_EQ(report->Size("/q3/abnormal"), 0u);

  const auto numbers = SessionColumn(lake(), "session_number");
  // Sessions per user: u1 2, u2 1, u3 2, u4 1, u5 2, u6 2, u7 1, u8 2, u9 2 = 15.
  EXPECT_EQ(numbers.size(), 15u);
  EXPECT_EQ(Lookup(numbers, "u1/t1"), "1");
  EXPECT_EQ(Lookup(numbers, "u1/t2"), "2");
  const auto genres = SessionColumn(lake(), "genre");
  EXPECT_EQ(Lookup(genres, "u1/t1"), "Comedy");
  EXPECT_EQ(Lookup(genres, "u1/t2"), "Drama");
  EXPECT_EQ(Lookup(genres, "u2/u2a"), "Action");
  EXPECT_EQ(Lookup(genres, "u7/u7a"), "Drama");
  EXPECT_EQ(Lookup(genres, "u9/u9a"), "Unknown");
}

TEST_F(GoldenTest, TextJsonAndHtmlReportsAgree) {
  const auto report = RunCase("ties");
  ASSERT_TRUE(report->ok());

  // report.html is one self-contained page: the only `http` allowed is an SVG xmlns.
  const std::string html_path = ReportPath(lake(), kDate, "report.html");
  ASSERT_TRUE(std::filesystem::exists(html_path)) << html_path;
  const std::string html = testing::ReadOrDie(html_path);
  EXPECT_NE(Lowercase(html).find("<html"), std::string::npos);
  for (size_t at = html.find("http"); at != std::string::npos; at = html.find("http", at + 1)) {
    const std::string before = html.substr(at >= 24 ? at - 24 : 0, at >= 24 ? 24 : at);
    EXPECT_NE(before.find("xmlns"), std::string::npos)
        << "external reference in report.html: " << html.substr(at >= 40 ? at - 40 : 0, 120);
  }

  // Text (the default format) shows Q1's 5/9 = 55.5556 %, rounded to 1 or 2 decimals.
  const RunResult text =
      RunStreampro({"report", "--env", "test", "--lake", lake(), "--ingestion-date", kDate});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(text.out.find("55.6") != std::string::npos ||
              text.out.find("55.56") != std::string::npos)
      << text.out;

  // --format json prints the numbers of report.json.
  const RunResult json = RunStreampro(
      {"report", "--env", "test", "--lake", lake(), "--ingestion-date", kDate, "--format", "json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  const JsonDocument printed(json.out);
  ASSERT_TRUE(printed.ok()) << printed.error() << "\n" << json.out;
  for (const char* pointer : {"/ingestion_date", "/tables", "/q1", "/q2", "/q3"}) {
    EXPECT_EQ(printed.Minified(pointer), report->Minified(pointer)) << pointer;
  }
}

// ---------------------------------------------------------------------------------------
// Case 2: session ids that sort differently from start times (tests/golden/session_order)
// ---------------------------------------------------------------------------------------

TEST_F(GoldenTest, SessionsAreNumberedByStartTimeNeverById) {
  const auto report = RunCase("session_order");
  ASSERT_TRUE(report->ok());

  // u1: s9 08T08:00, s10 08T20:00, s8 09T08:00 (file order s8, s10, s8, s9, s10, s9).
  //     By time: s9 = 1, s10 = 2, s8 = 3. Text order would give s10, s8, s9; numeric
  //     order s8, s9, s10 -- both wrong.
  // u2: s100 07T09:00, s99 08T09:00 -> s100 = 1, s99 = 2 (numeric order would swap them).
  const auto numbers = SessionColumn(lake(), "session_number");
  ASSERT_EQ(numbers.size(), 5u);
  EXPECT_EQ(Lookup(numbers, "u1/s9"), "1");
  EXPECT_EQ(Lookup(numbers, "u1/s10"), "2");
  EXPECT_EQ(Lookup(numbers, "u1/s8"), "3");
  EXPECT_EQ(Lookup(numbers, "u2/s100"), "1");
  EXPECT_EQ(Lookup(numbers, "u2/s99"), "2");
  // Start to start: s10 - s9 = 12 h, s8 - s10 = 12 h, s99 - s100 = 24 h.
  const auto hours = SessionColumn(lake(), "hours_since_previous_session");
  EXPECT_EQ(Lookup(hours, "u1/s9"), "null");
  EXPECT_TRUE(IsClose(LookupDouble(hours, "u1/s10"), 12.0));
  EXPECT_TRUE(IsClose(LookupDouble(hours, "u1/s8"), 12.0));
  EXPECT_EQ(Lookup(hours, "u2/s100"), "null");
  EXPECT_TRUE(IsClose(LookupDouble(hours, "u2/s99"), 24.0));
  // s9's earliest event is its session_start at 08:00:00 although a later line.
  const auto starts = SessionColumn(lake(), "session_start");
  EXPECT_EQ(Lookup(starts, "u1/s9"), "2025-09-08T08:00:00Z");
  EXPECT_EQ(Lookup(starts, "u1/s8"), "2025-09-09T08:00:00Z");

  // Q1: u1's first session s9 (Action 60 s) reached; u2's s100 (Comedy 5 s) did not.
  //   1/2 = 50 %; Wilson 1/2 -> [9.4531, 90.5469] %. (Text order would start u1 with
  //   s10 = 10 s, numeric order u2 with s99 = 100 s.)
  ExpectQ1(*report, {2, 1, 0, 50.0, 9.453120573423074, 90.54687942657693});
  // Q2: Action {u1, returned after 12 h} 1/1 and Comedy {u2, returned after 24 h} 1/1 tie
  //   on rate and on new users -> by name: Action 1, Comedy 2. Wilson 1/1 -> [0.206549, 1].
  ExpectGenres(*report, {
                            {"Action", 1, 1, 1, 1.0, 0.20654931437723745, 1.0, 60},
                            {"Comedy", 2, 1, 1, 1.0, 0.20654931437723745, 1.0, 5},
                        });
  EXPECT_EQ(report->String("/q2/best_genre"), "Action");
  EXPECT_TRUE(report->Bool("/q2/best_overlaps_runner_up"));  // 0.2065 <= 1
}

// ---------------------------------------------------------------------------------------
// Cases 3 and 4: one session, and returns at exactly 72 h (tests/golden/return_window)
// ---------------------------------------------------------------------------------------

TEST_F(GoldenTest, ReturnWithinThreeDaysIncludesExactly72HoursOnly) {
  const auto report = RunCase("return_window");
  ASSERT_TRUE(report->ok());

  // u1: 05T08:00:00 -> 08T08:00:00          = 259200 s      = 72 h exactly -> returned.
  // u2: 05T09:00:00 -> 08T09:00:01          = 259201 s      -> 72.000277... h -> not.
  // u3: one session                                          -> false, no second session.
  // u4: 05T10:00:00Z -> 08T12:00:00.000001+02:00 = 259200.000001 s -> 72.00000000027778 h
  //     -> not returned.
  const auto returned = JourneyColumn(lake(), "returned_within_3d");
  EXPECT_EQ(Lookup(returned, "u1"), "true");
  EXPECT_EQ(Lookup(returned, "u2"), "false");
  EXPECT_EQ(Lookup(returned, "u3"), "false");
  EXPECT_EQ(Lookup(returned, "u4"), "false");
  const auto hours = JourneyColumn(lake(), "hours_to_second_session");
  EXPECT_TRUE(IsClose(LookupDouble(hours, "u1"), 72.0));
  EXPECT_TRUE(IsClose(LookupDouble(hours, "u2"), 72.00027777777778));
  EXPECT_EQ(Lookup(hours, "u3"), "null");
  EXPECT_TRUE(IsClose(LookupDouble(hours, "u4"), 72.00000000027778));
  EXPECT_EQ(Lookup(JourneyColumn(lake(), "total_sessions"), "u3"), "1");
  EXPECT_EQ(Lookup(JourneyColumn(lake(), "second_session_start"), "u3"), "null");

  // Q1: u1 30 s reached, u2 29.999 s not, u3 31 s reached, u4 0 s (play only) not
  //   -> 2/4 = 50 %; Wilson 2/4 -> [15.0039, 84.9961] %.
  ExpectQ1(*report, {4, 2, 0, 50.0, 15.003898915214947, 84.99610108478506});
  // Q2: Drama {u1 returned, u2, u4} 1/3; Comedy {u3} 0/1.
  //   Wilson 1/3: denom 2.280486, center 0.426916, half 0.365424 -> [0.061492, 0.792340]
  //   Wilson 0/1: denom 4.841459, center = half = 0.396725 -> [0, 0.793451]
  //   avg watch: Drama (30 + 29.999 + 0)/3 = 19.999666...; Comedy 31.
  ExpectGenres(*report,
               {
                   {"Drama", 1, 3, 1, 1.0 / 3, 0.06149194472039621, 0.7923403991979522, 59.999 / 3},
                   {"Comedy", 2, 1, 0, 0.0, 0.0, 0.7934506856227626, 31},
               });
  EXPECT_EQ(report->String("/q2/best_genre"), "Drama");
  EXPECT_TRUE(report->Bool("/q2/best_overlaps_runner_up"));  // 0.0615 <= 0.7935
}

// ---------------------------------------------------------------------------------------
// Cases 5 and 6: segment support and one abnormal segment (tests/golden/segments)
// ---------------------------------------------------------------------------------------
//
// 16 sessions, one watch_time event each (drop-off = watch_seconds < 30):
//   Android, app_version null: A1..A5 10 s, A6 50 s   -> 6 sessions, 5 drop-offs
//   iOS 2.0:                   I1 5 s, I2..I8 40 s     -> 8 sessions, 1 drop-off
//   Web 2.0:                   W1 0 s, W2 30 s         -> 2 sessions, 1 drop-off
// All: 16 sessions, 7 drop-offs, pooled rate 7/16 = 0.4375, p(1-p) = 0.24609375.
// Segments (the pair exists only where both keys are set, so Android has none):
//   device_os  Android 6/5, iOS 8/1, Web 2/1;  app_version 2.0 10/2;
//   pair       iOS x 2.0 8/1, Web x 2.0 2/1.

// device_os = Android vs the 10 other sessions (2 drop-offs):
//   rate 5/6 = 0.833333, rest 2/10 = 0.2, lift 0.833333/0.2 = 4.1666667
//   se = sqrt(0.24609375 * (1/6 + 1/10)) = sqrt(0.065625) = 0.2561738
//   z = 0.6333333 / 0.2561738 = 2.4722802, p = erfc(z/√2)/2 = 0.0067127124
const Segment kAndroid = {
    "device_os",       "Android",          std::nullopt,         6, 5, 5.0 / 6, 0.2,
    4.166666666666667, 2.4722801848029503, 0.006712712440745643, 0};
// device_os = iOS vs 8 others with 6 drop-offs: rate 0.125, rest 0.75, lift 1/6
//   se = sqrt(0.24609375 * (1/8 + 1/8)) = 0.2480392, z = -0.625/0.2480392 = -2.5197632,
//   p = 0.9941283.
const Segment kIos = {
    "device_os",        "iOS", std::nullopt, 8, 1, 0.125, 0.75, 1.0 / 6, -2.519763153394848,
    0.9941283088494137, 0};
// app_version = 2.0 vs the 6 Android sessions (5 drop-offs): rate 0.2, rest 5/6,
//   lift 0.24, z = -2.4722802 (mirror of Android), p = 1 - 0.0067127 = 0.9932873.
const Segment kVersion = {"app_version",       std::nullopt,       "2.0", 10, 2, 0.2, 5.0 / 6, 0.24,
                          -2.4722801848029503, 0.9932872875592543, 0};
// iOS x 2.0: the same sessions as iOS, so the same numbers.
const Segment kIosVersion = {
    "device_os x app_version", "iOS", "2.0", 8, 1, 0.125, 0.75, 1.0 / 6, -2.519763153394848,
    0.9941283088494137,        0};

TEST_F(GoldenTest, SegmentsUnderTheDefaultMinimumAreNotTested) {
  // Default STREAMPRO_MIN_SEGMENT_SESSIONS = 30: the largest segment has 10 sessions.
  const auto report = RunCase("segments");
  ASSERT_TRUE(report->ok());
  EXPECT_EQ(report->Int("/q3/min_sessions"), 30);
  EXPECT_EQ(report->Int("/q3/segments_tested"), 0);
  EXPECT_EQ(report->Size("/q3/abnormal"), 0u);
  EXPECT_EQ(report->Size("/q3/tested"), 0u);
  // Q1: first sessions A1 10 s, I1 5 s, W1 0 s -> 0 of 3 reached; Wilson 0/3 ->
  //   [0, 56.1497] % (center = half = 0.280749 -> a low of about 5.6e-17).
  ExpectQ1(*report, {3, 0, 0, 0.0, 0.0, 56.14970317550454});
}

TEST_F(GoldenTest, UntestedSegmentsStillHaveRestRateAndLift) {
  // SPEC §7: device_analytics fills rest_rate and lift for every segment whose rest is not
  // empty, tested or not; z, p_value and q_value stay null and abnormal false. At the
  // default minimum (30) nothing is tested, so every row is such a segment:
  //   Android  5/6 vs 2/10:           rest 0.2,        lift (5/6)/0.2 = 25/6
  //   iOS      1/8 vs 6/8:            rest 0.75,       lift 0.125/0.75 = 1/6
  //   Web      1/2 vs (7-1)/(16-2):   rest 6/14 = 3/7, lift 0.5/(3/7) = 7/6
  //   2.0      2/10 vs 5/6:           rest 5/6,        lift 0.2/(5/6) = 0.24
  //   iOS x 2.0 and Web x 2.0: the sessions of iOS and Web, so their numbers.
  const auto report = RunCase("segments");
  ASSERT_TRUE(report->ok());
  const std::vector<std::string> key = {"dimension", "segment"};
  const auto column = [&](const std::string& name) {
    return EnrichedColumn(lake(), "device_analytics", kDate, key, name);
  };
  const std::map<std::string, std::pair<double, double>> expected = {
      {"device_os/Android", {0.2, 25.0 / 6}},
      {"device_os/iOS", {0.75, 1.0 / 6}},
      {"device_os/Web", {3.0 / 7, 7.0 / 6}},
      {"app_version/2.0", {5.0 / 6, 0.24}},
      {"device_os x app_version/iOS x 2.0", {0.75, 1.0 / 6}},
      {"device_os x app_version/Web x 2.0", {3.0 / 7, 7.0 / 6}},
  };
  const auto rest_rate = column("rest_rate");
  const auto lift = column("lift");
  const auto tested = column("tested");
  const auto abnormal = column("abnormal");
  EXPECT_EQ(rest_rate.size(), expected.size());
  for (const auto& [segment, rates] : expected) {
    SCOPED_TRACE(segment);
    EXPECT_TRUE(IsClose(LookupDouble(rest_rate, segment), rates.first));
    EXPECT_TRUE(IsClose(LookupDouble(lift, segment), rates.second));
    EXPECT_EQ(Lookup(tested, segment), "false");
    EXPECT_EQ(Lookup(abnormal, segment), "false");
    for (const char* untested : {"z", "p_value", "q_value"}) {
      EXPECT_EQ(Lookup(column(untested), segment), "null") << untested;
    }
  }
}

TEST_F(GoldenTest, NoAbnormalSegmentWhenOnlyTheBetterSegmentsAreTested) {
  // Minimum 7: Android (6 sessions) and Web, Web x 2.0 (2) are under it and not tested;
  // iOS (8), 2.0 (10), iOS x 2.0 (8) are tested, all with negative z.
  // BH over m = 3, p sorted 0.9932873 (2.0), 0.9941283, 0.9941283:
  //   q(3) = 0.9941283 * 3/3; q(2) = min(0.9941283 * 3/2, q(3)); q(1) = min(0.9932873 * 3,
  //   q(2)) -> every q = 0.9941283. Nothing abnormal.
  const auto report = RunCase("segments", {{"STREAMPRO_MIN_SEGMENT_SESSIONS", "7"}});
  ASSERT_TRUE(report->ok());
  EXPECT_EQ(report->Int("/q3/min_sessions"), 7);
  EXPECT_EQ(report->Int("/q3/segments_tested"), 3);
  EXPECT_EQ(report->Size("/q3/abnormal"), 0u);
  ASSERT_EQ(report->Size("/q3/tested"), 3u);
  const double q_all = 0.9941283088494137;
  for (Segment segment : {kIos, kVersion, kIosVersion}) {
    segment.q_value = q_all;
    ExpectSegment(*report, "/q3/tested", segment);
  }
  EXPECT_EQ(report->IndexWhere("/q3/tested", {{"/segment/device_os", "Android"}}), -1);
  EXPECT_EQ(report->IndexWhere("/q3/tested", {{"/segment/device_os", "Web"}}), -1);
}

TEST_F(GoldenTest, ExactlyOneAbnormalSegmentWithHandComputedStatistics) {
  // Minimum 6: Android (exactly 6, >= 6) joins the three above; Web stays out (2).
  // BH over m = 4, p sorted 0.0067127 (Android), 0.9932873, 0.9941283, 0.9941283:
  //   q(4) = 0.9941283; q(3) = min(0.9941283 * 4/3, q(4)) = 0.9941283;
  //   q(2) = min(0.9932873 * 2, q(3)) = 0.9941283; q(1) = min(0.0067127 * 4, q(2))
  //   = 0.0268508498. Android: q < 0.05 and lift 4.17 >= 1.25 -> the one abnormal segment.
  const auto report = RunCase("segments", {{"STREAMPRO_MIN_SEGMENT_SESSIONS", "6"}});
  ASSERT_TRUE(report->ok());
  EXPECT_EQ(report->Int("/q3/min_sessions"), 6);
  EXPECT_EQ(report->Int("/q3/segments_tested"), 4);
  ASSERT_EQ(report->Size("/q3/abnormal"), 1u);
  Segment android = kAndroid;
  android.q_value = 0.026850849762982573;
  ExpectSegment(*report, "/q3/abnormal", android);
  ASSERT_EQ(report->Size("/q3/tested"), 4u);
  ExpectSegment(*report, "/q3/tested", android);
  for (Segment segment : {kIos, kVersion, kIosVersion}) {
    segment.q_value = 0.9941283088494137;
    ExpectSegment(*report, "/q3/tested", segment);
  }
}

// ---------------------------------------------------------------------------------------
// Case 7: dirty input (tests/golden/dirty)
// ---------------------------------------------------------------------------------------

TEST_F(GoldenTest, DirtyInputCountsEveryRejectReason) {
  const auto report = RunCase("dirty");
  ASSERT_TRUE(report->ok());

  // users (BOM, one whitespace-only line not counted): 8 records
  //   u1 kept (`free` -> Free), u2 kept (nulls), u3 2025-13-01 invalid_date, u4 Gold
  //   invalid_enum, u1 again duplicate_key, empty user_id missing_required, u5 with 3
  //   fields malformed_record, u6 kept -> 3 kept, 5 rejected.
  ExpectTableCounts(*report, "users", {8, 3, 5, 0});
  for (const char* reason :
       {"invalid_date", "invalid_enum", "duplicate_key", "missing_required", "malformed_record"}) {
    EXPECT_EQ(report->Int(std::string("/tables/users/rejected_by_reason/") + reason), 1) << reason;
  }
  // videos (CRLF): v1 quoted title with a comma, `comedy` -> Comedy; v2 `  drama ` ->
  //   Drama; v3 duration 0 invalid_value -> 2 kept, 1 rejected.
  ExpectTableCounts(*report, "videos", {3, 2, 1, 0});
  EXPECT_EQ(report->Int("/tables/videos/rejected_by_reason/invalid_value"), 1);
  // devices: a row is identified by (device, os, model), null equal to null (SPEC §7).
  //   mobile/iOS/iPhone 13, mobile/Android/Pixel 7, tablet/iOS/iPad Air kept (the type
  //   repeats, the key does not); mobile/iOS/iPhone 13 again (other os_version)
  //   duplicate_key; tablet/null/null kept; tablet/null/null again duplicate_key
  //   -> 6 records, 4 kept, 2 rejected.
  ExpectTableCounts(*report, "devices", {6, 4, 2, 0});
  EXPECT_EQ(report->Int("/tables/devices/rejected_by_reason/duplicate_key"), 2);
  // events: 12 records (one whitespace-only line not counted):
  //   kept: u1 session_start, u1 watch_time v1 20 s, u2 watch_time (space separator) 31.5 s,
  //         u6 play (nanosecond fraction truncated);
  //   duplicate: u1's watch_time again at 12:00:05+02:00 = 10:00:05Z, fields reordered;
  //   rejected once each: a truncated line (malformed_record), no session_id
  //   (missing_required), 2025-09-31 (invalid_timestamp), `Play` (unknown_event_name),
  //   value -1 (invalid_value), user u3 rejected from users (unknown_user), video v3
  //   rejected from videos (unknown_video).  4 + 1 + 7 = 12.
  ExpectTableCounts(*report, "events", {12, 4, 7, 1});
  for (const char* reason :
       {"malformed_record", "missing_required", "invalid_timestamp", "unknown_event_name",
        "invalid_value", "unknown_user", "unknown_video"}) {
    EXPECT_EQ(report->Int(std::string("/tables/events/rejected_by_reason/") + reason), 1) << reason;
  }
  EXPECT_EQ(report->Size("/tables/events/rejected_by_reason"), 7u);

  // The rejects table holds every rejected record: 5 + 1 + 2 + 7 = 15 rows.
  const std::string rejects = lake() + "/trusted/_rejects/ingestion_date=" + kDate;
  EXPECT_FALSE(ListFiles(rejects, "part-").empty()) << rejects;
  const auto reject_rows = ReadPartition(rejects);
  ASSERT_TRUE(reject_rows.ok()) << reject_rows.status().ToString();
  EXPECT_EQ(reject_rows->size(), 15u);
  // Trusted tables hold the kept rows.
  for (const auto& [table, kept] : std::vector<std::pair<std::string, size_t>>{
           {"users", 3}, {"videos", 2}, {"devices", 4}, {"events", 4}}) {
    const auto rows = ReadPartition(lake() + "/trusted/" + table + "/ingestion_date=" + kDate);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(rows->size(), kept) << table;
  }

  // Sessions: u1 a1 = 20 s (the duplicate would make it 40 s), Comedy, not reached;
  //   u2 b1 = 31.5 s, Drama, reached; u6 c1 = play only, 0 s, Drama by fallback.
  // Q1: 1/3 = 33.3333 %; Wilson 1/3 -> [6.1492, 79.2340] %.
  ExpectQ1(*report, {3, 1, 0, 100.0 / 3, 6.149194472039621, 79.23403991979522});
  // Q2: Drama 0/2, Comedy 0/1: equal rates, Drama has more new users.
  //   Wilson 0/2: center = half = 0.328810 -> [0, 0.657620]; avg watch (31.5 + 0)/2.
  ExpectGenres(*report, {
                            {"Drama", 1, 2, 0, 0.0, 0.0, 0.6576197724933469, 15.75},
                            {"Comedy", 2, 1, 0, 0.0, 0.0, 0.7934506856227626, 20},
                        });
}

// ---------------------------------------------------------------------------------------
// Case 8: numbers beyond the double range (tests/golden/wide_numbers)
// ---------------------------------------------------------------------------------------

TEST_F(GoldenTest, NumbersBeyondTheDoubleRangeAreValidJson) {
  const auto report = RunCase("wide_numbers");
  ASSERT_TRUE(report->ok());
  // 12 event records (SPEC §7: a JSON number of any size is valid JSON):
  //   line 1  u1 session_start                                  kept
  //   line 2  watch_time 1e999 (+infinity, not finite)          invalid_value
  //   line 3  watch_time -1e999 (-infinity)                     invalid_value
  //   line 4  watch_time 123456789012345678901234567890 (> 86400) invalid_value
  //   line 5  watch_time 1e-999 (underflows to 0, a valid 0 s)  kept
  //   line 6  watch_time 40, an unknown field holding [1e999, -1e999]  kept
  //   line 7  u2 play 1e999: not finite, kept with value null   kept
  //   line 8  line 7 with -1e999: also null, same key           duplicate
  //   line 9  line 7 with the big integer: 1.2345678901234568e29 kept
  //   line 10 watch_time 35                                     kept
  //   line 11 session_end -1e-999 (-0.0)                        kept
  //   line 12 1e999 before a trailing comma                     malformed_record
  //   -> 7 kept + 1 duplicate + 4 rejected = 12.
  ExpectTableCounts(*report, "events", {12, 7, 4, 1});
  EXPECT_EQ(report->Int("/tables/events/rejected_by_reason/invalid_value"), 3);
  EXPECT_EQ(report->Int("/tables/events/rejected_by_reason/malformed_record"), 1);
  EXPECT_EQ(report->Size("/tables/events/rejected_by_reason"), 2u);

  const auto events = ReadPartition(lake() + "/trusted/events/ingestion_date=" + kDate);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  std::map<int64_t, std::optional<std::string>> value_of_line;
  for (const Row& row : *events) {
    value_of_line[std::stoll(*row.at("source_line"))] = row.at("value");
  }
  const std::map<int64_t, std::optional<std::string>> expected_values = {
      {1, std::nullopt}, {5, "0"},   {6, "40"}, {7, std::nullopt}, {9, "1.2345678901234568e+29"},
      {10, "35"},        {11, "-0"},
  };
  EXPECT_EQ(value_of_line, expected_values);

  // Sessions: u1 s1 = 0 + 40 = 40 s, u2 s2 = 35 s, both Comedy and both reach 30 s.
  // Q1: 2/2 = 100 %; Wilson 2/2: low = 1 / (1 + z²/2) = 1 / 2.9207294 = 34.2380 %, high 100 %.
  ExpectQ1(*report, {2, 2, 0, 100.0, 34.2380227506653, 100.0});
  // Q2: Comedy, 2 new users, no second session: 0/2, Wilson [0, 0.6576198]; average first
  //   session watch (40 + 35) / 2 = 37.5 s.
  ExpectGenres(*report, {{"Comedy", 1, 2, 0, 0.0, 0.0, 0.6576197724933469, 37.5}});
}

// ---------------------------------------------------------------------------------------
// Case 9: errors
// ---------------------------------------------------------------------------------------

TEST_F(GoldenTest, MissingRequiredColumnFailsAndPublishesNothingOfThatTable) {
  // users_2025-09-09.csv has no signup_date column.
  const RunResult run = RunPipeline(GoldenDir("missing_column"), lake(), kDate);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("users_2025-09-09.csv"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("signup_date"), std::string::npos) << run.err;
  EXPECT_EQ(ListFiles(lake(), std::string("trusted/users/ingestion_date=") + kDate),
            std::vector<std::string>{});
}

TEST_F(GoldenTest, UnknownIngestionDateFormatIsAUsageError) {
  for (const char* date : {"2025/09/09", "20250909", "2025-9-9", "09-09-2025"}) {
    const RunResult run = RunPipeline(GoldenDir("ties"), lake(), date);
    EXPECT_EQ(run.exit_code, 2) << date << ": " << run.err;
    EXPECT_NE(run.err.find(date), std::string::npos) << run.err;
  }
  EXPECT_EQ(ListFiles(lake()), std::vector<std::string>{});
}

// --engine trino reads the Iceberg tables: without STREAMPRO_CATALOG it is refused before
// the lake is touched; an unknown engine is a usage error, from the option or the setting.
// Commands without --engine ignore STREAMPRO_ENGINE.
TEST_F(GoldenTest, EngineChoiceErrorsAreUsageErrors) {
  const RunResult no_catalog =
      RunStreampro({"pipeline", "--env", "test", "--landing", GoldenDir("ties"), "--lake", lake(),
                    "--ingestion-date", kDate, "--engine", "trino"});
  EXPECT_EQ(no_catalog.exit_code, 2) << no_catalog.err;
  EXPECT_NE(no_catalog.err.find("--engine: the trino engine reads the lake's Iceberg tables: set "
                                "STREAMPRO_CATALOG"),
            std::string::npos)
      << no_catalog.err;
  const RunResult bad_option = RunStreampro({"report", "--env", "test", "--lake", lake(),
                                             "--ingestion-date", kDate, "--engine", "spark"});
  EXPECT_EQ(bad_option.exit_code, 2) << bad_option.err;
  EXPECT_NE(bad_option.err.find("--engine"), std::string::npos) << bad_option.err;
  const RunResult bad_setting =
      RunStreampro({"to-enriched", "--env", "test", "--lake", lake(), "--ingestion-date", kDate},
                   {{"STREAMPRO_ENGINE", "duckdb"}});
  EXPECT_EQ(bad_setting.exit_code, 2) << bad_setting.err;
  EXPECT_NE(bad_setting.err.find("unknown engine 'duckdb' (embedded or trino)"), std::string::npos)
      << bad_setting.err;
  EXPECT_EQ(ListFiles(lake()), std::vector<std::string>{});
  const RunResult to_raw = RunStreampro({"to-raw", "--env", "test", "--landing", GoldenDir("ties"),
                                         "--lake", lake(), "--ingestion-date", kDate},
                                        {{"STREAMPRO_ENGINE", "trino"}});
  EXPECT_EQ(to_raw.exit_code, 0) << to_raw.err;
}

TEST_F(GoldenTest, LandingWithoutEventsSucceedsAndSaysSo) {
  // The folder has users, videos, devices for 2025-09-09 and events only for 2025-09-08.
  const RunResult run = RunPipeline(GoldenDir("no_events"), lake(), kDate);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::string said = Lowercase(run.out + run.err);
  EXPECT_TRUE(said.find("no events") != std::string::npos ||
              said.find("no new events") != std::string::npos)
      << said;
  EXPECT_NE(said.find("events_2025-09-08.jsonl"), std::string::npos) << "listed as skipped";

  const auto report = ReadReport(lake(), kDate);
  ASSERT_TRUE(report->ok()) << report->error();
  EXPECT_TRUE(report->IsNull("/tables/events/file"));
  ExpectTableCounts(*report, "events", {0, 0, 0, 0});
  ExpectTableCounts(*report, "users", {2, 2, 0, 0});
  // Nobody has a session: 0 new users, both users never active.
  EXPECT_EQ(report->Int("/q1/new_users"), 0);
  EXPECT_EQ(report->Int("/q1/never_active"), 2);
  EXPECT_EQ(report->Int("/q3/segments_tested"), 0);
  EXPECT_EQ(report->Size("/q3/abnormal"), 0u);
  EXPECT_EQ(ListFiles(lake(), "raw/events/"), std::vector<std::string>{});
  EXPECT_FALSE(ListFiles(lake(), std::string("trusted/users/ingestion_date=") + kDate).empty());
}

}  // namespace
}  // namespace streampro::e2e
