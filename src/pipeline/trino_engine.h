#pragma once

// The Trino engine (`--engine trino`, docs/engines.md "Two engines"): the enriched stage and
// the report's inputs computed by a Trino cluster over the lake's Iceberg tables, with the
// SQL of sql/trino (engines/trino/enriched_sql.h).
//
// To-enriched for D:
//  1. Trino creates one staging Iceberg table per SQL-written table (user_sessions,
//     user_journey, genre_performance) in the lake's namespace, located in this run's
//     staging folder, and fills it with the table's SQL for D: Trino writes the Parquet
//     files. user_journey and genre_performance read the staged user_sessions and
//     user_journey, so the history-wide work runs once.
//  2. device_analytics.sql's segment counts come back over the REST client (a few hundred
//     rows at most) and C++ finishes the table with the embedded engine's code
//     (enrich::Finish: rates, z, p, Benjamini-Hochberg q, abnormal, row order), so both
//     engines agree on every digit of p and q.
//  3. Trino's data files are checked against the table's schema and published as D's
//     partitions through the lake's commit protocol, like the embedded engine's files;
//     the caller then commits every Iceberg table that changed, one atomic commit each
//     (iceberg/lake_tables.h). The staging tables are dropped, whatever happened.
// Until step 3 nothing visible changes: a failure or Ctrl-C (which cancels the running
// Trino query) leaves the lake and the catalog as they were.

#include <string>

#include "common/date.h"
#include "engines/trino/client.h"
#include "lake/lake_lock.h"
#include "pipeline/enriched_stage.h"
#include "pipeline/report_stage.h"
#include "pipeline/stage_options.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// Trino to reach and where the lake's Iceberg tables are in it.
struct TrinoEngineOptions {
  /// Server, user, statement timeout. Its catalog and schema are set by the engine.
  engines::trino::ClientOptions client;
  /// Trino's catalog of the Iceberg connector on the lake's JDBC catalog (TRINO_CATALOG).
  std::string catalog = "iceberg";
  /// The lake's Iceberg namespace (iceberg::LakeTablesOptions::ns).
  std::string schema = "streampro";
};

/// Trusted -> enriched for D in Trino (above). The trusted Iceberg tables must name the
/// published trusted partitions (commit them first). EnrichedResult has sessions, users
/// and event_dates; events and duplicates are 0 (Trino does not count them for us).
Result<EnrichedResult> TrinoToEnriched(const lake::LakeLock& lock, Date date,
                                       const StageOptions& options,
                                       const TrinoEngineOptions& trino);

/// The report's rows of D from Trino: report_inputs.sql's Q1 counts and the
/// genre_performance and device_analytics rows of D's Iceberg partitions (ordered as the
/// tables are). The enriched partitions of D must be published and committed.
Result<ReportTables> ReadReportTablesFromTrino(const lake::Lake& lake, Date date,
                                               const StageOptions& options,
                                               const TrinoEngineOptions& trino);

}  // namespace streampro::pipeline
