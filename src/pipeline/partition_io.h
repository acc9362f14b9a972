#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "lake/lake.h"
#include "lake/lake_lock.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "streampro/batch.h"
#include "streampro/parquet.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// `options` with the field ids of `table` (Parquet `field_id`, the ids Iceberg reads)
/// when `schema` is the table's schema; otherwise `options` as they are.
parquet::WriterOptions WithFieldIds(parquet::WriterOptions options, const catalog::TableDef& table,
                                    const Schema& schema);

/// Writes `batch` as the Parquet file `name` of a staged partition and closes it with its
/// row count, so Commit can verify the footer against it. The file carries the partition
/// table's field ids (WithFieldIds).
Status WriteParquetFile(lake::PartitionWriter* partition, const std::string& name,
                        const RecordBatch& batch, const parquet::WriterOptions& options);

/// `part-00042.parquet` for 42.
std::string PartFileName(uint32_t index);
/// The index of a `part-NNNNN.parquet` name, or nullopt.
std::optional<uint32_t> PartFileIndex(std::string_view name);

/// Reads the listed columns (by name; empty = all) of every Parquet file of a committed
/// partition, in file-name order, into one batch. The manifest names the files, so
/// anything else in the folder is never read.
Result<RecordBatch> ReadPartition(const lake::Lake& lake, const catalog::TableDef& table, Date date,
                                  const std::vector<std::string>& columns = {});

/// Reads the listed columns of one Parquet file.
Result<RecordBatch> ReadParquetFile(const lake::Lake& lake, const std::string& path,
                                    const std::vector<std::string>& columns = {});

}  // namespace streampro::pipeline
