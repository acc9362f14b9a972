#pragma once

#include "streampro/object_store.h"

namespace streampro::storage {

/// The local file system as an object store: a key is a path (relative to the working
/// folder or absolute). Thread-safe (it holds no state).
class LocalStore final : public ObjectStore {
 public:
  std::optional<std::string> LocalPath(const std::string& key) const override { return key; }
  std::string Uri(std::string_view key) const override;
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& key) override;
  Result<std::unique_ptr<ObjectWriter>> OpenWrite(const std::string& key) override;
  Result<std::unique_ptr<ObjectWriter>> OpenBulkWrite(const std::string& key) override;
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::string& key) override;
  Status Copy(const std::string& source_key, const std::string& key,
              std::string_view if_etag) override;
  Status Link(const std::string& source_key, const std::string& key) override;
  Result<bool> PutIfAbsent(const std::string& key, std::string_view bytes) override;
};

}  // namespace streampro::storage
