#pragma once

// The publish protocol of a lake in S3, where there is no rename (docs/publish.md):
// `_manifest.json`, written with one PUT, is the commit point, and readers only read the
// objects a manifest names. A partition that is replaced is first committed pointing at
// the run's staged objects, then its objects are copied into place under their SPEC keys
// and the manifest is rewritten; each step leaves a readable, complete partition. What a
// dead run left is settled by the next run, which holds the lake lock.

#include <string>

#include "lake/lake_lock.h"
#include "lake/manifest.h"
#include "streampro/status.h"

namespace streampro::lake::internal {

/// `{staging}/_intent.json`: names the partition (relative to the lake root) a writer
/// stages for, written before any of its objects, so recovery knows what to settle.
inline constexpr std::string_view kIntentFileName = "_intent.json";

Status WriteIntent(const std::string& staging_uri, const std::string& partition_key);

/// Deletes every object under the URI prefix `prefix_uri` + "/".
Status RemoveObjectsUnder(const std::string& prefix_uri);

/// Brings one partition to its resting state, after a writer staged under `staging_key`
/// (relative to `root`) finished, failed or died:
///  1. if the committed manifest names objects under `staging_key`, copies each into place
///     (`{partition}/{name}`) and rewrites the manifest without them (*completed = true);
///  2. deletes every object of the partition that the manifest does not name (all of them
///     when there is no manifest);
///  3. deletes everything under `staging_key`.
/// `after_first_copy` (may be null) runs after step 1 copied its first object: a crash seam.
Status SettlePartition(const std::string& root, const std::string& partition_key,
                       const std::string& staging_key, bool* completed,
                       void (*after_first_copy)() = nullptr);

/// Settles every intent under `{root}/_staging/` that belongs to another run (the caller
/// holds the lake lock, so those runs are dead), then deletes their staging objects.
Status RecoverDeadRuns(const std::string& root, const std::string& own_run_id,
                       LakeRecovery* recovery);

/// The key of `uri` relative to the lake `root` URI ("" when `uri` is not under it).
std::string RelativeKey(const std::string& root, const std::string& uri);

}  // namespace streampro::lake::internal
