#pragma once

// A deliberately simple, independent reading of landing files by the rules of
// shared SPEC §1, §3 and §7. Tests use it to check what the generator claims in
// truth.json; it shares no code with the generator. Slow and test-only.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace streampro::testing {

struct Counters {
  int64_t rows_in = 0;
  int64_t rows_kept = 0;
  int64_t rows_rejected = 0;
  int64_t rows_duplicate = 0;
  std::map<std::string, int64_t> rejected_by_reason;

  void Reject(const std::string& reason) {
    ++rows_rejected;
    ++rejected_by_reason[reason];
  }
};

/// Splits one CSV record (RFC 4180, no embedded newlines needed here). nullopt when a
/// quoted field is not closed properly.
std::optional<std::vector<std::string>> SplitCsvLine(std::string_view line);

/// Lines of a file: BOM skipped, `\n` separated, one trailing `\r` removed per line.
std::vector<std::string> SplitLines(std::string_view bytes);

bool IsBlank(std::string_view line);

/// Joins the values of a key of several columns in DimensionResult::rows.
inline constexpr char kKeySeparator = '\x1f';

struct DimensionResult {
  Counters counters;
  std::vector<std::string> header;
  /// Accepted rows by key (the key columns' values joined with kKeySeparator: `user_id`,
  /// `video_id`, or `device`, `os`, `model` with null as ""), fields trimmed/canonicalised
  /// where the SPEC says so.
  std::map<std::string, std::map<std::string, std::string>> rows;
};

/// Validates users / videos / devices CSV text per SPEC §7.
DimensionResult ReadDimension(std::string_view table, std::string_view bytes);

struct KeptEvent {
  int64_t line = 0;
  int64_t micros = 0;
  std::string user_id;
  std::string session_id;
  std::string event_name;
  std::optional<std::string> video_id;
  std::optional<double> value;
  std::optional<std::string> device_os;
  std::optional<std::string> app_version;
  std::optional<std::string> device;
};

struct EventsResult {
  Counters counters;
  std::vector<KeptEvent> kept;
};

/// Classifies every events line per SPEC §7 against accepted users and videos.
EventsResult ReadEvents(std::string_view bytes, const std::set<std::string>& users,
                        const std::set<std::string>& videos);

/// Strict SPEC §7 timestamp: UTC micros, or nullopt.
std::optional<int64_t> ParseTimestamp(std::string_view text);

/// Per-session facts derived by SPEC §4 from kept events.
struct SessionFacts {
  std::string user_id;
  std::string session_id;
  int64_t start = 0;
  double watch_seconds = 0;
  std::string genre;
  std::string device_os;
  std::string app_version;
};

/// Sessions with SPEC §4 genre and attributes; `genre_of_video` maps video_id -> genre.
std::vector<SessionFacts> BuildSessions(const std::vector<KeptEvent>& events,
                                        const std::map<std::string, std::string>& genre_of_video);

struct GenreRetention {
  int64_t new_users = 0;
  int64_t returned_within_3d = 0;
};
struct Metrics {
  int64_t new_users = 0;
  int64_t reached_30s = 0;
  std::map<std::string, GenreRetention> by_genre;
  /// (device_os, app_version) -> (sessions, drop_offs)
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> segments;
};

/// Q1/Q2 inputs and Q3 segment counts per SPEC §4-5 for the users in `users`.
Metrics ComputeMetrics(const std::vector<SessionFacts>& sessions,
                       const std::set<std::string>& users);

}  // namespace streampro::testing
