#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"

namespace streampro::generate {

/// What the trusted stage must do with a record of a given injected kind (SPEC §3, §7).
enum class Outcome : uint8_t {
  kKept,        ///< a clean record written in an unusual but valid way
  kRejected,    ///< an extra record the trusted stage must reject with `reason`
  kDuplicate,   ///< an extra copy of a clean record, dropped as a duplicate
  kNotARecord,  ///< a whitespace-only line: skipped and not counted
  kFileLevel,   ///< a property of the whole file (byte order mark)
};

/// Every kind of dirty or unusual input the generator plants. Each kind belongs to one
/// table and has exactly one expected outcome, so truth.json can state the exact counters
/// the trusted stage must report.
enum class Kind : uint8_t {
  // events_D.jsonl
  kEventsBom,
  kEventsBlankLine,
  kEventsCrlfLine,
  kEventsShuffledFieldOrder,
  kEventsExtraFields,
  kEventsExplicitNullOptional,
  kEventsTimestampSpaceSeparator,
  kEventsTimestampWithoutZone,
  kEventsTimestampWithOffset,
  kEventsTimestampNanoseconds,
  kEventsMalformedTruncated,
  kEventsMalformedTrailingComma,
  kEventsMalformedNonFinite,
  kEventsMalformedNotObject,
  kEventsMissingTimestamp,
  kEventsNullUserId,
  kEventsMissingEventName,
  kEventsMissingSessionId,
  kEventsTimestampBadFormat,
  kEventsTimestampImpossible,
  kEventsTimestampEmpty,
  kEventsTimestampNumber,
  kEventsUnknownEventName,
  kEventsEmptyEventName,
  kEventsWatchTimeWithoutValue,
  kEventsValueString,
  kEventsValueNegative,
  kEventsValueTooLarge,
  kEventsValueBoolean,
  kEventsUnknownUser,
  kEventsEmptyUserId,
  kEventsUnknownVideo,
  kEventsExactDuplicate,
  kEventsDuplicateOtherOffset,
  // users_D.csv
  kUsersBom,
  kUsersBlankLine,
  kUsersCrlfLine,
  kUsersTierCaseVariant,
  kUsersQuotedField,
  kUsersDuplicateKey,
  kUsersInvalidTier,
  kUsersInvalidAgeGroup,
  kUsersInvalidSignupDate,
  kUsersMissingSignupDate,
  kUsersMissingUserId,
  kUsersWrongFieldCount,
  // videos_D.csv
  kVideosBom,
  kVideosBlankLine,
  kVideosCrlfLine,
  kVideosGenreCaseVariant,
  kVideosQuotedTitle,
  kVideosDuplicateKey,
  kVideosInvalidDuration,
  kVideosMissingGenre,
  kVideosWrongFieldCount,
  // devices_D.csv
  kDevicesBom,
  kDevicesBlankLine,
  kDevicesCrlfLine,
  kDevicesQuotedField,
  kDevicesDuplicateKey,
  kDevicesMissingDevice,
  kDevicesWrongFieldCount,
  kCount
};

inline constexpr size_t kNumKinds = static_cast<size_t>(Kind::kCount);

struct KindInfo {
  Table table;
  std::string_view name;  ///< key in truth.json
  Outcome outcome;
  std::string_view reason;  ///< SPEC §3 reject reason when outcome is kRejected
  std::string_view description;
};

const KindInfo& InfoOf(Kind kind);

/// The kinds of one table, in declaration order.
std::vector<Kind> KindsOf(Table table);

/// How many records of each kind were planted.
struct KindCounts {
  std::array<int64_t, kNumKinds> counts{};

  int64_t& operator[](Kind kind) { return counts[static_cast<size_t>(kind)]; }
  int64_t operator[](Kind kind) const { return counts[static_cast<size_t>(kind)]; }
  KindCounts& operator+=(const KindCounts& other) {
    for (size_t i = 0; i < kNumKinds; ++i) counts[i] += other.counts[i];
    return *this;
  }
};

/// The counters SPEC §6 `tables.*` must show for one landing file.
struct ExpectedCounters {
  int64_t rows_in = 0;
  int64_t rows_kept = 0;
  int64_t rows_rejected = 0;
  int64_t rows_duplicate = 0;
  /// (reason, count), sorted by reason.
  std::vector<std::pair<std::string, int64_t>> rejected_by_reason;
};

/// Derives the expected counters of `table` from its clean row count and planted kinds.
ExpectedCounters ExpectCounters(Table table, int64_t clean_rows, const KindCounts& kinds);

}  // namespace streampro::generate
