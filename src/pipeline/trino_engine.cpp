#include "pipeline/trino_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "catalog/catalog.h"
#include "engines/ddl.h"
#include "engines/trino/enriched_sql.h"
#include "enrich/enrich.h"
#include "iceberg/location.h"
#include "lake/table_file.h"
#include "pipeline/lineage.h"
#include "pipeline/partition_io.h"
#include "streampro/parquet.h"

namespace streampro::pipeline {

namespace {

using catalog::TableId;
using engines::trino::Client;
using engines::trino::EnrichedInputs;
using engines::trino::EnrichedSql;
using engines::trino::EnrichedSqlParams;
using engines::trino::QueryResult;
using engines::trino::Value;

/// Staging tables of every run start so; one left by a run that is gone is dropped by
/// the next run that holds the lake lock.
constexpr std::string_view kStagePrefix = "streampro_stage_";

/// The column type of the Iceberg connector for one of ours (timestamps are UTC instants:
/// Iceberg's timestamptz, as in the lake's table metadata).
std::string IcebergColumnType(TypeId type) {
  if (type == TypeId::kTimestampMicros) return "timestamp(6) with time zone";
  return catalog::TrinoType(type, 6);
}

std::string ColumnList(const Schema& schema) {
  std::string list;
  for (const Field& field : schema.fields()) {
    list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", field.name);
  }
  return list;
}

std::string_view CodecName(parquet::Compression compression) {
  switch (compression) {
    case parquet::Compression::kUncompressed:
      return "NONE";
    case parquet::Compression::kZstd:
      return "ZSTD";
    case parquet::Compression::kSnappy:
      break;
  }
  return "SNAPPY";
}

Result<std::unique_ptr<Client>> Connect(const TrinoEngineOptions& trino,
                                        const RunControl* control) {
  engines::trino::ClientOptions options = trino.client;
  options.catalog = trino.catalog;
  options.schema = trino.schema;
  if (control != nullptr) {
    options.check_cancelled = [control = *control] { return control.CheckCancelled(); };
  }
  return Client::Make(std::move(options));
}

/// The staging tables of one run, dropped (with the files Trino wrote for them) when it
/// ends, however it ends. The drops go through a client that is never cancelled.
class StagingTables {
 public:
  explicit StagingTables(std::unique_ptr<Client> cleanup) : cleanup_(std::move(cleanup)) {}
  ~StagingTables() {
    for (const std::string& name : names_) {
      (void)cleanup_->Execute(fmt::format("DROP TABLE IF EXISTS {}", name));
    }
  }
  StagingTables(const StagingTables&) = delete;
  StagingTables& operator=(const StagingTables&) = delete;

  /// Drops what runs that are gone left behind (this run holds the lake lock). The lake's
  /// recovery may have removed such a table's folder already; a table Trino cannot drop
  /// for that is unregistered from the catalog instead.
  Status DropLeftovers(const std::string& schema) {
    ASSIGN_OR_RETURN(const QueryResult tables,
                     cleanup_->Execute(fmt::format("SHOW TABLES LIKE '{}%'", kStagePrefix)));
    for (const auto& row : tables.rows) {
      if (row.empty() || !row[0] || !row[0]->starts_with(kStagePrefix)) continue;
      const Status dropped =
          cleanup_->Execute(fmt::format("DROP TABLE IF EXISTS \"{}\"", *row[0])).status();
      if (dropped.ok()) continue;
      const Status unregistered =
          cleanup_
              ->Execute(
                  fmt::format("CALL system.unregister_table(schema_name => {}, table_name => {})",
                              engines::SqlString(schema), engines::SqlString(*row[0])))
              .status();
      if (!unregistered.ok()) return dropped;
    }
    return Status::OK();
  }

  void Add(std::string name) { names_.push_back(std::move(name)); }

 private:
  std::unique_ptr<Client> cleanup_;
  std::vector<std::string> names_;
};

/// `streampro_stage_{run id}_{table}` in Trino's lower case.
std::string StageName(const lake::LakeLock& lock, const catalog::TableDef& table) {
  std::string name = fmt::format("{}{}_{}", kStagePrefix, lock.run_id(), table.sql_name);
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      c = '_';
    }
  }
  return name;
}

