#pragma once

// The `trino` test fixture's server (tests/engines/trino.sh) and small helpers over our
// REST client, shared by the interop tests.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engines/trino/client.h"

namespace streampro::testing {

/// The fixture's Trino, http://127.0.0.1:PORT ({build}/trino/env); a test failure (and an
/// empty string) when ctest did not start it.
const std::string& TrinoServer();

/// The settings of `--engine trino` against the fixture's Trino and its Iceberg catalog
/// (STREAMPRO_CATALOG, TRINO_HOST, TRINO_PORT).
std::map<std::string, std::string> TrinoEngineEnv();

/// A client of the fixture's Trino with that session catalog and schema, a statement
/// timeout of 3 minutes; null (and a test failure) when it cannot be made.
std::unique_ptr<engines::trino::Client> MakeClient(const std::string& schema = "",
                                                   const std::string& catalog = "hive");

/// Rows of `sql`; a failure is a test failure and no rows.
std::vector<std::vector<engines::trino::Value>> Query(engines::trino::Client& client,
                                                      const std::string& sql);

/// A cell's text, "null" for SQL NULL.
std::string Cell(const engines::trino::Value& value);

/// A cell as a double, NaN for SQL NULL.
double CellDouble(const engines::trino::Value& value);

}  // namespace streampro::testing
