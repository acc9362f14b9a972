#pragma once

// The file-system steps of the publish protocol (docs/publish.md): folder fsync, atomic
// exchange of two folders, and the recovery marker of the rename-aside fallback.

#include <functional>
#include <string>
#include <string_view>

#include "common/file.h"
#include "streampro/status.h"

namespace streampro::lake::internal {

/// IOError "PATH: WHAT failed: strerror(errno)" (common/file.h).
using streampro::ErrnoStatus;

/// fsync of a folder, so that renames and new entries inside it survive a power loss.
Status FsyncDirectory(const std::string& path);

/// Removes `path` and everything below it; a missing path is fine.
Status RemoveTree(const std::string& path);

/// How PublishFolder put the staged folder in place.
enum class PublishMethod : uint8_t { kRename, kExchange, kRenameAside };

/// Makes `staged` visible as `target` in one step. When `target` does not exist: rename(2).
/// When it does: renameat2(RENAME_EXCHANGE), after which `staged` holds the previous
/// version. If the file system refuses the exchange (or `allow_exchange` is false): a recovery
/// marker at `marker_path` (target and aside paths relative to the lake `root`, fsynced) is
/// written, the old version is renamed to `aside`, the new one to `target`, and the marker is
/// removed; the previous version is then at `aside`. Returns where the previous version now is (""
/// if none). `before_second_rename` runs between the two renames of the fallback (a crash seam).
struct PublishResult {
  PublishMethod method = PublishMethod::kRename;
  std::string previous_version;
};
Result<PublishResult> PublishFolder(const std::string& root, const std::string& staged,
                                    const std::string& target, const std::string& aside,
                                    const std::string& marker_path, bool allow_exchange,
                                    const std::function<void()>& before_second_rename);

/// Repairs what a crash between the two renames of the fallback left: for the marker at
/// `marker_path`, if the target is missing and the aside folder exists, moves the aside
/// folder back. Sets *restored to the target path when it did.
Status RecoverFromMarker(const std::string& root, const std::string& marker_path,
                         std::string* restored);

/// Name suffix of recovery markers in a run's staging folder.
inline constexpr std::string_view kRecoveryMarkerSuffix = ".recover";

}  // namespace streampro::lake::internal
