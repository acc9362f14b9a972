#include "pipeline/run_log.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>

#include "common/json_fields.h"
#include "lake/layout.h"
#include "report/json_writer.h"

namespace streampro::pipeline {

namespace {

using report::JsonWriter;

void WriteDate(const DateRun& run, JsonWriter& json) {
  json.BeginObject();
  json.StringMember("date", FormatIsoDate(run.date));
  json.StringMember("outcome", run.outcome);
  json.StringMember("note", run.note);
  json.DoubleMember("seconds", run.seconds);
  json.Key("stages");
  json.BeginObject();
  for (const StageTime& stage : run.stages) {
    json.DoubleMember(stage.stage, stage.seconds);
  }
  json.EndObject();
  run.WriteJsonMembers(json);
  json.EndObject();
}

// --- reading -------------------------------------------------------------------------

Result<DateRun> ParseDate(const JsonFields& object) {
  DateRun run;
  ASSIGN_OR_RETURN(const std::string date_text, object.String("date"));
  const std::optional<Date> date = ParseIsoDate(date_text);
  if (!date) return object.Invalid(fmt::format("bad date '{}'", date_text));
  run.date = *date;
  ASSIGN_OR_RETURN(run.outcome, object.String("outcome"));
  ASSIGN_OR_RETURN(run.note, object.String("note"));
  ASSIGN_OR_RETURN(run.seconds, object.Double("seconds"));
  ASSIGN_OR_RETURN(const JsonFields stages, object.Object("stages"));
  for (const auto field : stages.object()) {
    ASSIGN_OR_RETURN(const double seconds, stages.Double(field.key));
    run.stages.push_back({std::string(field.key), seconds});
  }
  ASSIGN_OR_RETURN(const JsonFields tables, object.Object("tables"));
  for (const auto field : tables.object()) {
    ASSIGN_OR_RETURN(const JsonFields table, tables.Object(field.key));
    ASSIGN_OR_RETURN(FileCounters counters, table.Counters());
    run.tables.emplace_back(std::string(field.key), counters);
  }
  if (object.Has("q1_pct")) {
    ASSIGN_OR_RETURN(run.q1_pct, object.Double("q1_pct"));
  }
  if (object.Has("abnormal_segments")) {
    ASSIGN_OR_RETURN(run.abnormal_segments, object.Int("abnormal_segments"));
  }
  return run;
}

}  // namespace

FileCounters DateFigures::Totals() const {
  FileCounters totals;
  for (const auto& [table, counters] : tables) totals.Add(counters);
  return totals;
}

void DateFigures::WriteJsonMembers(JsonWriter& json) const {
  json.Key("tables");
  json.BeginObject();
  for (const auto& [table, counters] : tables) {
    json.Key(table);
    json.BeginObject();
    report::WriteCounterMembers(counters, json);
    json.EndObject();
  }
  json.EndObject();
  json.OptionalDoubleMember("q1_pct", q1_pct);
  json.OptionalIntMember("abnormal_segments", abnormal_segments);
}

void WriteRunRecordJson(const RunRecord& record, report::JsonWriter& json) {
  json.BeginObject();
  json.StringMember("run_id", record.run_id);
  json.StringMember("command", record.command);
  json.StringMember("outcome", record.succeeded ? "succeeded" : "failed");
  json.IntMember("exit_code", record.exit_code);
  json.StringMember("error", record.error);
  json.StringMember("started_at", record.started_at);
  json.DoubleMember("seconds", record.seconds);
  json.StringMember("lake", record.lake);
  json.StringMember("landing", record.landing);
  json.StringMember("host", record.host);
  json.IntMember("pid", record.pid);
  json.StringMember("version", record.version);
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
  ASSIGN_OR_RETURN(const JsonFields object, JsonFields::Parse(parser, json, origin, "run record"));
  RunRecord record;
  ASSIGN_OR_RETURN(record.run_id, object.String("run_id"));
  ASSIGN_OR_RETURN(record.command, object.String("command"));
  ASSIGN_OR_RETURN(const std::string outcome, object.String("outcome"));
  if (outcome != "succeeded" && outcome != "failed") {
    return object.Invalid(fmt::format("outcome '{}' is not succeeded or failed", outcome));
  }
  record.succeeded = outcome == "succeeded";
  ASSIGN_OR_RETURN(const int64_t exit_code, object.Int("exit_code"));
  record.exit_code = static_cast<int>(exit_code);
  ASSIGN_OR_RETURN(record.error, object.String("error"));
  ASSIGN_OR_RETURN(record.started_at, object.String("started_at"));
  ASSIGN_OR_RETURN(record.seconds, object.Double("seconds"));
  ASSIGN_OR_RETURN(record.lake, object.String("lake"));
  ASSIGN_OR_RETURN(record.landing, object.String("landing"));
  ASSIGN_OR_RETURN(record.host, object.String("host"));
  ASSIGN_OR_RETURN(record.pid, object.Int("pid"));
  ASSIGN_OR_RETURN(record.version, object.String("version"));
  ASSIGN_OR_RETURN(const simdjson::dom::array dates, object.Array("dates"));
  for (const simdjson::dom::element element : dates) {
    ASSIGN_OR_RETURN(const JsonFields date, object.Element(element, "dates"));
    ASSIGN_OR_RETURN(DateRun run, ParseDate(date));
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
