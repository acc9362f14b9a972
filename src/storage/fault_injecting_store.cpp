#include "storage/fault_injecting_store.h"

#include <fmt/format.h>

namespace streampro::storage {

namespace {

Status InjectedFailure(const ObjectStore& store, const std::string& key) {
  return Status::IOError(fmt::format("{}: injected write failure", store.Uri(key)));
}

Status LostReply(const ObjectStore& store, const std::string& key) {
  return Status::IOError(fmt::format(
      "{}: connection reset before the reply (injected; the write landed)", store.Uri(key)));
}

// Buffers the object and writes it through the base store at Close, so a fault can act on
// the whole write.
class FaultWriter final : public ObjectWriter {
 public:
  FaultWriter(FaultInjectingStore* store, std::string key) : store_(store), key_(std::move(key)) {}
  Status Write(std::string_view bytes) override {
    bytes_.append(bytes);
    return Status::OK();
  }
  int64_t position() const override { return static_cast<int64_t>(bytes_.size()); }
  Status Close() override {
    switch (store_->NextWrite(key_)) {
      case FaultInjectingStore::Fault::kFail:
        return InjectedFailure(*store_, key_);
      case FaultInjectingStore::Fault::kCutShort:
        return store_->base().WriteAll(key_, std::string_view(bytes_).substr(0, bytes_.size() / 2));
      case FaultInjectingStore::Fault::kLoseReply:
        RETURN_NOT_OK(store_->base().WriteAll(key_, bytes_));
        return LostReply(*store_, key_);
      case FaultInjectingStore::Fault::kNone:
        break;
    }
    return store_->base().WriteAll(key_, bytes_);
  }

 private:
  FaultInjectingStore* store_;
  std::string key_;
  std::string bytes_;
};

}  // namespace

FaultInjectingStore::Fault FaultInjectingStore::NextWrite(const std::string& key) {
  if (!plan_.key_filter.empty() && key.find(plan_.key_filter) == std::string::npos) {
    return Fault::kNone;
  }
  const int64_t n = writes_.fetch_add(1) + 1;
  Fault fault = Fault::kNone;
  if (plan_.fail_write == n) fault = Fault::kFail;
  if (plan_.cut_short_write == n) fault = Fault::kCutShort;
  if (plan_.lose_reply == n) fault = Fault::kLoseReply;
  return fault;
}

Result<std::unique_ptr<ObjectWriter>> FaultInjectingStore::OpenWrite(const std::string& key) {
  return std::unique_ptr<ObjectWriter>(new FaultWriter(this, key));
}

Status FaultInjectingStore::Delete(const std::string& key) {
  switch (NextWrite(key)) {
    case Fault::kFail:
      return InjectedFailure(*this, key);
    case Fault::kLoseReply:
      RETURN_NOT_OK(base_->Delete(key));
      return LostReply(*this, key);
    default:
      return base_->Delete(key);
  }
}

Status FaultInjectingStore::Copy(const std::string& source_key, const std::string& key,
                                 std::string_view if_etag) {
  switch (NextWrite(key)) {
    case Fault::kFail:
      return InjectedFailure(*this, key);
    case Fault::kLoseReply:
      RETURN_NOT_OK(base_->Copy(source_key, key, if_etag));
      return LostReply(*this, key);
    default:
      return base_->Copy(source_key, key, if_etag);
  }
}

Result<bool> FaultInjectingStore::PutIfAbsent(const std::string& key, std::string_view bytes) {
  switch (NextWrite(key)) {
    case Fault::kFail:
      return InjectedFailure(*this, key);
    case Fault::kCutShort:
      return base_->PutIfAbsent(key, bytes.substr(0, bytes.size() / 2));
    case Fault::kLoseReply: {
      RETURN_NOT_OK(base_->PutIfAbsent(key, bytes).status());
      return LostReply(*this, key);
    }
    case Fault::kNone:
      break;
  }
  return base_->PutIfAbsent(key, bytes);
}

Result<bool> FaultInjectingStore::CopyFromStore(const ObjectStore& source,
                                                const std::string& source_key,
                                                const std::string& key, std::string_view if_etag) {
  const auto* wrapped = dynamic_cast<const FaultInjectingStore*>(&source);
  const ObjectStore& from = wrapped != nullptr ? *wrapped->base_ : source;
  switch (NextWrite(key)) {
    case Fault::kFail:
      return InjectedFailure(*this, key);
    case Fault::kLoseReply: {
      ASSIGN_OR_RETURN(const bool copied, base_->CopyFromStore(from, source_key, key, if_etag));
      if (!copied) return false;
      return LostReply(*this, key);
    }
    default:
      return base_->CopyFromStore(from, source_key, key, if_etag);
  }
}

}  // namespace streampro::storage
