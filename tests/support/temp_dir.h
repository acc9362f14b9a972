#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/file.h"

namespace streampro::testing {

/// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "streampro-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// The whole file, or a test failure naming it.
inline std::string ReadOrDie(const std::string& path) {
  auto bytes = ReadFileToString(path);
  if (!bytes.ok()) std::abort();
  return *bytes;
}

}  // namespace streampro::testing
