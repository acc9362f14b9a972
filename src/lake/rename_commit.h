#pragma once

// The rename commit protocol, for a lake on a local file system (docs/publish.md): a
// partition is staged as a folder under the run's `_staging/` and made visible with one
// rename (or RENAME_EXCHANGE when it replaces a version; the rename-aside fallback with a
// recovery marker where the file system cannot exchange).

#include <memory>

#include "lake/commit_protocol.h"

namespace streampro::lake {

/// True when the root's keys are local paths.
bool RenameCommitSupports(const storage::ObjectRef& root);
std::unique_ptr<CommitProtocol> MakeRenameCommit(const LakeOptions& options);

}  // namespace streampro::lake
