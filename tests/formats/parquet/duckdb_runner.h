#pragma once

#include <string>
#include <vector>

/// Runs SQL in DuckDB (tools/duckdb, a node package) as an independent Parquet engine.
namespace streampro::parquet::testing_duckdb {

/// Runs `sql` (several statements allowed; the rows of the last are returned) and gives
/// the value of the single result column `l` of each row (NULL as "NULL"). The query must
/// render only characters that JSON does not escape. Adds a test failure and returns no
/// rows when DuckDB is missing or the statement fails.
std::vector<std::string> RunDuckDb(const std::string& sql);

}  // namespace streampro::parquet::testing_duckdb
