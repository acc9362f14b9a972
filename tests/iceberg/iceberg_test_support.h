#pragma once

// Shared by the Iceberg tests on SQLite (iceberg_test.cpp) and on PostgreSQL
// (postgres_catalog_test.cpp).

#include <string>

namespace streampro::iceberg {

/// The python of scripts/install-engines' virtualenv (pyiceberg, pyarrow, SQLAlchemy).
std::string EnginesPython();

/// Runs the pipeline on the bundled sample twice with STREAMPRO_CATALOG=`catalog_uri`
/// into `lake_path`; after each run pyiceberg's SqlCatalog on that catalog reads every
/// table: one more snapshot per run, rows per date equal to the partition manifest, the
/// catalog's field ids, one data file per manifest file.
void ExpectPyicebergReadsSampleRuns(const std::string& catalog_uri, const std::string& lake_path);

}  // namespace streampro::iceberg
