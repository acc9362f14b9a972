#pragma once

// Small hand-written inputs for the enrich tests: events, users and videos batches, and
// readers for the output tables by column name.

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "enrich/enrich.h"
#include "formats/jsonl/event_schema.h"

namespace streampro::enrich::testing {

inline constexpr int64_t kSecond = 1'000'000;
inline constexpr int64_t kHour = 3600 * kSecond;
inline constexpr int64_t kDay = 24 * kHour;
/// 2025-09-01T00:00:00Z.
inline const int64_t kT0 = int64_t{DaysFromCivil(2025, 9, 1)} * kMicrosPerDay;
inline const int32_t kDate1 = DaysFromCivil(2025, 9, 1);
inline const int32_t kDate2 = DaysFromCivil(2025, 9, 2);

/// One trusted event. `line` 0 means "the next line of its ingestion date".
struct Event {
  std::string user = "u1";
  std::string session = "s1";
  int64_t timestamp = kT0;
  std::string name = "play";
  std::optional<std::string> video = std::nullopt;
  std::optional<double> value = std::nullopt;
  std::optional<std::string> os = "iOS";
  std::optional<std::string> version = "2.0";
  std::optional<std::string> device = std::nullopt;
  std::optional<std::string> network = std::nullopt;
  std::optional<std::string> country = std::nullopt;
  int32_t date = kDate1;
  int64_t line = 0;
};

/// A watch_time event of `seconds` on `video`.
/// Segment keys of the three Q3 dimensions.
inline SegmentKey OsKey(std::string os) {
  return {std::string(kDimensionOs), std::move(os), std::nullopt};
}
inline SegmentKey VersionKey(std::string version) {
  return {std::string(kDimensionVersion), std::nullopt, std::move(version)};
}
inline SegmentKey PairKey(std::string os, std::string version) {
  return {std::string(kDimensionOsVersion), std::move(os), std::move(version)};
}

inline Event Watch(std::string user, std::string session, int64_t timestamp,
                   std::optional<std::string> video, double seconds) {
  Event event;
  event.user = std::move(user);
  event.session = std::move(session);
  event.timestamp = timestamp;
  event.name = "watch_time";
  event.video = std::move(video);
  event.value = seconds;
  return event;
}

inline void AppendOptional(Column& column, const std::optional<std::string>& value) {
  if (value) {
    column.AppendString(*value);
  } else {
    column.AppendNull();
  }
}

/// EnrichEventsSchema() rows in the order given.
inline RecordBatch EventsBatch(const std::vector<Event>& events) {
  namespace jsonl = formats::jsonl;
  RecordBatch batch(EnrichEventsSchema());
  int64_t next_line = 1;
  for (const Event& event : events) {
    batch.column(jsonl::kTimestampColumn).AppendInt64(event.timestamp);
    batch.column(jsonl::kAccountIdColumn).AppendNull();
    AppendOptional(batch.column(jsonl::kVideoIdColumn), event.video);
    batch.column(jsonl::kUserIdColumn).AppendString(event.user);
    batch.column(jsonl::kEventNameColumn).AppendString(event.name);
    if (event.value) {
      batch.column(jsonl::kValueColumn).AppendDouble(*event.value);
    } else {
      batch.column(jsonl::kValueColumn).AppendNull();
    }
    AppendOptional(batch.column(jsonl::kDeviceColumn), event.device);
    AppendOptional(batch.column(jsonl::kAppVersionColumn), event.version);
    AppendOptional(batch.column(jsonl::kDeviceOsColumn), event.os);
    AppendOptional(batch.column(jsonl::kNetworkTypeColumn), event.network);
    batch.column(jsonl::kIpColumn).AppendNull();
    AppendOptional(batch.column(jsonl::kCountryColumn), event.country);
    batch.column(jsonl::kSessionIdColumn).AppendString(event.session);
    batch.column(jsonl::kSourceLineColumn).AppendInt64(event.line != 0 ? event.line : next_line);
    batch.column(kIngestionDateColumn).AppendInt32(event.date);
    ++next_line;
  }
  EXPECT_TRUE(batch.Validate().ok()) << batch.Validate().ToString();
  return batch;
}

/// Trusted users rows (signup 2025-08-01, tier Free, no age group or gender).
inline RecordBatch UsersBatch(const std::vector<std::string>& user_ids) {
  RecordBatch batch(std::make_shared<const Schema>(std::vector<Field>{
      {"user_id", TypeId::kString, false},
      {"signup_date", TypeId::kDate32, false},
      {"subscription_tier", TypeId::kString, false},
      {"age_group", TypeId::kString, true},
      {"gender", TypeId::kString, true},
  }));
  for (const std::string& id : user_ids) {
    batch.column(0).AppendString(id);
    batch.column(1).AppendInt32(DaysFromCivil(2025, 8, 1));
    batch.column(2).AppendString("Free");
    batch.column(3).AppendNull();
    batch.column(4).AppendNull();
  }
  return batch;
}

/// Trusted videos rows: (video_id, genre) pairs.
inline VideoGenres Genres(const std::vector<std::pair<std::string, std::string>>& videos) {
  RecordBatch batch(std::make_shared<const Schema>(std::vector<Field>{
      {"video_id", TypeId::kString, false},
      {"title", TypeId::kString, true},
      {"genre", TypeId::kString, false},
      {"duration_seconds", TypeId::kInt32, false},
      {"patent_id", TypeId::kString, true},
  }));
  for (const auto& [id, genre] : videos) {
    batch.column(0).AppendString(id);
    batch.column(1).AppendNull();
    batch.column(2).AppendString(genre);
    batch.column(3).AppendInt32(600);
    batch.column(4).AppendNull();
  }
  Result<VideoGenres> genres = VideoGenres::FromVideos(batch);
  EXPECT_TRUE(genres.ok()) << genres.status().ToString();
  return std::move(genres).value();
}

/// The column called `name` (the test fails when there is none).
inline const Column& Col(const RecordBatch& batch, std::string_view name) {
  const int index = batch.schema()->FieldIndex(name);
  EXPECT_GE(index, 0) << "no column " << name;
  return batch.column(index < 0 ? 0 : index);
}

inline std::string Str(const RecordBatch& batch, std::string_view name, int64_t row) {
  return std::string(Col(batch, name).string_value(row));
}
inline double Dbl(const RecordBatch& batch, std::string_view name, int64_t row) {
  return Col(batch, name).double_values()[static_cast<size_t>(row)];
}
inline int64_t I64(const RecordBatch& batch, std::string_view name, int64_t row) {
  return Col(batch, name).int64_values()[static_cast<size_t>(row)];
}
inline int32_t I32(const RecordBatch& batch, std::string_view name, int64_t row) {
  return Col(batch, name).int32_values()[static_cast<size_t>(row)];
}
inline bool Bool(const RecordBatch& batch, std::string_view name, int64_t row) {
  return Col(batch, name).bool_values()[static_cast<size_t>(row)] != 0;
}
inline bool IsNull(const RecordBatch& batch, std::string_view name, int64_t row) {
  return Col(batch, name).IsNull(row);
}

/// The row of user_sessions holding (user, session), or -1.
inline int64_t SessionRow(const RecordBatch& sessions, std::string_view user,
                          std::string_view session) {
  for (int64_t row = 0; row < sessions.num_rows(); ++row) {
    if (Str(sessions, "user_id", row) == user && Str(sessions, "session_id", row) == session) {
      return row;
    }
  }
  ADD_FAILURE() << "no session " << user << "/" << session;
  return -1;
}

/// EnrichBucket, failing the test on an error.
inline BucketOutput Enrich(const std::vector<Event>& events, const std::vector<std::string>& users,
                           const VideoGenres& genres) {
  const RecordBatch events_batch = EventsBatch(events);
  Result<BucketOutput> output = EnrichBucket(events_batch, UsersBatch(users), genres);
  EXPECT_TRUE(output.ok()) << output.status().ToString();
  return std::move(output).value();
}

}  // namespace streampro::enrich::testing
