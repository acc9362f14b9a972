// report.json (SPEC §6): the required keys in the SPEC's order, plus extras that let a
// reader check the answers (per-genre averages and ranks, every tested segment).

#include <array>
#include <string_view>

#include "catalog/catalog.h"
#include "report/json_writer.h"
#include "report/report.h"
#include "streampro/version.h"

namespace streampro::report {

namespace {

constexpr std::array<std::string_view, 4> kTableOrder = {
    TableName(Table::kUsers), TableName(Table::kVideos), TableName(Table::kDevices),
    TableName(Table::kEvents)};

void WriteTable(const TableCounts* counts, JsonWriter& json) {
  static const FileCounters kNoFile;
  const FileCounters& counters = counts != nullptr ? counts->counters : kNoFile;
  json.BeginObject();
  json.Key("file");
  if (counts != nullptr) {
    json.OptionalString(counts->file);
  } else {
    json.Null();
  }
  WriteCounterMembers(counters, json);
  json.EndObject();
}

bool IsStandardTable(std::string_view name) {
  for (std::string_view standard : kTableOrder) {
    if (name == standard) return true;
  }
  return false;
}

void WriteTables(const Report& report, JsonWriter& json) {
  json.BeginObject();
  // The four tables of SPEC §1 always appear, in this order, zero when D had no file.
  for (std::string_view name : kTableOrder) {
    json.Key(name);
    WriteTable(FindTable(report.tables, name), json);
  }
  // Any other table of the model follows, first occurrence only.
  for (const TableCounts& counts : report.tables) {
    if (IsStandardTable(counts.table) || FindTable(report.tables, counts.table) != &counts)
      continue;
    json.Key(counts.table);
    WriteTable(&counts, json);
  }
  json.EndObject();
}

void WriteQ1(const Q1& q1, JsonWriter& json) {
  json.BeginObject();
  json.IntMember("new_users", q1.new_users);
  json.IntMember("reached_30s", q1.reached_30s);
  json.OptionalDoubleMember("pct", q1.pct);
  json.OptionalDoubleMember("ci_low", q1.ci_low);
  json.OptionalDoubleMember("ci_high", q1.ci_high);
  json.IntMember("never_active", q1.never_active);
  json.EndObject();
}

void WriteGenre(const GenreRow& row, JsonWriter& json) {
  json.BeginObject();
  json.StringMember("genre", row.genre);
  json.IntMember("new_users", row.new_users);
  json.IntMember("returned_within_3d", row.returned_within_3d);
  json.DoubleMember("retention_rate", row.retention_rate);
  json.DoubleMember("ci_low", row.ci_low);
  json.DoubleMember("ci_high", row.ci_high);
  json.DoubleMember("avg_first_session_watch_seconds", row.avg_first_session_watch_seconds);
  json.Key("rank");
  if (row.rank) {
    json.Int(*row.rank);
  } else {
    json.Null();
  }
  json.EndObject();
}

void WriteQ2(const Q2& q2, JsonWriter& json) {
  json.BeginObject();
  json.Key("genres");
  json.BeginArray();
  for (const GenreRow& row : q2.genres) WriteGenre(row, json);
  json.EndArray();
  json.OptionalStringMember("best_genre", q2.best_genre);
  json.OptionalBoolMember("best_overlaps_runner_up", q2.best_overlaps_runner_up);
  json.EndObject();
}

// `segment` holds only the keys of the row's dimension (SPEC §6).
void WriteSegmentKeys(const SegmentRow& row, JsonWriter& json) {
  bool with_os = row.dimension == "device_os";
  bool with_version = row.dimension == "app_version";
  if (row.dimension == "device_os x app_version") with_os = with_version = true;
  if (!with_os && !with_version) {
    // A dimension this renderer does not know: show what the row carries.
    with_os = row.device_os.has_value();
    with_version = row.app_version.has_value();
  }
  json.BeginObject();
  if (with_os) {
    json.OptionalStringMember("device_os", row.device_os);
  }
  if (with_version) {
    json.OptionalStringMember("app_version", row.app_version);
  }
  json.EndObject();
}

void WriteSegment(const SegmentRow& row, JsonWriter& json) {
  json.BeginObject();
  json.StringMember("dimension", row.dimension);
  json.Key("segment");
  WriteSegmentKeys(row, json);
  json.IntMember("sessions", row.sessions);
  json.IntMember("drop_offs", row.drop_offs);
  json.DoubleMember("drop_off_rate", row.drop_off_rate);
  json.OptionalDoubleMember("rest_rate", row.rest_rate);
  json.OptionalDoubleMember("lift", row.lift);
  json.OptionalDoubleMember("z", row.z);
  json.OptionalDoubleMember("p_value", row.p_value);
  json.OptionalDoubleMember("q_value", row.q_value);
  json.BoolMember("abnormal", row.abnormal);
  json.EndObject();
}

void WriteSegments(const std::vector<SegmentRow>& rows, JsonWriter& json) {
  json.BeginArray();
  for (const SegmentRow& row : rows) WriteSegment(row, json);
  json.EndArray();
}

void WriteQ3(const Q3& q3, JsonWriter& json) {
  json.BeginObject();
  json.IntMember("min_sessions", q3.min_sessions);
  json.IntMember("segments_tested", q3.segments_tested);
  json.Key("abnormal");
  WriteSegments(q3.abnormal, json);
  json.IntMember("sessions", q3.sessions);
  json.IntMember("drop_offs", q3.drop_offs);
  json.Key("tested");
  WriteSegments(q3.tested, json);
  json.EndObject();
}

// The four tables of SPEC §1, in order: rows read, rows rejected and their ratio (null when
// no row was read).
void WriteRejectRates(const std::vector<TableCounts>& tables, JsonWriter& json) {
  json.BeginObject();
  for (std::string_view name : kTableOrder) {
    const TableCounts* counts = FindTable(tables, name);
    const int64_t rows_in = counts != nullptr ? counts->counters.rows_in : 0;
    const int64_t rows_rejected = counts != nullptr ? counts->counters.rows_rejected : 0;
    json.Key(name);
    json.BeginObject();
    json.IntMember("rows_in", rows_in);
    json.IntMember("rows_rejected", rows_rejected);
    json.OptionalDoubleMember("rate", RejectRate(counts));
    json.EndObject();
  }
  json.EndObject();
}

void WriteHistoryPoint(const HistoryPoint& point, JsonWriter& json) {
  json.BeginObject();
  json.StringMember("ingestion_date", FormatIsoDate(point.date));
  json.BoolMember("has_report", point.has_report());
  json.Key("q1");
  if (point.q1) {
    WriteQ1(*point.q1, json);
  } else {
    json.Null();
  }
  json.Key("best_genre");
  if (point.best_genre) {
    WriteGenre(*point.best_genre, json);
  } else {
    json.Null();
  }
  json.OptionalIntMember("segments_tested", point.segments_tested);
  json.OptionalIntMember("abnormal_segments", point.abnormal_segments);
  json.Key("reject_rate");
  WriteRejectRates(point.tables, json);
  json.EndObject();
}

}  // namespace

std::string RenderJson(const Report& report) {
  JsonWriter json;
  json.BeginObject();
  json.StringMember("ingestion_date", FormatIsoDate(report.ingestion_date));
  json.StringMember("generator", std::string("StreamPro ") + kVersion);
  json.StringMember("lake", report.lake);
  json.Key("tables");
  WriteTables(report, json);
  json.Key("q1");
  WriteQ1(report.q1, json);
  json.Key("q2");
  WriteQ2(report.q2, json);
  json.Key("q3");
  WriteQ3(report.q3, json);
  json.Key("history");
  json.BeginArray();
  for (const HistoryPoint& point : report.history) WriteHistoryPoint(point, json);
  json.EndArray();
  json.EndObject();
  return json.Finish();
}

}  // namespace streampro::report
