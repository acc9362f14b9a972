#include "storage/s3_store.h"

#include <fmt/format.h>

namespace streampro::storage {

namespace {

class S3Writer final : public ObjectWriter {
 public:
  explicit S3Writer(std::unique_ptr<s3::ObjectUploadStream> stream) : stream_(std::move(stream)) {}
  Status Write(std::string_view bytes) override { return stream_->Write(bytes); }
  int64_t position() const override { return stream_->position(); }
  Status Close() override { return stream_->Close(); }

 private:
  std::unique_ptr<s3::ObjectUploadStream> stream_;
};

/// One bucket of one S3 service.
class S3Store final : public ObjectStore {
 public:
  S3Store(std::shared_ptr<s3::S3Client> client, std::string bucket)
      : client_(std::move(client)), bucket_(std::move(bucket)) {}

  std::string Uri(std::string_view key) const override { return s3::S3Client::Uri(bucket_, key); }

  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& key) override {
    return s3::OpenObject(client_, bucket_, key);
  }
  Result<std::unique_ptr<ObjectWriter>> OpenWrite(const std::string& key) override {
    ASSIGN_OR_RETURN(auto stream, s3::ObjectUploadStream::Open(client_, bucket_, key));
    return std::unique_ptr<ObjectWriter>(new S3Writer(std::move(stream)));
  }
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override {
    ASSIGN_OR_RETURN(const std::optional<s3::ObjectMeta> meta, client_->HeadObject(bucket_, key));
    if (!meta) return std::optional<ObjectInfo>();
    return std::optional<ObjectInfo>(ObjectInfo{meta->key.empty() ? key : meta->key, meta->size,
                                                meta->last_modified_ns, meta->etag});
  }
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override {
    const std::string folder = prefix.empty() || prefix.ends_with('/') ? prefix : prefix + "/";
    ASSIGN_OR_RETURN(const std::vector<s3::ObjectMeta> objects, client_->ListAll(bucket_, folder));
    std::vector<ObjectInfo> out;
    out.reserve(objects.size());
    for (const s3::ObjectMeta& meta : objects) {
      out.push_back(ObjectInfo{meta.key, meta.size, meta.last_modified_ns, meta.etag});
    }
    return out;
  }
  Result<std::string> ReadAll(const std::string& key) override {
    std::string bytes;
    RETURN_NOT_OK(client_->GetObjectStream(bucket_, key, [&bytes](std::string_view piece) {
      bytes.append(piece);
      return Status::OK();
    }));
    return bytes;
  }
  Status Delete(const std::string& key) override { return client_->DeleteObject(bucket_, key); }
  Status Copy(const std::string& source_key, const std::string& key,
              std::string_view if_etag) override {
    return client_->CopyObject(bucket_, source_key, bucket_, key, if_etag);
  }
  Result<bool> PutIfAbsent(const std::string& key, std::string_view bytes) override {
    s3::PutOptions options;
    options.if_none_match = true;
    return client_->PutObject(bucket_, key, bytes, options);
  }
  Result<bool> CopyFromStore(const ObjectStore& source, const std::string& source_key,
                             const std::string& key, std::string_view if_etag) override {
    // CopyObject works across the buckets of one service (up to 5 GiB: callers check).
    const auto* from = dynamic_cast<const S3Store*>(&source);
    if (from == nullptr || from->client_ != client_) return false;
    RETURN_NOT_OK(client_->CopyObject(from->bucket_, source_key, bucket_, key, if_etag));
    return true;
  }

  const std::shared_ptr<s3::S3Client>& client() const { return client_; }
  const std::string& bucket() const { return bucket_; }

 private:
  std::shared_ptr<s3::S3Client> client_;
  std::string bucket_;
};

// Fails, before anything is written, on a missing bucket, refused credentials or an
// endpoint that does not answer. A GET (not HEAD), so the error body names the cause.
Result<std::shared_ptr<ObjectStore>> OpenBucket(const std::shared_ptr<s3::S3Client>& client,
                                                const std::string& endpoint,
                                                const std::string& bucket) {
  const Status reachable = client->ListObjectsV2(bucket, "", "", std::nullopt, 1).status();
  if (!reachable.ok()) {
    if (reachable.code() == StatusCode::kNotFound) {
      return Status::NotFound(fmt::format("s3://{}: the bucket does not exist at {} ({})", bucket,
                                          endpoint, reachable.message()));
    }
    return reachable;
  }
  return std::shared_ptr<ObjectStore>(std::make_shared<S3Store>(client, bucket));
}

}  // namespace

Status RegisterS3(StoreRegistry* registry, const s3::S3Options& options) {
  ASSIGN_OR_RETURN(std::shared_ptr<s3::S3Client> client, s3::S3Client::Make(options));
  registry->Register("s3", [client, endpoint = options.endpoint](std::string_view bucket) {
    return OpenBucket(client, endpoint, std::string(bucket));
  });
  return Status::OK();
}

void RegisterS3Unconfigured(StoreRegistry* registry) {
  registry->Register("s3", [](std::string_view bucket) -> Result<std::shared_ptr<ObjectStore>> {
    return Status::InvalidArgument(fmt::format(
        "s3://{}: S3 is not configured: set MINIO_ENDPOINT (or AWS_ENDPOINT_URL) and the keys "
        "MINIO_ACCESS_KEY / MINIO_SECRET_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
        bucket));
  });
}

std::shared_ptr<s3::S3Client> S3ClientOf(const ObjectStore& store) {
  const auto* s3 = dynamic_cast<const S3Store*>(&store);
  return s3 == nullptr ? nullptr : s3->client();
}

}  // namespace streampro::storage
