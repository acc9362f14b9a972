#pragma once

// The commit-manifest protocol, for a lake in an object store, where there is no rename
// (docs/publish.md): `_manifest.json`, written with one PUT, is the commit point, and
// readers only read the objects a manifest names. A partition that is replaced is first
// committed pointing at the run's staged objects, then its objects are copied into place
// under their SPEC keys and the manifest is rewritten; each step leaves a readable, complete
// partition. What a dead run left is settled by the next run, which holds the lake lock.

#include <memory>
#include <string>

#include "lake/commit_protocol.h"
#include "streampro/status.h"

namespace streampro::lake {

/// True for every store (the protocol needs only PUT, GET, LIST, COPY and DELETE).
bool ManifestCommitSupports(const storage::ObjectRef& root);
std::unique_ptr<CommitProtocol> MakeManifestCommit(const LakeOptions& options);

namespace internal {

/// `{staging}/_intent.json`: names the partition (relative to the lake root) a writer
/// stages for, written before any of its objects, so recovery knows what to settle.
inline constexpr std::string_view kIntentFileName = "_intent.json";

/// Deletes every object under `prefix_uri` + "/" (a URI under the lake root).
Status RemoveObjectsUnder(const Lake& lake, const std::string& prefix_uri);

/// Brings one partition to its resting state, after a writer staged under `staging_key`
/// (relative to the root) finished, failed or died:
///  1. if the committed manifest names objects under `staging_key`, copies each into place
///     (`{partition}/{name}`) and rewrites the manifest without them (*completed = true);
///  2. deletes every object of the partition that the manifest does not name (all of them
///     when there is no manifest);
///  3. deletes everything under `staging_key`.
/// The lake's observer hears kMovedAside after step 1 copied its first object.
Status SettlePartition(const Lake& lake, const std::string& partition_key,
                       const std::string& staging_key, bool* completed);

}  // namespace internal

}  // namespace streampro::lake
