#pragma once

// Where things live in the lake (SPEC §2). The same relative keys serve a local folder
// and, later, an S3 prefix:
//   {root}/{layer}/{table}/ingestion_date=YYYY-MM-DD/{files}   raw, trusted, enriched
//   {root}/reports/ingestion_date=YYYY-MM-DD/{files}           reports (no table level)
// Every committed partition folder holds _manifest.json; {root}/_lock and
// {root}/_staging/ belong to the publish protocol (docs/publish.md).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "streampro/status.h"

namespace streampro::lake {

inline constexpr std::string_view kRawLayer = "raw";
inline constexpr std::string_view kTrustedLayer = "trusted";
inline constexpr std::string_view kEnrichedLayer = "enriched";
inline constexpr std::string_view kReportsLayer = "reports";

/// The rejects table of the trusted layer (SPEC §2).
inline constexpr std::string_view kRejectsTable = "_rejects";
/// The enriched tables (SPEC §4), in report order.
inline constexpr std::string_view kUserSessionsTable = "user_sessions";
inline constexpr std::string_view kUserJourneyTable = "user_journey";
inline constexpr std::string_view kGenrePerformanceTable = "genre_performance";
inline constexpr std::string_view kDeviceAnalyticsTable = "device_analytics";

/// Leading underscore: query engines skip it when they glob a partition's data files.
inline constexpr std::string_view kManifestFileName = "_manifest.json";
inline constexpr std::string_view kLockFileName = "_lock";
inline constexpr std::string_view kStagingFolderName = "_staging";
inline constexpr std::string_view kPartitionKey = "ingestion_date";

/// InvalidArgument unless `layer` is one of the four layers and `table` is a plain name
/// (non-empty, no '/', not "." or ".."); the reports layer takes an empty table only.
Status ValidateLocation(std::string_view layer, std::string_view table);

/// `ingestion_date=YYYY-MM-DD`.
std::string PartitionFolderName(Date date);
/// The date of a partition folder name, or nullopt for any other name.
std::optional<Date> ParsePartitionFolderName(std::string_view name);

/// The folder of each layer under the lake root. SPEC §2 names them raw, trusted, enriched
/// and reports; an S3 lake may place them elsewhere (MINIO_RAW_PREFIX and the like).
struct LayerFolders {
  std::string raw = "raw";
  std::string trusted = "trusted";
  std::string enriched = "enriched";
  std::string reports = "reports";
};
/// Process-wide (set once at start-up, before any lake access); InvalidArgument for a
/// folder that is not a plain relative key.
Status SetLayerFolders(const LayerFolders& folders);
/// The folder of `layer` (the layer name itself unless SetLayerFolders changed it).
std::string LayerFolder(std::string_view layer);

/// `{root}/{layer folder}/{table}`, or `{root}/{reports folder}` when `table` is empty.
std::string TableDir(const std::string& root, std::string_view layer, std::string_view table);
/// `{root}/{layer}/{table}/ingestion_date=D` (`{root}/reports/ingestion_date=D` for an
/// empty table). Pure path arithmetic; see ValidateLocation for the checks.
std::string PartitionDir(const std::string& root, std::string_view layer, std::string_view table,
                         Date date);
/// `{root}/reports/ingestion_date=D`.
std::string ReportsDir(const std::string& root, Date date);

/// Committed partitions of a table (folders holding a manifest), ascending by date.
/// A table that does not exist yet has none. Folders without a manifest are ignored.
Result<std::vector<Date>> ListPartitions(const std::string& root, std::string_view layer,
                                         std::string_view table);

}  // namespace streampro::lake
