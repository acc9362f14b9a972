#pragma once

// The SQL of Iceberg's JDBC catalog schema, shared by the SQLite and PostgreSQL backends of
// TableCatalog (both read `$N` parameters; SQLite binds them in order of first use, so each
// statement uses them first in increasing order). Internal to src/iceberg.

#include <string_view>

namespace streampro::iceberg::jdbc_sql {

// The tables exactly as Iceberg's JdbcCatalog creates them (JdbcUtil: V0 schema plus the
// V1 `iceberg_type` column); pyiceberg's SqlCatalog uses the same names and types.
inline constexpr std::string_view kCreateTables =
    "CREATE TABLE IF NOT EXISTS iceberg_tables ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "table_namespace VARCHAR(255) NOT NULL, "
    "table_name VARCHAR(255) NOT NULL, "
    "metadata_location VARCHAR(1000), "
    "previous_metadata_location VARCHAR(1000), "
    "iceberg_type VARCHAR(5), "
    "PRIMARY KEY (catalog_name, table_namespace, table_name));"
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "namespace VARCHAR(255) NOT NULL, "
    "property_key VARCHAR(255), "
    "property_value VARCHAR(1000), "
    "PRIMARY KEY (catalog_name, namespace, property_key));";

/// Iceberg's migration of V0 tables (JdbcUtil: no iceberg_type column) to V1.
inline constexpr std::string_view kAddTypeColumn =
    "ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)";

/// The V0 `iceberg_tables` (pyiceberg's SqlCatalog creates it), for the tests.
inline constexpr std::string_view kCreateV0Table =
    "CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace "
    "VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, metadata_location "
    "VARCHAR(1000), previous_metadata_location VARCHAR(1000), PRIMARY KEY (catalog_name, "
    "table_namespace, table_name))";

/// $1 catalog, $2 namespace.
inline constexpr std::string_view kEnsureNamespace =
    "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, "
    "property_value) VALUES ($1, $2, 'exists', 'true') ON CONFLICT DO NOTHING";

/// $1 catalog, $2 namespace, $3 table -> metadata_location.
inline constexpr std::string_view kLoadTable =
    "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = $1 AND "
    "table_namespace = $2 AND table_name = $3 AND (iceberg_type = 'TABLE' OR iceberg_type IS "
    "NULL)";

/// $1 catalog, $2 namespace, $3 table, $4 metadata_location; one row changed when created.
inline constexpr std::string_view kCreateTable =
    "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, "
    "previous_metadata_location, iceberg_type) VALUES ($1, $2, $3, $4, NULL, 'TABLE') "
    "ON CONFLICT DO NOTHING";

/// $1 new location, $2 expected location, $3 catalog, $4 namespace, $5 table; one row
/// changed when the table was still at $2.
inline constexpr std::string_view kSwapTable =
    "UPDATE iceberg_tables SET metadata_location = $1, previous_metadata_location = $2 "
    "WHERE catalog_name = $3 AND table_namespace = $4 AND table_name = $5 AND "
    "metadata_location = $2 AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)";

}  // namespace streampro::iceberg::jdbc_sql
