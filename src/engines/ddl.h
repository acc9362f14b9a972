#pragma once

// What the engine DDLs share (`streampro ddl --engine trino|spark`, `streampro sync`): the
// options, the tables an engine queries and where each one lies. The choices are explained
// in docs/engines.md.

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "lake/layout.h"
#include "streampro/status.h"

namespace streampro::engines {

struct DdlOptions {
  /// The lake: a local folder (made absolute: `local:///...` for Trino, `file:///...` for
  /// Spark) or an `s3://bucket/prefix` URI used as is.
  std::string lake = "lake";
  /// Trino's catalog of the Hive connector (Spark has none).
  std::string catalog = "hive";
  std::string schema = "streampro";
  /// Precision of Trino's timestamp columns: 6 keeps our microseconds and needs the
  /// catalog's `hive.timestamp-precision=MICROSECONDS`; 3 works with a default catalog but
  /// rounds to milliseconds. Spark's TIMESTAMP is always microseconds.
  int timestamp_precision = 6;

  /// InvalidArgument naming the bad setting (empty names, identifiers that are not
  /// [a-z0-9_], a precision other than 3 or 6).
  Status Validate() const;
};

/// The catalog tables an engine queries (those with a sql_name), in catalog order: the raw
/// tables over the landing files, the trusted ones, then the enriched ones.
std::vector<const catalog::TableDef*> QueryableTables();

/// How an engine reads the table's files: `CSV` (raw dimensions: the landing CSV with its
/// header line), `JSON` (raw events: the landing JSONL) or `PARQUET`.
std::string_view EngineFileFormat(const catalog::TableDef& table);

/// `{local_scheme}:///absolute/path` for a local folder; `s3://...` (or any `scheme://`)
/// unchanged. No trailing slash.
std::string LakeLocationUri(const std::string& lake, std::string_view local_scheme);

/// `{location}/{layer folder}/{table folder}`.
std::string TableLocation(std::string_view location, const lake::LayerFolders& folders,
                          const catalog::TableDef& table);

/// `text` as a single-quoted SQL string literal.
std::string SqlString(std::string_view text);

}  // namespace streampro::engines
