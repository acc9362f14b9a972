#include "pipeline/stage_options.h"

#include <fmt/format.h>

namespace streampro::pipeline {

namespace {

// A codec setting: snappy, zstd or none.
Result<parquet::Compression> CompressionSetting(const Config& config, const std::string& key) {
  const std::string value = config.GetOrDefault(key);
  if (value == "snappy") return parquet::Compression::kSnappy;
  if (value == "zstd") return parquet::Compression::kZstd;
  if (value == "none") return parquet::Compression::kUncompressed;
  return Status::InvalidArgument(fmt::format("{} ({}): '{}' is not one of snappy, zstd, none", key,
                                             config.SourceOf(key), value));
}

}  // namespace

Result<StageOptions> StageOptions::FromConfig(const Config& config) {
  StageOptions options;
  ASSIGN_OR_RETURN(const int64_t threads, config.GetInt("STREAMPRO_THREADS"));
  ASSIGN_OR_RETURN(const int64_t budget_mb, config.GetInt("STREAMPRO_MEMORY_BUDGET_MB"));
  ASSIGN_OR_RETURN(options.min_segment_sessions, config.GetInt("STREAMPRO_MIN_SEGMENT_SESSIONS"));
  ASSIGN_OR_RETURN(options.compression, CompressionSetting(config, "STREAMPRO_COMPRESSION"));
  ASSIGN_OR_RETURN(options.spill_compression,
                   CompressionSetting(config, "STREAMPRO_SPILL_COMPRESSION"));
  if (threads < 0 || threads > 1024) {
    return Status::InvalidArgument(fmt::format("STREAMPRO_THREADS ({}): {} is not in 0..1024",
                                               config.SourceOf("STREAMPRO_THREADS"), threads));
  }
  if (budget_mb < 64) {
    return Status::InvalidArgument(
        fmt::format("STREAMPRO_MEMORY_BUDGET_MB ({}): {} is below the minimum of 64",
                    config.SourceOf("STREAMPRO_MEMORY_BUDGET_MB"), budget_mb));
  }
  if (options.min_segment_sessions < 1) {
    return Status::InvalidArgument(fmt::format(
        "STREAMPRO_MIN_SEGMENT_SESSIONS ({}): {} must be at least 1",
        config.SourceOf("STREAMPRO_MIN_SEGMENT_SESSIONS"), options.min_segment_sessions));
  }
  options.threads = static_cast<int>(threads);
  options.memory_budget_bytes = budget_mb << 20;
  RETURN_NOT_OK(options.Validate());
  return options;
}

Status StageOptions::Validate() const {
  if (threads < 0) return Status::InvalidArgument("threads must be >= 0");
  if (memory_budget_bytes < (int64_t{16} << 20)) {
    return Status::InvalidArgument("memory budget must be at least 16 MiB");
  }
  if (min_segment_sessions < 1) return Status::InvalidArgument("min sessions must be >= 1");
  return Status::OK();
}

}  // namespace streampro::pipeline
