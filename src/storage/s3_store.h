#pragma once

// S3 in a StoreRegistry: `s3://bucket/key` URIs served by one S3 client.

#include "storage/s3/s3_client.h"
#include "streampro/object_store.h"

namespace streampro::storage {

/// Registers `s3://` with a client for `options`: each bucket becomes a store on first
/// use, after a one-key listing that checks the bucket exists and the keys work, so a wrong
/// setting fails before anything is written. Stores of one registry share the client
/// (connections, and server-side copies between buckets).
Status RegisterS3(StoreRegistry* registry, const s3::S3Options& options);

/// Registers `s3://` as not configured: resolving one says which settings are missing.
void RegisterS3Unconfigured(StoreRegistry* registry);

/// The client behind an S3 store (nullptr for other stores), for counters in benchmarks.
std::shared_ptr<s3::S3Client> S3ClientOf(const ObjectStore& store);

}  // namespace streampro::storage
