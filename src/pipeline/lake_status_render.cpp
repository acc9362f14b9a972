// The text and JSON forms of `streampro status` (pipeline/lake_status.h).

#include <fmt/format.h>

#include <algorithm>

#include "pipeline/lake_status.h"
#include "report/json_writer.h"
#include "report/text_layout.h"

namespace streampro::pipeline {

namespace {

using report::FitLeft;
using report::JsonWriter;
using report::PadLeft;
using report::TerminalSafe;

// The name a partition goes by in status: its table folder, or "report".
std::string_view PartitionName(const catalog::TableDef& table) {
  return table.folder.empty() ? std::string_view("report") : table.folder;
}

std::string LockLine(const LakeStatus& status) {
  if (!status.lock) return "free";
  const lake::LockHolderInfo& lock = *status.lock;
  const std::string where = lock.host.empty()
                                ? fmt::format("pid {}", lock.pid)
                                : fmt::format("pid {} on {}", lock.pid, TerminalSafe(lock.host));
  if (lock.live) return fmt::format("held by run {} ({})", TerminalSafe(lock.run_id), where);
  return fmt::format("free (last held by run {}, {}, which is gone)", TerminalSafe(lock.run_id),
                     where);
}

std::string DatesOf(const RunRecord& run) {
  if (run.dates.empty()) return "-";
  if (run.dates.size() == 1) return FormatIsoDate(run.dates.front().date);
  return fmt::format("{}..{}", FormatIsoDate(run.dates.front().date),
                     FormatIsoDate(run.dates.back().date));
}

// One line per table with rejects: `events: unknown_user 3, invalid_timestamp 2`.
std::vector<std::string> RejectLines(const DateStatus& date) {
  std::vector<std::string> lines;
  for (const auto& [table, counters] : date.tables) {
    std::string line;
    for (const auto& [reason, count] : counters.RejectedByReasonMap()) {
      line += fmt::format("{}{} {}", line.empty() ? "" : ", ", reason, count);
    }
    if (!line.empty()) lines.push_back(fmt::format("{}: {}", table, line));
  }
  return lines;
}

// `  trusted   76262 bytes in 5 files: users 60, ..., _rejects 70 rows (not published: x)`.
void AppendLayerLine(const DateStatus& date, catalog::Layer layer, std::string* out) {
  int64_t files = 0;
  int64_t bytes = 0;
  bool rows = false;
  std::string names;
  std::string missing;
  for (const catalog::TableDef& table : catalog::AllTables()) {
    if (table.layer != layer) continue;
    const auto it = std::find_if(date.partitions.begin(), date.partitions.end(),
                                 [&](const PartitionSummary& p) { return p.table == &table; });
    if (it == date.partitions.end()) {
      missing += fmt::format("{}{}", missing.empty() ? "" : ", ", PartitionName(table));
      continue;
    }
    files += it->files;
    bytes += it->bytes;
    rows |= it->rows.has_value();
    names += fmt::format("{}{}{}", names.empty() ? "" : ", ", PartitionName(table),
                         it->rows ? fmt::format(" {}", *it->rows) : std::string());
  }
  if (names.empty()) {
    *out += fmt::format("  {:<9} none\n", catalog::LayerName(layer));
    return;
  }
  *out +=
      fmt::format("  {:<9} {} bytes in {} files: {}{}{}\n", catalog::LayerName(layer), bytes, files,
                  names, rows ? " rows" : "",
                  missing.empty() ? std::string() : fmt::format(" (not published: {})", missing));
}

std::string Optional(const std::optional<double>& value) {
  return value ? fmt::format("{:.2f}", *value) : "-";
}

void WriteDate(const DateStatus& date, JsonWriter& json) {
  json.BeginObject();
  json.StringMember("date", FormatIsoDate(date.date));
  json.StringMember("state", date.State());
  json.BoolMember("stale", date.lineage.is_stale());
  json.BoolMember("lineage_recorded", date.lineage.tracked);
  json.Key("stale_reasons");
  json.BeginArray();
  for (const StaleInput& reason : date.lineage.stale) json.String(reason.Describe());
  json.EndArray();
  json.Key("last_run");
  json.BeginObject();
  json.StringMember("run_id", date.last_run_id);
  json.StringMember("committed_at", date.last_committed_at);
  json.OptionalStringMember("command", date.last_command);
  json.EndObject();
  json.Key("layers");
  json.BeginObject();
  for (const catalog::Layer layer : catalog::kAllLayers) {
    const auto [published, tables] = date.LayerCount(layer);
    json.Key(catalog::LayerName(layer));
    json.BeginObject();
    json.IntMember("published", published);
    json.IntMember("tables", tables);
    json.Key("partitions");
    json.BeginObject();
    for (const PartitionSummary& partition : date.partitions) {
      if (partition.table->layer != layer) continue;
      json.Key(PartitionName(*partition.table));
      json.BeginObject();
      json.IntMember("files", partition.files);
      json.IntMember("bytes", partition.bytes);
      json.OptionalIntMember("rows", partition.rows);
      json.StringMember("run_id", partition.run_id);
      json.StringMember("committed_at", partition.committed_at);
      json.EndObject();
    }
    json.EndObject();
    json.EndObject();
  }
  json.EndObject();
  report::WriteCounterMembers(date.Totals(), json);
  date.WriteJsonMembers(json);
  json.EndObject();
}

}  // namespace

std::string RenderStatusText(const LakeStatus& status) {
  std::string out;
  out += fmt::format("Lake {} (commit protocol {})\n", TerminalSafe(status.lake), status.protocol);
  out += fmt::format("Lock: {}\n", LockLine(status));
  if (status.interrupted.empty()) {
    out += "Interrupted runs: none\n";
  } else {
    out += "Interrupted runs (the next run that takes the lock removes what they staged):\n";
    for (const lake::StagedRun& run : status.interrupted) {
      std::string labels;
      for (const std::string& label : run.labels) {
        labels += fmt::format("{}{}", labels.empty() ? "" : " ", TerminalSafe(label));
      }
      out += fmt::format("  {}  {} files, {} bytes: {}\n", TerminalSafe(run.run_id), run.files,
                         run.bytes, labels);
    }
  }
  const auto stale = std::count_if(status.dates.begin(), status.dates.end(),
                                   [](const DateStatus& d) { return d.lineage.is_stale(); });
  if (status.dates.empty()) {
    out += "Dates: none published\n";
  } else {
    out += fmt::format("Dates: {} ({} to {}), {} stale\n\n", status.dates.size(),
                       FormatIsoDate(status.dates.front().date),
                       FormatIsoDate(status.dates.back().date), stale);
    out +=
        "date        state       raw  trusted  enriched  report    rows in      kept  rejected  "
        "duplicate    Q1 %  abnormal  last run\n";
    for (const DateStatus& date : status.dates) {
      const auto layer = [&](catalog::Layer l) {
        const auto [published, tables] = date.LayerCount(l);
        return fmt::format("{}/{}", published, tables);
      };
      const FileCounters totals = date.Totals();
      out += fmt::format(
          "{}  {} {} {} {} {} {} {} {} {} {} {}  {}\n", FormatIsoDate(date.date),
          FitLeft(date.State(), 11), FitLeft(layer(catalog::Layer::kRaw), 4),
          FitLeft(layer(catalog::Layer::kTrusted), 8), FitLeft(layer(catalog::Layer::kEnriched), 9),
          FitLeft(layer(catalog::Layer::kReports), 6), PadLeft(std::to_string(totals.rows_in), 10),
          PadLeft(std::to_string(totals.rows_kept), 9),
          PadLeft(std::to_string(totals.rows_rejected), 9),
          PadLeft(std::to_string(totals.rows_duplicate), 10), PadLeft(Optional(date.q1_pct), 7),
          PadLeft(date.abnormal_segments ? std::to_string(*date.abnormal_segments) : "-", 9),
          TerminalSafe(date.last_run_id));
    }
  }
  for (const DateStatus& date : status.dates) {
    out += fmt::format("\n{} ({})\n", FormatIsoDate(date.date), date.State());
    out += fmt::format("  {:<9} {} at {}{}\n", "last run", TerminalSafe(date.last_run_id),
                       TerminalSafe(date.last_committed_at),
                       date.last_command ? fmt::format(" ({})", *date.last_command) : "");
    for (const catalog::Layer layer : catalog::kAllLayers) AppendLayerLine(date, layer, &out);
    const std::vector<std::string> rejects = RejectLines(date);
    if (rejects.empty()) out += fmt::format("  {:<9} none\n", "rejects");
    for (size_t i = 0; i < rejects.size(); ++i) {
      out += fmt::format("  {:<9} {}\n", i == 0 ? "rejects" : "", rejects[i]);
    }
    for (const StaleInput& reason : date.lineage.stale) {
      out += fmt::format("  {:<9} {}\n", "stale", reason.Describe());
    }
    if (!date.lineage.tracked) {
      out += fmt::format("  {:<9} {}\n", "lineage",
                         "not recorded (written by an earlier version): staleness unknown");
    }
  }
  if (!status.run_log_error.empty()) {
    out += fmt::format("\nRun log: unreadable: {}\n", TerminalSafe(status.run_log_error));
  } else if (status.runs.empty()) {
    out += "\nRun log: empty\n";
  } else {
    out += "\nRecent runs (oldest first):\n";
    for (const RunRecord& run : status.runs) {
      const std::string outcome = run.succeeded ? "succeeded"
                                                : fmt::format("failed (exit {}): {}", run.exit_code,
                                                              TerminalSafe(run.error));
      out += fmt::format("  {}  {:<11} {:<22} {:>8.2f} s  {}\n", TerminalSafe(run.run_id),
                         run.command, DatesOf(run), run.seconds, outcome);
    }
  }
  return out;
}

std::string RenderStatusJson(const LakeStatus& status) {
  JsonWriter json;
  json.BeginObject();
  json.StringMember("lake", status.lake);
  json.StringMember("commit_protocol", status.protocol);
  json.Key("lock");
  if (status.lock) {
    json.BeginObject();
    json.StringMember("run_id", status.lock->run_id);
    json.IntMember("pid", status.lock->pid);
    json.StringMember("host", status.lock->host);
    json.BoolMember("held", status.lock->live);
    json.EndObject();
  } else {
    json.Null();
  }
  json.Key("interrupted_runs");
  json.BeginArray();
  for (const lake::StagedRun& run : status.interrupted) {
    json.BeginObject();
    json.StringMember("run_id", run.run_id);
    json.IntMember("files", run.files);
    json.IntMember("bytes", run.bytes);
    json.Key("staged");
    json.BeginArray();
    for (const std::string& label : run.labels) json.String(label);
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("dates");
  json.BeginArray();
  for (const DateStatus& date : status.dates) WriteDate(date, json);
  json.EndArray();
  json.Key("runs");
  json.BeginArray();
  for (const RunRecord& run : status.runs) WriteRunRecordJson(run, json);
  json.EndArray();
  json.Key("run_log_error");
  if (status.run_log_error.empty()) {
    json.Null();
  } else {
    json.String(status.run_log_error);
  }
  json.EndObject();
  return json.Finish();
}

}  // namespace streampro::pipeline
