#pragma once

#include <functional>
#include <memory>

#include "common/file_counters.h"
#include "formats/common/chunking_options.h"
#include "formats/common/key_set.h"
#include "formats/common/reject_ledger.h"
#include "formats/jsonl/event_parser.h"
#include "streampro/batch.h"
#include "streampro/io.h"
#include "streampro/status.h"

namespace streampro::formats::jsonl {

/// Options of ReadEvents.
struct EventReadOptions {
  ChunkingOptions chunking;
  /// Accepted users / videos for the referential checks; null skips a check.
  std::shared_ptr<const KeySet> known_users;
  std::shared_ptr<const KeySet> known_videos;
  /// Drop exact duplicates within the file (DuplicateFilter) before chunks reach the
  /// sink; they count as rows_duplicate. Off when a later stage deduplicates itself.
  bool drop_duplicates = true;
  /// Spread kept events over parts as they are parsed (EventRules::Route); needs
  /// drop_duplicates off.
  EventRules::Route route;

  Status Validate() const;
};

/// Streams an events JSONL file by SPEC §1/§7. Chunks of about chunk_bytes are cut at
/// newlines, parsed on `threads` workers (one simdjson parser each) and handed to `sink`
/// on the calling thread in file order; each holds kept events (EventsSchema()), its
/// rejects and its counters. A bad line never stops the file; an error from the file or
/// from `sink` does (and is returned). Returns the counters of the whole file, whose
/// invariant has been checked. At most chunking.ResolvedMaxInFlight() chunks are held.
Result<FileCounters> ReadEvents(const RandomAccessFile& file, const EventReadOptions& options,
                                const std::function<Status(EventChunk&&)>& sink);

/// Everything of one events file in memory (for small files and tests).
struct EventTable {
  EventTable();

  RecordBatch kept;
  RejectLedger rejects;
  FileCounters counters;
};

/// ReadEvents collected into one batch and one ledger.
Result<EventTable> ReadAllEvents(const RandomAccessFile& file, const EventReadOptions& options);

}  // namespace streampro::formats::jsonl