/// Creates `name` with the columns of `table` (nullability included, so Trino writes
/// required columns where ours are) in this run's staging folder, and fills it with `sql`.
Status StageTable(Client& client, const lake::LakeLock& lock, const catalog::TableDef& table,
                  const std::string& name, const std::string& sql) {
  std::string columns;
  for (const Field& field : table.schema->fields()) {
    columns += fmt::format("{}\n  \"{}\" {}{}", columns.empty() ? "" : ",", field.name,
                           IcebergColumnType(field.type), field.nullable ? "" : " NOT NULL");
  }
  const std::string location =
      iceberg::ToIcebergLocation(lock.NewStagingPath("trino." + std::string(table.sql_name)));
  RETURN_NOT_OK(client
                    .Execute(fmt::format("CREATE TABLE {} ({}\n) WITH (format = 'PARQUET', "
                                         "location = {})",
                                         name, columns, engines::SqlString(location)))
                    .status());
  const std::string list = ColumnList(*table.schema);
  return client
      .Execute(fmt::format("INSERT INTO {} ({})\nSELECT {} FROM (\n{}\n)", name, list, list, sql))
      .status();
}

Result<int64_t> ParseInt(const Value& value, std::string_view what) {
  int64_t out = 0;
  if (value) {
    const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), out);
    if (error == std::errc() && end == value->data() + value->size()) return out;
  }
  return Status::InvalidData(
      fmt::format("Trino returned {} for {}, not an integer", value.value_or("NULL"), what));
}

Result<double> ParseDouble(const std::string& text, std::string_view what) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  double out = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (error == std::errc() && end == text.data() + text.size()) return out;
  return Status::InvalidData(fmt::format("Trino returned {} for {}, not a number", text, what));
}

/// Trino's rows as a batch of `schema` (its columns in order): strings, integers, doubles
/// and booleans; `what` names the query in errors.
Result<RecordBatch> RowsToBatch(const QueryResult& result, const SchemaPtr& schema,
                                std::string_view what) {
  if (result.columns.size() != static_cast<size_t>(schema->num_fields())) {
    return Status::InvalidData(fmt::format("{}: Trino returned {} columns, expected {}", what,
                                           result.columns.size(), schema->num_fields()));
  }
  RecordBatch batch(schema);
  batch.Reserve(static_cast<int64_t>(result.rows.size()));
  for (const auto& row : result.rows) {
    for (int c = 0; c < schema->num_fields(); ++c) {
      const Field& field = schema->field(c);
      const Value& value = row[static_cast<size_t>(c)];
      Column& column = batch.column(c);
      const std::string label = fmt::format("{} column {}", what, field.name);
      if (!value) {
        if (!field.nullable) {
          return Status::InvalidData(fmt::format("{}: NULL in a column that has none", label));
        }
        column.AppendNull();
        continue;
      }
      switch (field.type) {
        case TypeId::kString:
          column.AppendString(*value);
          break;
        case TypeId::kInt64: {
          ASSIGN_OR_RETURN(const int64_t v, ParseInt(value, label));
          column.AppendInt64(v);
          break;
        }
        case TypeId::kInt32: {
          ASSIGN_OR_RETURN(const int64_t v, ParseInt(value, label));
          column.AppendInt32(static_cast<int32_t>(v));
          break;
        }
        case TypeId::kDouble: {
          ASSIGN_OR_RETURN(const double v, ParseDouble(*value, label));
          column.AppendDouble(v);
          break;
        }
        case TypeId::kBool:
          if (*value != "true" && *value != "false") {
            return Status::InvalidData(fmt::format("{}: {} is not a boolean", label, *value));
          }
          column.AppendBool(*value == "true");
          break;
        default:
          return Status::Internal(
              fmt::format("{}: this column type is not read from Trino", label));
      }
    }
  }
  return batch;
}

