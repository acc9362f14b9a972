// Fast libFuzzer target for one JSONL event line through EventChunkParser (SPEC §7),
// without the file reader's chunking and threads. The first byte picks the line number;
// the rest, up to the first newline, is the line. The line is classified four ways: with
// referential checks (users u1, u2 and ""; videos v1, v2), without them, without them
// and routed over three parts by user (EventRules::Route), and wrapped in JSON whitespace.
// Every result must be one kept row or one reject with a SPEC §3 event reason, a kept row
// must satisfy the event rules, and the results must agree as the rule order says. Any
// violation aborts.

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/timestamp.h"
#include "formats/jsonl/event_parser.h"
#include "formats/jsonl/event_schema.h"

namespace {

namespace jsonl = streampro::formats::jsonl;
using streampro::formats::KeySet;
using streampro::RejectReason;

void Check(bool condition) {
  if (!condition) std::abort();
}

// simdjson reads up to 64 bytes past the line (EventChunkParser::Parse's contract).
constexpr size_t kPadding = 64;

constexpr std::array<std::string_view, 3> kUsers = {"u1", "u2", ""};
constexpr std::array<std::string_view, 2> kVideos = {"v1", "v2"};

// The SPEC §1 event names, listed here independently of the parser's own table.
constexpr std::array<std::string_view, 10> kEventNames = {
    "session_start", "play", "pause", "resume",      "seek",
    "watch_time",    "like", "heart", "session_end", "error"};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& list, std::string_view value) {
  for (std::string_view item : list) {
    if (item == value) return true;
  }
  return false;
}

std::shared_ptr<const KeySet> Keys(std::initializer_list<std::string_view> keys) {
  auto set = std::make_shared<KeySet>();
  for (std::string_view key : keys) set->Insert(key);
  return set;
}

// Parsers and key sets are built once: they are the fixed part of every run.
struct Fixture {
  jsonl::EventChunkParser with_keys{
      "fuzz.jsonl",
      jsonl::EventRules{Keys({kUsers[0], kUsers[1], kUsers[2]}), Keys({kVideos[0], kVideos[1]}), {}}};
  jsonl::EventChunkParser without_keys{"fuzz.jsonl", jsonl::EventRules{}};
  // Kept rows routed over three parts by user_id length, as the trusted stage routes
  // them over user buckets.
  jsonl::EventChunkParser routed{
      "fuzz.jsonl",
      jsonl::EventRules{nullptr, nullptr,
                        jsonl::EventRules::Route{
                            3, [](std::string_view user) {
                              return static_cast<uint32_t>(user.size() % 3);
                            }}}};
};

Fixture& TheFixture() {
  static Fixture fixture;
  return fixture;
}

// The line in a buffer of exactly its size plus the padding, so that ASan sees any read
// beyond the padding.
jsonl::EventChunk ParseLine(jsonl::EventChunkParser& parser, std::string_view line,
                            int64_t line_number) {
  std::unique_ptr<char[]> buffer(new char[line.size() + kPadding]);
  if (!line.empty()) std::memcpy(buffer.get(), line.data(), line.size());
  std::memset(buffer.get() + line.size(), 0, kPadding);
  return parser.Parse(std::string_view(buffer.get(), line.size()), line_number);
}

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

std::optional<RejectReason> ReasonOf(const jsonl::EventChunk& chunk) {
  if (chunk.counters.rows_rejected == 0) return std::nullopt;
  for (RejectReason reason : streampro::kAllRejectReasons) {
    if (chunk.counters.rejected(reason) == 1) return reason;
  }
  std::abort();
}

