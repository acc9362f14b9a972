#pragma once

// SQL that declares the lake's queryable tables in Trino's Hive connector
// (`streampro ddl --engine trino`); the choices are explained in docs/publish.md.

#include <string>
#include <string_view>
#include <vector>

#include "streampro/schema.h"
#include "streampro/status.h"

namespace streampro::lake {

struct TrinoDdlOptions {
  /// The lake: a local folder (made absolute, written as `file:///...`) or an
  /// `s3://bucket/prefix` URI used as is.
  std::string lake = "lake";
  std::string catalog = "hive";
  std::string schema = "streampro";
  /// Precision of timestamp columns: 6 keeps our microseconds and needs the catalog's
  /// `hive.timestamp-precision=MICROSECONDS`; 3 works with a default catalog but rounds
  /// to milliseconds.
  int timestamp_precision = 6;

  /// InvalidArgument naming the bad setting (empty names, identifiers that are not
  /// [a-z0-9_], a precision other than 3 or 6).
  Status Validate() const;
};

/// A Parquet table of the lake as an engine sees it.
struct QueryableTable {
  std::string sql_name;  ///< `users`, ..., `rejects`, `user_sessions`, ...
  std::string layer;     ///< trusted or enriched
  std::string folder;    ///< the table folder under the layer (`_rejects` for rejects)
  SchemaPtr schema;      ///< the columns of the data files (without ingestion_date)
};

/// The trusted tables (users, videos, devices, events, rejects), then the enriched ones.
std::vector<QueryableTable> QueryableTables();

/// The Trino type of a column (`varchar`, `integer`, `bigint`, `double`, `boolean`,
/// `date`, `timestamp(p)`).
std::string TrinoType(TypeId type, int timestamp_precision);

/// `file:///absolute/path` for a local folder; `s3://...` (or any `scheme://`) unchanged.
/// No trailing slash.
std::string LakeLocationUri(const std::string& lake);

/// CREATE SCHEMA, one CREATE TABLE per queryable table (partitioned by ingestion_date, the
/// last column) and one sync_partition_metadata call per table. `options` must Validate().
std::string TrinoDdl(const TrinoDdlOptions& options);

}  // namespace streampro::lake
