#pragma once

// A wrapper that makes another store fail the way real ones do, for crash and error tests
// (the approach of leveldb's fault-injection Env): a write that fails, a write that lands
// cut short, a write that lands but whose reply is lost. Writes are counted across
// OpenWrite (at Close), PutIfAbsent, Copy, CopyFromStore and Delete, from 1.

#include <atomic>
#include <optional>

#include "storage/forwarding_store.h"
#include "streampro/object_store.h"

namespace streampro::storage {

struct FaultPlan {
  /// The Nth write fails with IOError and changes nothing.
  std::optional<int64_t> fail_write;
  /// The Nth write stores only the first half of its bytes (OpenWrite, PutIfAbsent) and
  /// reports success: a torn write the store did not notice.
  std::optional<int64_t> cut_short_write;
  /// The Nth write happens, then reports IOError, as when a reply is lost on the way.
  std::optional<int64_t> lose_reply;
  /// Only writes whose key contains this text count (empty: all).
  std::string key_filter;
};

class FaultInjectingStore final : public ForwardingStore {
 public:
  FaultInjectingStore(std::shared_ptr<ObjectStore> base, FaultPlan plan)
      : ForwardingStore(std::move(base)), plan_(std::move(plan)) {}

  Result<std::unique_ptr<ObjectWriter>> OpenWrite(const std::string& key) override;
  /// Through OpenWrite, so bulk writes count and fail like the others.
  Result<std::unique_ptr<ObjectWriter>> OpenBulkWrite(const std::string& key) override {
    return OpenWrite(key);
  }
  Status Delete(const std::string& key) override;
  Status Copy(const std::string& source_key, const std::string& key,
              std::string_view if_etag) override;
  Result<bool> PutIfAbsent(const std::string& key, std::string_view bytes) override;
  Result<bool> CopyFromStore(const ObjectStore& source, const std::string& source_key,
                             const std::string& key, std::string_view if_etag) override;

  enum class Fault : uint8_t { kNone, kFail, kCutShort, kLoseReply };
  /// Counts one write of `key` and says which fault it gets.
  Fault NextWrite(const std::string& key);

 private:
  FaultPlan plan_;
  std::atomic<int64_t> writes_{0};
};

}  // namespace streampro::storage
