#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace streampro {

/// Parses an ISO-8601 timestamp exactly as SPEC §7 writes event times (S3 listings'
/// LastModified, `2024-01-02T03:04:05.678Z`, is one of its forms):
/// `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|(+|-)HH:MM]` with upper-case T and Z, nothing
/// before or after, a real calendar day, hours 0-23, minutes and seconds 0-59, offsets at
/// most 23:59. No offset means UTC. The fraction is truncated to microseconds.
/// Returns microseconds since the Unix epoch (UTC), or nullopt. Thread-safe.
std::optional<int64_t> ParseIsoTimestamp(std::string_view text);

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, microseconds) for microseconds since the Unix epoch;
/// ParseIsoTimestamp reads it back exactly.
std::string FormatIsoTimestamp(int64_t micros);

/// The system clock now, in microseconds since the Unix epoch.
int64_t UtcNowMicros();

}  // namespace streampro
