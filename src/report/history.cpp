// The history section's points: from the model of the date being reported, or read back
// from an earlier date's published report.json, so that each point says exactly what that
// date's report says.

#include <simdjson.h>

#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "report/answers.h"
#include "report/report.h"

namespace streampro::report {

namespace {

Status Invalid(const std::string& origin, std::string_view pointer, std::string_view problem) {
  return Status::InvalidData(fmt::format("{}: {} {}", origin, pointer, problem));
}

// The value at `pointer` (RFC 6901); InvalidData naming it when absent.
Result<simdjson::dom::element> At(simdjson::dom::element root, std::string_view pointer,
                                  const std::string& origin) {
  simdjson::dom::element value;
  if (root.at_pointer(pointer).get(value) != simdjson::SUCCESS) {
    return Invalid(origin, pointer, "is missing");
  }
  return value;
}

Result<int64_t> IntAt(simdjson::dom::element root, std::string_view pointer,
                      const std::string& origin) {
  ASSIGN_OR_RETURN(const simdjson::dom::element value, At(root, pointer, origin));
  int64_t number = 0;
  if (value.get_int64().get(number) != simdjson::SUCCESS) {
    return Invalid(origin, pointer, "is not an integer");
  }
  return number;
}

// A number, or nullopt for null (report.json writes an empty optional and NaN as null).
Result<std::optional<double>> OptionalDoubleAt(simdjson::dom::element root,
                                               std::string_view pointer,
                                               const std::string& origin) {
  ASSIGN_OR_RETURN(const simdjson::dom::element value, At(root, pointer, origin));
  if (value.is_null()) return std::optional<double>();
  double number = 0;
  if (value.get_double().get(number) != simdjson::SUCCESS) {
    return Invalid(origin, pointer, "is not a number");
  }
  return std::optional<double>(number);
}

Result<double> DoubleAt(simdjson::dom::element root, std::string_view pointer,
                        const std::string& origin) {
  ASSIGN_OR_RETURN(const std::optional<double> number, OptionalDoubleAt(root, pointer, origin));
  return number.value_or(std::numeric_limits<double>::quiet_NaN());
}

Result<std::optional<std::string>> OptionalStringAt(simdjson::dom::element root,
                                                    std::string_view pointer,
                                                    const std::string& origin) {
  ASSIGN_OR_RETURN(const simdjson::dom::element value, At(root, pointer, origin));
  if (value.is_null()) return std::optional<std::string>();
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return Invalid(origin, pointer, "is not a string");
  }
  return std::optional<std::string>(text);
}

Result<Q1> ParseQ1(simdjson::dom::element root, const std::string& origin) {
  Q1 q1;
  ASSIGN_OR_RETURN(q1.new_users, IntAt(root, "/q1/new_users", origin));
  ASSIGN_OR_RETURN(q1.reached_30s, IntAt(root, "/q1/reached_30s", origin));
  ASSIGN_OR_RETURN(q1.never_active, IntAt(root, "/q1/never_active", origin));
  ASSIGN_OR_RETURN(q1.pct, OptionalDoubleAt(root, "/q1/pct", origin));
  ASSIGN_OR_RETURN(q1.ci_low, OptionalDoubleAt(root, "/q1/ci_low", origin));
  ASSIGN_OR_RETURN(q1.ci_high, OptionalDoubleAt(root, "/q1/ci_high", origin));
  return q1;
}

// The genre object at `where` (`/q2/genres/N`).
Result<GenreRow> ParseGenre(simdjson::dom::element root, const std::string& where,
                            const std::string& origin) {
  const auto pointer = [&where](std::string_view key) { return fmt::format("{}/{}", where, key); };
  GenreRow row;
  ASSIGN_OR_RETURN(const std::optional<std::string> name,
                   OptionalStringAt(root, pointer("genre"), origin));
  if (!name) return Invalid(origin, pointer("genre"), "is null");
  row.genre = *name;
  ASSIGN_OR_RETURN(row.new_users, IntAt(root, pointer("new_users"), origin));
  ASSIGN_OR_RETURN(row.returned_within_3d, IntAt(root, pointer("returned_within_3d"), origin));
  ASSIGN_OR_RETURN(row.retention_rate, DoubleAt(root, pointer("retention_rate"), origin));
  ASSIGN_OR_RETURN(row.ci_low, DoubleAt(root, pointer("ci_low"), origin));
  ASSIGN_OR_RETURN(row.ci_high, DoubleAt(root, pointer("ci_high"), origin));
  // Extras of our own report.json; a ranked genre is one with a rank.
  simdjson::dom::element value;
  if (root.at_pointer(pointer("avg_first_session_watch_seconds")).get(value) == simdjson::SUCCESS) {
    ASSIGN_OR_RETURN(row.avg_first_session_watch_seconds,
                     DoubleAt(root, pointer("avg_first_session_watch_seconds"), origin));
  }
  if (root.at_pointer(pointer("rank")).get(value) == simdjson::SUCCESS && !value.is_null()) {
    int64_t rank = 0;
    if (value.get_int64().get(rank) != simdjson::SUCCESS || rank < 1 ||
        rank > std::numeric_limits<int32_t>::max()) {
      return Invalid(origin, pointer("rank"), "is not a rank");
    }
    row.rank = static_cast<int32_t>(rank);
  }
  return row;
}

Result<Q2> ParseQ2(simdjson::dom::element root, const std::string& origin) {
  Q2 q2;
  ASSIGN_OR_RETURN(const simdjson::dom::element genres, At(root, "/q2/genres", origin));
  simdjson::dom::array array;
  if (genres.get_array().get(array) != simdjson::SUCCESS) {
    return Invalid(origin, "/q2/genres", "is not an array");
  }
  for (size_t index = 0; index < array.size(); ++index) {
    ASSIGN_OR_RETURN(GenreRow row, ParseGenre(root, fmt::format("/q2/genres/{}", index), origin));
    q2.genres.push_back(std::move(row));
  }
  ASSIGN_OR_RETURN(q2.best_genre, OptionalStringAt(root, "/q2/best_genre", origin));
  return q2;
}

}  // namespace

