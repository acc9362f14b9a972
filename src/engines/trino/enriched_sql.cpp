#include "engines/trino/enriched_sql.h"

#include <fmt/format.h>

#include <array>

#include "catalog/catalog.h"
#include "engines/trino/enriched_sql_files.h"

namespace streampro::engines::trino {

namespace {

struct FileInfo {
  EnrichedSql file;
  std::string_view name;
};

constexpr std::array<FileInfo, 7> kFiles = {{
    {EnrichedSql::kEvents, "events.sql"},
    {EnrichedSql::kUserSessions, "user_sessions.sql"},
    {EnrichedSql::kUserJourney, "user_journey.sql"},
    {EnrichedSql::kGenrePerformance, "genre_performance.sql"},
    {EnrichedSql::kDeviceAnalytics, "device_analytics.sql"},
    {EnrichedSql::kReportInputs, "report_inputs.sql"},
    {EnrichedSql::kNewestSnapshot, "newest_snapshot.sql"},
}};

/// The part of `line` before its `--` comment (a `--` inside a '...' literal is text).
size_t CodeLength(std::string_view line) {
  bool in_literal = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\'') in_literal = !in_literal;
    if (!in_literal && line.substr(i, 2) == "--") return i;
  }
  return line.size();
}

/// `(\n{sql}\n)`: a statement used as a subquery.
std::string Subquery(const std::string& sql) {
  return fmt::format("(\n{}\n)", sql);
}

using catalog::TableId;

Result<std::string> Input(EnrichedSql file, TableId table, const EnrichedSqlParams& params) {
  if (params.inputs == EnrichedInputs::kTables) {
    return fmt::format("(SELECT * FROM {} WHERE ingestion_date = DATE '{}')",
                       catalog::Get(table).sql_name, FormatIsoDate(params.date));
  }
  if (params.inputs == EnrichedInputs::kNamed) {
    const std::string& name =
        table == TableId::kUserSessions ? params.user_sessions_table : params.user_journey_table;
    if (name.empty()) {
      return Status::InvalidArgument(
          fmt::format("no table named for ${{{}}}", catalog::Get(table).sql_name));
    }
    return fmt::format("(SELECT * FROM {})", name);
  }
  ASSIGN_OR_RETURN(const std::string sql, ComposeEnrichedSql(file, params));
  return Subquery(sql);
}

/// newest_snapshot.sql for `table` (a dimension), as a subquery.
Result<std::string> NewestSnapshot(TableId table, const EnrichedSqlParams& params) {
  ASSIGN_OR_RETURN(const std::string sql,
                   ReplacePlaceholders(SqlFileName(EnrichedSql::kNewestSnapshot),
                                       SqlFileText(EnrichedSql::kNewestSnapshot),
                                       {{"date", FormatIsoDate(params.date)},
                                        {"table", std::string(catalog::Get(table).sql_name)}}));
  return Subquery(sql);
}

}  // namespace

std::string_view SqlFileName(EnrichedSql file) {
  for (const FileInfo& info : kFiles) {
    if (info.file == file) return info.name;
  }
  return {};
}

std::string_view SqlFileText(EnrichedSql file) {
  const std::string_view name = SqlFileName(file);
  for (size_t i = 0; i < internal::kEmbeddedSqlFileCount; ++i) {
    if (internal::kEmbeddedSqlFiles[i].name == name) return internal::kEmbeddedSqlFiles[i].text;
  }
  return {};
}

Result<std::string> ReplacePlaceholders(std::string_view file_name, std::string_view text,
                                        const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size());
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t newline = text.find('\n');
    const std::string_view line =
        text.substr(0, newline == std::string_view::npos ? text.size() : newline + 1);
    text.remove_prefix(line.size());
    // Comments are copied as they are: they name the placeholders in their documentation.
    const size_t code_length = CodeLength(line);
    std::string_view code = line.substr(0, code_length);
    while (!code.empty()) {
      const size_t start = code.find("${");
      out.append(code.substr(0, start));
      if (start == std::string_view::npos) break;
      const size_t end = code.find('}', start);
      if (end == std::string_view::npos) {
        return Status::InvalidArgument(
            fmt::format("{}:{}: '${{' without a closing '}}'", file_name, line_number));
      }
      const std::string name(code.substr(start + 2, end - start - 2));
      const auto value = values.find(name);
      if (value == values.end()) {
        return Status::InvalidArgument(fmt::format("{}:{}: no value for the placeholder ${{{}}}",
                                                   file_name, line_number, name));
      }
      out += value->second;
      code.remove_prefix(end + 1);
    }
    out.append(line.substr(code_length));
  }
  return out;
}

Result<std::string> ComposeEnrichedSql(EnrichedSql file, const EnrichedSqlParams& params) {
  if (params.min_sessions < 1) {
    return Status::InvalidArgument(fmt::format(
        "min sessions of a tested segment must be at least 1, got {}", params.min_sessions));
  }
  std::map<std::string, std::string> values;
  values["date"] = FormatIsoDate(params.date);
  switch (file) {
    case EnrichedSql::kEvents: {
      ASSIGN_OR_RETURN(values["videos"], NewestSnapshot(TableId::kTrustedVideos, params));
      break;
    }
    case EnrichedSql::kUserSessions: {
      // Always computed: the deduplicated events are no table of the lake.
      ASSIGN_OR_RETURN(const std::string events, ComposeEnrichedSql(EnrichedSql::kEvents, params));
      values["events"] = Subquery(events);
      break;
    }
    case EnrichedSql::kUserJourney: {
      ASSIGN_OR_RETURN(values["users"], NewestSnapshot(TableId::kTrustedUsers, params));
      ASSIGN_OR_RETURN(values["user_sessions"],
                       Input(EnrichedSql::kUserSessions, TableId::kUserSessions, params));
      break;
    }
    case EnrichedSql::kGenrePerformance: {
      ASSIGN_OR_RETURN(values["user_journey"],
                       Input(EnrichedSql::kUserJourney, TableId::kUserJourney, params));
      break;
    }
    case EnrichedSql::kDeviceAnalytics: {
      values["min_sessions"] = std::to_string(params.min_sessions);
      ASSIGN_OR_RETURN(values["user_sessions"],
                       Input(EnrichedSql::kUserSessions, TableId::kUserSessions, params));
      break;
    }
    case EnrichedSql::kReportInputs: {
      ASSIGN_OR_RETURN(values["user_sessions"],
                       Input(EnrichedSql::kUserSessions, TableId::kUserSessions, params));
      ASSIGN_OR_RETURN(values["user_journey"],
                       Input(EnrichedSql::kUserJourney, TableId::kUserJourney, params));
      break;
    }
    case EnrichedSql::kNewestSnapshot:
      return Status::InvalidArgument(
          "newest_snapshot.sql is composed for a table, as ${users} or ${videos}");
  }
  const std::string_view text = SqlFileText(file);
  if (text.empty()) {
    return Status::Internal(fmt::format("sql/trino/{} is not built in", SqlFileName(file)));
  }
  return ReplacePlaceholders(SqlFileName(file), text, values);
}

}  // namespace streampro::engines::trino
