#pragma once

#include <string>

#include "common/date.h"
#include "lake/lake_lock.h"
#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "pipeline/stage_options.h"
#include "report/report.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// Manifest properties of the report partition: Q1's percentage (shortest round-trip text;
/// absent when there are no new users) and the number of abnormal Q3 segments.
inline constexpr std::string_view kQ1PctProperty = "q1_pct";
inline constexpr std::string_view kAbnormalSegmentsProperty = "abnormal_segments";

/// Enriched -> report for D (SPEC §5-6): builds the report from the enriched tables of D and
/// the trusted counters of D's files, and publishes reports/ingestion_date=D/report.json and
/// report.html as one partition, whose manifest records what it read (pipeline/lineage.h)
/// and the properties above. Returns the report for the terminal.
Result<report::Report> PublishReport(const lake::LakeLock& lock, Date date,
                                     const StageOptions& options);

/// The report.json of D as published, or NotFound naming what to run first.
Result<std::string> ReadPublishedReportJson(const lake::Lake& lake, Date date);

}  // namespace streampro::pipeline