const TableCounts* FindTable(const std::vector<TableCounts>& tables, std::string_view table) {
  for (const TableCounts& counts : tables) {
    if (counts.table == table) return &counts;
  }
  return nullptr;
}

std::optional<double> RejectRate(const TableCounts* counts) {
  if (counts == nullptr || counts->counters.rows_in <= 0) return std::nullopt;
  return static_cast<double>(counts->counters.rows_rejected) /
         static_cast<double>(counts->counters.rows_in);
}

HistoryPoint HistoryPointOf(const Report& report) {
  HistoryPoint point;
  point.date = report.ingestion_date;
  point.q1 = report.q1;
  if (const GenreRow* best = BestGenre(report.q2)) point.best_genre = *best;
  point.segments_tested = report.q3.segments_tested;
  point.abnormal_segments = static_cast<int64_t>(report.q3.abnormal.size());
  point.tables = report.tables;
  return point;
}

Result<HistoryPoint> ParseHistoryPoint(std::string_view report_json, const std::string& origin) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const simdjson::error_code error =
          parser.parse(report_json.data(), report_json.size()).get(root);
      error != simdjson::SUCCESS) {
    return Status::InvalidData(
        fmt::format("{}: not valid JSON ({})", origin, simdjson::error_message(error)));
  }
  HistoryPoint point;
  ASSIGN_OR_RETURN(const std::optional<std::string> date_text,
                   OptionalStringAt(root, "/ingestion_date", origin));
  if (!date_text) return Invalid(origin, "/ingestion_date", "is null");
  const std::optional<Date> date = ParseIsoDate(*date_text);
  if (!date) return Invalid(origin, "/ingestion_date", "is not a YYYY-MM-DD date");
  point.date = *date;
  ASSIGN_OR_RETURN(point.q1, ParseQ1(root, origin));
  ASSIGN_OR_RETURN(const Q2 q2, ParseQ2(root, origin));
  if (const GenreRow* best = BestGenre(q2)) point.best_genre = *best;
  ASSIGN_OR_RETURN(point.segments_tested, IntAt(root, "/q3/segments_tested", origin));
  ASSIGN_OR_RETURN(const simdjson::dom::element abnormal, At(root, "/q3/abnormal", origin));
  simdjson::dom::array segments;
  if (abnormal.get_array().get(segments) != simdjson::SUCCESS) {
    return Invalid(origin, "/q3/abnormal", "is not an array");
  }
  point.abnormal_segments = static_cast<int64_t>(segments.size());
  return point;
}

}  // namespace streampro::report
