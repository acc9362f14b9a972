#pragma once

// Trusted -> enriched (SPEC §4, §5, §7): sessions, journeys and the mergeable partial
// aggregates behind genre_performance and device_analytics. Pure functions over columnar
// batches; the pipeline feeds them one user bucket at a time and merges the partials.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "streampro/batch.h"
#include "streampro/schema.h"
#include "streampro/status.h"

namespace streampro::enrich {

// ---------------------------------------------------------------------------------------
// Schemas of the inputs and of the four enriched tables (column order is the file order).
// ---------------------------------------------------------------------------------------

/// Trusted events as the enriched stage reads them: formats::jsonl::EventsSchema()
/// (timestamp, account_id, video_id, user_id, event_name, value, device, app_version,
/// device_os, network_type, ip, country, session_id, source_line) followed by
/// `ingestion_date` (date32, not null): the partition the row came from. The input order
/// of SPEC §7 is (ingestion_date, source_line).
const SchemaPtr& EnrichEventsSchema();
inline constexpr int kIngestionDateColumn = 14;

/// user_sessions: user_id, session_id, session_number int32, session_start ts,
/// session_end ts, duration_seconds double, event_count int64, watch_seconds double,
/// genre, device_os?, app_version?, device?, network_type?, country?, reached_30s bool,
/// hours_since_previous_session double? (null for session 1).
const SchemaPtr& UserSessionsSchema();

/// user_journey: user_id, signup_date date32, subscription_tier, age_group?, gender?,
/// first_session_id?, first_session_start ts?, first_session_watch_seconds double?,
/// first_session_reached_30s bool?, first_session_genre?, second_session_start ts?,
/// hours_to_second_session double?, returned_within_3d bool?, total_sessions int64,
/// total_watch_seconds double, active_days int32, last_seen ts?.
/// Never-active users: every session-derived column null, total_sessions 0,
/// total_watch_seconds 0, active_days 0. Active users: returned_within_3d false when
/// there is no second session.
const SchemaPtr& UserJourneySchema();

/// genre_performance: genre, new_users int64, returned_within_3d int64,
/// retention_rate double, ci_low double, ci_high double (Wilson 95%, proportions),
/// avg_first_session_watch_seconds double, rank int32? (1 = best; null for `Unknown`).
/// Rows in rank order, `Unknown` last.
const SchemaPtr& GenrePerformanceSchema();

/// device_analytics: dimension (`device_os`, `app_version`, `device_os x app_version`),
/// segment (display text: `iOS`, `2.0.1`, `iOS x 2.0.1`), device_os?, app_version?
/// (the segment's keys; the other is null for one-column dimensions), sessions int64,
/// drop_offs int64, drop_off_rate double, rest_sessions int64, rest_drop_offs int64
/// (all other sessions of the lake, so sessions + rest_sessions is the lake's total on
/// every row), rest_rate double?, lift double?, z double?, p_value double?,
/// q_value double?, tested bool, abnormal bool.
/// Every non-null segment is listed; untested ones (under min_sessions, or an empty rest)
/// have null rest_rate/lift/z/p/q and abnormal false.
/// Row order: abnormal first (null lift first, then lift descending, then q ascending,
/// then dimension and segment), then the rest by dimension (device_os, app_version, pair)
/// and segment text.
const SchemaPtr& DeviceAnalyticsSchema();

inline constexpr std::string_view kUnknownGenre = "Unknown";
inline constexpr std::string_view kDimensionOs = "device_os";
inline constexpr std::string_view kDimensionVersion = "app_version";
inline constexpr std::string_view kDimensionOsVersion = "device_os x app_version";

// ---------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------

/// video_id -> canonical genre, from the newest videos snapshot <= D (trusted videos
/// schema: video_id, title, genre, duration_seconds, patent_id).
class VideoGenres {
 public:
  static Result<VideoGenres> FromVideos(const RecordBatch& videos);
  /// The genre, or nullopt for an unknown or null video_id.
  std::optional<std::string_view> GenreOf(std::string_view video_id) const;

 private:
  /// Lets GenreOf look a string_view up without building a std::string.
  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, std::string, TransparentHash, std::equal_to<>> genres_;
};

// ---------------------------------------------------------------------------------------
// Partial aggregates (one per bucket, merged in any order; integer counts only, plus
// double sums that are merged in bucket order by the caller)
// ---------------------------------------------------------------------------------------

struct GenreCounts {
  int64_t new_users = 0;
  int64_t returned_within_3d = 0;
  double first_session_watch_seconds_sum = 0;
};

struct SegmentKey {
  std::string dimension;                   ///< one of the kDimension* names
  std::optional<std::string> device_os;    ///< set for device_os and the pair
  std::optional<std::string> app_version;  ///< set for app_version and the pair
  auto operator<=>(const SegmentKey&) const = default;
};

struct SegmentCounts {
  int64_t sessions = 0;
  int64_t drop_offs = 0;
};

struct Partials {
  // Q1 (users of the newest users snapshot only)
  int64_t new_users = 0;
  int64_t reached_30s = 0;
  int64_t never_active = 0;
  // Q2, keyed by first-session genre (including "Unknown")
  std::map<std::string, GenreCounts> genres;
  // Q3: every session in the lake, users in the snapshot or not
  int64_t sessions = 0;
  int64_t drop_offs = 0;
  std::map<SegmentKey, SegmentCounts> segments;  ///< non-null segments only

  void Merge(const Partials& other);
};

// ---------------------------------------------------------------------------------------
// Per-bucket work
// ---------------------------------------------------------------------------------------

struct BucketOutput {
  BucketOutput();
  RecordBatch user_sessions;  ///< UserSessionsSchema(), ordered by user_id, session_number
  RecordBatch user_journey;   ///< UserJourneySchema(), ordered by user_id
  Partials partials;
};

/// Sessions and journeys of the users of one bucket.
/// `events`: EnrichEventsSchema() rows, already deduplicated across dates, in any order
/// (ties are broken by (ingestion_date, source_line), never by row position).
/// `users`: rows of the newest users snapshot <= D (trusted users schema: user_id,
/// signup_date, subscription_tier, age_group, gender) for the same bucket.
/// Events of users missing from `users` make sessions (and count in Q3) but no journey.
Result<BucketOutput> EnrichBucket(const RecordBatch& events, const RecordBatch& users,
                                  const VideoGenres& genres);

// ---------------------------------------------------------------------------------------
// Final tables
// ---------------------------------------------------------------------------------------

struct Q3Options {
  int64_t min_sessions = 30;
  double max_q_value = 0.05;  ///< abnormal when q < this
  double min_lift = 1.25;     ///< and lift >= this (or lift null)
};

struct FinalTables {
  FinalTables();
  RecordBatch genre_performance;  ///< GenrePerformanceSchema()
  RecordBatch device_analytics;   ///< DeviceAnalyticsSchema()
};

/// Turns the merged partials into genre_performance and device_analytics (Wilson,
/// one-sided two-proportion z-test, Benjamini-Hochberg, SPEC §5/§7).
Result<FinalTables> Finish(const Partials& partials, const Q3Options& options);

}  // namespace streampro::enrich
