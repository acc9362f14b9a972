#include "pipeline/run_log.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>

#include "catalog/reject_reason.h"
#include "lake/layout.h"
#include "report/json_writer.h"

namespace streampro::pipeline {

namespace {

using report::JsonWriter;

void WriteCounters(const FileCounters& counters, JsonWriter& json) {
  json.BeginObject();
  json.Key("rows_in");
  json.Int(counters.rows_in);
  json.Key("rows_kept");
  json.Int(counters.rows_kept);
  json.Key("rows_rejected");
  json.Int(counters.rows_rejected);
  json.Key("rows_duplicate");
  json.Int(counters.rows_duplicate);
  json.Key("rejected_by_reason");
  json.BeginObject();
  for (const auto& [reason, count] : counters.RejectedByReasonMap()) {
    json.Key(reason);
    json.Int(count);
  }
  json.EndObject();
  json.EndObject();
}

void WriteDate(const DateRun& run, JsonWriter& json) {
  json.BeginObject();
  json.Key("date");
  json.String(FormatIsoDate(run.date));
  json.Key("outcome");
  json.String(run.outcome);
  json.Key("note");
  json.String(run.note);
  json.Key("seconds");
  json.Double(run.seconds);
  json.Key("stages");
  json.BeginObject();
  for (const StageTime& stage : run.stages) {
    json.Key(stage.stage);
    json.Double(stage.seconds);
  }
  json.EndObject();
  json.Key("tables");
  json.BeginObject();
  for (const auto& [table, counters] : run.tables) {
    json.Key(table);
    WriteCounters(counters, json);
  }
  json.EndObject();
  json.Key("q1_pct");
  json.OptionalDouble(run.q1_pct);
  json.Key("abnormal_segments");
  json.OptionalInt(run.abnormal_segments);
  json.EndObject();
}

// --- reading -------------------------------------------------------------------------

Status Invalid(const std::string& origin, std::string_view what) {
  return Status::InvalidData(fmt::format("{}: invalid run record: {}", origin, what));
}

Result<std::string> GetString(simdjson::dom::object object, std::string_view key,
                              const std::string& origin) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) {
    return Invalid(origin, fmt::format("'{}' must be a string", key));
  }
  return std::string(value);
}

Result<int64_t> GetInt(simdjson::dom::object object, std::string_view key,
                       const std::string& origin) {
  int64_t value = 0;
  if (object[key].get_int64().get(value) != simdjson::SUCCESS) {
    return Invalid(origin, fmt::format("'{}' must be an integer", key));
  }
  return value;
}

Result<double> GetDouble(simdjson::dom::object object, std::string_view key,
                         const std::string& origin) {
  double value = 0;
  if (object[key].get_double().get(value) != simdjson::SUCCESS) {
    return Invalid(origin, fmt::format("'{}' must be a number", key));
  }
  return value;
}

bool IsNull(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element element;
  return object[key].get(element) != simdjson::SUCCESS || element.is_null();
}

Result<FileCounters> ParseCounters(simdjson::dom::object object, const std::string& origin) {
  FileCounters counters;
  ASSIGN_OR_RETURN(counters.rows_in, GetInt(object, "rows_in", origin));
  ASSIGN_OR_RETURN(counters.rows_kept, GetInt(object, "rows_kept", origin));
  ASSIGN_OR_RETURN(counters.rows_rejected, GetInt(object, "rows_rejected", origin));
  ASSIGN_OR_RETURN(counters.rows_duplicate, GetInt(object, "rows_duplicate", origin));
  simdjson::dom::object reasons;
  if (object["rejected_by_reason"].get_object().get(reasons) != simdjson::SUCCESS) {
    return Invalid(origin, "'rejected_by_reason' must be an object");
  }
  for (const auto field : reasons) {
    const std::optional<RejectReason> reason = RejectReasonFromName(field.key);
    int64_t count = 0;
    if (!reason || field.value.get_int64().get(count) != simdjson::SUCCESS) {
      return Invalid(origin, fmt::format("bad reject reason count '{}'", field.key));
    }
    counters.rejected_by_reason[static_cast<size_t>(*reason)] = count;
  }
  return counters;
}

