#include "pipeline/report_stage.h"

#include <fmt/format.h>

#include <limits>

#include "catalog/catalog.h"
#include "common/file.h"
#include "enrich/enrich.h"
#include "pipeline/lineage.h"
#include "pipeline/partition_io.h"
#include "pipeline/report_history.h"
#include "report/json_writer.h"

namespace streampro::pipeline {

namespace {

using catalog::TableId;

Status RequireEnriched(const lake::Lake& lake, Date date) {
  for (const TableId id : kReportEnrichedTables) {
    const catalog::TableDef& table = catalog::Get(id);
    ASSIGN_OR_RETURN(const auto manifest, lake::ReadManifest(lake, table, date));
    if (!manifest) {
      return Status::NotFound(
          fmt::format("{} is missing: run `streampro to-enriched --ingestion-date {}` first",
                      lake.PartitionUri(table, date), FormatIsoDate(date)));
    }
  }
  return Status::OK();
}

}  // namespace

ReportTables::ReportTables()
    : user_journey(enrich::UserJourneySchema()),
      genre_performance(enrich::GenrePerformanceSchema()),
      device_analytics(enrich::DeviceAnalyticsSchema()) {}

Result<ReportTables> ReadReportTables(const lake::Lake& lake, Date date,
                                      const StageOptions& options) {
  RETURN_NOT_OK(RequireEnriched(lake, date));
  ReportTables tables;
  ASSIGN_OR_RETURN(tables.user_journey,
                   ReadPartition(lake, catalog::Get(TableId::kUserJourney), date,
                                 {"first_session_id", "first_session_reached_30s"}));
  ASSIGN_OR_RETURN(tables.genre_performance,
                   ReadPartition(lake, catalog::Get(TableId::kGenrePerformance), date));
  ASSIGN_OR_RETURN(tables.device_analytics,
                   ReadPartition(lake, catalog::Get(TableId::kDeviceAnalytics), date));
  ASSIGN_OR_RETURN(tables.min_sessions, ReportMinSessions(lake, date, options));
  return tables;
}

Result<int64_t> ReportMinSessions(const lake::Lake& lake, Date date, const StageOptions& options) {
  ASSIGN_OR_RETURN(const auto device_manifest,
                   lake::ReadManifest(lake, catalog::Get(TableId::kDeviceAnalytics), date));
  if (device_manifest) {
    ASSIGN_OR_RETURN(const std::optional<int64_t> min_sessions,
                     lake::IntProperty(lake, *device_manifest, "min_segment_sessions", 1,
                                       std::numeric_limits<int64_t>::max()));
    if (min_sessions) return *min_sessions;
  }
  return options.min_segment_sessions;
}

Result<report::Report> PublishReport(const lake::LakeLock& lock, Date date,
                                     const StageOptions& options) {
  RETURN_NOT_OK(options.control.CheckCancelled());
  ASSIGN_OR_RETURN(const ReportTables tables, ReadReportTables(lock.lake(), date, options));
  return PublishReport(lock, date, options, tables);
}

Result<report::Report> PublishReport(const lake::LakeLock& lock, Date date,
                                     const StageOptions& options, const ReportTables& tables) {
  const lake::Lake& lake = lock.lake();
  RETURN_NOT_OK(options.control.CheckCancelled());
  RETURN_NOT_OK(RequireEnriched(lake, date));
  ASSIGN_OR_RETURN(std::vector<report::TableCounts> counts, TrustedTableCounts(lake, date));
  report::EnrichedInputs inputs;
  inputs.q1_counts = tables.q1_counts;
  inputs.user_journey = &tables.user_journey;
  inputs.genre_performance = &tables.genre_performance;
  inputs.device_analytics = &tables.device_analytics;
  inputs.min_sessions = tables.min_sessions;
  ASSIGN_OR_RETURN(report::Report built, report::BuildReport(date, std::move(counts), inputs));
  built.lake = lake.uri();
  PublishedPartitions published(lake);
  ASSIGN_OR_RETURN(const std::vector<InputVersion> read, ReportInputs(published, date));
  ASSIGN_OR_RETURN(built.history, ReadReportHistory(lake, built, options.ResolvedThreads()));

  ASSIGN_OR_RETURN(auto partition,
                   lake::PartitionWriter::Begin(lock, catalog::Get(TableId::kReport), date));
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"report.json", report::RenderJson(built)},
        std::pair<std::string, std::string>{"report.html", report::RenderHtml(built)}}) {
    ASSIGN_OR_RETURN(OutputStream * stream, partition->CreateFile(name));
    RETURN_NOT_OK(stream->Write(text));
    RETURN_NOT_OK(partition->CloseFile(name, std::nullopt));
  }
  RecordInputs(read, partition.get());
  if (built.q1.pct) {
    partition->set_property(std::string(kQ1PctProperty), report::FormatJsonDouble(*built.q1.pct));
  }
  partition->set_property(std::string(kAbnormalSegmentsProperty),
                          std::to_string(built.q3.abnormal.size()));
  RETURN_NOT_OK(options.control.CheckCancelled());
  RETURN_NOT_OK(partition->Commit());
  return built;
}

Result<std::string> ReadPublishedReportJson(const lake::Lake& lake, Date date) {
  const catalog::TableDef& report_table = catalog::Get(TableId::kReport);
  ASSIGN_OR_RETURN(const auto manifest, lake::ReadManifest(lake, report_table, date));
  if (!manifest) {
    return Status::NotFound(
        fmt::format("{} has no report: run `streampro pipeline "
                    "--ingestion-date {}` first",
                    lake.PartitionUri(report_table, date), FormatIsoDate(date)));
  }
  const lake::FileEntry* file = manifest->FindFile("report.json");
  if (file == nullptr) {
    return Status::InvalidData(fmt::format("{}: the manifest lists no report.json",
                                           lake.PartitionUri(report_table, date)));
  }
  return lake.Read(lake::FileUri(lake, *manifest, *file));
}

}  // namespace streampro::pipeline
