#include <fmt/format.h>

#include "storage/local_store.h"
#include "streampro/object_store.h"

namespace streampro::storage {

std::string JoinUri(std::string_view base, std::string_view child) {
  if (base.empty()) return std::string(child);
  if (child.empty()) return std::string(base);
  if (base.ends_with('/')) return fmt::format("{}{}", base, child);
  return fmt::format("{}/{}", base, child);
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

Status ObjectStore::WriteAll(const std::string& key, std::string_view bytes) {
  ASSIGN_OR_RETURN(const std::unique_ptr<ObjectWriter> writer, OpenWrite(key));
  RETURN_NOT_OK(writer->Write(bytes));
  return writer->Close();
}

StoreRegistry::StoreRegistry() {
  stores_.emplace("", std::make_shared<LocalStore>());
}

void StoreRegistry::Register(std::string scheme, Factory factory) {
  std::lock_guard guard(mutex_);
  const std::string prefix = scheme + "://";
  for (auto it = stores_.begin(); it != stores_.end();) {
    it = it->first.starts_with(prefix) ? stores_.erase(it) : std::next(it);
  }
  factories_[std::move(scheme)] = std::move(factory);
}

void StoreRegistry::SetWrapper(
    std::function<std::shared_ptr<ObjectStore>(std::shared_ptr<ObjectStore>)> wrap) {
  std::lock_guard guard(mutex_);
  wrap_ = std::move(wrap);
  stores_.clear();
  stores_.emplace("", wrap_(std::make_shared<LocalStore>()));
}

Result<ObjectRef> StoreRegistry::Resolve(std::string_view uri) {
  if (uri.empty()) return Status::InvalidArgument("empty path");
  const size_t separator = uri.find("://");
  std::lock_guard guard(mutex_);
  if (separator == std::string_view::npos) {
    return ObjectRef{stores_.at(""), std::string(uri)};
  }
  const std::string_view scheme = uri.substr(0, separator);
  const std::string_view rest = uri.substr(separator + 3);
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string key =
      slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash + 1));
  while (key.ends_with('/')) key.pop_back();
  const auto factory = factories_.find(scheme);
  if (factory == factories_.end()) {
    std::string known;
    for (const auto& [name, unused] : factories_) known += fmt::format(", {}://", name);
    return Status::InvalidArgument(
        fmt::format("{}: no store for '{}://' (known: local paths{})", uri, scheme, known));
  }
  if (authority.empty()) {
    return Status::InvalidArgument(
        fmt::format("{}: no bucket or store name (expected {}://name/prefix)", uri, scheme));
  }
  const std::string store_name = fmt::format("{}://{}", scheme, authority);
  auto it = stores_.find(store_name);
  if (it == stores_.end()) {
    ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> store, factory->second(authority));
    if (wrap_) store = wrap_(std::move(store));
    it = stores_.emplace(store_name, std::move(store)).first;
  }
  return ObjectRef{it->second, std::move(key)};
}

}  // namespace streampro::storage
