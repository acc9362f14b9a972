#pragma once

// The `postgresql` test fixture's server (tests/iceberg/postgres.sh writes
// {build}/postgres/env) and psql, the independent client the tests read catalog rows with.

#include <string>
#include <vector>

namespace streampro::testing {

struct PostgresServer {
  std::string port;
  /// postgresql://streampro@127.0.0.1:PORT/streampro: the database Trino's `iceberg`
  /// catalog reads (tests/engines/trino.sh).
  std::string uri;
  std::string psql;
};

/// The fixture's server; a test failure (and empty fields) when ctest did not start it.
const PostgresServer& Postgres();

/// The rows of `sql` run by psql in `database`, columns joined by '|', NULL as "NULL"; a
/// failure is a test failure and no rows.
std::vector<std::string> Psql(const std::string& database, const std::string& sql);

/// Drops the JDBC catalog tables of the fixture's database, the catalog the `trino`
/// fixture's `iceberg` catalog reads (the lakes they named stay on disk, unread). The tests
/// that build a lake with it take turns (RESOURCE_LOCK iceberg_catalog).
void EmptyIcebergCatalog();

/// Creates an empty database with a new name and returns its name.
std::string NewPostgresDatabase();

/// postgresql://streampro@127.0.0.1:PORT/`database`.
std::string PostgresUri(const std::string& database);

}  // namespace streampro::testing
