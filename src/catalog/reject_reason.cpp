#include "catalog/reject_reason.h"

namespace streampro {

std::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kMalformedRecord:
      return "malformed_record";
    case RejectReason::kMissingRequired:
      return "missing_required";
    case RejectReason::kInvalidTimestamp:
      return "invalid_timestamp";
    case RejectReason::kInvalidDate:
      return "invalid_date";
    case RejectReason::kInvalidValue:
      return "invalid_value";
    case RejectReason::kUnknownEventName:
      return "unknown_event_name";
    case RejectReason::kUnknownUser:
      return "unknown_user";
    case RejectReason::kUnknownVideo:
      return "unknown_video";
    case RejectReason::kInvalidEnum:
      return "invalid_enum";
    case RejectReason::kDuplicateKey:
      return "duplicate_key";
  }
  return "";
}

std::optional<RejectReason> RejectReasonFromName(std::string_view name) {
  for (RejectReason reason : kAllRejectReasons) {
    if (RejectReasonName(reason) == name) return reason;
  }
  return std::nullopt;
}

}  // namespace streampro
