#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "streampro/status.h"

namespace streampro {

/// Settings read from a `KEY=VALUE` file (config/<env>.env), overlaid by the process
/// environment. Immutable once built; safe to share between threads.
///
/// File syntax: one `KEY=VALUE` per line; blank lines and `#` comments are ignored; an
/// optional `export ` prefix is accepted; a value may be wrapped in single or double quotes.
/// Keys starting with `STREAMPRO_` must be known (a typo is an error, not a silent default).
class Config {
 public:
  /// Keys this build understands, with their meaning, for --help and the README.
  struct KeyInfo {
    const char* name;
    const char* default_value;
    const char* description;
  };
  static const std::vector<KeyInfo>& KnownKeys();

  /// Parses `path`. Errors name the file and line.
  static Result<Config> LoadFile(const std::string& path);

  /// Parses `text` as if it were the file `origin` (used by LoadFile and tests).
  static Result<Config> Parse(const std::string& text, const std::string& origin);

  /// Overlays every `STREAMPRO_*`, `MINIO_*` and `AWS_*` variable and every other known key
  /// (`LOCAL_DATA_PATH`) of `environment` (a NULL-terminated `NAME=value` array, like
  /// `environ`) on top of the file's values.
  Status OverlayEnvironment(char** environment);

  std::optional<std::string> Get(const std::string& key) const;
  /// The value, or the key's documented default.
  std::string GetOrDefault(const std::string& key) const;
  /// Integer value; an unparsable one is an error naming where it came from.
  Result<int64_t> GetInt(const std::string& key) const;

  /// Where `key` was set: "config/dev.env:3", "environment", or "default".
  std::string SourceOf(const std::string& key) const;

 private:
  struct Entry {
    std::string value;
    std::string source;
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace streampro
