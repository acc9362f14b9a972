#include "common/config.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

namespace streampro {

namespace {

constexpr std::string_view kStrictPrefix = "STREAMPRO_";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsValidKey(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

const Config::KeyInfo* FindKnownKey(std::string_view key) {
  for (const auto& info : Config::KnownKeys()) {
    if (key == info.name) return &info;
  }
  return nullptr;
}

bool MayHoldSecret(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.find("SECRET") != std::string::npos || upper.find("TOKEN") != std::string::npos ||
         upper.find("PASSWORD") != std::string::npos;
}

bool IsOverlaidVariable(std::string_view name) {
  return name.starts_with(kStrictPrefix) || name.starts_with("MINIO_") ||
         name.starts_with("AWS_") || name.starts_with("TRINO_") ||
         // Known keys without those prefixes (LOCAL_DATA_PATH).
         FindKnownKey(name) != nullptr;
}

}  // namespace

const std::vector<Config::KeyInfo>& Config::KnownKeys() {
  static const std::vector<KeyInfo> kKeys = {
      {"STREAMPRO_LANDING_DIR", "data/landing", "folder holding the landing files"},
      {"LOCAL_DATA_PATH", "",
       "the original system's name for STREAMPRO_LANDING_DIR; set in the same place (file or "
       "environment) as it, STREAMPRO_LANDING_DIR wins; else the environment wins"},
      {"STREAMPRO_LAKE_ROOT", "lake", "root folder of the lake (raw, trusted, enriched)"},
      {"STREAMPRO_THREADS", "0", "worker threads; 0 means one per core"},
      {"STREAMPRO_MIN_SEGMENT_SESSIONS", "30",
       "Q3: sessions a device_os / app_version segment needs to be tested"},
      {"STREAMPRO_MEMORY_BUDGET_MB", "512",
       "memory the trusted and enriched stages aim to stay under (sets the user buckets)"},
      {"STREAMPRO_COMPRESSION", "snappy", "Parquet compression: snappy, zstd or none"},
      {"STREAMPRO_SPILL_COMPRESSION", "snappy",
       "compression of the scratch files events spill to: snappy, zstd (level 1) or none"},
      {"STREAMPRO_PROGRESS_INTERVAL_MS", "0",
       "milliseconds between progress updates; 0: 250 on a terminal, 10000 otherwise"},
      {"STREAMPRO_CATALOG", "",
       "Iceberg catalog of the trusted and enriched tables, sqlite:///PATH or "
       "postgresql://USER[:PASSWORD]@HOST:PORT/DB (the JDBC catalog schema); empty: none"},
      {"STREAMPRO_STORAGE", "local",
       "local, or s3: the lake goes to s3://MINIO_BUCKET/MINIO_LAKE_PREFIX, and landing to "
       "s3://MINIO_BUCKET/MINIO_LANDING_PREFIX when that is set"},
      {"STREAMPRO_S3_ADDRESSING", "",
       "path ({endpoint}/{bucket}/{key}) or virtual ({bucket}.{host}/{key}); default: path "
       "with MINIO_ENDPOINT, virtual for AWS"},
      {"STREAMPRO_S3_PART_SIZE_MB", "8", "multipart upload part size (at least 5)"},
      {"STREAMPRO_S3_UPLOAD_PARALLELISM", "4", "parts of one object uploaded at a time"},
      {"STREAMPRO_S3_MAX_ATTEMPTS", "5",
       "tries per S3 request (retries on 5xx, 429, timeouts, resets; exponential backoff)"},
      {"MINIO_ENDPOINT", "",
       "S3 endpoint: http(s)://host:port or host:port (AWS_ENDPOINT_URL too)"},
      {"MINIO_ACCESS_KEY", "", "S3 access key (or AWS_ACCESS_KEY_ID)"},
      {"MINIO_SECRET_KEY", "", "S3 secret key (or AWS_SECRET_ACCESS_KEY); never printed"},
      {"MINIO_SECURE", "false", "https for an endpoint given as host:port"},
      {"MINIO_BUCKET", "", "bucket of the lake when STREAMPRO_STORAGE=s3"},
      {"MINIO_LAKE_PREFIX", "", "key prefix of the lake in the bucket"},
      {"MINIO_LANDING_PREFIX", "", "key prefix of the landing files in the bucket (unset: local)"},
      {"MINIO_RAW_PREFIX", "raw", "folder of the raw layer in an S3 lake"},
      {"MINIO_TRUSTED_PREFIX", "trusted", "folder of the trusted layer in an S3 lake"},
      {"MINIO_ENRICHED_PREFIX", "enriched", "folder of the enriched layer in an S3 lake"},
      {"MINIO_REPORTS_PREFIX", "reports", "folder of the reports in an S3 lake"},
      {"AWS_REGION", "us-east-1", "S3 region for request signing (or AWS_DEFAULT_REGION)"},
      {"STREAMPRO_ENGINE", "embedded",
       "engine of to-enriched, report and pipeline: embedded, or trino (the enriched stage and "
       "the report's inputs computed by Trino over the Iceberg tables; needs STREAMPRO_CATALOG)"},
      {"TRINO_HOST", "localhost",
       "Trino coordinator of `streampro sync --engine trino` and of STREAMPRO_ENGINE=trino"},
      {"TRINO_PORT", "8080", "its HTTP(S) port"},
      {"TRINO_SECURE", "false", "true: https to Trino"},
      {"TRINO_USER", "streampro", "user the statements run as (X-Trino-User)"},
      {"TRINO_PASSWORD", "", "password for basic authentication (https only); never printed"},
      {"TRINO_CATALOG", "iceberg",
       "Trino catalog of the Iceberg connector on STREAMPRO_CATALOG's database (--engine trino)"},
      {"TRINO_STATEMENT_TIMEOUT_S", "3600",
       "seconds one statement of --engine trino may run before it is cancelled"},
  };
  return kKeys;
}

Result<Config> Config::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open config file", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError(fmt::format("{}: read failed", path));
  return Parse(text.str(), path);
}

Result<Config> Config::Parse(const std::string& text, const std::string& origin) {
  Config config;
  std::string_view rest = text;
  int line_number = 0;
  while (!rest.empty()) {
    ++line_number;
    const size_t end = rest.find('\n');
    std::string_view line = Trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = Trim(line.substr(7));

    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      // A line that may hold a secret is not echoed (error messages reach logs).
      if (MayHoldSecret(line)) {
        return Status::InvalidArgument(
            fmt::format("{}:{}: expected KEY=VALUE (the line is not shown: it may hold a secret)",
                        origin, line_number));
      }
      return Status::InvalidArgument(
          fmt::format("{}:{}: expected KEY=VALUE, got '{}'", origin, line_number, line));
    }
    const std::string_view key = Trim(line.substr(0, eq));
    std::string_view value = Trim(line.substr(eq + 1));
    if (!IsValidKey(key)) {
      return Status::InvalidArgument(fmt::format(
          "{}:{}: '{}' is not a valid key (use A-Z, 0-9 and _)", origin, line_number, key));
    }
    if (key.starts_with(kStrictPrefix) && FindKnownKey(key) == nullptr) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: unknown key '{}'", origin, line_number, key));
    }
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
      if (value.back() != value.front()) {
        return Status::InvalidArgument(
            fmt::format("{}:{}: unterminated quote in value of {}", origin, line_number, key));
      }
      value = value.substr(1, value.size() - 2);
    }
    config.entries_[std::string(key)] =
        Entry{std::string(value), fmt::format("{}:{}", origin, line_number)};
  }
  return config;
}

