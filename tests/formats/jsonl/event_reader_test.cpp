#include "formats/jsonl/event_reader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "formats/jsonl/event_schema.h"

namespace streampro::formats::jsonl {
namespace {

// 2025-09-05T10:00:00Z in microseconds since the epoch (20336 days).
constexpr int64_t kTenOClock = (int64_t{20336} * 86400 + 10 * 3600) * 1'000'000;

std::shared_ptr<KeySet> Keys(std::initializer_list<std::string_view> keys) {
  auto set = std::make_shared<KeySet>();
  for (std::string_view key : keys) set->Insert(key);
  return set;
}

/// A valid play event with `extra` fields added after the required ones.
std::string Event(std::string_view extra = "") {
  std::string line =
      R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":"play","session_id":"s1")";
  if (!extra.empty()) line += fmt::format(",{}", extra);
  return line + "}";
}

EventReadOptions Options(int threads = 1, int64_t chunk_bytes = 1 << 20) {
  EventReadOptions options;
  options.chunking.threads = threads;
  options.chunking.chunk_bytes = chunk_bytes;
  options.known_users = Keys({"u1", "u2"});
  options.known_videos = Keys({"v1", "v2"});
  return options;
}

EventTable Read(const std::string& text, const EventReadOptions& options = Options()) {
  auto file = MakeBufferFile("events_test.jsonl", text);
  auto result = ReadAllEvents(*file, options);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return EventTable();
  EXPECT_TRUE(result->counters.CheckInvariant("test input").ok());
  EXPECT_TRUE(result->kept.Validate().ok()) << result->kept.Validate().ToString();
  return std::move(result).value();
}

/// "reason" or "reason:field" of the single record in `line`.
std::string ReasonOf(const std::string& line, const EventReadOptions& options = Options()) {
  const EventTable table = Read(line + "\n", options);
  if (table.counters.rows_in != 1) return fmt::format("rows_in={}", table.counters.rows_in);
  if (table.counters.rows_kept == 1) return "kept";
  if (table.rejects.num_rows() != 1) return "no reject row";
  std::string out(table.rejects.reason(0));
  if (table.rejects.field(0)) out += fmt::format(":{}", *table.rejects.field(0));
  return out;
}

TEST(EventReaderTest, KeepsAValidEventWithEveryColumn) {
  const EventTable t = Read(
      R"({"session_id":"s1","country":"DE","ip":"10.0.0.1","network_type":"wifi","device_os":"iOS",)"
      R"("app_version":"2.0.1","device":"d1","value":12.5,"event_name":"watch_time","user_id":"u1",)"
      R"("video_id":"v1","account_id":"a1","timestamp":"2025-09-05 10:00:00.25+02:00"})"
      "\n");
  ASSERT_EQ(t.kept.num_rows(), 1);
  EXPECT_EQ(t.kept.column(kTimestampColumn).int64_values()[0],
            kTenOClock - int64_t{2} * 3600 * 1'000'000 + 250'000);
  EXPECT_EQ(t.kept.column(kAccountIdColumn).string_value(0), "a1");
  EXPECT_EQ(t.kept.column(kVideoIdColumn).string_value(0), "v1");
  EXPECT_EQ(t.kept.column(kUserIdColumn).string_value(0), "u1");
  EXPECT_EQ(t.kept.column(kEventNameColumn).string_value(0), "watch_time");
  EXPECT_EQ(t.kept.column(kValueColumn).double_values()[0], 12.5);
  EXPECT_EQ(t.kept.column(kDeviceColumn).string_value(0), "d1");
  EXPECT_EQ(t.kept.column(kAppVersionColumn).string_value(0), "2.0.1");
  EXPECT_EQ(t.kept.column(kDeviceOsColumn).string_value(0), "iOS");
  EXPECT_EQ(t.kept.column(kNetworkTypeColumn).string_value(0), "wifi");
  EXPECT_EQ(t.kept.column(kIpColumn).string_value(0), "10.0.0.1");
  EXPECT_EQ(t.kept.column(kCountryColumn).string_value(0), "DE");
  EXPECT_EQ(t.kept.column(kSessionIdColumn).string_value(0), "s1");
  EXPECT_EQ(t.kept.column(kSourceLineColumn).int64_values()[0], 1);
  EXPECT_EQ(t.counters.rows_in, 1);
  EXPECT_EQ(t.counters.rows_kept, 1);
}

TEST(EventReaderTest, UnknownFieldsAreIgnoredAndNullIsAbsent) {
  const EventTable t = Read(Event(R"("extra":{"a":[1,2,{"b":null}]},"list":[1],"x\u0041":"y",)"
                                  R"("device":null,"video_id":null,"value":null)") +
                            "\n");
  ASSERT_EQ(t.kept.num_rows(), 1);
  EXPECT_TRUE(t.kept.column(kDeviceColumn).IsNull(0));
  EXPECT_TRUE(t.kept.column(kVideoIdColumn).IsNull(0));
  EXPECT_TRUE(t.kept.column(kValueColumn).IsNull(0));
  EXPECT_TRUE(t.kept.column(kAccountIdColumn).IsNull(0));
}

TEST(EventReaderTest, BomCrlfAndBlankLinesAreNotRecords) {
  const std::string text = fmt::format("\xEF\xBB\xBF{}\r\n   \n\t\r\n\n{}\r\n{{\"a\":1,}}\r\n",
                                       Event(), Event(R"("video_id":"v1")"));
  const EventTable t = Read(text);
  EXPECT_EQ(t.counters.rows_in, 3);
  EXPECT_EQ(t.counters.rows_kept, 2);
  ASSERT_EQ(t.kept.num_rows(), 2);
  EXPECT_EQ(t.kept.column(kSourceLineColumn).int64_values()[0], 1);
  EXPECT_EQ(t.kept.column(kSourceLineColumn).int64_values()[1], 5);
  ASSERT_EQ(t.rejects.num_rows(), 1);
  EXPECT_EQ(t.rejects.line_number(0), 6);
  EXPECT_EQ(t.rejects.raw_record(0), "{\"a\":1,}");  // no CR, no LF
  EXPECT_EQ(t.rejects.table(0), "events");
  EXPECT_EQ(t.rejects.source_file(0), "events_test.jsonl");
}

TEST(EventReaderTest, LastLineWithoutNewlineAndEmptyFiles) {
  EXPECT_EQ(Read(Event()).counters.rows_kept, 1);
  EXPECT_EQ(Read("").counters.rows_in, 0);
  EXPECT_EQ(Read("\xEF\xBB\xBF").counters.rows_in, 0);
  EXPECT_EQ(Read(" \n\r\n\t").counters.rows_in, 0);
}

TEST(EventReaderTest, StrictJsonIsMalformedRecord) {
  const std::vector<std::string> bad = {
      R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":"play","session_id":"s1",})",
      Event(R"("value":NaN)"),
      Event(R"("value":Infinity)"),
      Event(R"("value":-Infinity)"),
      Event(R"("extra":[1,2,])"),
      R"([1,2,3])",
      R"("a string")",
      "42",
      "null",
      "true",
      R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1")",
      Event() + Event(),
      Event() + " x",
      R"({'user_id':'u1'})",
      Event(R"("ip":"\x41")"),
      Event("\"device\":\"bad utf8 \xC3\x28\""),
      "{\"device\":\"tab\tinside\"}",
  };
  for (const std::string& line : bad) {
    EXPECT_EQ(ReasonOf(line), "malformed_record") << line;
  }
  EXPECT_EQ(ReasonOf(fmt::format(" {} \t", Event())), "kept")
      << "JSON whitespace around the object";
}

TEST(EventReaderTest, DuplicatedKnownKeyIsMalformedButDuplicatedUnknownKeyIsNot) {
  EXPECT_EQ(ReasonOf(Event(R"("user_id":"u2")")), "malformed_record");
  EXPECT_EQ(ReasonOf(Event(R"("device":null,"device":"d")")), "malformed_record");
  EXPECT_EQ(ReasonOf(Event(R"("other":1,"other":2)")), "kept");
}

TEST(EventReaderTest, MissingRequiredNamesTheFirstMissingField) {
  EXPECT_EQ(ReasonOf(R"({"user_id":"u1","event_name":"play","session_id":"s1"})"),
            "missing_required:timestamp");
  EXPECT_EQ(ReasonOf(R"({"timestamp":"x","user_id":null,"event_name":"Bad","session_id":"s1"})"),
            "missing_required:user_id");
  EXPECT_EQ(ReasonOf(R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","session_id":"s1"})"),
            "missing_required:event_name");
  EXPECT_EQ(ReasonOf(R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":"play"})"),
            "missing_required:session_id");
  EXPECT_EQ(ReasonOf(R"({})"), "missing_required:timestamp");
  EXPECT_EQ(ReasonOf(R"({"user_id":"u1","event_name":"play","session_id":"s1","timestamp":null})"),
            "missing_required:timestamp");
}

TEST(EventReaderTest, ReasonsFollowTheSpecOrder) {
  auto line = [](std::string_view ts, std::string_view user, std::string_view name,
                 std::string_view extra) {
    return fmt::format(R"({{"timestamp":{},"user_id":{},"event_name":{},"session_id":"s1"{}}})", ts,
                       user, name, extra);
  };
  const std::string ok_ts = "\"2025-09-05T10:00:00Z\"";
  // invalid_timestamp before unknown_event_name, unknown_user and bad values.
  EXPECT_EQ(ReasonOf(line("\"2025-13-01T00:00:00Z\"", "\"nobody\"", "\"Play\"", R"(,"value":-1)")),
            "invalid_timestamp:timestamp");
  // unknown_event_name before value rules and referential checks.
  EXPECT_EQ(ReasonOf(line(ok_ts, "\"nobody\"", "\"WATCH_TIME\"", R"(,"value":"x")")),
            "unknown_event_name:event_name");
  // a watch_time without value: missing_required before unknown_user.
  EXPECT_EQ(ReasonOf(line(ok_ts, "\"nobody\"", "\"watch_time\"", R"(,"video_id":"nope")")),
            "missing_required:value");
  // invalid_value before unknown_user and unknown_video.
  EXPECT_EQ(
      ReasonOf(line(ok_ts, "\"nobody\"", "\"watch_time\"", R"(,"value":true,"video_id":"no")")),
      "invalid_value:value");
  // unknown_user before unknown_video.
  EXPECT_EQ(ReasonOf(line(ok_ts, "\"nobody\"", "\"play\"", R"(,"video_id":"nope")")),
            "unknown_user:user_id");
  EXPECT_EQ(ReasonOf(line(ok_ts, "\"u1\"", "\"play\"", R"(,"video_id":"nope")")),
            "unknown_video:video_id");
  // missing_required of the four fields beats everything after malformed_record.
  EXPECT_EQ(ReasonOf(R"({"timestamp":"bad","user_id":"nobody","event_name":"nope"})"),
            "missing_required:session_id");
}

TEST(EventReaderTest, EmptyStringsAreValuesJudgedByTheirRule) {
  EXPECT_EQ(ReasonOf(R"({"timestamp":"","user_id":"u1","event_name":"play","session_id":"s1"})"),
            "invalid_timestamp:timestamp");
  EXPECT_EQ(
      ReasonOf(
          R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"","event_name":"play","session_id":"s1"})"),
      "unknown_user:user_id");
  EXPECT_EQ(
      ReasonOf(
          R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":"","session_id":"s1"})"),
      "unknown_event_name:event_name");
  EXPECT_EQ(ReasonOf(Event(R"("video_id":"")")), "unknown_video:video_id");
  // An empty session_id or optional string is a present value without a rule: kept.
  EXPECT_EQ(
      ReasonOf(
          R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":"play","session_id":""})"),
      "kept");
}

TEST(EventReaderTest, TimestampsThatAreNotStringsAreInvalid) {
  for (std::string_view ts : {"1757066400", "1757066400.5", "true", "{}", "[]"}) {
    EXPECT_EQ(
        ReasonOf(fmt::format(
            R"({{"timestamp":{},"user_id":"u1","event_name":"play","session_id":"s1"}})", ts)),
        "invalid_timestamp:timestamp")
        << ts;
  }
}

TEST(EventReaderTest, EventNamesAreCaseSensitiveStrings) {
  for (std::string_view name :
       {"\"Play\"", "\"PLAY\"", "\"buffering\"", "\"play \"", "1", "false"}) {
    EXPECT_EQ(
        ReasonOf(fmt::format(
            R"({{"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":{},"session_id":"s1"}})",
            name)),
        "unknown_event_name:event_name")
        << name;
  }
  for (std::string_view name : {"session_start", "play", "pause", "resume", "seek", "like", "heart",
                                "session_end", "error"}) {
    EXPECT_EQ(
        ReasonOf(fmt::format(
            R"({{"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":"{}","session_id":"s1"}})",
            name)),
        "kept")
        << name;
  }
}

std::string WatchTime(std::string_view value) {
  return fmt::format(
      R"({{"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":"watch_time","session_id":"s1"{}}})",
      value.empty() ? "" : fmt::format(",\"value\":{}", value));
}

TEST(EventReaderTest, WatchTimeValueRules) {
  EXPECT_EQ(ReasonOf(WatchTime("")), "missing_required:value");
  EXPECT_EQ(ReasonOf(WatchTime("null")), "missing_required:value");
  for (std::string_view bad :
       {"\"30\"", "true", "false", "-1", "-0.5", "86400.5", "1e6", "{}", "[30]", "1e300"}) {
    EXPECT_EQ(ReasonOf(WatchTime(bad)), "invalid_value:value") << bad;
  }
  for (std::string_view good : {"0", "-0.0", "0.5", "30", "86400", "8.64e4", "12345678e-3"}) {
    EXPECT_EQ(ReasonOf(WatchTime(good)), "kept") << good;
  }
}

TEST(EventReaderTest, ValueOfOtherEventsIsKeptWhenNumericElseNull) {
  EventReadOptions options = Options();
  options.drop_duplicates = false;  // rows 1 and 2 share a key once their values are null
  const EventTable t = Read(Event(R"("value":-7.5)") + "\n" + Event(R"("value":"abc")") + "\n" +
                                Event(R"("value":true)") + "\n" + Event(R"("value":1e6)") + "\n" +
                                Event(R"("value":12345678901234567890)") + "\n",
                            options);
  ASSERT_EQ(t.kept.num_rows(), 5);
  const Column& value = t.kept.column(kValueColumn);
  EXPECT_EQ(value.double_values()[0], -7.5);
  EXPECT_TRUE(value.IsNull(1));
  EXPECT_TRUE(value.IsNull(2));
  EXPECT_EQ(value.double_values()[3], 1e6);
  EXPECT_EQ(value.double_values()[4], 12345678901234567890.0);
}

// SPEC §7: a number beyond the double range is valid JSON, so it is judged by the
// field's rule, never malformed_record (simdjson alone refuses it).
TEST(EventReaderTest, NumbersBeyondTheDoubleRangeAreValidJson) {
  for (std::string_view huge :
       {"1e999", "-1e999", "1.8e308", "1E+400", "123456789012345678901234567890e300"}) {
    EXPECT_EQ(ReasonOf(WatchTime(huge)), "invalid_value:value") << huge;
  }
  // Big integers have a finite value: above 86400, so invalid for watch_time.
  EXPECT_EQ(ReasonOf(WatchTime("123456789012345678901234567890")), "invalid_value:value");
  EXPECT_EQ(ReasonOf(WatchTime("-123456789012345678901234567890")), "invalid_value:value");
  // Below the double range is 0: a valid watch time (0 s).
  EXPECT_EQ(ReasonOf(WatchTime("1e-999")), "kept");
  EXPECT_EQ(ReasonOf(WatchTime("0.000001e-400")), "kept");
  // The same value spelled with an escape in the key is the same member.
  EXPECT_EQ(ReasonOf(R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1",)"
                     R"("event_name":"watch_time","session_id":"s1","valu\u0065":1e999})"),
            "invalid_value:value");
  // Wide numbers elsewhere do not hide other problems or change other fields' rules.
  EXPECT_EQ(ReasonOf(Event(R"("extra":[1e999,-1e999,123456789012345678901234567890])")), "kept");
  EXPECT_EQ(ReasonOf(Event(R"("extra":{"a":1e999},"value":2)")), "kept");
  EXPECT_EQ(ReasonOf(Event(R"("device":1e999)")), "invalid_value:device");
  EXPECT_EQ(ReasonOf(Event(R"("video_id":123456789012345678901234567890)")),
            "unknown_video:video_id");
  EXPECT_EQ(ReasonOf(WatchTime(R"(30,"extra":1e999)")), "kept");
  EXPECT_EQ(ReasonOf(WatchTime(R"(1e999,"extra":"1e999")")), "invalid_value:value");
  // Still malformed: bad grammar around or in the wide number.
  for (const std::string& bad :
       {Event(R"("value":1e999,)"), Event(R"("value":01e999)"), Event(R"("value":1e999x)"),
        Event(R"("value":1e999 1)"), Event(R"("value":-1e999.5)"), Event(R"("value":1e)"),
        Event(R"("value":[1e999,])"), std::string("1e999"), Event(R"("value":1e999)") + "}"}) {
    EXPECT_EQ(ReasonOf(bad), "malformed_record") << bad;
  }
}

TEST(EventReaderTest, WideValueOfOtherEventsIsNullWhenInfiniteElseItsDouble) {
  // docs/formats.md: an infinite value has no finite double to keep, so it is null (as an
  // unusable string would be); a big integer is kept as its nearest double; an underflow
  // is 0 with its sign.
  EventReadOptions options = Options();
  options.drop_duplicates = false;
  const EventTable t =
      Read(Event(R"("value":1e999)") + "\n" + Event(R"("value":-1e999)") + "\n" +
               Event(R"("value":123456789012345678901234567890)") + "\n" +
               Event(R"("value":-1e-999)") + "\n" + Event(R"("value":18446744073709551616)") + "\n",
           options);
  ASSERT_EQ(t.kept.num_rows(), 5);
  const Column& value = t.kept.column(kValueColumn);
  EXPECT_TRUE(value.IsNull(0));
  EXPECT_TRUE(value.IsNull(1));
  EXPECT_EQ(value.double_values()[2], 1.2345678901234568e29);
  EXPECT_EQ(value.double_values()[3], 0.0);
  EXPECT_TRUE(std::signbit(value.double_values()[3]));
  EXPECT_EQ(value.double_values()[4], 18446744073709551616.0);
}

TEST(EventReaderTest, NonStringValuesOfStringFields) {
  EXPECT_EQ(
      ReasonOf(
          R"({"timestamp":"2025-09-05T10:00:00Z","user_id":7,"event_name":"play","session_id":"s1"})"),
      "unknown_user:user_id");
  EXPECT_EQ(
      ReasonOf(
          R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":"play","session_id":7})"),
      "invalid_value:session_id");
  EXPECT_EQ(ReasonOf(Event(R"("video_id":1)")), "unknown_video:video_id");
  EXPECT_EQ(ReasonOf(Event(R"("device":{"a":1})")), "invalid_value:device");
  EXPECT_EQ(ReasonOf(Event(R"("country":false)")), "invalid_value:country");
  EXPECT_EQ(ReasonOf(Event(R"("account_id":123)")), "invalid_value:account_id");
  // session_id's invalid_value comes after the watch_time value rule.
  EXPECT_EQ(
      ReasonOf(
          R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u1","event_name":"watch_time","session_id":7})"),
      "missing_required:value");
}

TEST(EventReaderTest, ReferentialChecksAreSkippedWithoutKeySets) {
  EventReadOptions options = Options();
  options.known_users = nullptr;
  options.known_videos = nullptr;
  EXPECT_EQ(
      ReasonOf(
          R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"anyone","event_name":"play","session_id":"s1","video_id":"any"})",
          options),
      "kept");
  EXPECT_EQ(
      ReasonOf(
          R"({"timestamp":"2025-09-05T10:00:00Z","user_id":1,"event_name":"play","session_id":"s1"})",
          options),
      "unknown_user:user_id");
}

