#pragma once

#include <cstdint>

#include "catalog/catalog.h"
#include "common/file_counters.h"
#include "formats/common/chunking_options.h"
#include "formats/common/reject_ledger.h"
#include "streampro/batch.h"
#include "streampro/io.h"
#include "streampro/status.h"

namespace streampro::formats::csv {

/// Options of ReadDimensionCsv.
struct CsvReadOptions {
  ChunkingOptions chunking;

  Status Validate() const { return chunking.Validate(); }
};

/// A dimension file read by SPEC §1/§7: the kept rows in file order (schema
/// DimensionSpecFor(table).schema), every rejected row, and the file's counters.
struct DimensionTable {
  explicit DimensionTable(Table t);

  Table table;
  RecordBatch rows;
  RejectLedger rejects;
  FileCounters counters;
};

/// Reads a users, videos or devices CSV file. The header is the first non-blank record;
/// columns are matched by name (order free, unknown columns ignored, a missing optional
/// column reads as null). A header without a required column, a header with a known
/// column twice, a malformed header, or a file without a header fails with InvalidData
/// naming the file and line; every other problem rejects only its record.
/// Reads with ReadAt in chunks of options.chunking.chunk_bytes, parsed on
/// options.chunking.threads workers; the result does not depend on either.
/// `table` must be kUsers, kVideos or kDevices.
Result<DimensionTable> ReadDimensionCsv(const RandomAccessFile& file, Table table,
                                        const CsvReadOptions& options = {});

}  // namespace streampro::formats::csv
