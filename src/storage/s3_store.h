#pragma once

// The S3 side of storage::Resolve: which endpoint and keys `s3://` URIs use, and the
// server-side copy between two S3 objects.

#include <optional>

#include "storage/s3/s3_client.h"
#include "streampro/object_store.h"

namespace streampro::storage {

/// Sets the endpoint and credentials every later `s3://` Resolve uses (process-wide; the
/// app calls it once from its settings, tests from the fixture). Forgets buckets already
/// resolved with earlier options.
void SetS3Options(s3::S3Options options);
/// The options set, if any.
std::optional<s3::S3Options> GetS3Options();

/// Copies `from` to `to` inside the S3 service (CopyObject, across buckets too) when both
/// are S3 objects of the same client; returns false, doing nothing, when they are not.
/// With `if_etag`, fails when the source's ETag differs.
Result<bool> TryServerSideCopy(const ObjectRef& from, const ObjectRef& to,
                               std::string_view if_etag);

/// The client behind an S3 store (nullptr for other stores), for counters in benchmarks.
std::shared_ptr<s3::S3Client> S3ClientOf(const ObjectStore& store);

}  // namespace streampro::storage
