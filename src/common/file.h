#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "streampro/io.h"
#include "streampro/status.h"

struct stat;

namespace streampro {

/// A stat's modification time in nanoseconds since the epoch.
int64_t MtimeNanos(const struct stat& info);

/// IOError "PATH: WHAT failed: strerror(errno)".
Status ErrnoStatus(std::string_view what, const std::string& path);

/// Writes a file so that readers see either the old content or the complete new content,
/// never a partial file: bytes go to a hidden temporary file in the same folder, and
/// Commit() flushes it to disk and renames it over the target in one step. A writer
/// destroyed without Commit() removes its temporary file. As an OutputStream it can take
/// a Parquet file or any other streamed output. Not thread-safe.
class AtomicFileWriter final : public OutputStream {
 public:
  static Result<AtomicFileWriter> Open(const std::string& path);

  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter() override;

  Status Append(std::string_view bytes);
  Status Write(std::string_view bytes) override { return Append(bytes); }
  int64_t position() const override { return static_cast<int64_t>(bytes_written_); }
  /// fsync, close and rename over the target. The writer is unusable afterwards.
  Status Commit();

  const std::string& path() const { return path_; }
  size_t bytes_written() const { return bytes_written_; }

 private:
  AtomicFileWriter(std::string path, std::string temp_path, int fd)
      : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {}

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  size_t bytes_written_ = 0;
};

/// This machine's host name ("unknown" when it cannot be read).
std::string HostName();

/// Whether no process with this id exists. A process of another user, or any pid that
/// cannot be checked, counts as alive: only a gone owner's leftovers may be removed.
bool ProcessIsGone(int64_t pid);

/// Removes the temporary files that AtomicFileWriter left beside `path` in processes that
/// are no longer running (killed before Commit). Files of live processes are left alone.
Status RemoveStaleTemporaryFiles(const std::string& path);

/// Writes `bytes` to `path` atomically (see AtomicFileWriter).
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

/// Reads a whole file; errors name the path.
Result<std::string> ReadFileToString(const std::string& path);

/// Creates `path` and its parents if missing.
Status CreateDirectories(const std::string& path);

}  // namespace streampro
