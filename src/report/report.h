#pragma once

// The report of SPEC §5-6: a model built from the enriched tables, rendered as terminal
// text, report.json and a self-contained report.html.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/file_counters.h"
#include "streampro/batch.h"
#include "streampro/status.h"

namespace streampro::report {

/// Counters of one landing file of date D (report.json `tables.<name>`).
struct TableCounts {
  std::string table;                ///< users, videos, devices, events
  std::optional<std::string> file;  ///< landing file name; nullopt when D had none
  FileCounters counters;            ///< all zero when file is nullopt
};

struct Q1 {
  int64_t new_users = 0;
  int64_t reached_30s = 0;
  int64_t never_active = 0;
  /// Percentages 0-100; nullopt when new_users is 0.
  std::optional<double> pct;
  std::optional<double> ci_low;
  std::optional<double> ci_high;
};

struct GenreRow {
  std::string genre;
  int64_t new_users = 0;
  int64_t returned_within_3d = 0;
  double retention_rate = 0;  ///< proportions 0-1
  double ci_low = 0;
  double ci_high = 0;
  double avg_first_session_watch_seconds = 0;
  std::optional<int32_t> rank;  ///< nullopt for Unknown
};

struct Q2 {
  std::vector<GenreRow> genres;  ///< rank order, Unknown last
  std::optional<std::string> best_genre;
  /// nullopt when there is no runner-up.
  std::optional<bool> best_overlaps_runner_up;
};

struct SegmentRow {
  std::string dimension;  ///< device_os, app_version, device_os x app_version
  std::string segment;    ///< display text
  std::optional<std::string> device_os;
  std::optional<std::string> app_version;
  int64_t sessions = 0;
  int64_t drop_offs = 0;
  double drop_off_rate = 0;
  std::optional<double> rest_rate;
  std::optional<double> lift;
  std::optional<double> z;
  std::optional<double> p_value;
  std::optional<double> q_value;
  bool tested = false;
  bool abnormal = false;
};

struct Q3 {
  int64_t min_sessions = 30;
  int64_t segments_tested = 0;
  int64_t sessions = 0;              ///< all sessions in the lake
  int64_t drop_offs = 0;             ///< of those
  std::vector<SegmentRow> abnormal;  ///< worst first (SPEC §7 order)
  std::vector<SegmentRow> tested;    ///< every tested segment, device_analytics order
};

/// One date of the history section: the answers as that date's own published report.json
/// states them, and the counters of that date's trusted files (docs/report.md).
struct HistoryPoint {
  Date date;
  /// The date's figures; all nullopt when the date has trusted files but no published
  /// report.
  std::optional<Q1> q1;                ///< new_users, reached_30s and pct with its CI
  std::optional<GenreRow> best_genre;  ///< the best ranked genre, when there is one
  std::optional<int64_t> segments_tested;
  std::optional<int64_t> abnormal_segments;
  bool has_report() const { return q1.has_value(); }
  /// rows_in and rows_rejected of each trusted file of the date (users, videos, devices,
  /// events); all zero for a table without a file that date.
  std::vector<TableCounts> tables;
};

struct Report {
  Date ingestion_date;
  std::string lake;                 ///< lake root as given, for the text and HTML headers
  std::vector<TableCounts> tables;  ///< users, videos, devices, events
  Q1 q1;
  Q2 q2;
  Q3 q3;
  /// Every date up to ingestion_date with a trusted partition or a published report,
  /// ascending, ending with ingestion_date itself (HistoryPointOf). Empty in a model built
  /// without a lake.
  std::vector<HistoryPoint> history;
};

/// Builds Q1-Q3 from the enriched tables: Q1 from user_journey (UserJourneySchema; may be
/// read with only first_session_id and first_session_reached_30s present, see
/// enrich.h), Q2 from genre_performance, Q3 from device_analytics.
struct Q1Counts {
  int64_t new_users = 0;
  int64_t reached_30s = 0;
  int64_t never_active = 0;
};
struct EnrichedInputs {
  const RecordBatch* user_journey = nullptr;
  const RecordBatch* genre_performance = nullptr;
  const RecordBatch* device_analytics = nullptr;
  int64_t min_sessions = 30;
  /// Q1 counted already (the Trino engine's report_inputs.sql); then user_journey is not
  /// read and may be null.
  std::optional<Q1Counts> q1_counts = {};
};
Result<Report> BuildReport(Date date, std::vector<TableCounts> tables,
                           const EnrichedInputs& inputs);

/// The first entry of `tables` named `table`, or nullptr.
const TableCounts* FindTable(const std::vector<TableCounts>& tables, std::string_view table);
/// rows_rejected / rows_in, or nullopt when no row was read.
std::optional<double> RejectRate(const TableCounts* counts);

/// The history point of `report` itself: its own answers and table counts.
HistoryPoint HistoryPointOf(const Report& report);

/// The history point a published report.json states (its q1, the best genre of q2 and the
/// counts of q3; the tables are left empty for the caller). `origin` names the file in
/// errors: a document that is not a report.json is InvalidData.
Result<HistoryPoint> ParseHistoryPoint(std::string_view report_json, const std::string& origin);

/// A person reads it in ten seconds: the three answers first, then the file counts.
std::string RenderText(const Report& report);
/// report.json with every SPEC §6 key (plus extra keys); doubles printed in the shortest
/// form that reads back exactly; NaN/inf never appear (null instead).
std::string RenderJson(const Report& report);
/// One self-contained HTML page with inline SVG charts: no scripts or styles from the
/// network, no external fonts or images.
std::string RenderHtml(const Report& report);

}  // namespace streampro::report
