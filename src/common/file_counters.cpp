#include "common/file_counters.h"

#include <fmt/format.h>

namespace streampro {

void FileCounters::Add(const FileCounters& other) {
  rows_in += other.rows_in;
  rows_kept += other.rows_kept;
  rows_rejected += other.rows_rejected;
  rows_duplicate += other.rows_duplicate;
  for (size_t i = 0; i < rejected_by_reason.size(); ++i) {
    rejected_by_reason[i] += other.rejected_by_reason[i];
  }
}

std::map<std::string, int64_t> FileCounters::RejectedByReasonMap() const {
  std::map<std::string, int64_t> out;
  for (RejectReason reason : kAllRejectReasons) {
    if (rejected(reason) > 0) out.emplace(std::string(RejectReasonName(reason)), rejected(reason));
  }
  return out;
}

Status FileCounters::CheckInvariant(std::string_view file) const {
  if (rows_in != rows_kept + rows_rejected + rows_duplicate) {
    return Status::Internal(fmt::format(
        "{}: counter invariant broken: rows_in {} != kept {} + rejected {} + duplicate {}", file,
        rows_in, rows_kept, rows_rejected, rows_duplicate));
  }
  int64_t by_reason = 0;
  for (int64_t count : rejected_by_reason) by_reason += count;
  if (by_reason != rows_rejected) {
    return Status::Internal(fmt::format(
        "{}: counter invariant broken: rejected_by_reason sums to {}, rows_rejected is {}", file,
        by_reason, rows_rejected));
  }
  return Status::OK();
}

}  // namespace streampro
