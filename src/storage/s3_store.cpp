#include "storage/s3_store.h"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "storage/local_store.h"

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

  bool is_remote() const override { return true; }
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

  const std::shared_ptr<s3::S3Client>& client() const { return client_; }
  const std::string& bucket() const { return bucket_; }

 private:
  std::shared_ptr<s3::S3Client> client_;
  std::string bucket_;
};

struct Registry {
  std::mutex mutex;
  std::optional<s3::S3Options> options;
  std::shared_ptr<s3::S3Client> client;
  std::map<std::string, std::shared_ptr<S3Store>> buckets;
  std::shared_ptr<LocalStore> local = std::make_shared<LocalStore>();
};

Registry& TheRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

Result<std::shared_ptr<S3Store>> BucketStore(const std::string& bucket) {
  Registry& registry = TheRegistry();
  std::lock_guard guard(registry.mutex);
  if (auto it = registry.buckets.find(bucket); it != registry.buckets.end()) return it->second;
  if (!registry.options) {
    return Status::InvalidArgument(fmt::format(
        "s3://{}: S3 is not configured: set MINIO_ENDPOINT (or AWS_ENDPOINT_URL) and the keys "
        "MINIO_ACCESS_KEY / MINIO_SECRET_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
        bucket));
  }
  if (!registry.client) {
    ASSIGN_OR_RETURN(registry.client, s3::S3Client::Make(*registry.options));
  }
  // Fails here, before anything is written, on a missing bucket, refused credentials or an
  // endpoint that does not answer. A GET (not HEAD), so the error body names the cause.
  const Status reachable = registry.client->ListObjectsV2(bucket, "", "", std::nullopt, 1).status();
  if (!reachable.ok()) {
    if (reachable.code() == StatusCode::kNotFound) {
      return Status::NotFound(fmt::format("s3://{}: the bucket does not exist at {} ({})", bucket,
                                          registry.options->endpoint, reachable.message()));
    }
    return reachable;
  }
  auto store = std::make_shared<S3Store>(registry.client, bucket);
  registry.buckets.emplace(bucket, store);
  return store;
}

}  // namespace

void SetS3Options(s3::S3Options options) {
  Registry& registry = TheRegistry();
  std::lock_guard guard(registry.mutex);
  registry.options = std::move(options);
  registry.client.reset();
  registry.buckets.clear();
}

std::optional<s3::S3Options> GetS3Options() {
  Registry& registry = TheRegistry();
  std::lock_guard guard(registry.mutex);
  return registry.options;
}

bool IsS3Uri(std::string_view uri) {
  return uri.starts_with("s3://");
}

std::string JoinUri(std::string_view base, std::string_view child) {
  if (base.empty()) return std::string(child);
  if (base.ends_with('/')) return fmt::format("{}{}", base, child);
  return fmt::format("{}/{}", base, child);
}

Result<ObjectRef> Resolve(std::string_view uri) {
  if (!IsS3Uri(uri)) {
    if (uri.empty()) return Status::InvalidArgument("empty path");
    return ObjectRef{TheRegistry().local, std::string(uri)};
  }
  const std::string_view rest = uri.substr(5);
  const size_t slash = rest.find('/');
  const std::string bucket(rest.substr(0, slash));
  std::string key =
      slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash + 1));
  while (key.ends_with('/')) key.pop_back();
  if (bucket.empty()) {
    return Status::InvalidArgument(
        fmt::format("{}: no bucket name (expected s3://bucket/prefix)", uri));
  }
  ASSIGN_OR_RETURN(std::shared_ptr<S3Store> store, BucketStore(bucket));
  return ObjectRef{std::move(store), std::move(key)};
}

Result<bool> TryServerSideCopy(const ObjectRef& from, const ObjectRef& to,
                               std::string_view if_etag) {
  const auto* source = dynamic_cast<const S3Store*>(from.store.get());
  const auto* target = dynamic_cast<const S3Store*>(to.store.get());
  if (source == nullptr || target == nullptr || source->client() != target->client()) return false;
  RETURN_NOT_OK(
      target->client()->CopyObject(source->bucket(), from.key, target->bucket(), to.key, if_etag));
  return true;
}

std::shared_ptr<s3::S3Client> S3ClientOf(const ObjectStore& store) {
  const auto* s3 = dynamic_cast<const S3Store*>(&store);
  return s3 == nullptr ? nullptr : s3->client();
}

Result<std::unique_ptr<RandomAccessFile>> OpenForRead(std::string_view uri) {
  ASSIGN_OR_RETURN(const ObjectRef ref, Resolve(uri));
  return ref.store->OpenRead(ref.key);
}

Result<std::string> ObjectStore::ReadAll(const std::string& key) {
  ASSIGN_OR_RETURN(const std::unique_ptr<RandomAccessFile> file, OpenRead(key));
  std::string bytes;
  RETURN_NOT_OK(file->ReadAt(0, file->size(), &bytes));
  if (static_cast<int64_t>(bytes.size()) != file->size()) {
    return Status::IOError(
        fmt::format("{}: read {} of {} bytes", Uri(key), bytes.size(), file->size()));
  }
  return bytes;
}

Result<std::string> ReadObject(std::string_view uri) {
  ASSIGN_OR_RETURN(const ObjectRef ref, Resolve(uri));
  return ref.store->ReadAll(ref.key);
}

Result<std::optional<ObjectInfo>> HeadObject(std::string_view uri) {
  ASSIGN_OR_RETURN(const ObjectRef ref, Resolve(uri));
  return ref.store->Head(ref.key);
}

Status WriteObject(std::string_view uri, std::string_view bytes) {
  ASSIGN_OR_RETURN(const ObjectRef ref, Resolve(uri));
  ASSIGN_OR_RETURN(const std::unique_ptr<ObjectWriter> writer, ref.store->OpenWrite(ref.key));
  RETURN_NOT_OK(writer->Write(bytes));
  return writer->Close();
}

}  // namespace streampro::storage
