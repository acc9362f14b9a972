#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "catalog/reject_reason.h"
#include "streampro/status.h"

namespace streampro {

/// Per-file record accounting of SPEC §3. Plain value type; merge partial counters of
/// chunks with Add(). Whitespace-only lines and a CSV header are never counted.
struct FileCounters {
  int64_t rows_in = 0;
  int64_t rows_kept = 0;
  int64_t rows_rejected = 0;
  /// Exact event duplicates dropped (not rejects). CSV duplicate keys are rejects.
  int64_t rows_duplicate = 0;
  std::array<int64_t, kNumRejectReasons> rejected_by_reason{};

  void AddReject(RejectReason reason) {
    ++rows_rejected;
    ++rejected_by_reason[static_cast<size_t>(reason)];
  }
  int64_t rejected(RejectReason reason) const {
    return rejected_by_reason[static_cast<size_t>(reason)];
  }
  void Add(const FileCounters& other);

  /// Reason name -> count, only reasons with a count above zero (report.json's shape).
  std::map<std::string, int64_t> RejectedByReasonMap() const;

  /// Internal error naming `file` (the file these counters are for) when rows_in != kept +
  /// rejected + duplicate, or when the per-reason counts do not sum to rows_rejected.
  Status CheckInvariant(std::string_view file) const;

  bool operator==(const FileCounters&) const = default;
};

}  // namespace streampro