// Checks the shape of one classified line and, for a kept row, the SPEC rules.
void CheckOne(const jsonl::EventChunk& chunk, std::string_view line, int64_t line_number,
              bool referential) {
  Check(chunk.counters.CheckInvariant("fuzz input").ok());
  Check(chunk.counters.rows_duplicate == 0);
  Check(chunk.kept.Validate().ok());
  Check(chunk.rejects.batch().Validate().ok());
  Check(chunk.kept.num_rows() == chunk.counters.rows_kept);
  Check(chunk.rejects.num_rows() == chunk.counters.rows_rejected);
  if (IsBlank(line)) {
    Check(chunk.counters.rows_in == 0);
    return;
  }
  Check(chunk.counters.rows_in == 1);
  if (chunk.counters.rows_rejected == 1) {
    const RejectReason reason = *ReasonOf(chunk);
    Check(reason == RejectReason::kMalformedRecord || reason == RejectReason::kMissingRequired ||
          reason == RejectReason::kInvalidTimestamp || reason == RejectReason::kInvalidValue ||
          reason == RejectReason::kUnknownEventName || reason == RejectReason::kUnknownUser ||
          reason == RejectReason::kUnknownVideo);
    Check(chunk.rejects.reason(0) == streampro::RejectReasonName(reason));
    Check(chunk.rejects.table(0) == "events");
    Check(chunk.rejects.line_number(0) == line_number);
    Check(chunk.rejects.raw_record(0) == line);
    // Malformed names no field; every other reason names the field it judged.
    const auto field = chunk.rejects.field(0);
    Check(field.has_value() == (reason != RejectReason::kMalformedRecord));
    if (field) Check(jsonl::EventFieldIndex(*field) >= 0);
    return;
  }
  using namespace jsonl;
  const streampro::RecordBatch& kept = chunk.kept;
  for (int column :
       {kTimestampColumn, kUserIdColumn, kEventNameColumn, kSessionIdColumn, kSourceLineColumn}) {
    Check(kept.column(column).IsValid(0));
  }
  Check(kept.column(kSourceLineColumn).int64_values()[0] == line_number);
  // Within what YYYY-MM-DD with an offset of at most 23:59 can express.
  const int64_t micros = kept.column(kTimestampColumn).int64_values()[0];
  constexpr int64_t kMinMicros = -62167219200LL * 1000000 - 86400LL * 1000000;
  constexpr int64_t kMaxMicros = 253402300800LL * 1000000 + 86400LL * 1000000;
  Check(micros >= kMinMicros && micros < kMaxMicros);
  const std::string_view event_name = kept.column(kEventNameColumn).string_value(0);
  Check(OneOf(kEventNames, event_name));
  const streampro::Column& value = kept.column(kValueColumn);
  // A JSON number too large for a double is malformed, so a kept value is finite.
  if (value.IsValid(0)) Check(std::isfinite(value.double_values()[0]));
  if (event_name == "watch_time") {
    Check(value.IsValid(0));
    const double seconds = value.double_values()[0];
    Check(std::isfinite(seconds) && seconds >= 0 && seconds <= 86400);
  }
  if (referential) {
    Check(OneOf(kUsers, kept.column(kUserIdColumn).string_value(0)));
    const streampro::Column& video = kept.column(kVideoIdColumn);
    Check(!video.IsValid(0) || OneOf(kVideos, video.string_value(0)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int64_t line_number = 1 + data[0];
  std::string_view line(reinterpret_cast<const char*>(data + 1), size - 1);
  line = line.substr(0, line.find('\n'));
  Fixture& fixture = TheFixture();

  const jsonl::EventChunk checked = ParseLine(fixture.with_keys, line, line_number);
  const jsonl::EventChunk unchecked = ParseLine(fixture.without_keys, line, line_number);
  // Parse drops one CR of a CRLF terminator; the ledger keeps the line without it.
  std::string_view record = line;
  if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
  CheckOne(checked, record, line_number, true);
  CheckOne(unchecked, record, line_number, false);
  if (IsBlank(record)) return 0;

  // Referential checks come last: without them a line gets the same verdict, unless the
  // checks rejected it as unknown_user or unknown_video.
  const std::optional<RejectReason> with_reason = ReasonOf(checked);
  const std::optional<RejectReason> without_reason = ReasonOf(unchecked);
  if (without_reason) {
    Check(with_reason == without_reason);
  } else if (with_reason) {
    Check(*with_reason == RejectReason::kUnknownUser ||
          *with_reason == RejectReason::kUnknownVideo);
  } else {
    Check(checked.kept.Equals(unchecked.kept));
  }

  // Routing moves a kept row into the part of its user_id and changes nothing else.
  const jsonl::EventChunk routed = ParseLine(fixture.routed, line, line_number);
  Check(routed.counters == unchecked.counters);
  Check(routed.kept.num_rows() == 0 && routed.kept_parts.size() == 3);
  Check(routed.rejects.batch().Equals(unchecked.rejects.batch()));
  for (size_t part = 0; part < 3; ++part) {
    const streampro::RecordBatch& rows = routed.kept_parts[part];
    Check(rows.Validate().ok());
    const bool here =
        !without_reason &&
        unchecked.kept.column(jsonl::kUserIdColumn).string_value(0).size() % 3 == part;
    Check(rows.num_rows() == (here ? 1 : 0));
    if (here) Check(rows.Equals(unchecked.kept));
  }

  // JSON whitespace around the object changes nothing but the raw text of a reject.
  const std::string spaced = " \t" + std::string(record) + " ";
  const jsonl::EventChunk padded = ParseLine(fixture.without_keys, spaced, line_number);
  CheckOne(padded, spaced, line_number, false);
  Check(ReasonOf(padded) == without_reason);
  if (!without_reason) Check(padded.kept.Equals(unchecked.kept));
  return 0;
}
