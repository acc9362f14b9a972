#pragma once

// A store that passes every call to another: the base of wrappers that change a few calls
// (storage::FaultInjectingStore, pipeline::ReadPacer's faces of the landing store).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "streampro/object_store.h"

namespace streampro::storage {

class ForwardingStore : public ObjectStore {
 public:
  explicit ForwardingStore(std::shared_ptr<ObjectStore> base) : base_(std::move(base)) {}

  std::optional<std::string> LocalPath(const std::string& key) const override {
    return base_->LocalPath(key);
  }
  std::string Uri(std::string_view key) const override { return base_->Uri(key); }
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& key) override {
    return base_->OpenRead(key);
  }
  Result<std::string> ReadAll(const std::string& key) override { return base_->ReadAll(key); }
  Result<std::unique_ptr<ObjectWriter>> OpenWrite(const std::string& key) override {
    return base_->OpenWrite(key);
  }
  Result<std::unique_ptr<ObjectWriter>> OpenBulkWrite(const std::string& key) override {
    return base_->OpenBulkWrite(key);
  }
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override {
    return base_->Head(key);
  }
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override {
    return base_->List(prefix);
  }
  Status Delete(const std::string& key) override { return base_->Delete(key); }
  Status Copy(const std::string& source_key, const std::string& key,
              std::string_view if_etag) override {
    return base_->Copy(source_key, key, if_etag);
  }
  Status Link(const std::string& source_key, const std::string& key) override {
    return base_->Link(source_key, key);
  }
  Result<bool> PutIfAbsent(const std::string& key, std::string_view bytes) override {
    return base_->PutIfAbsent(key, bytes);
  }
  Result<bool> CopyFromStore(const ObjectStore& source, const std::string& source_key,
                             const std::string& key, std::string_view if_etag) override {
    return base_->CopyFromStore(source, source_key, key, if_etag);
  }

  ObjectStore& base() { return *base_; }
  const ObjectStore& base() const { return *base_; }

 protected:
  std::shared_ptr<ObjectStore> base_;
};

}  // namespace streampro::storage