/// The files Trino wrote for staging table `name`, published as the partition `date` of
/// `table` once each is checked to have exactly the table's columns and field ids.
/// Returns the rows. A table without rows gets one empty file of ours, as in the embedded
/// engine, so its schema stays readable.
Result<int64_t> AdoptStagedFiles(Client& client, const lake::Lake& lake,
                                 const catalog::TableDef& table, const std::string& name,
                                 const StageOptions& options, lake::PartitionWriter* partition) {
  ASSIGN_OR_RETURN(const QueryResult files,
                   client.Execute(fmt::format("SELECT file_path, record_count, content FROM "
                                              "\"{}$files\" ORDER BY file_path",
                                              name)));
  int64_t rows = 0;
  uint32_t index = 0;
  for (const auto& row : files.rows) {
    if (row.size() != 3 || !row[0]) {
      return Status::InvalidData(fmt::format("{}$files: unexpected row", name));
    }
    ASSIGN_OR_RETURN(const int64_t content, ParseInt(row[2], name + "$files content"));
    if (content != 0) {
      return Status::InvalidData(fmt::format("{}: Trino wrote a delete file, {}", name, *row[0]));
    }
    ASSIGN_OR_RETURN(const int64_t file_rows, ParseInt(row[1], name + "$files record_count"));
    const std::string uri = iceberg::FromIcebergLocation(*row[0]);
    ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> opened, lake.OpenRead(uri));
    const std::shared_ptr<RandomAccessFile> file(std::move(opened));
    {
      ASSIGN_OR_RETURN(const auto reader, parquet::FileReader::Open(file));
      RETURN_NOT_OK(lake::CheckTableFile(*reader, table, uri));
    }
    const std::string part = PartFileName(index++);
    ASSIGN_OR_RETURN(OutputStream * out, partition->CreateFile(part));
    constexpr int64_t kChunk = int64_t{8} << 20;
    std::string buffer;
    for (int64_t offset = 0; offset < file->size(); offset += kChunk) {
      RETURN_NOT_OK(options.control.CheckCancelled());
      RETURN_NOT_OK(file->ReadAt(offset, std::min(kChunk, file->size() - offset), &buffer));
      RETURN_NOT_OK(out->Write(buffer));
    }
    RETURN_NOT_OK(partition->CloseFile(part, file_rows));
    rows += file_rows;
  }
  if (index == 0) {
    RETURN_NOT_OK(WriteParquetFile(partition, PartFileName(0), RecordBatch(table.schema),
                                   options.ParquetOptions()));
  }
  return rows;
}

/// device_analytics of D: device_analytics.sql's segments over the staged sessions,
/// finished by enrich::Finish as in the embedded engine.
Result<RecordBatch> FinishDeviceAnalytics(Client& client, const std::string& sql,
                                          const StageOptions& options) {
  ASSIGN_OR_RETURN(const QueryResult segments,
                   client.Execute(fmt::format("SELECT dimension, device_os, app_version, "
                                              "sessions, drop_offs, rest_sessions, "
                                              "rest_drop_offs FROM (\n{}\n)",
                                              sql)));
  enrich::Partials partials;
  bool first = true;
  for (const auto& row : segments.rows) {
    if (row.size() != 7 || !row[0]) {
      return Status::InvalidData("device_analytics.sql: unexpected row from Trino");
    }
    enrich::SegmentKey key;
    key.dimension = *row[0];
    key.device_os = row[1];
    key.app_version = row[2];
    ASSIGN_OR_RETURN(const int64_t sessions, ParseInt(row[3], "device_analytics.sql sessions"));
    ASSIGN_OR_RETURN(const int64_t drop_offs, ParseInt(row[4], "device_analytics.sql drop_offs"));
    ASSIGN_OR_RETURN(const int64_t rest_sessions,
                     ParseInt(row[5], "device_analytics.sql rest_sessions"));
    ASSIGN_OR_RETURN(const int64_t rest_drop_offs,
                     ParseInt(row[6], "device_analytics.sql rest_drop_offs"));
    // Every row restates the lake's totals.
    if (first) {
      partials.sessions = sessions + rest_sessions;
      partials.drop_offs = drop_offs + rest_drop_offs;
      first = false;
    } else if (partials.sessions != sessions + rest_sessions ||
               partials.drop_offs != drop_offs + rest_drop_offs) {
      return Status::InvalidData("device_analytics.sql: the rows disagree on the lake's totals");
    }
    partials.segments[key] = {sessions, drop_offs};
  }
  enrich::Q3Options q3;
  q3.min_sessions = options.min_segment_sessions;
  ASSIGN_OR_RETURN(enrich::FinalTables tables, enrich::Finish(partials, q3));
  return std::move(tables.device_analytics);
}

}  // namespace