TEST(EventReaderTest, ExactDuplicatesAreDroppedAndCountedNotRejected) {
  const std::string a = Event(R"("video_id":"v1","value":3)");
  const std::string same_instant = R"({"timestamp":"2025-09-05T12:00:00+02:00","user_id":"u1",)"
                                   R"("event_name":"play","session_id":"s1","video_id":"v1",)"
                                   R"("value":3.0,"device":"other"})";
  const std::string other_value = Event(R"("video_id":"v1","value":4)");
  const std::string null_fields = Event();
  const std::string rejected_twin = Event(R"("video_id":"v9")");
  const std::string text = a + "\n" + same_instant + "\n" + other_value + "\n" + null_fields +
                           "\n" + null_fields + "\n" + rejected_twin + "\n" +
                           Event(R"("video_id":null,"value":null)") + "\n" + a + "\r\n";
  const EventTable t = Read(text);
  EXPECT_EQ(t.counters.rows_in, 8);
  EXPECT_EQ(t.counters.rows_kept, 3);
  EXPECT_EQ(t.counters.rows_duplicate, 4);
  EXPECT_EQ(t.counters.rows_rejected, 1);
  EXPECT_EQ(t.rejects.num_rows(), 1);
  ASSERT_EQ(t.kept.num_rows(), 3);
  EXPECT_EQ(t.kept.column(kSourceLineColumn).int64_values()[0], 1);
  EXPECT_EQ(t.kept.column(kSourceLineColumn).int64_values()[1], 3);
  EXPECT_EQ(t.kept.column(kSourceLineColumn).int64_values()[2], 4);
}

