#pragma once

// Report models shared by the renderer tests: a full one with every kind of value, and an
// empty one (no files, no new users, no genres, no segments).

#include "catalog/reject_reason.h"
#include "common/date.h"
#include "report/report.h"

namespace streampro::report::testing {

inline SegmentRow MakeSegment(std::string dimension, std::optional<std::string> os,
                              std::optional<std::string> version, int64_t sessions,
                              int64_t drop_offs, double rest_rate, bool abnormal) {
  SegmentRow row;
  row.dimension = std::move(dimension);
  row.device_os = std::move(os);
  row.app_version = std::move(version);
  if (row.device_os && row.app_version) {
    row.segment = *row.device_os + " / " + *row.app_version;
  } else {
    row.segment = row.device_os ? *row.device_os : row.app_version.value_or("");
  }
  row.sessions = sessions;
  row.drop_offs = drop_offs;
  row.drop_off_rate = static_cast<double>(drop_offs) / static_cast<double>(sessions);
  row.rest_rate = rest_rate;
  row.lift = row.drop_off_rate / rest_rate;
  row.z = 4.25;
  row.p_value = 1.0e-5;
  row.q_value = abnormal ? 3.0e-5 : 0.4;
  row.tested = true;
  row.abnormal = abnormal;
  return row;
}

inline Report MakeSampleReport() {
  Report report;
  report.ingestion_date = Date{DaysFromCivil(2025, 9, 9)};
  report.lake = "/data/lake";

  TableCounts users{"users", "users_2025-09-09.csv", {}};
  users.counters.rows_in = 100;
  users.counters.rows_kept = 97;
  users.counters.AddReject(RejectReason::kDuplicateKey);
  users.counters.AddReject(RejectReason::kInvalidDate);
  users.counters.AddReject(RejectReason::kDuplicateKey);
  TableCounts videos{"videos", "videos_2025-09-09.csv", {}};
  videos.counters.rows_in = 20;
  videos.counters.rows_kept = 20;
  TableCounts devices{"devices", std::nullopt, {}};
  TableCounts events{"events", "events_2025-09-09.jsonl", {}};
  events.counters.rows_in = 1000;
  events.counters.rows_kept = 950;
  events.counters.rows_duplicate = 10;
  for (int i = 0; i < 25; ++i) events.counters.AddReject(RejectReason::kInvalidTimestamp);
  for (int i = 0; i < 9; ++i) events.counters.AddReject(RejectReason::kUnknownUser);
  for (int i = 0; i < 4; ++i) events.counters.AddReject(RejectReason::kMalformedRecord);
  for (int i = 0; i < 2; ++i) events.counters.AddReject(RejectReason::kUnknownVideo);
  report.tables = {users, videos, devices, events};

  report.q1.new_users = 96;
  report.q1.reached_30s = 69;
  report.q1.never_active = 4;
  report.q1.pct = 71.875;
  report.q1.ci_low = 61.6;
  report.q1.ci_high = 79.4;

  report.q2.genres = {
      {"Comedy", 40, 18, 0.45, 0.307, 0.602, 312.5, 1},
      {"Drama", 30, 6, 0.2, 0.095, 0.373, 200.25, 2},
      {"Unknown", 3, 0, 0.0, 0.0, 0.5615, 0.0, std::nullopt},
  };
  report.q2.best_genre = "Comedy";
  report.q2.best_overlaps_runner_up = false;

  report.q3.min_sessions = 30;
  report.q3.segments_tested = 3;
  report.q3.sessions = 5000;
  report.q3.drop_offs = 1500;
  SegmentRow ios = MakeSegment("device_os", "iOS", std::nullopt, 1000, 300, 0.3, false);
  SegmentRow old_version =
      MakeSegment("app_version", std::nullopt, "1.9.0", 200, 120, 0.2816326530612245, true);
  SegmentRow pair =
      MakeSegment("device_os x app_version", "Android", "2.0.1", 100, 50, 0.2979591836734694, true);
  report.q3.tested = {ios, old_version, pair};
  report.q3.abnormal = {old_version, pair};
  return report;
}

inline Report MakeEmptyReport() {
  Report report;
  report.ingestion_date = Date{DaysFromCivil(2025, 9, 9)};
  report.lake = "lake";
  for (const char* table : {"users", "videos", "devices", "events"}) {
    report.tables.push_back({table, std::nullopt, {}});
  }
  return report;
}

/// The sample report of 2025-09-09 with a history: 2025-09-06 (trusted files, no report),
/// 2025-09-08 (a report with no new users and no ranked genre; 2025-09-07 is absent) and
/// the sample's own date.
inline Report MakeSampleReportWithHistory() {
  Report report = MakeSampleReport();
  HistoryPoint no_report;
  no_report.date = Date{DaysFromCivil(2025, 9, 6)};
  TableCounts users{"users", "users_2025-09-06.csv", {}};
  users.counters.rows_in = 50;
  users.counters.rows_kept = 49;
  users.counters.AddReject(RejectReason::kInvalidDate);
  no_report.tables = {users,
                      {"videos", std::nullopt, {}},
                      {"devices", std::nullopt, {}},
                      {"events", std::nullopt, {}}};

  HistoryPoint empty;
  empty.date = Date{DaysFromCivil(2025, 9, 8)};
  empty.q1 = Q1{};
  empty.q1->never_active = 7;
  empty.segments_tested = 0;
  empty.abnormal_segments = 0;
  TableCounts events{"events", "events_2025-09-08.jsonl", {}};
  events.counters.rows_in = 400;
  events.counters.rows_kept = 398;
  events.counters.AddReject(RejectReason::kUnknownUser);
  events.counters.AddReject(RejectReason::kUnknownUser);
  empty.tables = {{"users", std::nullopt, {}},
                  {"videos", std::nullopt, {}},
                  {"devices", std::nullopt, {}},
                  events};

  report.history = {no_report, empty, HistoryPointOf(report)};
  return report;
}

}  // namespace streampro::report::testing