Result<EnrichedResult> TrinoToEnriched(const lake::LakeLock& lock, Date date,
                                       const StageOptions& options,
                                       const TrinoEngineOptions& trino) {
  RETURN_NOT_OK(options.Validate());
  const lake::Lake& lake = lock.lake();
  PublishedPartitions published(lake);
  ASSIGN_OR_RETURN(const EnrichedSources sources, FindEnrichedSources(published, date));

  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Connect(trino, &options.control));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> cleanup, Connect(trino, nullptr));
  StagingTables staged(std::move(cleanup));
  RETURN_NOT_OK(staged.DropLeftovers(trino.schema));
  RETURN_NOT_OK(client
                    ->Execute(fmt::format("SET SESSION {}.compression_codec = '{}'", trino.catalog,
                                          CodecName(options.compression)))
                    .status());

  const catalog::TableDef& sessions_table = catalog::Get(TableId::kUserSessions);
  const catalog::TableDef& journey_table = catalog::Get(TableId::kUserJourney);
  const catalog::TableDef& genre_table = catalog::Get(TableId::kGenrePerformance);
  const catalog::TableDef& device_table = catalog::Get(TableId::kDeviceAnalytics);
  EnrichedSqlParams params{date};
  params.min_sessions = options.min_segment_sessions;
  params.user_sessions_table = StageName(lock, sessions_table);
  params.user_journey_table = StageName(lock, journey_table);

  // user_sessions from the trusted tables; everything else from the staged sessions and
  // journeys.
  struct Step {
    const catalog::TableDef* table;
    EnrichedSql sql;
    EnrichedInputs inputs;
  };
  const Step steps[] = {
      {&sessions_table, EnrichedSql::kUserSessions, EnrichedInputs::kComputed},
      {&journey_table, EnrichedSql::kUserJourney, EnrichedInputs::kNamed},
      {&genre_table, EnrichedSql::kGenrePerformance, EnrichedInputs::kNamed},
  };
  options.control.StartPhase("Trino: enriched tables", ProgressUnit::kTables, 4);
  for (const Step& step : steps) {
    params.inputs = step.inputs;
    ASSIGN_OR_RETURN(const std::string sql, ComposeEnrichedSql(step.sql, params));
    const std::string name = StageName(lock, *step.table);
    staged.Add(name);
    RETURN_NOT_OK(StageTable(*client, lock, *step.table, name, sql));
    options.control.Add(1);
  }
  params.inputs = EnrichedInputs::kNamed;
  ASSIGN_OR_RETURN(const std::string device_sql,
                   ComposeEnrichedSql(EnrichedSql::kDeviceAnalytics, params));
  ASSIGN_OR_RETURN(const RecordBatch devices, FinishDeviceAnalytics(*client, device_sql, options));
  options.control.Add(1);

  // Trino's files (and ours for device_analytics) become D's partitions.
  EnrichedResult result;
  result.event_dates = static_cast<int>(sources.events.size());
  std::vector<std::unique_ptr<lake::PartitionWriter>> partitions;
  for (const Step& step : steps) {
    ASSIGN_OR_RETURN(auto partition, lake::PartitionWriter::Begin(lock, *step.table, date));
    ASSIGN_OR_RETURN(const int64_t rows,
                     AdoptStagedFiles(*client, lake, *step.table, StageName(lock, *step.table),
                                      options, partition.get()));
    if (step.table == &sessions_table) result.sessions = rows;
    if (step.table == &journey_table) result.users = rows;
    partitions.push_back(std::move(partition));
  }
  ASSIGN_OR_RETURN(auto device_partition, lake::PartitionWriter::Begin(lock, device_table, date));
  RETURN_NOT_OK(
      WriteParquetFile(device_partition.get(), PartFileName(0), devices, options.ParquetOptions()));
  partitions.push_back(std::move(device_partition));
  for (auto& partition : partitions) {
    partition->set_property("engine", "trino");
    if (&partition->table() == &genre_table || &partition->table() == &device_table) {
      partition->set_property("min_segment_sessions", std::to_string(options.min_segment_sessions));
    }
  }
  // As in the embedded engine: cancelled before the first commit or not at all.
  RETURN_NOT_OK(options.control.CheckCancelled());
  for (auto& partition : partitions) {
    RecordInputs(sources.inputs, partition.get());
    RETURN_NOT_OK(partition->Commit());
  }
  return result;
}

