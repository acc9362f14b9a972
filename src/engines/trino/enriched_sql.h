#pragma once

// The enriched stage as Trino SQL: the files of sql/trino (built into the binary), one per
// enriched table plus the events input and the report's Q1-Q3 counts, and their
// composition into statements for an ingestion date (docs/engines.md, "The enriched stage
// in Trino SQL").
//
// Each file is one SELECT over the lake's Iceberg tables, named without catalog and schema
// (the client's session catalog and schema choose them, e.g. iceberg.streampro), with
// `${name}` placeholders:
//   ${date}            the ingestion date D, YYYY-MM-DD (inside DATE '...')
//   ${min_sessions}    Q3's STREAMPRO_MIN_SEGMENT_SESSIONS, a positive integer
//   ${events}          events.sql as a subquery
//   ${users}, ${videos}  newest_snapshot.sql for trusted_users, trusted_videos
//   ${table}           (newest_snapshot.sql) the dimension table
//   ${user_sessions}   the user_sessions of D: user_sessions.sql as a subquery, or the
//                      table's partition D
//   ${user_journey}    the same for user_journey
// Its output columns are those of the enriched table, in order, without ingestion_date;
// device_analytics.sql leaves p_value, q_value and abnormal to C++ (see the file).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/date.h"
#include "streampro/status.h"

namespace streampro::engines::trino {

enum class EnrichedSql {
  kEvents,            ///< events.sql: deduplicated events of every date <= D with genres
  kUserSessions,      ///< user_sessions.sql
  kUserJourney,       ///< user_journey.sql
  kGenrePerformance,  ///< genre_performance.sql
  kDeviceAnalytics,   ///< device_analytics.sql (without p_value, q_value, abnormal)
  kReportInputs,      ///< report_inputs.sql: Q1 counts and Q3 totals, one row
  /// newest_snapshot.sql: the newest snapshot <= D of ${table}; composed only as the
  /// ${users} and ${videos} of the files above.
  kNewestSnapshot,
};

/// "user_sessions.sql", ...
std::string_view SqlFileName(EnrichedSql file);

/// The file's text as it is in the repository's sql/trino.
std::string_view SqlFileText(EnrichedSql file);

/// Where a statement takes the enriched tables it builds on (${user_sessions},
/// ${user_journey}).
enum class EnrichedInputs {
  /// Their SQL files as subqueries: the statement reads trusted tables only.
  kComputed,
  /// The tables' partition D (`SELECT * FROM user_sessions WHERE ingestion_date = D`):
  /// for a run that has written them already.
  kTables,
  /// Every row of the tables named in EnrichedSqlParams (`SELECT * FROM name`): the Trino
  /// engine's staging tables, which hold D's rows only.
  kNamed,
};

struct EnrichedSqlParams {
  Date date;
  int64_t min_sessions = 30;
  EnrichedInputs inputs = EnrichedInputs::kComputed;
  /// kNamed: the tables read as ${user_sessions} and ${user_journey}.
  std::string user_sessions_table = {};
  std::string user_journey_table = {};
};

/// The statement of `file` for `params`: every placeholder replaced. InvalidArgument for a
/// min_sessions below 1 and for kNewestSnapshot (which needs a table).
Result<std::string> ComposeEnrichedSql(EnrichedSql file, const EnrichedSqlParams& params);

/// Replaces each `${name}` of `text` by `values[name]`. InvalidArgument naming `file_name`
/// and the line for a placeholder without a value or an unterminated `${`.
Result<std::string> ReplacePlaceholders(std::string_view file_name, std::string_view text,
                                        const std::map<std::string, std::string>& values);

}  // namespace streampro::engines::trino
