// The reference reader checks the generator, so it is checked here on hand-made inputs.

#include "support/reference_reader.h"

#include <gtest/gtest.h>

namespace streampro::testing {
namespace {

TEST(ReferenceReaderTest, TimestampsFollowSpecSection7) {
  const int64_t base = *ParseTimestamp("2025-09-05T14:03:22Z");
  EXPECT_EQ(base, 1757081002LL * 1'000'000);
  EXPECT_EQ(ParseTimestamp("2025-09-05 14:03:22"), base);
  EXPECT_EQ(ParseTimestamp("2025-09-05T16:03:22+02:00"), base);
  EXPECT_EQ(ParseTimestamp("2025-09-05T11:03:22-03:00"), base);
  EXPECT_EQ(ParseTimestamp("2025-09-05T14:03:22.123456789Z"), base + 123456);
  EXPECT_EQ(ParseTimestamp("2025-09-05T14:03:22.5"), base + 500000);
  for (const char* bad :
       {"2025-09-05t14:03:22z", " 2025-09-05T14:03:22Z", "2025-09-05T14:03:22Z ",
        "2025-02-30T10:00:00Z", "2025-09-05T24:00:00Z", "2025-09-05T14:60:00Z",
        "2025-09-05T14:03:60Z", "2025-09-05T14:03:22+24:00", "2025-09-05T14:03:22+05:60",
        "2025-09-05T14:03:22.Z", "2025-09-05T14:03:22.1234567890Z", "2025-09-05T14:03:22+0200",
        "2025-09-05", "2025/09/05 14:03:22", ""}) {
    EXPECT_FALSE(ParseTimestamp(bad).has_value()) << bad;
  }
}

TEST(ReferenceReaderTest, CsvQuotingAndRowRules) {
  EXPECT_EQ(*SplitCsvLine(R"(a,"b, c","say ""hi""",)"),
            (std::vector<std::string>{"a", "b, c", "say \"hi\"", ""}));
  EXPECT_FALSE(SplitCsvLine(R"(a,"open)").has_value());
  const auto users =
      ReadDimension("users",
                    "\xEF\xBB\xBFuser_id,signup_date,subscription_tier,age_group,gender\r\n"
                    "u1,2025-01-01, premium ,18-25,\n"
                    "\n"
                    "u1,2025-01-02,Free,,\n"
                    "u2,2025-02-30,Free,,\n"
                    "u3,2025-01-01,Gold,,\n"
                    "u4,2025-01-01,Free,17-24,\n"
                    ",2025-01-01,Free,,\n"
                    "u5,2025-01-01\n");
  EXPECT_EQ(users.counters.rows_in, 7);
  EXPECT_EQ(users.counters.rows_kept, 1);
  EXPECT_EQ(users.rows.at("u1").at("subscription_tier"), "Premium");
  EXPECT_EQ(users.counters.rejected_by_reason,
            (std::map<std::string, int64_t>{{"duplicate_key", 1},
                                            {"invalid_date", 1},
                                            {"invalid_enum", 2},
                                            {"malformed_record", 1},
                                            {"missing_required", 1}}));
}

TEST(ReferenceReaderTest, DevicesAreKeyedByDeviceOsAndModel) {
  // Rows 1-3 share device types but not (device, os, model); row 4 repeats row 1 with
  // another os_version, row 6 repeats row 5 (null os and model): 4 kept, 2 duplicate_key.
  const auto devices = ReadDimension("devices",
                                     "device,os,model,os_version\n"
                                     "mobile,iOS,iPhone 15,17\n"
                                     "mobile,Android,Pixel 8,14\n"
                                     "tablet,iOS,iPhone 15,17\n"
                                     "mobile,iOS,iPhone 15,18\n"
                                     "tablet,,,\n"
                                     "tablet,,,1\n");
  EXPECT_EQ(devices.counters.rows_kept, 4);
  EXPECT_EQ(devices.counters.rejected_by_reason,
            (std::map<std::string, int64_t>{{"duplicate_key", 2}}));
  EXPECT_EQ(devices.rows.count(std::string("mobile") + kKeySeparator + "iOS" + kKeySeparator +
                               "iPhone 15"),
            1u);
}

TEST(ReferenceReaderTest, EventsFollowTheRejectOrderAndDeduplicateOnTheInstant) {
  const std::set<std::string> users = {"u1"}, videos = {"v1"};
  const auto r = ReadEvents(
      R"({"timestamp":"2025-09-05T14:03:22Z","user_id":"u1","event_name":"play","session_id":"s","video_id":"v1"})"
      "\n"
      R"({"timestamp":"2025-09-05T16:03:22+02:00","user_id":"u1","event_name":"play","session_id":"s","video_id":"v1"})"
      "\n  \n"
      R"({"timestamp":"2025-09-05T14:03:22Z","user_id":"u1","event_name":"play","session_id":"s",})"
      "\n"
      R"({"user_id":"u1","event_name":"play","session_id":"s"})"
      "\n"
      R"({"timestamp":"","user_id":"nobody","event_name":"play","session_id":"s"})"
      "\n"
      R"({"timestamp":"2025-09-05T14:03:22Z","user_id":"u1","event_name":"watch_time","session_id":"s"})"
      "\n"
      R"({"timestamp":"2025-09-05T14:03:22Z","user_id":"u1","event_name":"watch_time","value":"5","session_id":"s"})"
      "\n"
      R"({"timestamp":"2025-09-05T14:03:22Z","user_id":"nobody","event_name":"Play","session_id":"s"})"
      "\n"
      R"({"timestamp":"2025-09-05T14:03:22Z","user_id":"nobody","event_name":"play","session_id":"s"})"
      "\n"
      R"({"timestamp":"2025-09-05T14:03:22Z","user_id":"u1","event_name":"play","session_id":"s","video_id":"v9"})"
      "\n[1,2]\n",
      users, videos);
  EXPECT_EQ(r.counters.rows_in, 11);
  EXPECT_EQ(r.counters.rows_kept, 1);
  EXPECT_EQ(r.counters.rows_duplicate, 1);
  EXPECT_EQ(r.counters.rejected_by_reason,
            (std::map<std::string, int64_t>{{"invalid_timestamp", 1},
                                            {"invalid_value", 1},
                                            {"malformed_record", 2},
                                            {"missing_required", 2},
                                            {"unknown_event_name", 1},
                                            {"unknown_user", 1},
                                            {"unknown_video", 1}}));
}

TEST(ReferenceReaderTest, SessionGenreAndRetentionFollowSection4) {
  std::vector<KeptEvent> events;
  auto add = [&](const std::string& user, const std::string& session, int64_t seconds,
                 const std::string& name, std::optional<std::string> video,
                 std::optional<double> value) {
    KeptEvent e;
    e.micros = seconds * 1'000'000;
    e.user_id = user;
    e.session_id = session;
    e.event_name = name;
    e.video_id = video;
    e.value = value;
    e.device_os = "iOS";
    e.app_version = "1.0";
    events.push_back(e);
  };
  const std::map<std::string, std::string> genre = {{"a", "Action"}, {"c", "Comedy"}};
  // u1: the session id that sorts first starts later; equal watch seconds tie alphabetically.
  add("u1", "s_10", 100, "watch_time", "c", 20);
  add("u1", "s_10", 101, "watch_time", "a", 20);
  add("u1", "s_9", 100 + 72 * 3600, "play", "c", std::nullopt);
  // u2: no watch time, genre from the earliest event with a video; returns just after 72 h.
  add("u2", "x", 0, "play", "c", std::nullopt);
  add("u2", "y", 72 * 3600 + 1, "session_start", std::nullopt, std::nullopt);
  const auto sessions = BuildSessions(events, genre);
  const auto m = ComputeMetrics(sessions, {"u1", "u2"});
  EXPECT_EQ(m.new_users, 2);
  EXPECT_EQ(m.reached_30s, 1);
  EXPECT_EQ(m.by_genre.at("Action").new_users, 1);
  EXPECT_EQ(m.by_genre.at("Action").returned_within_3d, 1);  // exactly 72 h counts
  EXPECT_EQ(m.by_genre.at("Comedy").new_users, 1);
  EXPECT_EQ(m.by_genre.at("Comedy").returned_within_3d, 0);
  EXPECT_EQ(m.segments.at({"iOS", "1.0"}), std::make_pair(int64_t{4}, int64_t{3}));
}

}  // namespace
}  // namespace streampro::testing
