#include "storage/memory_store.h"

#include <fmt/format.h>

#include <chrono>

namespace streampro::storage {

class MemoryWriter final : public ObjectWriter {
 public:
  MemoryWriter(MemoryStore* store, std::string key) : store_(store), key_(std::move(key)) {}

  Status Write(std::string_view bytes) override {
    if (closed_) return Status::Internal(fmt::format("{}: write after close", store_->Uri(key_)));
    bytes_.append(bytes);
    return Status::OK();
  }
  int64_t position() const override { return static_cast<int64_t>(bytes_.size()); }
  Status Close() override {
    if (closed_) return Status::Internal(fmt::format("{}: closed twice", store_->Uri(key_)));
    closed_ = true;
    store_->Put(key_, std::move(bytes_));
    return Status::OK();
  }

 private:
  MemoryStore* store_;
  std::string key_;
  std::string bytes_;
  bool closed_ = false;
};

namespace {

// A read-only view of one version of an object.
class MemoryFile final : public RandomAccessFile {
 public:
  MemoryFile(std::string name, std::shared_ptr<const std::string> bytes)
      : name_(std::move(name)), bytes_(std::move(bytes)) {}
  const std::string& name() const override { return name_; }
  int64_t size() const override { return static_cast<int64_t>(bytes_->size()); }
  Status ReadAt(int64_t offset, int64_t length, std::string* out) const override {
    out->clear();
    if (offset < 0 || length < 0 || offset > size()) {
      return Status::IOError(fmt::format("{}: read of {} bytes at {} is outside its {} bytes",
                                         name_, length, offset, size()));
    }
    out->assign(*bytes_, static_cast<size_t>(offset),
                static_cast<size_t>(std::min(length, size() - offset)));
    return Status::OK();
  }

 private:
  std::string name_;
  std::shared_ptr<const std::string> bytes_;
};

}  // namespace

std::string MemoryStore::Uri(std::string_view key) const {
  return fmt::format("mem://{}/{}", name_, key);
}

void MemoryStore::Put(const std::string& key, std::string bytes) {
  std::lock_guard guard(mutex_);
  StoreLocked(key, std::move(bytes));
}

void MemoryStore::StoreLocked(const std::string& key, std::string bytes) {
  Object& object = objects_[key];
  object.bytes = std::make_shared<const std::string>(std::move(bytes));
  object.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  object.etag = fmt::format("v{}", ++version_);
}

Result<std::unique_ptr<RandomAccessFile>> MemoryStore::OpenRead(const std::string& key) {
  std::lock_guard guard(mutex_);
  const auto it = objects_.find(key);
  if (it == objects_.end()) return Status::NotFound(fmt::format("{}: no such object", Uri(key)));
  return std::unique_ptr<RandomAccessFile>(new MemoryFile(Uri(key), it->second.bytes));
}

Result<std::unique_ptr<ObjectWriter>> MemoryStore::OpenWrite(const std::string& key) {
  if (key.empty()) return Status::Internal(fmt::format("{}: empty key", Uri(key)));
  return std::unique_ptr<ObjectWriter>(new MemoryWriter(this, key));
}

Result<std::optional<ObjectInfo>> MemoryStore::Head(const std::string& key) {
  std::lock_guard guard(mutex_);
  const auto it = objects_.find(key);
  if (it == objects_.end()) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(ObjectInfo{key, static_cast<int64_t>(it->second.bytes->size()),
                                              it->second.mtime_ns, it->second.etag});
}

Result<std::vector<ObjectInfo>> MemoryStore::List(const std::string& prefix) {
  const std::string folder = prefix.empty() || prefix.ends_with('/') ? prefix : prefix + "/";
  std::vector<ObjectInfo> out;
  std::lock_guard guard(mutex_);
  for (auto it = objects_.lower_bound(folder); it != objects_.end(); ++it) {
    if (!it->first.starts_with(folder)) break;
    out.push_back(ObjectInfo{it->first, static_cast<int64_t>(it->second.bytes->size()),
                             it->second.mtime_ns, it->second.etag});
  }
  return out;
}

Status MemoryStore::Delete(const std::string& key) {
  std::lock_guard guard(mutex_);
  objects_.erase(key);
  return Status::OK();
}

Status MemoryStore::Copy(const std::string& source_key, const std::string& key,
                         std::string_view if_etag) {
  std::shared_ptr<const std::string> bytes;
  {
    std::lock_guard guard(mutex_);
    const auto it = objects_.find(source_key);
    if (it == objects_.end()) {
      return Status::NotFound(fmt::format("{}: no such object", Uri(source_key)));
    }
    if (!if_etag.empty() && it->second.etag != if_etag) {
      return Status::IOError(fmt::format("{}: changed (ETag {} is not {})", Uri(source_key),
                                         it->second.etag, if_etag));
    }
    bytes = it->second.bytes;
  }
  Put(key, *bytes);
  return Status::OK();
}

Result<bool> MemoryStore::PutIfAbsent(const std::string& key, std::string_view bytes) {
  std::lock_guard guard(mutex_);
  if (objects_.contains(key)) return false;
  StoreLocked(key, std::string(bytes));
  return true;
}

void RegisterMemory(StoreRegistry* registry) {
  registry->Register("mem", [](std::string_view name) -> Result<std::shared_ptr<ObjectStore>> {
    return std::shared_ptr<ObjectStore>(std::make_shared<MemoryStore>(std::string(name)));
  });
}

}  // namespace streampro::storage
