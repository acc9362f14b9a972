#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_counters.h"
#include "formats/common/key_set.h"
#include "formats/common/reject_ledger.h"
#include "streampro/batch.h"

namespace simdjson::dom {
class parser;
}  // namespace simdjson::dom

namespace streampro::formats::jsonl {

/// The result of one chunk of an events file: kept events in file order (EventsSchema()),
/// the chunk's rejects in line order, and the chunk's counters.
struct EventChunk {
  EventChunk();

  int64_t index = 0;
  int64_t first_line = 1;
  /// The kept events; empty when EventRules::route is set.
  RecordBatch kept;
  /// With EventRules::route: the kept events spread over route.parts batches, each in
  /// file order. Empty otherwise.
  std::vector<RecordBatch> kept_parts;
  RejectLedger rejects;
  FileCounters counters;
};

/// What the event rules check against. The sets are shared, read-only, between threads.
struct EventRules {
  /// Accepted user ids; null skips the unknown_user check (a non-string user_id is still
  /// unknown_user).
  std::shared_ptr<const KeySet> known_users;
  /// Accepted video ids; null skips the unknown_video check (a non-string video_id is
  /// still unknown_video).
  std::shared_ptr<const KeySet> known_videos;
  /// When `parts` > 0, a kept event goes to EventChunk::kept_parts[part_of(user_id)]
  /// (part_of must return less than `parts`) as it is parsed, instead of to `kept`: the
  /// trusted stage spreads the events over user buckets without copying them again.
  struct Route {
    uint32_t parts = 0;
    std::function<uint32_t(std::string_view user_id)> part_of;
  };
  Route route = {};
};

/// Classifies the lines of one chunk of JSONL by SPEC §7 and fills an EventChunk.
/// Each line is parsed completely by simdjson's DOM parser, which validates the whole
/// line (strict RFC 8259, UTF-8), so nothing invalid slips through lazily. One parser per
/// thread: not thread-safe, reuse it for every chunk a worker handles.
class EventChunkParser {
 public:
  EventChunkParser(std::string source_file, EventRules rules);
  ~EventChunkParser();
  EventChunkParser(EventChunkParser&&) noexcept;
  EventChunkParser& operator=(EventChunkParser&&) noexcept;

  /// `text` must be followed by at least 64 readable bytes (TextChunk padding).
  /// `first_line` is the physical line number of text[0].
  EventChunk Parse(std::string_view text, int64_t first_line);

 private:
  void ParseLine(std::string_view line, int64_t line_number, EventChunk* out);
  void Reject(EventChunk* out, int64_t line_number, RejectReason reason, int field,
              std::string_view line);

  std::string source_file_;
  EventRules rules_;
  std::unique_ptr<simdjson::dom::parser> parser_;
};

/// True for the ten SPEC §1 event names (case-sensitive).
bool IsKnownEventName(std::string_view name);

}  // namespace streampro::formats::jsonl
