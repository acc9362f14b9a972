#pragma once

// Shared by the Iceberg tests on SQLite (iceberg_test.cpp) and on PostgreSQL
// (postgres_catalog_test.cpp).

#include <functional>
#include <string>
#include <vector>

#include "iceberg/table_catalog.h"

namespace streampro::iceberg {

/// The rows of a query on the catalog database, read by an independent client (sqlite3,
/// psql), columns joined by '|', NULL as "NULL".
using RowReader = std::function<std::vector<std::string>(const std::string& sql)>;

/// On an empty catalog `streampro` (`other_name`: another catalog name in the same
/// database): the namespace row, create, load, the swap and a refused stale swap.
void ExpectNamespaceAndOptimisticSwap(TableCatalog& catalog, TableCatalog& other_name,
                                      const RowReader& rows);

/// A database holding JdbcUtil's V0 `iceberg_tables` (no iceberg_type, as pyiceberg
/// creates it) with one table: opening the catalog at `uri` adds the column, and the
/// table loads and commits as a table. `rows` also runs the setup SQL.
void ExpectV0TablesGetTheTypeColumn(const std::string& uri, const RowReader& rows);

/// Two connections to an empty catalog `streampro`: a commit another writer beats once is
/// retried on top of it; one beaten every time is refused with its message, the other
/// writer's commits kept.
void ExpectConcurrentCommitRetriedOrRefused(TableCatalog& ours, TableCatalog& theirs,
                                            const RowReader& rows);

/// The python of scripts/install-engines' virtualenv (pyiceberg, pyarrow, SQLAlchemy).
std::string EnginesPython();

/// Runs the pipeline on the bundled sample twice with STREAMPRO_CATALOG=`catalog_uri`
/// into `lake_path`; after each run pyiceberg's SqlCatalog on that catalog reads every
/// table: one more snapshot per run, rows per date equal to the partition manifest, the
/// catalog's field ids, one data file per manifest file. The pipeline prints
/// `catalog_shown` as the catalog and never `secret`.
void ExpectPyicebergReadsSampleRuns(const std::string& catalog_uri, const std::string& lake_path,
                                    const std::string& catalog_shown, const std::string& secret);

}  // namespace streampro::iceberg
