#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "common/file_counters.h"
#include "lake/lake_lock.h"
#include "lake/layout.h"
#include "lake/manifest.h"
#include "lake/partition_writer.h"
#include "pipeline/landing.h"
#include "pipeline/raw_ingest.h"
#include "pipeline/stage_options.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// What raw -> trusted did with one table's file of date D.
struct TrustedTableResult {
  Table table;
  std::string source_file;  ///< the raw file name
  FileCounters counters;
};

struct TrustedResult {
  std::vector<TrustedTableResult> tables;  ///< tables with a raw file for D, table order
  uint32_t event_buckets = 0;              ///< part files of the events partition
  int64_t rejects = 0;                     ///< rows of the _rejects partition
  int64_t spill_bytes = 0;                 ///< events spilled to scratch files, on disk
  int64_t spill_raw_bytes = 0;             ///< the same before compression
};

/// Raw -> trusted for ingestion date D (SPEC §3, §7): every raw file of D is read,
/// validated and typed; dimension rows and events go to trusted/{table}/ingestion_date=D,
/// every rejected record of the four files to trusted/_rejects/ingestion_date=D, each
/// partition with its file's counters in the manifest.
///
/// Referential checks use the users and videos of D when D has them, else the newest
/// trusted snapshot before D. Events are spread over user buckets while they are parsed
/// (spilled to the run's staging area), then each bucket is deduplicated and written as
/// one part file: memory follows the bucket size, not the file size.
///
/// Nothing is published unless every file of D was read and every counter invariant
/// holds; a header without a required column fails the run naming the file.
///
/// `landing`: the landing files IngestRaw copied into D's raw partitions earlier in the
/// same run (the pipeline command), or null. A local landing file that its committed raw
/// partition still matches (RawCopyMatches: name, size, modification time) is read in
/// place of its raw copy, under the raw file's name: the raw copy was written around the
/// page cache, while the landing file's pages were just read through it, so this read
/// costs no disk reads and no new page-cache pages. The match is checked again after the
/// read; a landing file changed in between fails the run before anything is published.
Result<TrustedResult> RawToTrusted(const lake::LakeLock& lock, Date date,
                                   const StageOptions& options,
                                   const LandingInventory* landing = nullptr);

/// What IngestRawBesideTrusted did.
struct RawAndTrustedResult {
  Result<std::vector<RawFileResult>> raw = Status::Internal("to-raw did not run");
  /// From the call until to-raw had finished.
  std::chrono::duration<double> raw_seconds{0};
  /// to-raw's error when it failed (to-trusted publishes nothing then), else to-trusted's
  /// outcome.
  Result<TrustedResult> trusted = Status::Internal("to-trusted did not run");
};

/// Whether IngestRawBesideTrusted can take D: a local lake, and every taken landing file
/// local.
bool CanIngestRawBesideTrusted(const lake::LakeLock& lock, const LandingInventory& inventory);

/// IngestRaw(lock, inventory, date) and RawToTrusted(lock, date, options, &inventory) at
/// once, with the outcome of the two calls one after the other: to-raw's partitions are
/// published (or not) as IngestRaw alone would publish them, whatever to-trusted does, and
/// to-trusted publishes only after to-raw has published every file it read. Requires
/// CanIngestRawBesideTrusted (else InvalidArgument).
///
/// IngestRaw runs on a thread of its own (without progress of its own; cancelled with the
/// run) while to-trusted reads each landing file as it is copied: each file is read from
/// the disk once, and its pages are still in the page cache for the second reader even
/// when the day's files do not fit in memory. Before it publishes, to-trusted waits for
/// to-raw and checks, as RawToTrusted does, that each committed raw partition holds the
/// landing file it read (RawCopyMatches) under the path it recorded, and that the file's
/// identity (inode, change time, size) is still the one it had when opened.
RawAndTrustedResult IngestRawBesideTrusted(const lake::LakeLock& lock,
                                           const LandingInventory& inventory, Date date,
                                           const StageOptions& options);

}  // namespace streampro::pipeline