Result<DateRun> ParseDate(simdjson::dom::object object, const std::string& origin) {
  DateRun run;
  ASSIGN_OR_RETURN(const std::string date_text, GetString(object, "date", origin));
  const std::optional<Date> date = ParseIsoDate(date_text);
  if (!date) return Invalid(origin, fmt::format("bad date '{}'", date_text));
  run.date = *date;
  ASSIGN_OR_RETURN(run.outcome, GetString(object, "outcome", origin));
  ASSIGN_OR_RETURN(run.note, GetString(object, "note", origin));
  ASSIGN_OR_RETURN(run.seconds, GetDouble(object, "seconds", origin));
  simdjson::dom::object stages;
  simdjson::dom::object tables;
  if (object["stages"].get_object().get(stages) != simdjson::SUCCESS ||
      object["tables"].get_object().get(tables) != simdjson::SUCCESS) {
    return Invalid(origin, "'stages' and 'tables' must be objects");
  }
  for (const auto field : stages) {
    double seconds = 0;
    if (field.value.get_double().get(seconds) != simdjson::SUCCESS) {
      return Invalid(origin, fmt::format("stage '{}' must be a number", field.key));
    }
    run.stages.push_back({std::string(field.key), seconds});
  }
  for (const auto field : tables) {
    simdjson::dom::object counters;
    if (field.value.get_object().get(counters) != simdjson::SUCCESS) {
      return Invalid(origin, fmt::format("table '{}' must be an object", field.key));
    }
    ASSIGN_OR_RETURN(FileCounters parsed, ParseCounters(counters, origin));
    run.tables.emplace_back(std::string(field.key), parsed);
  }
  if (!IsNull(object, "q1_pct")) {
    ASSIGN_OR_RETURN(run.q1_pct, GetDouble(object, "q1_pct", origin));
  }
  if (!IsNull(object, "abnormal_segments")) {
    ASSIGN_OR_RETURN(run.abnormal_segments, GetInt(object, "abnormal_segments", origin));
  }
  return run;
}

}  // namespace

FileCounters DateRun::Totals() const {
  FileCounters totals;
  for (const auto& [table, counters] : tables) totals.Add(counters);
  return totals;
}

void WriteRunRecordJson(const RunRecord& record, report::JsonWriter& json) {
  json.BeginObject();
  json.Key("run_id");
  json.String(record.run_id);
  json.Key("command");
  json.String(record.command);
  json.Key("outcome");
  json.String(record.succeeded ? "succeeded" : "failed");
  json.Key("exit_code");
  json.Int(record.exit_code);
  json.Key("error");
  json.String(record.error);
  json.Key("started_at");
  json.String(record.started_at);
  json.Key("seconds");
  json.Double(record.seconds);
  json.Key("lake");
  json.String(record.lake);
  json.Key("landing");
  json.String(record.landing);
  json.Key("host");
  json.String(record.host);
  json.Key("pid");
  json.Int(record.pid);
  json.Key("version");
  json.String(record.version);
  json.Key("dates");
  json.BeginArray();
  for (const DateRun& date : record.dates) WriteDate(date, json);
  json.EndArray();
  json.EndObject();
}

std::string RunRecord::ToJsonLine() const {
  JsonWriter json;
  WriteRunRecordJson(*this, json);
  const std::string pretty = json.Finish();
  // Minified: one line per run, so `cat _runs/*.json` reads as JSON Lines.
  std::string line(pretty.size(), '\0');
  size_t length = 0;
  if (simdjson::minify(pretty.data(), pretty.size(), line.data(), length) != simdjson::SUCCESS) {
    return pretty;  // JsonWriter wrote valid JSON; never reached
  }
  line.resize(length);
  line.push_back('\n');
  return line;
}

