// BuildReport: the report model of SPEC §5-6 from the enriched tables. Columns are found
// by name, so batches read back from Parquet (or holding only the columns used) work.

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "enrich/statistics.h"
#include "report/report.h"

namespace streampro::report {

namespace {

/// One column of an enriched table, checked for its type; nullptr when optional and absent.
class TableReader {
 public:
  TableReader(const RecordBatch& batch, std::string_view table) : batch_(batch), table_(table) {}

  Result<const Column*> Find(std::string_view name, TypeId type, bool required = true) const {
    const int index = batch_.schema()->FieldIndex(name);
    if (index < 0) {
      if (!required) return static_cast<const Column*>(nullptr);
      return Status::InvalidData(fmt::format("{} has no column {}", table_, name));
    }
    const Column& column = batch_.column(index);
    if (column.type() != type) {
      return Status::InvalidData(fmt::format("{}.{} is {}, expected {}", table_, name,
                                             TypeName(column.type()), TypeName(type)));
    }
    return &column;
  }

 private:
  const RecordBatch& batch_;
  std::string_view table_;
};

std::optional<double> OptionalDouble(const Column& column, int64_t row) {
  if (column.IsNull(row)) return std::nullopt;
  return column.double_values()[static_cast<size_t>(row)];
}

std::optional<std::string> OptionalString(const Column& column, int64_t row) {
  if (column.IsNull(row)) return std::nullopt;
  return std::string(column.string_value(row));
}

Result<Q1Counts> CountQ1(const RecordBatch& journey) {
  const TableReader reader(journey, catalog::Get(catalog::TableId::kUserJourney).folder);
  ASSIGN_OR_RETURN(const Column* first_id, reader.Find("first_session_id", TypeId::kString));
  ASSIGN_OR_RETURN(const Column* reached, reader.Find("first_session_reached_30s", TypeId::kBool));
  Q1Counts counts;
  const std::span<const uint8_t> reached_values = reached->bool_values();
  for (int64_t row = 0; row < journey.num_rows(); ++row) {
    if (first_id->IsNull(row)) {
      ++counts.never_active;
      continue;
    }
    ++counts.new_users;
    if (reached->IsValid(row) && reached_values[static_cast<size_t>(row)] != 0) {
      ++counts.reached_30s;
    }
  }
  return counts;
}

Result<Q1> BuildQ1(const Q1Counts& counts) {
  if (counts.new_users < 0 || counts.never_active < 0 || counts.reached_30s < 0 ||
      counts.reached_30s > counts.new_users) {
    return Status::InvalidData(
        fmt::format("Q1 counts are inconsistent: {} new users, {} reached 30 s, {} never active",
                    counts.new_users, counts.reached_30s, counts.never_active));
  }
  Q1 q1;
  q1.new_users = counts.new_users;
  q1.reached_30s = counts.reached_30s;
  q1.never_active = counts.never_active;
  if (q1.new_users > 0) {
    q1.pct = 100.0 * static_cast<double>(q1.reached_30s) / static_cast<double>(q1.new_users);
    const enrich::Interval ci = enrich::WilsonInterval(q1.reached_30s, q1.new_users);
    q1.ci_low = 100.0 * ci.low;
    q1.ci_high = 100.0 * ci.high;
  }
  return q1;
}

Result<Q2> BuildQ2(const RecordBatch& genres) {
  const TableReader reader(genres, catalog::Get(catalog::TableId::kGenrePerformance).folder);
  ASSIGN_OR_RETURN(const Column* genre, reader.Find("genre", TypeId::kString));
  ASSIGN_OR_RETURN(const Column* new_users, reader.Find("new_users", TypeId::kInt64));
  ASSIGN_OR_RETURN(const Column* returned, reader.Find("returned_within_3d", TypeId::kInt64));
  ASSIGN_OR_RETURN(const Column* rate, reader.Find("retention_rate", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* ci_low, reader.Find("ci_low", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* ci_high, reader.Find("ci_high", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* avg_watch,
                   reader.Find("avg_first_session_watch_seconds", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* rank, reader.Find("rank", TypeId::kInt32));

  Q2 q2;
  for (int64_t row = 0; row < genres.num_rows(); ++row) {
    const auto r = static_cast<size_t>(row);
    GenreRow out;
    out.genre = std::string(genre->string_value(row));
    out.new_users = new_users->int64_values()[r];
    out.returned_within_3d = returned->int64_values()[r];
    out.retention_rate = rate->double_values()[r];
    out.ci_low = ci_low->double_values()[r];
    out.ci_high = ci_high->double_values()[r];
    out.avg_first_session_watch_seconds = avg_watch->double_values()[r];
    if (rank->IsValid(row)) out.rank = rank->int32_values()[r];
    q2.genres.push_back(std::move(out));
  }
  // The table is written in rank order; sorting again keeps a reordered read correct.
  std::stable_sort(q2.genres.begin(), q2.genres.end(), [](const GenreRow& a, const GenreRow& b) {
    if (a.rank.has_value() != b.rank.has_value()) return a.rank.has_value();
    return a.rank.has_value() && *a.rank < *b.rank;
  });
  if (!q2.genres.empty() && q2.genres[0].rank) {
    q2.best_genre = q2.genres[0].genre;
    if (q2.genres.size() > 1 && q2.genres[1].rank) {
      q2.best_overlaps_runner_up = q2.genres[0].ci_low <= q2.genres[1].ci_high;
    }
  }
  return q2;
}

Result<Q3> BuildQ3(const RecordBatch& segments, int64_t min_sessions) {
  const TableReader reader(segments, catalog::Get(catalog::TableId::kDeviceAnalytics).folder);
  ASSIGN_OR_RETURN(const Column* dimension, reader.Find("dimension", TypeId::kString));
  ASSIGN_OR_RETURN(const Column* segment, reader.Find("segment", TypeId::kString));
  ASSIGN_OR_RETURN(const Column* device_os, reader.Find("device_os", TypeId::kString));
  ASSIGN_OR_RETURN(const Column* app_version, reader.Find("app_version", TypeId::kString));
  ASSIGN_OR_RETURN(const Column* sessions, reader.Find("sessions", TypeId::kInt64));
  ASSIGN_OR_RETURN(const Column* drop_offs, reader.Find("drop_offs", TypeId::kInt64));
  ASSIGN_OR_RETURN(const Column* rate, reader.Find("drop_off_rate", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* rest_sessions,
                   reader.Find("rest_sessions", TypeId::kInt64, /*required=*/false));
  ASSIGN_OR_RETURN(const Column* rest_drop_offs,
                   reader.Find("rest_drop_offs", TypeId::kInt64, /*required=*/false));
  ASSIGN_OR_RETURN(const Column* rest_rate, reader.Find("rest_rate", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* lift, reader.Find("lift", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* z, reader.Find("z", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* p_value, reader.Find("p_value", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* q_value, reader.Find("q_value", TypeId::kDouble));
  ASSIGN_OR_RETURN(const Column* tested, reader.Find("tested", TypeId::kBool));
  ASSIGN_OR_RETURN(const Column* abnormal, reader.Find("abnormal", TypeId::kBool));

  Q3 q3;
  q3.min_sessions = min_sessions;
  // Every row carries the lake's totals as its own counts plus the rest's.
  if (segments.num_rows() > 0 && rest_sessions != nullptr && rest_drop_offs != nullptr) {
    q3.sessions = sessions->int64_values()[0] + rest_sessions->int64_values()[0];
    q3.drop_offs = drop_offs->int64_values()[0] + rest_drop_offs->int64_values()[0];
  }
  for (int64_t row = 0; row < segments.num_rows(); ++row) {
    const auto r = static_cast<size_t>(row);
    SegmentRow out;
    out.dimension = std::string(dimension->string_value(row));
    out.segment = std::string(segment->string_value(row));
    out.device_os = OptionalString(*device_os, row);
    out.app_version = OptionalString(*app_version, row);
    out.sessions = sessions->int64_values()[r];
    out.drop_offs = drop_offs->int64_values()[r];
    out.drop_off_rate = rate->double_values()[r];
    out.rest_rate = OptionalDouble(*rest_rate, row);
    out.lift = OptionalDouble(*lift, row);
    out.z = OptionalDouble(*z, row);
    out.p_value = OptionalDouble(*p_value, row);
    out.q_value = OptionalDouble(*q_value, row);
    out.tested = tested->IsValid(row) && tested->bool_values()[r] != 0;
    out.abnormal = abnormal->IsValid(row) && abnormal->bool_values()[r] != 0;
    if (!out.tested) continue;
    ++q3.segments_tested;
    if (out.abnormal) q3.abnormal.push_back(out);
    q3.tested.push_back(std::move(out));
  }
  return q3;
}

}  // namespace

Result<Report> BuildReport(Date date, std::vector<TableCounts> tables,
                           const EnrichedInputs& inputs) {
  if ((inputs.user_journey == nullptr && !inputs.q1_counts) ||
      inputs.genre_performance == nullptr || inputs.device_analytics == nullptr) {
    return Status::Internal(
        "the report needs user_journey, genre_performance and device_analytics");
  }
  Report report;
  report.ingestion_date = date;
  report.tables = std::move(tables);
  Q1Counts counts;
  if (inputs.q1_counts) {
    counts = *inputs.q1_counts;
  } else {
    ASSIGN_OR_RETURN(counts, CountQ1(*inputs.user_journey));
  }
  ASSIGN_OR_RETURN(report.q1, BuildQ1(counts));
  ASSIGN_OR_RETURN(report.q2, BuildQ2(*inputs.genre_performance));
  ASSIGN_OR_RETURN(report.q3, BuildQ3(*inputs.device_analytics, inputs.min_sessions));
  return report;
}

}  // namespace streampro::report