TEST(EventReaderTest, DuplicatesCanBeLeftToALaterStage) {
  EventReadOptions options = Options();
  options.drop_duplicates = false;
  const EventTable t = Read(Event() + "\n" + Event() + "\n", options);
  EXPECT_EQ(t.counters.rows_kept, 2);
  EXPECT_EQ(t.counters.rows_duplicate, 0);
}

TEST(EventReaderTest, ARejectedRecordDoesNotHideALaterValidTwin) {
  // Only records that pass every rule are deduplicated.
  const EventTable t = Read(Event(R"("video_id":"nope")") + "\n" + Event() + "\n");
  EXPECT_EQ(t.counters.rows_kept, 1);
  EXPECT_EQ(t.counters.rows_rejected, 1);
}

TEST(EventReaderTest, InvalidOptionsAreRejected) {
  EventReadOptions options = Options();
  options.chunking.chunk_bytes = 0;
  auto file = MakeBufferFile("x.jsonl", Event());
  EXPECT_EQ(ReadAllEvents(*file, options).status().code(), StatusCode::kInvalidArgument);
  options = Options();
  options.chunking.threads = -1;
  EXPECT_EQ(ReadAllEvents(*file, options).status().code(), StatusCode::kInvalidArgument);
}

TEST(EventReaderTest, RoutingNeedsAFunctionAndNoDuplicateDropping) {
  auto file = MakeBufferFile("x.jsonl", Event());
  EventReadOptions options = Options();
  options.route.parts = 2;
  options.route.part_of = [](std::string_view) { return 0u; };
  EXPECT_EQ(ReadAllEvents(*file, options).status().code(), StatusCode::kInvalidArgument);
  options.drop_duplicates = false;
  options.route.part_of = nullptr;
  EXPECT_EQ(ReadAllEvents(*file, options).status().code(), StatusCode::kInvalidArgument);
}

