#pragma once

#include <optional>

#include "common/config.h"
#include "storage/s3/s3_client.h"

namespace streampro::storage {

/// The S3 client settings of `config`: MINIO_ENDPOINT (or AWS_ENDPOINT_URL; without
/// either, AWS's regional endpoint), MINIO_ACCESS_KEY / MINIO_SECRET_KEY (or
/// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), MINIO_SECURE, AWS_REGION
/// (or AWS_DEFAULT_REGION), STREAMPRO_S3_ADDRESSING, STREAMPRO_S3_PART_SIZE_MB,
/// STREAMPRO_S3_UPLOAD_PARALLELISM, STREAMPRO_S3_MAX_ATTEMPTS. nullopt when no keys are
/// set at all. Errors name the setting and where it came from, never a secret's value.
Result<std::optional<s3::S3Options>> S3OptionsFromConfig(const Config& config);

}  // namespace streampro::storage
