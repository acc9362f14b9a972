#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace streampro {

/// Why a landing record was rejected (SPEC §3). Every rejected record carries exactly one.
/// The numeric values index per-reason counters; append new reasons at the end.
enum class RejectReason : uint8_t {
  kMalformedRecord,
  kMissingRequired,
  kInvalidTimestamp,
  kInvalidDate,
  kInvalidValue,
  kUnknownEventName,
  kUnknownUser,
  kUnknownVideo,
  kInvalidEnum,
  kDuplicateKey,
};

inline constexpr int kNumRejectReasons = 10;

inline constexpr std::array<RejectReason, kNumRejectReasons> kAllRejectReasons = {
    RejectReason::kMalformedRecord, RejectReason::kMissingRequired, RejectReason::kInvalidTimestamp,
    RejectReason::kInvalidDate,     RejectReason::kInvalidValue,    RejectReason::kUnknownEventName,
    RejectReason::kUnknownUser,     RejectReason::kUnknownVideo,    RejectReason::kInvalidEnum,
    RejectReason::kDuplicateKey};

/// The SPEC §3 name: `malformed_record`, `missing_required`, ...
std::string_view RejectReasonName(RejectReason reason);

/// Inverse of RejectReasonName; nullopt for an unknown name.
std::optional<RejectReason> RejectReasonFromName(std::string_view name);

}  // namespace streampro