TEST(EventReaderTest, RoutedRowsAreTheKeptRowsSpreadOverParts) {
  // u1 -> part 1, u2 -> part 2, part 0 stays empty; each part keeps file order.
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text +=
        fmt::format(
            R"({{"timestamp":"2025-09-05T10:00:{:02d}Z","user_id":"u{}","event_name":"play","session_id":"s{}"}})",
            i, 1 + i % 3 % 2, i) +
        "\n";
    if (i % 7 == 0) text += "not json\n";
  }
  EventReadOptions plain = Options(2, 300);
  plain.drop_duplicates = false;
  const EventTable reference = Read(text, plain);
  ASSERT_EQ(reference.kept.num_rows(), 40);
  for (int threads : {1, 2}) {
    EventReadOptions routed = Options(threads, 300);
    routed.drop_duplicates = false;
    routed.route.parts = 3;
    routed.route.part_of = [](std::string_view user) { return user == "u1" ? 1u : 2u; };
    std::vector<RecordBatch> parts;
    for (int p = 0; p < 3; ++p) parts.emplace_back(EventsSchema());
    FileCounters counters;
    auto file = MakeBufferFile("x.jsonl", text);
    auto total = ReadEvents(*file, routed, [&](EventChunk&& chunk) {
      EXPECT_EQ(chunk.kept.num_rows(), 0);
      EXPECT_EQ(chunk.kept_parts.size(), 3u);
      for (size_t p = 0; p < chunk.kept_parts.size(); ++p) {
        for (int64_t row = 0; row < chunk.kept_parts[p].num_rows(); ++row) {
          parts[p].AppendRowFrom(chunk.kept_parts[p], row);
        }
      }
      counters.Add(chunk.counters);
      return Status::OK();
    });
    ASSERT_TRUE(total.ok()) << total.status().message();
    EXPECT_EQ(*total, reference.counters);
    EXPECT_EQ(parts[0].num_rows(), 0);
    RecordBatch expected_u1(EventsSchema());
    RecordBatch expected_u2(EventsSchema());
    for (int64_t row = 0; row < reference.kept.num_rows(); ++row) {
      const bool u1 = reference.kept.column(kUserIdColumn).string_value(row) == "u1";
      (u1 ? expected_u1 : expected_u2).AppendRowFrom(reference.kept, row);
    }
    EXPECT_EQ(expected_u1.num_rows(), 27);
    EXPECT_TRUE(parts[1].Equals(expected_u1));
    EXPECT_TRUE(parts[2].Equals(expected_u2));
  }
}

