#pragma once

// What a lake holds, date by date, for `streampro status` (docs/operations.md): the
// published partitions with their rows and bytes, the last run that wrote each date, stale
// dates (pipeline/lineage.h), rejects by reason, staged files of interrupted runs that the
// next run cleans up, the lock, and the newest entries of the run log. Read-only: it takes
// no lock and changes nothing, so it may run beside a pipeline.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "common/file_counters.h"
#include "lake/lake.h"
#include "lake/lake_lock.h"
#include "pipeline/lineage.h"
#include "pipeline/run_log.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// One committed partition.
struct PartitionSummary {
  const catalog::TableDef* table = nullptr;
  int64_t files = 0;
  int64_t bytes = 0;
  /// Rows of its Parquet files; nullopt for raw copies and the report.
  std::optional<int64_t> rows;
  std::string run_id;
  std::string committed_at;
};

/// Everything published for one ingestion date; the figures are the counters its trusted
/// partitions record and the report's manifest properties.
struct DateStatus : DateFigures {
  Date date;
  std::vector<PartitionSummary> partitions;  ///< catalog order
  DateLineage lineage;
  /// The run that committed the newest partition of the date, and when.
  std::string last_run_id;
  std::string last_committed_at;
  /// That run's command, when the run log has it.
  std::optional<std::string> last_command;
  /// Partitions of `layer` published, and how many tables the layer has.
  std::pair<int, int> LayerCount(catalog::Layer layer) const;
  /// `stale`, `incomplete` (a report or enriched table missing), `untracked` (written
  /// before lineage was recorded) or `ok`.
  std::string State() const;
};

struct LakeStatus {
  std::string lake;
  std::string protocol;  ///< the commit protocol's name
  std::optional<lake::LockHolderInfo> lock;
  /// Staging folders of runs that are gone: the next run that takes the lock removes them.
  std::vector<lake::StagedRun> interrupted;
  std::vector<DateStatus> dates;  ///< ascending
  std::vector<RunRecord> runs;    ///< the newest of the run log, oldest first
  /// Set when the run log could not be read (the rest is still shown).
  std::string run_log_error;
};

struct StatusOptions {
  /// Only this date (all dates when unset).
  std::optional<Date> date;
  /// Newest run log entries to include.
  size_t runs = 10;
};

/// What the lake holds for `date`.
Result<DateStatus> ReadDateStatus(LineageCheck& check, Date date);

Result<LakeStatus> ReadLakeStatus(const lake::Lake& lake, const StatusOptions& options);

/// For a person: the lock, interrupted runs, one line per date, then each date's details
/// and the recent runs.
std::string RenderStatusText(const LakeStatus& status);
/// Every field of LakeStatus as one JSON document.
std::string RenderStatusJson(const LakeStatus& status);

}  // namespace streampro::pipeline
