#include "generate/truth.h"

#include <cassert>
#include <map>

namespace streampro::generate {

namespace {

constexpr KindInfo kInfos[] = {
    {Table::kEvents, "bom", Outcome::kFileLevel, "", "UTF-8 byte order mark before line 1"},
    {Table::kEvents, "blank_line", Outcome::kNotARecord, "", "whitespace-only line"},
    {Table::kEvents, "crlf_line", Outcome::kKept, "", "clean record ending in CRLF"},
    {Table::kEvents, "shuffled_field_order", Outcome::kKept, "", "clean record, fields shuffled"},
    {Table::kEvents, "extra_fields", Outcome::kKept, "",
     "clean record with unknown fields (string, nested object, array)"},
    {Table::kEvents, "explicit_null_optional", Outcome::kKept, "",
     "clean record whose absent optional fields are written as null"},
    {Table::kEvents, "timestamp_space_separator", Outcome::kKept, "",
     "clean record, timestamp with a space instead of T"},
    {Table::kEvents, "timestamp_without_zone", Outcome::kKept, "",
     "clean record, timestamp without Z (UTC)"},
    {Table::kEvents, "timestamp_with_offset", Outcome::kKept, "",
     "clean record, local time with a +HH:MM or -HH:MM offset"},
    {Table::kEvents, "timestamp_nanoseconds", Outcome::kKept, "",
     "clean record, 9-digit fraction that truncates to the same microsecond"},
    {Table::kEvents, "malformed_truncated", Outcome::kRejected, "malformed_record",
     "JSON line cut short"},
    {Table::kEvents, "malformed_trailing_comma", Outcome::kRejected, "malformed_record",
     "object with a trailing comma"},
    {Table::kEvents, "malformed_non_finite", Outcome::kRejected, "malformed_record",
     "NaN or Infinity literal"},
    {Table::kEvents, "malformed_not_object", Outcome::kRejected, "malformed_record",
     "valid JSON that is not an object"},
    {Table::kEvents, "missing_timestamp", Outcome::kRejected, "missing_required",
     "timestamp absent"},
    {Table::kEvents, "null_user_id", Outcome::kRejected, "missing_required", "user_id is null"},
    {Table::kEvents, "missing_event_name", Outcome::kRejected, "missing_required",
     "event_name absent"},
    {Table::kEvents, "missing_session_id", Outcome::kRejected, "missing_required",
     "session_id absent"},
    {Table::kEvents, "timestamp_bad_format", Outcome::kRejected, "invalid_timestamp",
     "timestamp in a form the contract does not accept"},
    {Table::kEvents, "timestamp_impossible", Outcome::kRejected, "invalid_timestamp",
     "timestamp naming no real instant (Feb 30, 24:00, :60, offset 24:00)"},
    {Table::kEvents, "timestamp_empty", Outcome::kRejected, "invalid_timestamp",
     "timestamp is the empty string"},
    {Table::kEvents, "timestamp_number", Outcome::kRejected, "invalid_timestamp",
     "timestamp is a JSON number (epoch seconds)"},
    {Table::kEvents, "unknown_event_name", Outcome::kRejected, "unknown_event_name",
     "event_name outside the list (names are case-sensitive)"},
    {Table::kEvents, "empty_event_name", Outcome::kRejected, "unknown_event_name",
     "event_name is the empty string"},
    {Table::kEvents, "watch_time_without_value", Outcome::kRejected, "missing_required",
     "watch_time whose value is absent or null"},
    {Table::kEvents, "value_string", Outcome::kRejected, "invalid_value",
     "watch_time value is a string"},
    {Table::kEvents, "value_negative", Outcome::kRejected, "invalid_value",
     "watch_time value below 0"},
    {Table::kEvents, "value_too_large", Outcome::kRejected, "invalid_value",
     "watch_time value above 86400"},
    {Table::kEvents, "value_boolean", Outcome::kRejected, "invalid_value",
     "watch_time value is a boolean"},
    {Table::kEvents, "unknown_user", Outcome::kRejected, "unknown_user",
     "user_id not in the users snapshot"},
    {Table::kEvents, "empty_user_id", Outcome::kRejected, "unknown_user",
     "user_id is the empty string"},
    {Table::kEvents, "unknown_video", Outcome::kRejected, "unknown_video",
     "video_id not in the videos snapshot"},
    {Table::kEvents, "exact_duplicate", Outcome::kDuplicate, "",
     "byte-identical copy of a clean line"},
    {Table::kEvents, "duplicate_other_offset", Outcome::kDuplicate, "",
     "copy of a clean record with the same instant written in another offset"},
    {Table::kUsers, "bom", Outcome::kFileLevel, "", "UTF-8 byte order mark before the header"},
    {Table::kUsers, "blank_line", Outcome::kNotARecord, "", "whitespace-only line"},
    {Table::kUsers, "crlf_line", Outcome::kKept, "", "clean row ending in CRLF"},
    {Table::kUsers, "tier_case_variant", Outcome::kKept, "",
     "subscription_tier in other case or padded with spaces"},
    {Table::kUsers, "quoted_field", Outcome::kKept, "", "gender quoted, holding a comma"},
    {Table::kUsers, "duplicate_key", Outcome::kRejected, "duplicate_key",
     "valid row repeating an earlier user_id"},
    {Table::kUsers, "invalid_tier", Outcome::kRejected, "invalid_enum",
     "subscription_tier outside Free/Basic/Premium"},
    {Table::kUsers, "invalid_age_group", Outcome::kRejected, "invalid_enum",
     "age_group outside the list"},
    {Table::kUsers, "invalid_signup_date", Outcome::kRejected, "invalid_date",
     "signup_date not a real YYYY-MM-DD date"},
    {Table::kUsers, "missing_signup_date", Outcome::kRejected, "missing_required",
     "signup_date empty"},
    {Table::kUsers, "missing_user_id", Outcome::kRejected, "missing_required", "user_id empty"},
    {Table::kUsers, "wrong_field_count", Outcome::kRejected, "malformed_record",
     "row with too few or too many fields"},
    {Table::kVideos, "bom", Outcome::kFileLevel, "", "UTF-8 byte order mark before the header"},
    {Table::kVideos, "blank_line", Outcome::kNotARecord, "", "whitespace-only line"},
    {Table::kVideos, "crlf_line", Outcome::kKept, "", "clean row ending in CRLF"},
    {Table::kVideos, "genre_case_variant", Outcome::kKept, "",
     "genre in other case or padded with spaces"},
    {Table::kVideos, "quoted_title", Outcome::kKept, "",
     "title quoted, holding a comma and doubled quotes"},
    {Table::kVideos, "duplicate_key", Outcome::kRejected, "duplicate_key",
     "valid row repeating an earlier video_id"},
    {Table::kVideos, "invalid_duration", Outcome::kRejected, "invalid_value",
     "duration_seconds not an integer in 1..2147483647"},
    {Table::kVideos, "missing_genre", Outcome::kRejected, "missing_required", "genre empty"},
    {Table::kVideos, "wrong_field_count", Outcome::kRejected, "malformed_record",
     "row with too few or too many fields"},
    {Table::kDevices, "bom", Outcome::kFileLevel, "", "UTF-8 byte order mark before the header"},
    {Table::kDevices, "blank_line", Outcome::kNotARecord, "", "whitespace-only line"},
    {Table::kDevices, "crlf_line", Outcome::kKept, "", "clean row ending in CRLF"},
    {Table::kDevices, "quoted_field", Outcome::kKept, "", "model quoted, holding a comma"},
    {Table::kDevices, "duplicate_key", Outcome::kRejected, "duplicate_key",
     "valid row repeating the device, os and model of an earlier row"},
    {Table::kDevices, "missing_device", Outcome::kRejected, "missing_required", "device empty"},
    {Table::kDevices, "wrong_field_count", Outcome::kRejected, "malformed_record",
     "row with too few or too many fields"},
};
static_assert(std::size(kInfos) == kNumKinds, "one KindInfo per Kind");

}  // namespace

const KindInfo& InfoOf(Kind kind) {
  assert(kind < Kind::kCount);
  return kInfos[static_cast<size_t>(kind)];
}

std::vector<Kind> KindsOf(Table table) {
  std::vector<Kind> kinds;
  for (size_t i = 0; i < kNumKinds; ++i) {
    if (kInfos[i].table == table) kinds.push_back(static_cast<Kind>(i));
  }
  return kinds;
}

ExpectedCounters ExpectCounters(Table table, int64_t clean_rows, const KindCounts& kinds) {
  ExpectedCounters out;
  out.rows_kept = clean_rows;
  std::map<std::string, int64_t> by_reason;
  for (Kind kind : KindsOf(table)) {
    const KindInfo& info = InfoOf(kind);
    const int64_t n = kinds[kind];
    switch (info.outcome) {
      case Outcome::kRejected:
        out.rows_rejected += n;
        if (n > 0) by_reason[std::string(info.reason)] += n;
        break;
      case Outcome::kDuplicate:
        out.rows_duplicate += n;
        break;
      case Outcome::kKept:
      case Outcome::kNotARecord:
      case Outcome::kFileLevel:
        break;
    }
  }
  out.rows_in = out.rows_kept + out.rows_rejected + out.rows_duplicate;
  out.rejected_by_reason.assign(by_reason.begin(), by_reason.end());
  return out;
}

}  // namespace streampro::generate