TEST(EventReaderTest, SinkErrorsStopTheRead) {
  auto file = MakeBufferFile("x.jsonl", Event() + "\n" + Event(R"("value":1)") + "\n");
  for (int threads : {1, 3}) {
    int calls = 0;
    auto result = ReadEvents(*file, Options(threads, 1), [&](EventChunk&&) {
      ++calls;
      return Status::IOError("disk full");
    });
    EXPECT_EQ(result.status().code(), StatusCode::kIOError);
    EXPECT_EQ(calls, 1);
  }
}

/// Every kind of line above in one file, for the chunking tests.
std::string MixedFile() {
  std::string text = "\xEF\xBB\xBF";
  const std::vector<std::string> lines = {
      Event(R"("video_id":"v1","value":3)"),
      "",
      "  \t",
      R"({"timestamp":"2025-09-05T12:00:00+02:00","user_id":"u1","event_name":"play","session_id":"s1","video_id":"v1","value":3})",
      "[1,2]",
      WatchTime("\"30\""),
      WatchTime("30"),
      WatchTime("30") + "\r",
      R"({"timestamp":"2025-02-29T00:00:00Z","user_id":"u1","event_name":"play","session_id":"s1"})",
      R"({"timestamp":"2025-09-05T10:00:00Z","user_id":"u3","event_name":"play","session_id":"s1"})",
      Event(R"("x":"a \"quoted\" {brace} [and] newline-less text","device":"d\u00e9")"),
      "{\"a\":",
      Event(R"("video_id":"v2")") + "\r",
      Event(R"("video_id":"v3")"),
  };
  for (int repeat = 0; repeat < 5; ++repeat) {
    for (const std::string& line : lines) text += line + "\n";
  }
  return text + Event(R"("account_id":"last")");  // no final newline
}