Result<RunRecord> RunRecord::FromJson(std::string_view json, const std::string& origin) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS ||
      root.get_object().get(object) != simdjson::SUCCESS) {
    return Invalid(origin, "not a JSON object");
  }
  RunRecord record;
  ASSIGN_OR_RETURN(record.run_id, GetString(object, "run_id", origin));
  ASSIGN_OR_RETURN(record.command, GetString(object, "command", origin));
  ASSIGN_OR_RETURN(const std::string outcome, GetString(object, "outcome", origin));
  if (outcome != "succeeded" && outcome != "failed") {
    return Invalid(origin, fmt::format("outcome '{}' is not succeeded or failed", outcome));
  }
  record.succeeded = outcome == "succeeded";
  ASSIGN_OR_RETURN(const int64_t exit_code, GetInt(object, "exit_code", origin));
  record.exit_code = static_cast<int>(exit_code);
  ASSIGN_OR_RETURN(record.error, GetString(object, "error", origin));
  ASSIGN_OR_RETURN(record.started_at, GetString(object, "started_at", origin));
  ASSIGN_OR_RETURN(record.seconds, GetDouble(object, "seconds", origin));
  ASSIGN_OR_RETURN(record.lake, GetString(object, "lake", origin));
  ASSIGN_OR_RETURN(record.landing, GetString(object, "landing", origin));
  ASSIGN_OR_RETURN(record.host, GetString(object, "host", origin));
  ASSIGN_OR_RETURN(record.pid, GetInt(object, "pid", origin));
  ASSIGN_OR_RETURN(record.version, GetString(object, "version", origin));
  simdjson::dom::array dates;
  if (object["dates"].get_array().get(dates) != simdjson::SUCCESS) {
    return Invalid(origin, "'dates' must be an array");
  }
  for (const simdjson::dom::element element : dates) {
    simdjson::dom::object date;
    if (element.get_object().get(date) != simdjson::SUCCESS) {
      return Invalid(origin, "every entry of 'dates' must be an object");
    }
    ASSIGN_OR_RETURN(DateRun run, ParseDate(date, origin));
    record.dates.push_back(std::move(run));
  }
  return record;
}

std::string RunRecordUri(const lake::Lake& lake, std::string_view run_id) {
  return lake.Uri(fmt::format("{}/{}.json", lake::kRunLogFolderName, run_id));
}

Status WriteRunRecord(const lake::Lake& lake, const RunRecord& record) {
  return lake.Write(RunRecordUri(lake, record.run_id), record.ToJsonLine());
}

Result<std::vector<std::string>> ListRunIds(const lake::Lake& lake) {
  const std::string folder = lake.Uri(lake::kRunLogFolderName);
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects, lake.List(folder));
  std::vector<std::string> ids;
  for (const storage::ObjectInfo& object : objects) {
    std::string_view name(object.key);
    if (!name.starts_with(folder + "/") || !name.ends_with(".json")) continue;
    name.remove_prefix(folder.size() + 1);
    name.remove_suffix(std::string_view(".json").size());
    if (!name.empty() && name.find('/') == std::string_view::npos) ids.emplace_back(name);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<RunRecord> ReadRunRecord(const lake::Lake& lake, std::string_view run_id) {
  const std::string uri = RunRecordUri(lake, run_id);
  ASSIGN_OR_RETURN(const std::string json, lake.Read(uri));
  return RunRecord::FromJson(json, uri);
}

Result<bool> HasRunLog(const lake::Lake& lake) {
  ASSIGN_OR_RETURN(const std::vector<std::string> ids, ListRunIds(lake));
  return !ids.empty();
}

Result<std::vector<RunRecord>> ReadRunLog(const lake::Lake& lake, size_t limit) {
  ASSIGN_OR_RETURN(const std::vector<std::string> ids, ListRunIds(lake));
  const size_t first = limit == 0 || ids.size() <= limit ? 0 : ids.size() - limit;
  std::vector<RunRecord> records;
  for (size_t i = first; i < ids.size(); ++i) {
    ASSIGN_OR_RETURN(RunRecord record, ReadRunRecord(lake, ids[i]));
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace streampro::pipeline
