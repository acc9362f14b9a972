#include "formats/jsonl/event_reader.h"

#include <utility>
#include <vector>

#include "common/ordered_pipeline.h"
#include "formats/common/batch_select.h"
#include "formats/common/text_chunker.h"
#include "formats/jsonl/duplicate_filter.h"
#include "formats/jsonl/event_schema.h"

namespace streampro::formats::jsonl {

namespace {

/// A parsed chunk with its duplicate keys, encoded by the worker so the ordered stage
/// only probes the table.
struct ParsedEventChunk {
  EventChunk chunk;
  DuplicateKeys keys;
};

}  // namespace

Status EventReadOptions::Validate() const {
  RETURN_NOT_OK(chunking.Validate());
  if (route.parts > 0 && (drop_duplicates || !route.part_of)) {
    return Status::InvalidArgument(
        "events read into parts need a part_of function and drop_duplicates off");
  }
  return Status::OK();
}

Result<FileCounters> ReadEvents(const RandomAccessFile& file, const EventReadOptions& options,
                                const std::function<Status(EventChunk&&)>& sink) {
  RETURN_NOT_OK(options.Validate());
  ASSIGN_OR_RETURN(const int64_t bom, ByteOrderMarkLength(file));
  TextChunker chunker(file, bom, 1, options.chunking.chunk_bytes, RecordQuoting::kNone);

  const int threads = options.chunking.ResolvedThreads();
  std::vector<EventChunkParser> parsers;
  parsers.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    parsers.emplace_back(file.name(),
                         EventRules{options.known_users, options.known_videos, options.route});
  }
  ASSIGN_OR_RETURN(DuplicateFilter duplicates, DuplicateFilter::Make(*EventsSchema()));
  FileCounters total;

  const std::function<Result<bool>(TextChunk*)> produce = [&](TextChunk* out) {
    return chunker.Next(out);
  };
  const std::function<Result<ParsedEventChunk>(TextChunk&&, int)> work =
      [&](TextChunk&& chunk, int worker) -> Result<ParsedEventChunk> {
    ParsedEventChunk out{parsers[static_cast<size_t>(worker)].Parse(chunk.text(), chunk.first_line),
                         {}};
    out.chunk.index = chunk.index;
    if (options.drop_duplicates) duplicates.EncodeKeys(out.chunk.kept, &out.keys);
    return out;
  };
  const std::function<Status(ParsedEventChunk &&)> deliver =
      [&](ParsedEventChunk&& parsed) -> Status {
    EventChunk& chunk = parsed.chunk;
    if (options.drop_duplicates) {
      ASSIGN_OR_RETURN(const int64_t dropped, duplicates.Filter(&chunk.kept, parsed.keys));
      chunk.counters.rows_kept -= dropped;
      chunk.counters.rows_duplicate += dropped;
    }
    total.Add(chunk.counters);
    return sink(std::move(chunk));
  };
  RETURN_NOT_OK((RunOrderedPipeline<TextChunk, ParsedEventChunk>(
      threads, options.chunking.ResolvedMaxInFlight(), produce, work, deliver)));
  RETURN_NOT_OK(total.CheckInvariant(file.name()));
  return total;
}

EventTable::EventTable() : kept(EventsSchema()) {}

Result<EventTable> ReadAllEvents(const RandomAccessFile& file, const EventReadOptions& options) {
  EventTable table;
  std::vector<uint8_t> all;
  ASSIGN_OR_RETURN(table.counters, ReadEvents(file, options, [&](EventChunk&& chunk) {
                     if (table.kept.num_rows() == 0) {
                       table.kept = std::move(chunk.kept);
                     } else {
                       all.assign(static_cast<size_t>(chunk.kept.num_rows()), 1);
                       AppendSelectedRows(chunk.kept, all, &table.kept);
                     }
                     table.rejects.AppendAll(chunk.rejects);
                     return Status::OK();
                   }));
  return table;
}

}  // namespace streampro::formats::jsonl
