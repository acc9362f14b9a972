#pragma once

// Where things live in the lake (SPEC §2). The same relative keys serve a local folder
// and an object-store prefix:
//   {root}/{layer}/{table}/ingestion_date=YYYY-MM-DD/{files}   raw, trusted, enriched
//   {root}/reports/ingestion_date=YYYY-MM-DD/{files}           reports (no table level)
// Every committed partition folder holds _manifest.json; {root}/_lock and
// {root}/_staging/ belong to the publish protocol (docs/publish.md), {root}/_runs/ to the
// run log. Which tables exist is the catalog's to say (catalog/catalog.h); a Lake
// (lake/lake.h) turns them into URIs.

#include <optional>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "common/date.h"
#include "streampro/status.h"

namespace streampro::lake {

/// Leading underscore: query engines skip it when they glob a partition's data files.
inline constexpr std::string_view kManifestFileName = "_manifest.json";
inline constexpr std::string_view kLockFileName = "_lock";
inline constexpr std::string_view kStagingFolderName = "_staging";
/// `{root}/_runs/{run_id}.json`: the run log, one object per run (docs/operations.md).
inline constexpr std::string_view kRunLogFolderName = "_runs";

/// `ingestion_date=YYYY-MM-DD`.
std::string PartitionFolderName(Date date);
/// The date of a partition folder name, or nullopt for any other name.
std::optional<Date> ParsePartitionFolderName(std::string_view name);

/// The folder of each layer under the lake root. SPEC §2 names them raw, trusted, enriched
/// and reports; an S3 lake may place them elsewhere (MINIO_RAW_PREFIX and the like).
struct LayerFolders {
  std::string raw{catalog::LayerName(catalog::Layer::kRaw)};
  std::string trusted{catalog::LayerName(catalog::Layer::kTrusted)};
  std::string enriched{catalog::LayerName(catalog::Layer::kEnriched)};
  std::string reports{catalog::LayerName(catalog::Layer::kReports)};

  /// The folder of `layer`.
  const std::string& Of(catalog::Layer layer) const;
  /// InvalidArgument for a folder that is not a plain relative key.
  Status Validate() const;
};

}  // namespace streampro::lake
