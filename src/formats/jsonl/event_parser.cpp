#include "formats/jsonl/event_parser.h"

#include <simdjson.h>

#include <array>
#include <cmath>
#include <cstring>
#include <utility>

#include "catalog/catalog.h"
#include "common/timestamp.h"
#include "formats/common/text_lines.h"
#include "formats/jsonl/event_schema.h"
#include "formats/jsonl/wide_numbers.h"

namespace streampro::formats::jsonl {

namespace {

constexpr std::string_view kTable = TableName(Table::kEvents);
constexpr double kMaxWatchSeconds = 86400.0;

// Optional string columns: a non-string JSON value there is invalid_value.
constexpr std::array<int, 7> kOptionalStringColumns = {
    kAccountIdColumn,   kDeviceColumn, kAppVersionColumn, kDeviceOsColumn,
    kNetworkTypeColumn, kIpColumn,     kCountryColumn};

bool IsNumber(simdjson::dom::element_type type) {
  return type == simdjson::dom::element_type::INT64 ||
         type == simdjson::dom::element_type::UINT64 || type == simdjson::dom::element_type::DOUBLE;
}

}  // namespace

EventChunk::EventChunk() : kept(EventsSchema()) {}

bool IsKnownEventName(std::string_view name) {
  switch (name.size()) {
    case 4:
      return SameAs(name, "play") || SameAs(name, "seek") || SameAs(name, "like");
    case 5:
      return SameAs(name, "pause") || SameAs(name, "heart") || SameAs(name, "error");
    case 6:
      return SameAs(name, "resume");
    case 10:
      return SameAs(name, "watch_time");
    case 11:
      return SameAs(name, "session_end");
    case 13:
      return SameAs(name, "session_start");
    default:
      return false;
  }
}

EventChunkParser::EventChunkParser(std::string source_file, EventRules rules)
    : source_file_(std::move(source_file)),
      rules_(std::move(rules)),
      parser_(std::make_unique<simdjson::dom::parser>()) {}

EventChunkParser::~EventChunkParser() = default;
EventChunkParser::EventChunkParser(EventChunkParser&&) noexcept = default;
EventChunkParser& EventChunkParser::operator=(EventChunkParser&&) noexcept = default;

EventChunk EventChunkParser::Parse(std::string_view text, int64_t first_line) {
  EventChunk out;
  out.first_line = first_line;
  // Typical events are ~250 bytes; reserving avoids regrowth on the hot path.
  const auto expected_rows = static_cast<int64_t>(text.size() / 200 + 16);
  if (rules_.route.parts == 0) {
    out.kept.Reserve(expected_rows);
  } else {
    out.kept_parts.reserve(rules_.route.parts);
    for (uint32_t part = 0; part < rules_.route.parts; ++part) {
      out.kept_parts.emplace_back(EventsSchema());
      out.kept_parts.back().Reserve(expected_rows / rules_.route.parts + 16);
    }
  }
  int64_t line_number = first_line;
  size_t pos = 0;
  while (pos < text.size()) {
    const void* newline = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const size_t end = newline == nullptr
                           ? text.size()
                           : static_cast<size_t>(static_cast<const char*>(newline) - text.data());
    const std::string_view line = StripCarriageReturn(text.substr(pos, end - pos));
    if (!IsBlankLine(line)) ParseLine(line, line_number, &out);
    ++line_number;
    pos = end + 1;
  }
  return out;
}

void EventChunkParser::Reject(EventChunk* out, int64_t line_number, RejectReason reason, int field,
                              std::string_view line) {
  out->counters.AddReject(reason);
  std::optional<std::string_view> field_name;
  if (field >= 0) field_name = EventFieldName(field);
  out->rejects.Append(kTable, source_file_, line_number, reason, field_name, line);
}

void EventChunkParser::ParseLine(std::string_view line, int64_t line_number, EventChunk* out) {
  using simdjson::dom::element_type;
  ++out->counters.rows_in;

  simdjson::dom::element doc;
  // The bytes after the line (the next lines or the chunk padding) are readable, so
  // simdjson can parse in place without copying the line.
  simdjson::error_code error =
      parser_->parse(reinterpret_cast<const uint8_t*>(line.data()), line.size(), false).get(doc);
  // Valid JSON with numbers simdjson cannot hold (1e999, 30-digit integers): parse a copy
  // with those numbers narrowed; the top-level value's own number is kept aside.
  std::optional<double> wide_value;
  if (error != simdjson::SUCCESS) {
    if (std::optional<NarrowedLine> narrowed = NarrowWideNumbers(line)) {
      error = parser_->parse(narrowed->text.data(), narrowed->text.size(), true).get(doc);
      wide_value = narrowed->value;
    }
  }
  if (error != simdjson::SUCCESS || doc.type() != element_type::OBJECT) {
    return Reject(out, line_number, RejectReason::kMalformedRecord, -1, line);
  }

  std::array<simdjson::dom::element, kNumEventJsonFields> fields;
  std::array<element_type, kNumEventJsonFields> types;
  uint32_t seen = 0;
  uint32_t present = 0;
  const simdjson::dom::object object = doc.get_object().value_unsafe();
  for (const simdjson::dom::key_value_pair member : object) {
    const int index = EventFieldIndex(member.key);
    if (index < 0) continue;
    const uint32_t bit = 1u << index;
    // A known field twice is ambiguous (RFC 8259 leaves the meaning open): malformed.
    if ((seen & bit) != 0) {
      return Reject(out, line_number, RejectReason::kMalformedRecord, -1, line);
    }
    seen |= bit;
    fields[static_cast<size_t>(index)] = member.value;
    types[static_cast<size_t>(index)] = member.value.type();
    if (types[static_cast<size_t>(index)] != element_type::NULL_VALUE) present |= bit;
  }
  auto has = [&](int column) { return (present & (1u << column)) != 0; };
  auto type_of = [&](int column) { return types[static_cast<size_t>(column)]; };
  auto string_of = [&](int column) {
    return fields[static_cast<size_t>(column)].get_string().value_unsafe();
  };

  for (int column : {kTimestampColumn, kUserIdColumn, kEventNameColumn, kSessionIdColumn}) {
    if (!has(column)) {
      return Reject(out, line_number, RejectReason::kMissingRequired, column, line);
    }
  }

  std::optional<int64_t> micros;
  if (type_of(kTimestampColumn) == element_type::STRING) {
    micros = ParseIsoTimestamp(string_of(kTimestampColumn));
  }
  if (!micros) {
    return Reject(out, line_number, RejectReason::kInvalidTimestamp, kTimestampColumn, line);
  }

  if (type_of(kEventNameColumn) != element_type::STRING ||
      !IsKnownEventName(string_of(kEventNameColumn))) {
    return Reject(out, line_number, RejectReason::kUnknownEventName, kEventNameColumn, line);
  }
  const std::string_view event_name = string_of(kEventNameColumn);

  const bool numeric = has(kValueColumn) && IsNumber(type_of(kValueColumn));
  double value = 0;
  if (numeric) {
    value = wide_value ? *wide_value : fields[kValueColumn].get_double().value_unsafe();
  }
  if (event_name.size() == 10 && SameAs(event_name, "watch_time")) {
    if (!has(kValueColumn)) {
      return Reject(out, line_number, RejectReason::kMissingRequired, kValueColumn, line);
    }
    if (!numeric || !std::isfinite(value) || value < 0 || value > kMaxWatchSeconds) {
      return Reject(out, line_number, RejectReason::kInvalidValue, kValueColumn, line);
    }
  }
  // Other events keep a numeric value as given, but a number beyond the double range has
  // no finite value to keep: null (docs/formats.md).
  const bool keep_value = numeric && std::isfinite(value);
  if (type_of(kSessionIdColumn) != element_type::STRING) {
    return Reject(out, line_number, RejectReason::kInvalidValue, kSessionIdColumn, line);
  }
  for (int column : kOptionalStringColumns) {
    if (has(column) && type_of(column) != element_type::STRING) {
      return Reject(out, line_number, RejectReason::kInvalidValue, column, line);
    }
  }

  if (type_of(kUserIdColumn) != element_type::STRING ||
      (rules_.known_users != nullptr && !rules_.known_users->Contains(string_of(kUserIdColumn)))) {
    return Reject(out, line_number, RejectReason::kUnknownUser, kUserIdColumn, line);
  }
  if (has(kVideoIdColumn) && (type_of(kVideoIdColumn) != element_type::STRING ||
                              (rules_.known_videos != nullptr &&
                               !rules_.known_videos->Contains(string_of(kVideoIdColumn))))) {
    return Reject(out, line_number, RejectReason::kUnknownVideo, kVideoIdColumn, line);
  }

  ++out->counters.rows_kept;
  RecordBatch& kept = rules_.route.parts == 0
                          ? out->kept
                          : out->kept_parts[rules_.route.part_of(string_of(kUserIdColumn))];
  kept.column(kTimestampColumn).AppendInt64(*micros);
  for (int column = kAccountIdColumn; column < kNumEventJsonFields; ++column) {
    Column& target = kept.column(column);
    if (column == kValueColumn) {
      if (keep_value) {
        target.AppendDouble(value);
      } else {
        target.AppendNull();
      }
    } else if (has(column)) {
      target.AppendString(string_of(column));
    } else {
      target.AppendNull();
    }
  }
  kept.column(kSourceLineColumn).AppendInt64(line_number);
}

}  // namespace streampro::formats::jsonl
