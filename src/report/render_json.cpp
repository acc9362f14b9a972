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
  json.Key("new_users");
  json.Int(q1.new_users);
  json.Key("reached_30s");
  json.Int(q1.reached_30s);
  json.Key("pct");
  json.OptionalDouble(q1.pct);
  json.Key("ci_low");
  json.OptionalDouble(q1.ci_low);
  json.Key("ci_high");
  json.OptionalDouble(q1.ci_high);
  json.Key("never_active");
  json.Int(q1.never_active);
  json.EndObject();
}

void WriteGenre(const GenreRow& row, JsonWriter& json) {
  json.BeginObject();
  json.Key("genre");
  json.String(row.genre);
  json.Key("new_users");
  json.Int(row.new_users);
  json.Key("returned_within_3d");
  json.Int(row.returned_within_3d);
  json.Key("retention_rate");
  json.Double(row.retention_rate);
  json.Key("ci_low");
  json.Double(row.ci_low);
  json.Key("ci_high");
  json.Double(row.ci_high);
  json.Key("avg_first_session_watch_seconds");
  json.Double(row.avg_first_session_watch_seconds);
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
  json.Key("best_genre");
  json.OptionalString(q2.best_genre);
  json.Key("best_overlaps_runner_up");
  json.OptionalBool(q2.best_overlaps_runner_up);
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
    json.Key("device_os");
    json.OptionalString(row.device_os);
  }
  if (with_version) {
    json.Key("app_version");
    json.OptionalString(row.app_version);
  }
  json.EndObject();
}

void WriteSegment(const SegmentRow& row, JsonWriter& json) {
  json.BeginObject();
  json.Key("dimension");
  json.String(row.dimension);
  json.Key("segment");
  WriteSegmentKeys(row, json);
  json.Key("sessions");
  json.Int(row.sessions);
  json.Key("drop_offs");
  json.Int(row.drop_offs);
  json.Key("drop_off_rate");
  json.Double(row.drop_off_rate);
  json.Key("rest_rate");
  json.OptionalDouble(row.rest_rate);
  json.Key("lift");
  json.OptionalDouble(row.lift);
  json.Key("z");
  json.OptionalDouble(row.z);
  json.Key("p_value");
  json.OptionalDouble(row.p_value);
  json.Key("q_value");
  json.OptionalDouble(row.q_value);
  json.Key("abnormal");
  json.Bool(row.abnormal);
  json.EndObject();
}

void WriteSegments(const std::vector<SegmentRow>& rows, JsonWriter& json) {
  json.BeginArray();
  for (const SegmentRow& row : rows) WriteSegment(row, json);
  json.EndArray();
}

void WriteQ3(const Q3& q3, JsonWriter& json) {
  json.BeginObject();
  json.Key("min_sessions");
  json.Int(q3.min_sessions);
  json.Key("segments_tested");
  json.Int(q3.segments_tested);
  json.Key("abnormal");
  WriteSegments(q3.abnormal, json);
  json.Key("sessions");
  json.Int(q3.sessions);
  json.Key("drop_offs");
  json.Int(q3.drop_offs);
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
    json.Key("rows_in");
    json.Int(rows_in);
    json.Key("rows_rejected");
    json.Int(rows_rejected);
    json.Key("rate");
    json.OptionalDouble(RejectRate(counts));
    json.EndObject();
  }
  json.EndObject();
}

void WriteHistoryPoint(const HistoryPoint& point, JsonWriter& json) {
  json.BeginObject();
  json.Key("ingestion_date");
  json.String(FormatIsoDate(point.date));
  json.Key("has_report");
  json.Bool(point.has_report());
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
  json.Key("segments_tested");
  json.OptionalInt(point.segments_tested);
  json.Key("abnormal_segments");
  json.OptionalInt(point.abnormal_segments);
  json.Key("reject_rate");
  WriteRejectRates(point.tables, json);
  json.EndObject();
}

}  // namespace

std::string RenderJson(const Report& report) {
  JsonWriter json;
  json.BeginObject();
  json.Key("ingestion_date");
  json.String(FormatIsoDate(report.ingestion_date));
  json.Key("generator");
  json.String(std::string("StreamPro ") + kVersion);
  json.Key("lake");
  json.String(report.lake);
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
