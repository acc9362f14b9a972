#include "enrich/partials.h"

#include <functional>
#include <string>
#include <unordered_map>
#include <utility>

#include "formats/jsonl/event_schema.h"

namespace streampro::enrich {

void Partials::Merge(const Partials& other) {
  new_users += other.new_users;
  reached_30s += other.reached_30s;
  never_active += other.never_active;
  for (const auto& [genre, counts] : other.genres) {
    GenreCounts& into = genres[genre];
    into.new_users += counts.new_users;
    into.returned_within_3d += counts.returned_within_3d;
    into.first_session_watch_seconds_sum += counts.first_session_watch_seconds_sum;
  }
  sessions += other.sessions;
  drop_offs += other.drop_offs;
  for (const auto& [key, counts] : other.segments) {
    SegmentCounts& into = segments[key];
    into.sessions += counts.sessions;
    into.drop_offs += counts.drop_offs;
  }
}

namespace internal {

namespace {

void Count(SegmentCounts* counts, bool drop_off) {
  counts->sessions += 1;
  counts->drop_offs += drop_off ? 1 : 0;
}

void AddTo(SegmentCounts* into, const SegmentCounts& counts) {
  into->sessions += counts.sessions;
  into->drop_offs += counts.drop_offs;
}

}  // namespace

void AddSessionSegments(std::span<const Session> sessions, const RecordBatch& events,
                        Partials* partials) {
  namespace jsonl = formats::jsonl;
  const Column& os_column = events.column(jsonl::kDeviceOsColumn);
  const Column& version_column = events.column(jsonl::kAppVersionColumn);
  // Counted by views into the events batch first, so that a SegmentKey (and its strings)
  // is built once per distinct segment, not once per session.
  std::unordered_map<std::string_view, SegmentCounts> by_os;
  std::unordered_map<std::string_view, SegmentCounts> by_version;
  std::unordered_map<ViewPair, SegmentCounts, ViewPairHash> by_pair;
  for (const Session& session : sessions) {
    const bool drop_off = !session.reached_30s();
    partials->sessions += 1;
    partials->drop_offs += drop_off ? 1 : 0;
    const int64_t row = session.attribute_row;
    const bool has_os = os_column.IsValid(row);
    const bool has_version = version_column.IsValid(row);
    if (has_os) Count(&by_os[os_column.string_value(row)], drop_off);
    if (has_version) Count(&by_version[version_column.string_value(row)], drop_off);
    if (has_os && has_version) {
      Count(&by_pair[{os_column.string_value(row), version_column.string_value(row)}], drop_off);
    }
  }
  for (const auto& [os, counts] : by_os) {
    AddTo(&partials->segments[SegmentKey{std::string(kDimensionOs), std::string(os), std::nullopt}],
          counts);
  }
  for (const auto& [version, counts] : by_version) {
    AddTo(&partials->segments[SegmentKey{std::string(kDimensionVersion), std::nullopt,
                                         std::string(version)}],
          counts);
  }
  for (const auto& [pair, counts] : by_pair) {
    AddTo(&partials->segments[SegmentKey{std::string(kDimensionOsVersion), std::string(pair.first),
                                         std::string(pair.second)}],
          counts);
  }
}

}  // namespace internal

}  // namespace streampro::enrich
