#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "common/progress.h"
#include "lake/lake_lock.h"
#include "lake/manifest.h"
#include "pipeline/landing.h"
#include "streampro/status.h"

namespace streampro::pipeline {

/// One landing file as it stands in the raw layer after IngestRaw.
struct RawFileResult {
  Table table;
  std::string landing_name;  ///< the file name in landing, kept in raw
  std::string raw_path;      ///< `{root}/raw/{table}/ingestion_date=D/{landing_name}`
  int64_t bytes = 0;
  std::string sha256;
  /// True when the committed raw partition already held this very file (same name, size
  /// and modification time), so nothing was copied.
  bool unchanged = false;
  /// True when S3 copied the landing object into raw without the bytes passing through
  /// this process (they are read back once for the SHA-256).
  bool server_side_copy = false;
};

/// Manifest properties IngestRaw records for each raw partition.
inline constexpr std::string_view kLandingBytesProperty = "landing_bytes";
inline constexpr std::string_view kLandingMtimeProperty = "landing_mtime_ns";
inline constexpr std::string_view kLandingUndatedProperty = "landing_undated";
inline constexpr std::string_view kLandingEtagProperty = "landing_etag";

/// Copies every taken landing file byte for byte to `raw/{table}/ingestion_date=D/` through
/// a PartitionWriter (one partition per table), recording SHA-256 and size in the manifest
/// and the landing file's size, mtime (ns) and S3 ETag as properties. A file whose
/// committed raw partition records the same name, size, mtime and ETag is skipped
/// (unchanged = true). Local or S3 landing into a local or S3 lake; S3 to S3 in the same
/// service is a server-side copy. Tables
/// without a landing file for D keep their raw partition. A landing file that changes
/// while it is copied is an IOError, and its partition is not published.
/// Results are in inventory order.
/// Progress: one phase counting the bytes of the taken files (an unchanged file counts at
/// once). Cancellation is checked before each file and between the copy's reads; a
/// cancelled copy is not published, the files copied before it stay published.
Result<std::vector<RawFileResult>> IngestRaw(const lake::LakeLock& lock,
                                             const LandingInventory& inventory, Date date,
                                             const RunControl& control = {});

/// True when the committed raw partition `manifest` holds the landing file `file` as it is
/// now (`info`, from a Head of it): one file of the same name and size, with the same
/// recorded size, modification time and ETag. IngestRaw skips such a file.
bool RawCopyMatches(const lake::PartitionManifest& manifest, const LandingFile& file,
                    const storage::ObjectInfo& info);

/// Where IngestRaw publishes the landing file `file` for `date`:
/// `{root}/raw/{table}/ingestion_date=D/{file.name}`.
std::string RawFileUri(const lake::Lake& lake, const LandingFile& file, Date date);

/// Copy buffer size of IngestRaw (large reads keep the copy at disk speed).
inline constexpr size_t kRawCopyBufferBytes = size_t{32} << 20;

}  // namespace streampro::pipeline