TEST(EventReaderTest, OutputDoesNotDependOnChunkSizeOrThreads) {
  const std::string text = MixedFile();
  const EventTable reference = Read(text, Options(1, 1 << 20));
  EXPECT_EQ(reference.counters.rows_in, 5 * 12 + 1);
  EXPECT_GT(reference.counters.rows_duplicate, 0);
  EXPECT_GT(reference.counters.rows_rejected, 0);
  for (int64_t chunk_bytes : {1, 2, 7, 64, 300, 4096}) {
    for (int threads : {1, 2, 3, 4}) {
      SCOPED_TRACE(fmt::format("chunk_bytes={} threads={}", chunk_bytes, threads));
      EventReadOptions options = Options(threads, chunk_bytes);
      options.chunking.max_chunks_in_flight = threads == 3 ? 1 : 0;
      const EventTable t = Read(text, options);
      EXPECT_EQ(t.counters, reference.counters);
      EXPECT_TRUE(t.kept.Equals(reference.kept));
      EXPECT_TRUE(t.rejects.batch().Equals(reference.rejects.batch()));
    }
  }
}

TEST(EventReaderTest, ChunksArriveInFileOrderWithPartialCounters) {
  const std::string text = MixedFile();
  for (int threads : {1, 4}) {
    int64_t expected_index = 0;
    int64_t last_line = 0;
    FileCounters sum;
    auto file = MakeBufferFile("x.jsonl", text);
    auto total = ReadEvents(*file, Options(threads, 100), [&](EventChunk&& chunk) {
      EXPECT_EQ(chunk.index, expected_index++);
      EXPECT_GT(chunk.first_line, last_line);
      last_line = chunk.first_line;
      sum.Add(chunk.counters);
      EXPECT_EQ(chunk.kept.num_rows(), chunk.counters.rows_kept);
      return Status::OK();
    });
    ASSERT_TRUE(total.ok());
    EXPECT_EQ(*total, sum);
    EXPECT_GT(expected_index, 10);
  }
}

}  // namespace
}  // namespace streampro::formats::jsonl
