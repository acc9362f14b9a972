#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/date.h"
#include "common/file_counters.h"
#include "streampro/status.h"

namespace streampro::lake {

/// One data file of a committed partition.
struct FileEntry {
  std::string name;  ///< file name inside the partition folder
  int64_t bytes = 0;
  std::string sha256;  ///< 64 lower-case hex digits of the file's bytes
  /// Rows the file holds (Parquet: the footer's num_rows); unset for raw copies.
  std::optional<int64_t> rows;
  /// Where the bytes are, relative to the lake root, when not at `{partition}/{name}`: on
  /// S3, a replaced partition's manifest first points at the run's staged copies, until
  /// they are copied into place (docs/publish.md). Never set on a local lake.
  std::optional<std::string> object;

  bool operator==(const FileEntry&) const = default;
};

/// What `_manifest.json` of a committed partition says. Written last, inside the staged
/// folder, so a partition that has a manifest is complete.
struct PartitionManifest {
  std::string layer;
  std::string table;  ///< empty for the reports layer
  Date date;
  std::string run_id;
  std::string committed_at;      ///< UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`
  std::vector<FileEntry> files;  ///< sorted by name
  /// The landing or raw file the partition was built from, e.g. `events_2025-09-09.jsonl`.
  std::optional<std::string> source_file;
  /// Per-file record accounting (trusted tables).
  std::optional<FileCounters> counters;
  /// Small extra facts, e.g. "landing_bytes", "landing_mtime_ns", "buckets".
  std::map<std::string, std::string> properties;

  /// Sum of the files' row counts (files without a count add nothing).
  int64_t total_rows() const;
  /// The entry called `name`, or nullptr.
  const FileEntry* FindFile(std::string_view name) const;

  /// Pretty-printed JSON with a `format_version`.
  std::string ToJson() const;
  /// Parses ToJson() output; `origin` names the file in error messages.
  static Result<PartitionManifest> FromJson(std::string_view json, const std::string& origin);

  bool operator==(const PartitionManifest&) const = default;
};

/// `text` as a quoted JSON string: `"` and `\` escaped, control characters as escapes, other
/// bytes unchanged (what the lake's own JSON files hold: manifests, intents, the S3 lock).
std::string JsonString(std::string_view text);

class Lake;

/// The manifest of a committed partition, or nullopt when the partition does not exist
/// (or has no manifest, i.e. it is not committed). A manifest that does not parse is
/// InvalidData naming the file.
Result<std::optional<PartitionManifest>> ReadManifest(const Lake& lake,
                                                      const catalog::TableDef& table, Date date);

/// Where the bytes of `file` of a committed partition are: `{partition}/{name}`, or the
/// entry's `object` key under the root.
std::string FileUri(const Lake& lake, const PartitionManifest& manifest, const FileEntry& file);

/// The property `key` of `manifest` (read from `lake`) as an integer in
/// [min, max]; nullopt when the manifest has no such property. Any other text is
/// InvalidData naming the manifest file, the property and the text.
Result<std::optional<int64_t>> IntProperty(const Lake& lake, const PartitionManifest& manifest,
                                           std::string_view key, int64_t min, int64_t max);

}  // namespace streampro::lake
