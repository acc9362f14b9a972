#pragma once

// An object store in memory, for fast tests of everything above storage: the lake, its
// commit protocol and the stages run on it unchanged (it behaves like S3: no rename, no
// local paths, so the lake publishes through commit manifests).

#include <map>
#include <mutex>

#include "streampro/object_store.h"

namespace streampro::storage {

/// One named store (`mem://{name}/key`). Thread-safe. Readers opened before a write keep
/// the bytes they opened, like S3 reads pinned to an ETag.
class MemoryStore final : public ObjectStore {
 public:
  explicit MemoryStore(std::string name) : name_(std::move(name)) {}

  std::string Uri(std::string_view key) const override;
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& key) override;
  Result<std::unique_ptr<ObjectWriter>> OpenWrite(const std::string& key) override;
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::string& key) override;
  Status Copy(const std::string& source_key, const std::string& key,
              std::string_view if_etag) override;
  Result<bool> PutIfAbsent(const std::string& key, std::string_view bytes) override;

 private:
  struct Object {
    std::shared_ptr<const std::string> bytes;
    int64_t mtime_ns = 0;
    std::string etag;
  };
  friend class MemoryWriter;
  void Put(const std::string& key, std::string bytes);
  void StoreLocked(const std::string& key, std::string bytes);  // mutex_ held

  std::string name_;
  mutable std::mutex mutex_;
  std::map<std::string, Object> objects_;
  int64_t version_ = 0;
};

/// Registers `mem://`: each name is one MemoryStore, kept as long as the registry.
void RegisterMemory(StoreRegistry* registry);

}  // namespace streampro::storage
