#pragma once

// SQL that declares the lake's queryable tables in Trino's Hive connector
// (`streampro ddl --engine trino`); the choices are explained in docs/publish.md.

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "lake/layout.h"
#include "streampro/status.h"

namespace streampro::engines::trino {

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

/// The catalog tables an engine queries (those with a sql_name): the trusted tables, then
/// the enriched ones.
std::vector<const catalog::TableDef*> QueryableTables();

/// `file:///absolute/path` for a local folder; `s3://...` (or any `scheme://`) unchanged.
/// No trailing slash.
std::string LakeLocationUri(const std::string& lake);

/// CREATE SCHEMA, one CREATE TABLE per queryable table (partitioned by ingestion_date, the
/// last column) and one sync_partition_metadata call per table, with each table's folder
/// under `folders`. `options` must Validate().
std::string TrinoDdl(const TrinoDdlOptions& options, const lake::LayerFolders& folders = {});

}  // namespace streampro::engines::trino
