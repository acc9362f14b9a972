#pragma once

// Spark SQL that declares the lake's tables (`streampro ddl --engine spark`); the choices
// are explained in docs/engines.md.

#include <string>

#include "engines/ddl.h"

namespace streampro::engines::spark {

/// CREATE DATABASE `{schema}`, then per queryable table CREATE TABLE ... USING PARQUET |
/// CSV | JSON PARTITIONED BY (ingestion_date) LOCATION, and ALTER TABLE ... RECOVER
/// PARTITIONS. Local lakes are written `file:///...`. The catalog and the timestamp
/// precision do not apply. `options` must Validate().
std::string SparkDdl(const DdlOptions& options, const lake::LayerFolders& folders = {});

}  // namespace streampro::engines::spark
