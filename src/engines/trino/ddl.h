#pragma once

// SQL that declares the lake's tables in Trino's Hive connector (`streampro ddl --engine
// trino`, `streampro sync --engine trino`); the choices are explained in docs/engines.md.

#include <string>
#include <vector>

#include "engines/ddl.h"

namespace streampro::engines::trino {

/// The statements, without `;`: CREATE SCHEMA, then per queryable table its CREATE TABLE
/// (partitioned by ingestion_date, the last column) and its sync_partition_metadata call,
/// with each table's folder under `folders`. Local lakes are written `local:///...`
/// (Trino 476's native local file system; it reads no rows at a `file://` location).
/// `options` must Validate().
std::vector<std::string> TrinoDdlStatements(const DdlOptions& options,
                                            const lake::LayerFolders& folders = {});

/// TrinoDdlStatements as one script (`;` after each) with a comment header.
std::string TrinoDdl(const DdlOptions& options, const lake::LayerFolders& folders = {});

}  // namespace streampro::engines::trino
