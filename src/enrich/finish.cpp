// Finish: the merged partials -> genre_performance and device_analytics (SPEC §5, §7).

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "enrich/enrich.h"
#include "enrich/statistics.h"

namespace streampro::enrich {

FinalTables::FinalTables()
    : genre_performance(GenrePerformanceSchema()), device_analytics(DeviceAnalyticsSchema()) {}

namespace {

enum GenreColumn : int {
  kGenre,
  kNewUsers,
  kReturned,
  kRetentionRate,
  kGenreCiLow,
  kGenreCiHigh,
  kAvgWatchSeconds,
  kRank,
};

enum SegmentColumn : int {
  kDimension,
  kSegment,
  kSegmentOs,
  kSegmentVersion,
  kSessions,
  kDropOffs,
  kDropOffRate,
  kRestSessions,
  kRestDropOffs,
  kRestRate,
  kLift,
  kZ,
  kPValue,
  kQValue,
  kTested,
  kAbnormal,
};

struct GenreRow {
  const std::string* genre;
  GenreCounts counts;
  double retention_rate;
  Interval ci;
  double avg_watch_seconds;
  bool unknown;
};

void BuildGenrePerformance(const Partials& partials, RecordBatch* out) {
  std::vector<GenreRow> rows;
  for (const auto& [genre, counts] : partials.genres) {
    // A genre enters the partials with its first new user; none can have zero.
    if (counts.new_users <= 0) continue;
    const double n = static_cast<double>(counts.new_users);
    rows.push_back(GenreRow{&genre, counts, static_cast<double>(counts.returned_within_3d) / n,
                            WilsonInterval(counts.returned_within_3d, counts.new_users),
                            counts.first_session_watch_seconds_sum / n, genre == kUnknownGenre});
  }
  std::sort(rows.begin(), rows.end(), [](const GenreRow& a, const GenreRow& b) {
    if (a.unknown != b.unknown) return b.unknown;
    if (a.retention_rate != b.retention_rate) return a.retention_rate > b.retention_rate;
    if (a.counts.new_users != b.counts.new_users) return a.counts.new_users > b.counts.new_users;
    return *a.genre < *b.genre;
  });
  int32_t rank = 1;
  for (const GenreRow& row : rows) {
    out->column(kGenre).AppendString(*row.genre);
    out->column(kNewUsers).AppendInt64(row.counts.new_users);
    out->column(kReturned).AppendInt64(row.counts.returned_within_3d);
    out->column(kRetentionRate).AppendDouble(row.retention_rate);
    out->column(kGenreCiLow).AppendDouble(row.ci.low);
    out->column(kGenreCiHigh).AppendDouble(row.ci.high);
    out->column(kAvgWatchSeconds).AppendDouble(row.avg_watch_seconds);
    if (row.unknown) {
      out->column(kRank).AppendNull();
    } else {
      out->column(kRank).AppendInt32(rank++);
    }
  }
}

int DimensionOrder(std::string_view dimension) {
  if (dimension == kDimensionOs) return 0;
  if (dimension == kDimensionVersion) return 1;
  return 2;
}

struct SegmentRow {
  const SegmentKey* key = nullptr;
  std::string text;
  SegmentCounts counts;
  int64_t rest_sessions = 0;
  int64_t rest_drop_offs = 0;
  double rate = 0;
  bool has_rest = false;  ///< some session is outside the segment
  bool tested = false;
  double rest_rate = 0;
  std::optional<double> lift;
  double z = 0;
  double p_value = 1;
  double q_value = 1;
  bool abnormal = false;
};

Status BuildDeviceAnalytics(const Partials& partials, const Q3Options& options, RecordBatch* out) {
  std::vector<SegmentRow> rows;
  rows.reserve(partials.segments.size());
  for (const auto& [key, counts] : partials.segments) {
    if (counts.sessions <= 0) continue;
    const int64_t rest_sessions = partials.sessions - counts.sessions;
    const int64_t rest_drop_offs = partials.drop_offs - counts.drop_offs;
    if (rest_sessions < 0 || rest_drop_offs < 0 || counts.drop_offs > counts.sessions) {
      return Status::Internal(
          fmt::format("segment counts exceed the totals ({} sessions, {} drop-offs of {} and {})",
                      counts.sessions, counts.drop_offs, partials.sessions, partials.drop_offs));
    }
    std::string text;
    if (key.dimension == kDimensionOs) {
      text = key.device_os.value_or("");
    } else if (key.dimension == kDimensionVersion) {
      text = key.app_version.value_or("");
    } else {
      text = fmt::format("{} x {}", key.device_os.value_or(""), key.app_version.value_or(""));
    }
    SegmentRow row;
    row.key = &key;
    row.text = std::move(text);
    row.counts = counts;
    row.rest_sessions = rest_sessions;
    row.rest_drop_offs = rest_drop_offs;
    row.rate = static_cast<double>(counts.drop_offs) / static_cast<double>(counts.sessions);
    // SPEC §7: rest_rate and lift for every segment with a non-empty rest, tested or not;
    // the test itself (z, p, q) only from min_sessions on.
    row.has_rest = rest_sessions > 0;
    if (row.has_rest) {
      row.rest_rate = static_cast<double>(rest_drop_offs) / static_cast<double>(rest_sessions);
      if (row.rest_rate != 0) row.lift = row.rate / row.rest_rate;
    }
    row.tested = counts.sessions >= options.min_sessions && row.has_rest;
    if (row.tested) {
      const ZTest test =
          TwoProportionZTest(counts.drop_offs, counts.sessions, rest_drop_offs, rest_sessions);
      row.z = test.z;
      row.p_value = test.p_value;
    }
    rows.push_back(std::move(row));
  }

  std::vector<double> p_values;
  for (const SegmentRow& row : rows) {
    if (row.tested) p_values.push_back(row.p_value);
  }
  const std::vector<double> q_values = BenjaminiHochberg(p_values);
  size_t next_q = 0;
  for (SegmentRow& row : rows) {
    if (!row.tested) continue;
    row.q_value = q_values[next_q++];
    row.abnormal =
        row.q_value < options.max_q_value && (!row.lift || *row.lift >= options.min_lift);
  }

  std::sort(rows.begin(), rows.end(), [](const SegmentRow& a, const SegmentRow& b) {
    if (a.abnormal != b.abnormal) return a.abnormal;
    if (a.abnormal) {
      // A null lift (rest_rate 0) is an unbounded lift: it comes first.
      if (a.lift.has_value() != b.lift.has_value()) return !a.lift.has_value();
      if (a.lift && *a.lift != *b.lift) return *a.lift > *b.lift;
      if (a.q_value != b.q_value) return a.q_value < b.q_value;
    }
    const int da = DimensionOrder(a.key->dimension);
    const int db = DimensionOrder(b.key->dimension);
    if (da != db) return da < db;
    return a.text < b.text;
  });

  out->Reserve(static_cast<int64_t>(rows.size()));
  const auto append_optional = [](Column& column, const std::optional<std::string>& value) {
    if (value) {
      column.AppendString(*value);
    } else {
      column.AppendNull();
    }
  };
  const auto append_when = [](Column& column, bool filled, std::optional<double> value) {
    if (filled && value) {
      column.AppendDouble(*value);
    } else {
      column.AppendNull();
    }
  };
  for (const SegmentRow& row : rows) {
    out->column(kDimension).AppendString(row.key->dimension);
    out->column(kSegment).AppendString(row.text);
    append_optional(out->column(kSegmentOs), row.key->device_os);
    append_optional(out->column(kSegmentVersion), row.key->app_version);
    out->column(kSessions).AppendInt64(row.counts.sessions);
    out->column(kDropOffs).AppendInt64(row.counts.drop_offs);
    out->column(kDropOffRate).AppendDouble(row.rate);
    out->column(kRestSessions).AppendInt64(row.rest_sessions);
    out->column(kRestDropOffs).AppendInt64(row.rest_drop_offs);
    append_when(out->column(kRestRate), row.has_rest, row.rest_rate);
    append_when(out->column(kLift), row.has_rest, row.lift);
    append_when(out->column(kZ), row.tested, row.z);
    append_when(out->column(kPValue), row.tested, row.p_value);
    append_when(out->column(kQValue), row.tested, row.q_value);
    out->column(kTested).AppendBool(row.tested);
    out->column(kAbnormal).AppendBool(row.abnormal);
  }
  return Status::OK();
}

}  // namespace

Result<FinalTables> Finish(const Partials& partials, const Q3Options& options) {
  if (options.min_sessions < 0) {
    return Status::InvalidArgument(
        fmt::format("Q3 min_sessions must not be negative, got {}", options.min_sessions));
  }
  FinalTables tables;
  BuildGenrePerformance(partials, &tables.genre_performance);
  RETURN_NOT_OK(BuildDeviceAnalytics(partials, options, &tables.device_analytics));
  return tables;
}

}  // namespace streampro::enrich