Result<ReportTables> ReadReportTablesFromTrino(const lake::Lake& lake, Date date,
                                               const StageOptions& options,
                                               const TrinoEngineOptions& trino) {
  ReportTables tables;
  ASSIGN_OR_RETURN(tables.min_sessions, ReportMinSessions(lake, date, options));
  ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Connect(trino, &options.control));
  EnrichedSqlParams params{date};
  params.min_sessions = tables.min_sessions;
  params.inputs = EnrichedInputs::kTables;
  ASSIGN_OR_RETURN(const std::string inputs_sql,
                   ComposeEnrichedSql(EnrichedSql::kReportInputs, params));
  ASSIGN_OR_RETURN(const QueryResult inputs, client->Execute(inputs_sql));
  if (inputs.rows.size() != 1 || inputs.rows[0].size() != 5) {
    return Status::InvalidData("report_inputs.sql: Trino did not return one row of 5 columns");
  }
  report::Q1Counts q1;
  ASSIGN_OR_RETURN(q1.new_users, ParseInt(inputs.rows[0][0], "report_inputs.sql new_users"));
  ASSIGN_OR_RETURN(q1.reached_30s, ParseInt(inputs.rows[0][1], "report_inputs.sql reached_30s"));
  ASSIGN_OR_RETURN(q1.never_active, ParseInt(inputs.rows[0][2], "report_inputs.sql never_active"));
  tables.q1_counts = q1;

  const std::string day = FormatIsoDate(date);
  const catalog::TableDef& genre_table = catalog::Get(TableId::kGenrePerformance);
  // The table's row order: rank, Unknown (no rank) last.
  ASSIGN_OR_RETURN(
      const QueryResult genres,
      client->Execute(fmt::format("SELECT {} FROM {} WHERE ingestion_date = DATE '{}' "
                                  "ORDER BY rank ASC NULLS LAST, genre",
                                  ColumnList(*genre_table.schema), genre_table.sql_name, day)));
  ASSIGN_OR_RETURN(tables.genre_performance,
                   RowsToBatch(genres, genre_table.schema, genre_table.sql_name));
  // The table's row order (enrich.h, DeviceAnalyticsSchema): abnormal segments first,
  // worst first (a null lift is unbounded), then the rest by dimension and segment text.
  const catalog::TableDef& device_table = catalog::Get(TableId::kDeviceAnalytics);
  ASSIGN_OR_RETURN(
      const QueryResult devices,
      client->Execute(fmt::format(
          "SELECT {} FROM {} WHERE ingestion_date = DATE '{}' ORDER BY abnormal DESC, "
          "IF(abnormal, lift IS NULL, false) DESC, IF(abnormal, lift) DESC NULLS LAST, "
          "IF(abnormal, q_value) ASC NULLS LAST, CASE dimension WHEN '{}' THEN 0 WHEN '{}' "
          "THEN 1 ELSE 2 END, segment",
          ColumnList(*device_table.schema), device_table.sql_name, day, enrich::kDimensionOs,
          enrich::kDimensionVersion)));
  ASSIGN_OR_RETURN(tables.device_analytics,
                   RowsToBatch(devices, device_table.schema, device_table.sql_name));
  return tables;
}

}  // namespace streampro::pipeline
