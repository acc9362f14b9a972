#include "storage/s3_config.h"

#include <fmt/format.h>

namespace streampro::storage {

namespace {

std::optional<std::string> First(const Config& config, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (std::optional<std::string> value = config.Get(key); value && !value->empty()) {
      return value;
    }
  }
  return std::nullopt;
}

Result<bool> ParseBool(const Config& config, const std::string& key, bool fallback) {
  const std::optional<std::string> text = config.Get(key);
  if (!text || text->empty()) return fallback;
  if (*text == "true" || *text == "1" || *text == "yes" || *text == "TRUE" || *text == "True") {
    return true;
  }
  if (*text == "false" || *text == "0" || *text == "no" || *text == "FALSE" || *text == "False") {
    return false;
  }
  return Status::InvalidArgument(
      fmt::format("{}: {} must be true or false, got '{}'", config.SourceOf(key), key, *text));
}

Result<int64_t> IntInRange(const Config& config, const std::string& key, int64_t low,
                           int64_t high) {
  ASSIGN_OR_RETURN(const int64_t value, config.GetInt(key));
  if (value < low || value > high) {
    return Status::InvalidArgument(
        fmt::format("{}: {} must be {}..{}, got {}", config.SourceOf(key), key, low, high, value));
  }
  return value;
}

}  // namespace

Result<std::optional<s3::S3Options>> S3OptionsFromConfig(const Config& config) {
  s3::S3Options options;
  const std::optional<std::string> access =
      First(config, {"MINIO_ACCESS_KEY", "AWS_ACCESS_KEY_ID"});
  const std::optional<std::string> secret =
      First(config, {"MINIO_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"});
  const std::optional<std::string> endpoint =
      First(config, {"MINIO_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
  if (!access && !secret && !endpoint) return std::optional<s3::S3Options>();
  if (!access || !secret) {
    return Status::InvalidArgument(
        fmt::format("S3 needs both an access key and a secret key: set {} (or {})",
                    access ? "MINIO_SECRET_KEY" : "MINIO_ACCESS_KEY",
                    access ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"));
  }
  options.credentials.access_key_id = *access;
  options.credentials.secret_access_key = *secret;
  if (const auto token = First(config, {"AWS_SESSION_TOKEN"})) {
    options.credentials.session_token = *token;
  }
  options.region =
      First(config, {"AWS_REGION", "AWS_DEFAULT_REGION", "MINIO_REGION"}).value_or("us-east-1");
  ASSIGN_OR_RETURN(options.secure, ParseBool(config, "MINIO_SECURE", false));
  bool aws = false;
  if (endpoint) {
    options.endpoint = *endpoint;
  } else {
    options.endpoint = fmt::format("https://s3.{}.amazonaws.com", options.region);
    aws = true;
  }
  const std::string addressing = config.GetOrDefault("STREAMPRO_S3_ADDRESSING");
  if (addressing.empty()) {
    options.virtual_host = aws;
  } else if (addressing == "path" || addressing == "virtual") {
    options.virtual_host = addressing == "virtual";
  } else {
    return Status::InvalidArgument(
        fmt::format("{}: STREAMPRO_S3_ADDRESSING must be path or virtual, got '{}'",
                    config.SourceOf("STREAMPRO_S3_ADDRESSING"), addressing));
  }
  ASSIGN_OR_RETURN(const int64_t part_mb, IntInRange(config, "STREAMPRO_S3_PART_SIZE_MB", 5, 5120));
  ASSIGN_OR_RETURN(const int64_t parallel,
                   IntInRange(config, "STREAMPRO_S3_UPLOAD_PARALLELISM", 1, 64));
  ASSIGN_OR_RETURN(const int64_t attempts, IntInRange(config, "STREAMPRO_S3_MAX_ATTEMPTS", 1, 20));
  options.part_size = part_mb << 20;
  options.upload_parallelism = static_cast<int>(parallel);
  options.max_attempts = static_cast<int>(attempts);
  return std::optional<s3::S3Options>(std::move(options));
}

}  // namespace streampro::storage
