#include "pipeline/report_stage.h"

#include <fmt/format.h>

#include <limits>

#include "common/file.h"
#include "common/table.h"
#include "pipeline/partition_io.h"
#include "streampro/object_store.h"

namespace streampro::pipeline {

namespace {

constexpr std::string_view kReports = "reports";

Result<std::vector<report::TableCounts>> TableCountsOf(const std::string& root, Date date) {
  std::vector<report::TableCounts> tables;
  for (const Table table : kAllTables) {
    report::TableCounts counts;
    counts.table = std::string(TableName(table));
    ASSIGN_OR_RETURN(const auto manifest,
                     lake::ReadManifest(root, "trusted", TableName(table), date));
    if (manifest && manifest->counters) {
      counts.file = manifest->source_file;
      counts.counters = *manifest->counters;
    }
    tables.push_back(std::move(counts));
  }
  return tables;
}

Status RequireEnriched(const std::string& root, Date date) {
  for (const std::string_view table : {"user_journey", "genre_performance", "device_analytics"}) {
    ASSIGN_OR_RETURN(const auto manifest, lake::ReadManifest(root, "enriched", table, date));
    if (!manifest) {
      return Status::NotFound(
          fmt::format("{} is missing: run `streampro to-enriched --ingestion-date {}` first",
                      lake::PartitionDir(root, "enriched", table, date), FormatIsoDate(date)));
    }
  }
  return Status::OK();
}

}  // namespace

Result<report::Report> PublishReport(const lake::LakeLock& lock, Date date,
                                     const StageOptions& options) {
  const std::string& root = lock.root();
  RETURN_NOT_OK(RequireEnriched(root, date));
  ASSIGN_OR_RETURN(std::vector<report::TableCounts> tables, TableCountsOf(root, date));
  ASSIGN_OR_RETURN(const RecordBatch journey,
                   ReadPartition(root, "enriched", "user_journey", date,
                                 {"first_session_id", "first_session_reached_30s"}));
  ASSIGN_OR_RETURN(const RecordBatch genres,
                   ReadPartition(root, "enriched", "genre_performance", date));
  ASSIGN_OR_RETURN(const RecordBatch devices,
                   ReadPartition(root, "enriched", "device_analytics", date));
  ASSIGN_OR_RETURN(const auto device_manifest,
                   lake::ReadManifest(root, "enriched", "device_analytics", date));
  report::EnrichedInputs inputs;
  inputs.user_journey = &journey;
  inputs.genre_performance = &genres;
  inputs.device_analytics = &devices;
  inputs.min_sessions = options.min_segment_sessions;
  // The threshold the table was computed with, if it says.
  if (device_manifest) {
    ASSIGN_OR_RETURN(const std::optional<int64_t> min_sessions,
                     lake::IntProperty(root, *device_manifest, "min_segment_sessions", 0,
                                       std::numeric_limits<int64_t>::max()));
    if (min_sessions) inputs.min_sessions = *min_sessions;
  }
  ASSIGN_OR_RETURN(report::Report built, report::BuildReport(date, std::move(tables), inputs));
  built.lake = root;

  ASSIGN_OR_RETURN(auto partition,
                   lake::PartitionWriter::Begin(lock, std::string(kReports), "", date));
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"report.json", report::RenderJson(built)},
        std::pair<std::string, std::string>{"report.html", report::RenderHtml(built)}}) {
    ASSIGN_OR_RETURN(OutputStream * stream, partition->CreateFile(name));
    RETURN_NOT_OK(stream->Write(text));
    RETURN_NOT_OK(partition->CloseFile(name, std::nullopt));
  }
  RETURN_NOT_OK(partition->Commit());
  return built;
}

Result<std::string> ReadPublishedReportJson(const std::string& root, Date date) {
  ASSIGN_OR_RETURN(const auto manifest, lake::ReadManifest(root, kReports, "", date));
  if (!manifest) {
    return Status::NotFound(
        fmt::format("{} has no report: run `streampro pipeline "
                    "--ingestion-date {}` first",
                    lake::PartitionDir(root, kReports, "", date), FormatIsoDate(date)));
  }
  const lake::FileEntry* file = manifest->FindFile("report.json");
  if (file == nullptr) {
    return Status::InvalidData(fmt::format("{}: the manifest lists no report.json",
                                           lake::PartitionDir(root, kReports, "", date)));
  }
  return storage::ReadObject(lake::FileUri(root, *manifest, *file));
}

}  // namespace streampro::pipeline
