#pragma once

// Where an Iceberg table's current metadata file is recorded: Iceberg's JDBC catalog
// schema (`iceberg_tables`, `iceberg_namespace_properties`, as Iceberg's JdbcCatalog and
// pyiceberg's SqlCatalog create them), so Trino, Spark and pyiceberg read it unchanged.
// The backends sit behind TableCatalog: a SQLite file, or PostgreSQL through libpq
// (postgres_catalog.h).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "streampro/status.h"

namespace streampro::iceberg {

/// A table of one catalog: namespace and name.
struct TableIdent {
  std::string ns;
  std::string name;
};

/// One catalog (`catalog_name`) in one database. Not thread-safe; one per thread.
class TableCatalog {
 public:
  virtual ~TableCatalog() = default;

  /// Creates the namespace (a row `exists = true` in iceberg_namespace_properties, as
  /// pyiceberg does) unless it exists.
  virtual Status EnsureNamespace(const std::string& ns) = 0;
  /// The table's metadata_location, or nullopt when the catalog has no such table.
  virtual Result<std::optional<std::string>> LoadMetadataLocation(const TableIdent& table) = 0;
  /// Registers a new table; false (and no change) when the table exists already.
  virtual Result<bool> CreateTable(const TableIdent& table,
                                   const std::string& metadata_location) = 0;
  /// The optimistic swap: `UPDATE ... SET metadata_location = new,
  /// previous_metadata_location = expected WHERE ... AND metadata_location = expected`.
  /// False when no row changed, i.e. another writer committed since `expected` was read.
  virtual Result<bool> SwapMetadataLocation(const TableIdent& table, const std::string& expected,
                                            const std::string& new_location) = 0;
};

/// Checks the form of a catalog URI without opening anything (the same checks as
/// OpenTableCatalog), so a bad setting fails before a run touches the lake.
Status ValidateCatalogUri(const std::string& uri);

/// `uri` as messages may show it: a PostgreSQL URI as postgresql://USER@HOST:PORT/DB
/// without its password and options, anything else unchanged.
std::string CatalogForDisplay(const std::string& uri);

/// Opens the catalog `catalog_name` at `uri`: `sqlite:///abs/path.db` or `sqlite:rel.db`
/// (the file and the tables are created when missing), or
/// `postgresql://USER@HOST:PORT/DB` (also `postgres://`; any libpq connection URI; the
/// tables are created when missing). Anything else InvalidArgument.
Result<std::unique_ptr<TableCatalog>> OpenTableCatalog(const std::string& uri,
                                                       const std::string& catalog_name);

/// Builds the next metadata file from the current one (nullopt: the table is new) and
/// returns its location, or nullopt when there is nothing to commit.
using MetadataBuilder =
    std::function<Result<std::optional<std::string>>(const std::optional<std::string>& current)>;

struct CommitOutcome {
  /// The table's metadata_location afterwards.
  std::optional<std::string> metadata_location;
  bool committed = false;  ///< false: the builder found nothing to change
  int attempts = 0;
};

/// Commits one change to `table` with optimistic concurrency: reads the current location,
/// lets `build` write the next metadata file, and swaps it in only if the location is
/// still the one read; when another writer got there first, reads again and rebuilds, at
/// most `max_attempts` times, then fails with a message naming the table.
Result<CommitOutcome> CommitTable(TableCatalog& catalog, const TableIdent& table,
                                  const MetadataBuilder& build, int max_attempts = 4);

}  // namespace streampro::iceberg
