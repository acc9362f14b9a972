#pragma once

// The run log (docs/operations.md): one object per run, `{root}/_runs/{run_id}.json`,
// holding one JSON line. Run ids start with the start time, so a listing sorts by time; an
// object per run needs no append, which object stores do not have. Monitoring reads it
// instead of parsing what the commands print.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/date.h"
#include "common/file_counters.h"
#include "lake/lake.h"
#include "report/json_writer.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// How long one stage took.
struct StageTime {
  std::string stage;  ///< to-raw, to-trusted, to-enriched, report
  double seconds = 0;

  bool operator==(const StageTime&) const = default;
};

/// What a date's landing files and report came to: the run log and `status` show these.
struct DateFigures {
  /// Landing table name -> the counters of its file of this date.
  std::vector<std::pair<std::string, FileCounters>> tables;
  std::optional<double> q1_pct;  ///< Q1 percentage (0-100) of the report
  std::optional<int64_t> abnormal_segments;

  /// The counters of every table added up.
  FileCounters Totals() const;
  /// Writes `tables`, `q1_pct` and `abnormal_segments` as members of the object being
  /// written.
  void WriteJsonMembers(report::JsonWriter& json) const;
  bool operator==(const DateFigures&) const = default;
};

/// What a run did for one ingestion date.
struct DateRun : DateFigures {
  Date date;
  /// `built`, `skipped` (published from the same landing files and not stale), `missing`
  /// (no landing file and nothing in raw), `failed`, `interrupted` (Ctrl-C or SIGTERM).
  std::string outcome;
  /// Why it was built or skipped, e.g. "stale: ..." or "landing changed: ...".
  std::string note;
  std::vector<StageTime> stages;  ///< in the order they ran
  double seconds = 0;

  bool operator==(const DateRun&) const = default;
};

/// One run of a command that writes the lake.
struct RunRecord {
  std::string run_id;
  std::string command;  ///< pipeline, backfill, to-raw, to-trusted, to-enriched, report
  bool succeeded = false;
  int exit_code = 0;
  std::string error;       ///< the one-line error of a failed run
  std::string started_at;  ///< UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`
  double seconds = 0;
  std::string lake;
  std::string landing;
  std::string host;
  int64_t pid = 0;
  std::string version;  ///< of StreamPro
  std::vector<DateRun> dates;

  /// One line of JSON and a newline.
  std::string ToJsonLine() const;
  /// Parses ToJsonLine() output; `origin` names the object in errors.
  static Result<RunRecord> FromJson(std::string_view json, const std::string& origin);
  bool operator==(const RunRecord&) const = default;
};

/// Writes `record` as a JSON object (the form ToJsonLine prints, before minifying).
void WriteRunRecordJson(const RunRecord& record, report::JsonWriter& json);

/// `{root}/_runs/{run_id}.json`.
std::string RunRecordUri(const lake::Lake& lake, std::string_view run_id);

/// Writes `record` as its own object (a run id is unique, so no lock is needed).
Status WriteRunRecord(const lake::Lake& lake, const RunRecord& record);

/// The run ids of the log, ascending (by start time).
Result<std::vector<std::string>> ListRunIds(const lake::Lake& lake);

/// The record of `run_id`; NotFound when the log has none.
Result<RunRecord> ReadRunRecord(const lake::Lake& lake, std::string_view run_id);

/// True when the lake holds at least one run record.
Result<bool> HasRunLog(const lake::Lake& lake);

/// The newest `limit` records (all when 0), oldest first. A record that does not parse is
/// InvalidData naming its object.
Result<std::vector<RunRecord>> ReadRunLog(const lake::Lake& lake, size_t limit);

}  // namespace streampro::pipeline
