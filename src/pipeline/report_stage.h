#pragma once

#include <optional>
#include <string>

#include "common/date.h"
#include "lake/lake_lock.h"
#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "pipeline/stage_options.h"
#include "report/report.h"
#include "streampro/batch.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// Manifest properties of the report partition: Q1's percentage (shortest round-trip text;
/// absent when there are no new users) and the number of abnormal Q3 segments.
inline constexpr std::string_view kQ1PctProperty = "q1_pct";
inline constexpr std::string_view kAbnormalSegmentsProperty = "abnormal_segments";

/// The enriched rows the report of D is built from (report::EnrichedInputs).
struct ReportTables {
  ReportTables();
  /// Q1 counted elsewhere (the Trino engine); then user_journey is not read.
  std::optional<report::Q1Counts> q1_counts;
  RecordBatch user_journey;       ///< first_session_id, first_session_reached_30s
  RecordBatch genre_performance;  ///< every column, rank order
  RecordBatch device_analytics;   ///< every column, the table's row order
  /// The Q3 threshold device_analytics was computed with.
  int64_t min_sessions = 30;
};

/// The report's rows of D as the embedded engine reads them: the enriched partitions of
/// D in the lake (NotFound naming what to run first when one is missing).
Result<ReportTables> ReadReportTables(const lake::Lake& lake, Date date,
                                      const StageOptions& options);

/// The Q3 threshold D's device_analytics was computed with (its manifest says), else
/// options.min_segment_sessions.
Result<int64_t> ReportMinSessions(const lake::Lake& lake, Date date, const StageOptions& options);

/// Enriched -> report for D (SPEC §5-6): builds the report from the enriched tables of D and
/// the trusted counters of D's files, and publishes reports/ingestion_date=D/report.json and
/// report.html as one partition, whose manifest records what it read (pipeline/lineage.h)
/// and the properties above. Returns the report for the terminal.
Result<report::Report> PublishReport(const lake::LakeLock& lock, Date date,
                                     const StageOptions& options);
/// The same from rows read already (by the Trino engine, pipeline/trino_engine.h). The
/// enriched partitions of D must be published: the report's lineage names them.
Result<report::Report> PublishReport(const lake::LakeLock& lock, Date date,
                                     const StageOptions& options, const ReportTables& tables);

/// The report.json of D as published, or NotFound naming what to run first.
Result<std::string> ReadPublishedReportJson(const lake::Lake& lake, Date date);

}  // namespace streampro::pipeline
