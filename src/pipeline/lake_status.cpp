#include "pipeline/lake_status.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "common/parse_int.h"
#include "lake/commit_protocol.h"
#include "pipeline/report_stage.h"

namespace streampro::pipeline {

namespace {

std::optional<double> DoubleProperty(const lake::PartitionManifest& manifest,
                                     std::string_view key) {
  const auto it = manifest.properties.find(std::string(key));
  if (it == manifest.properties.end()) return std::nullopt;
  double value = 0;
  const char* end = it->second.data() + it->second.size();
  const auto [ptr, error] = std::from_chars(it->second.data(), end, value);
  if (error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

Result<DateStatus> ReadDateStatus(LineageCheck& check, Date date) {
  DateStatus status;
  status.date = date;
  PublishedPartitions& published = check.published();
  for (const catalog::TableDef& table : catalog::AllTables()) {
    ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                     published.Manifest(table, date));
    if (!manifest) continue;
    PartitionSummary summary;
    summary.table = &table;
    summary.files = static_cast<int64_t>(manifest->files.size());
    for (const lake::FileEntry& file : manifest->files) summary.bytes += file.bytes;
    if (table.format == catalog::FileFormat::kParquet) summary.rows = manifest->total_rows();
    summary.run_id = manifest->run_id;
    summary.committed_at = manifest->committed_at;
    if (manifest->committed_at > status.last_committed_at) {
      status.last_committed_at = manifest->committed_at;
      status.last_run_id = manifest->run_id;
    }
    if (table.layer == catalog::Layer::kTrusted && table.source && manifest->counters) {
      status.tables.emplace_back(std::string(TableName(*table.source)), *manifest->counters);
    }
    if (table.layer == catalog::Layer::kReports) {
      status.q1_pct = DoubleProperty(*manifest, kQ1PctProperty);
      status.abnormal_segments =
          ParseInt64(manifest->properties.contains(std::string(kAbnormalSegmentsProperty))
                         ? manifest->properties.at(std::string(kAbnormalSegmentsProperty))
                         : std::string());
    }
    status.partitions.push_back(std::move(summary));
  }
  ASSIGN_OR_RETURN(status.lineage, check.Check(date));
  return status;
}

std::pair<int, int> DateStatus::LayerCount(catalog::Layer layer) const {
  int published = 0;
  int layer_tables = 0;
  for (const catalog::TableDef& table : catalog::AllTables()) {
    if (table.layer != layer) continue;
    ++layer_tables;
    for (const PartitionSummary& partition : partitions) {
      if (partition.table == &table) ++published;
    }
  }
  return {published, layer_tables};
}

std::string DateStatus::State() const {
  if (lineage.is_stale()) return "stale";
  const auto [enriched, enriched_tables] = LayerCount(catalog::Layer::kEnriched);
  const auto [reports, report_tables] = LayerCount(catalog::Layer::kReports);
  if (enriched < enriched_tables || reports < report_tables) return "incomplete";
  if (!lineage.tracked) return "untracked";
  return "ok";
}

Result<LakeStatus> ReadLakeStatus(const lake::Lake& lake, const StatusOptions& options) {
  LakeStatus status;
  status.lake = lake.uri();
  status.protocol = std::string(lake.protocol().name());
  ASSIGN_OR_RETURN(status.lock, lake::ReadLockHolder(lake));
  ASSIGN_OR_RETURN(std::vector<lake::StagedRun> staged, lake::ListStagedRuns(lake));
  for (lake::StagedRun& run : staged) {
    if (status.lock && status.lock->live && status.lock->run_id == run.run_id) continue;
    status.interrupted.push_back(std::move(run));
  }

  LineageCheck check(lake);
  std::set<Date> dates;
  for (const catalog::TableDef& table : catalog::AllTables()) {
    ASSIGN_OR_RETURN(const std::vector<Date> table_dates, check.published().Dates(table));
    dates.insert(table_dates.begin(), table_dates.end());
  }
  for (const Date date : dates) {
    if (options.date && *options.date != date) continue;
    ASSIGN_OR_RETURN(DateStatus date_status, ReadDateStatus(check, date));
    status.dates.push_back(std::move(date_status));
  }

  // The run log: the newest entries, and the runs that last wrote each date shown.
  const Status log_read = [&]() -> Status {
    ASSIGN_OR_RETURN(const std::vector<std::string> ids, ListRunIds(lake));
    const size_t first = ids.size() > options.runs ? ids.size() - options.runs : 0;
    for (size_t i = first; i < ids.size(); ++i) {
      ASSIGN_OR_RETURN(RunRecord record, ReadRunRecord(lake, ids[i]));
      status.runs.push_back(std::move(record));
    }
    std::map<std::string, std::string> commands;  // run id -> command
    for (const RunRecord& record : status.runs) commands[record.run_id] = record.command;
    for (DateStatus& date : status.dates) {
      if (!std::binary_search(ids.begin(), ids.end(), date.last_run_id)) continue;
      if (!commands.contains(date.last_run_id)) {
        ASSIGN_OR_RETURN(const RunRecord record, ReadRunRecord(lake, date.last_run_id));
        commands[record.run_id] = record.command;
      }
      date.last_command = commands[date.last_run_id];
    }
    return Status::OK();
  }();
  if (!log_read.ok()) status.run_log_error = log_read.message();
  return status;
}

}  // namespace streampro::pipeline