Status Config::OverlayEnvironment(char** environment) {
  if (environment == nullptr) return Status::OK();
  for (char** var = environment; *var != nullptr; ++var) {
    const std::string_view assignment(*var);
    const size_t eq = assignment.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = assignment.substr(0, eq);
    if (!IsOverlaidVariable(name)) continue;
    if (name.starts_with(kStrictPrefix) && FindKnownKey(name) == nullptr) {
      return Status::InvalidArgument(
          fmt::format("environment variable {} is not a StreamPro setting", name));
    }
    entries_[std::string(name)] = Entry{std::string(assignment.substr(eq + 1)), "environment"};
  }
  return Status::OK();
}

std::optional<std::string> Config::Get(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.value;
}

std::string Config::GetOrDefault(const std::string& key) const {
  if (auto value = Get(key)) return *value;
  const KeyInfo* info = FindKnownKey(key);
  return info != nullptr ? info->default_value : "";
}

Result<int64_t> Config::GetInt(const std::string& key) const {
  const std::string text = GetOrDefault(key);
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::InvalidArgument(
        fmt::format("{}: {} must be an integer, got '{}'", SourceOf(key), key, text));
  }
  return value;
}

std::string Config::SourceOf(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? "default" : it->second.source;
}

}  // namespace streampro
