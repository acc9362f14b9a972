#pragma once

// Two readers of the same local files at once: to-raw's copy and to-trusted's parse of the
// landing files in `pipeline` (IngestRawBesideTrusted). Left alone, the copy runs gigabytes
// ahead of the slower parse; when the day's files do not fit in memory, the kernel evicts
// the pages the copy brought in before the parse gets to them (the pages both have read,
// touched twice, sit on the active list, and new pages fall off the short inactive one),
// and every byte is read from the disk twice.

#include <cstdint>
#include <memory>

#include "streampro/object_store.h"

namespace streampro::pipeline {

/// Paces a leader (the copy) to stay at most `window` bytes ahead of a follower (the
/// parse) in each file both read, front to back, through their own faces of one store;
/// and drops from the page cache (posix_fadvise DONTNEED) the pages of a local file that
/// both have read, so that they do not crowd out the pages still to be read. Dropping
/// pages is only advice to the kernel: nothing read or written changes.
///
/// The leader waits only for a follower that will read on: once the follower has closed
/// its file, or ReleaseLeader() was called, the leader reads freely. Call ReleaseLeader()
/// as soon as the follower will read no more (it finished, or it failed before it opened
/// a file), so that a waiting leader never waits for nothing. Thread-safe.
class ReadPacer {
 public:
  explicit ReadPacer(int64_t window);

  /// `store`, except that the files OpenRead gives are read as the leader's.
  std::shared_ptr<storage::ObjectStore> Leader(std::shared_ptr<storage::ObjectStore> store) const;
  /// `store`, except that the files OpenRead gives are read as the follower's.
  std::shared_ptr<storage::ObjectStore> Follower(std::shared_ptr<storage::ObjectStore> store) const;

  /// The follower reads no more: the leader stops waiting for it.
  void ReleaseLeader() const;

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace streampro::pipeline
