#include "formats/csv/csv_reader.h"

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ordered_pipeline.h"
#include "formats/common/batch_select.h"
#include "formats/common/string_key_table.h"
#include "formats/common/text_chunker.h"
#include "formats/common/text_lines.h"
#include "formats/csv/csv_record_parser.h"
#include "formats/csv/dimension_converter.h"
#include "formats/csv/dimension_schema.h"

namespace streampro::formats::csv {

namespace {

/// Valid rows of one chunk, before the key check that needs file order.
struct ParsedChunk {
  explicit ParsedChunk(const SchemaPtr& schema) : rows(schema) {}

  RecordBatch rows;
  std::vector<int64_t> row_lines;
  /// The chunk's text; each valid row's raw record is [raw_begin, raw_end) in it. Keeping
  /// the text (moved, not copied) beats copying every record for the rare duplicate.
  std::string text;
  std::vector<size_t> raw_begin;
  std::vector<size_t> raw_end;
  /// A key of several columns, encoded (EncodeKey), row after row; row r's key is
  /// [key_ends[r - 1], key_ends[r]). Empty for a one-column key, read from the column.
  std::string composite_keys;
  std::vector<size_t> key_ends;
  /// StringKeyTable::Hash of each row's key, computed on the workers so the in-order
  /// stage only probes.
  std::vector<uint64_t> key_hashes;

  /// Row `row`'s key bytes: the key column's text, or its encoded composite key.
  std::string_view Key(const DimensionSpec& spec, int64_t row) const {
    if (spec.key_columns.size() == 1) return rows.column(spec.key_columns[0]).string_value(row);
    const auto r = static_cast<size_t>(row);
    const size_t begin = r == 0 ? 0 : key_ends[r - 1];
    return std::string_view(composite_keys).substr(begin, key_ends[r] - begin);
  }
  RejectLedger rejects;
  FileCounters counters;
};

/// Appends the key of `row` over `columns` to `out`, unambiguously: per column a presence
/// byte (0 = null, so null equals null and differs from ""), then a 4-byte length and the
/// bytes.
void EncodeKey(const RecordBatch& rows, const std::vector<int>& columns, int64_t row,
               std::string* out) {
  for (const int c : columns) {
    const Column& column = rows.column(c);
    if (column.IsNull(row)) {
      out->push_back('\0');
      continue;
    }
    const std::string_view text = column.string_value(row);
    const auto size = static_cast<uint32_t>(text.size());
    out->push_back('\1');
    for (int shift = 0; shift < 32; shift += 8) out->push_back(static_cast<char>(size >> shift));
    out->append(text);
  }
}

/// Where each spec column sits in the file's records (-1: absent).
struct HeaderMap {
  std::vector<int> field_of_column;
  size_t num_fields = 0;
};

Result<HeaderMap> MapHeader(const RandomAccessFile& file, const DimensionSpec& spec,
                            const CsvRecord& record, const std::vector<std::string_view>& fields) {
  const std::string where = fmt::format("{} line {}", file.name(), record.line);
  if (record.malformed) {
    return Status::InvalidData(fmt::format("{}: the CSV header is malformed (quoting)", where));
  }
  HeaderMap map;
  map.num_fields = fields.size();
  map.field_of_column.assign(spec.columns.size(), -1);
  for (size_t f = 0; f < fields.size(); ++f) {
    const std::string_view name = TrimSpaces(fields[f]);
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      if (spec.columns[c].name != name) continue;
      if (map.field_of_column[c] >= 0) {
        return Status::InvalidData(
            fmt::format("{}: column '{}' appears twice in the header", where, name));
      }
      map.field_of_column[c] = static_cast<int>(f);
    }
  }
  std::string missing;
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    if (spec.columns[c].required && map.field_of_column[c] < 0) {
      if (!missing.empty()) missing += ", ";
      missing += spec.columns[c].name;
    }
  }
  if (!missing.empty()) {
    return Status::InvalidData(fmt::format("{}: {} header misses required column(s): {}", where,
                                           TableName(spec.table), missing));
  }
  return map;
}

class ChunkParser {
 public:
  ChunkParser(const RandomAccessFile& file, const DimensionSpec& spec, const HeaderMap& header)
      : file_(file), spec_(spec), header_(header), converter_(spec), values_(spec.columns.size()) {}

  ParsedChunk Parse(TextChunk&& chunk) {
    ParsedChunk out(spec_.schema);
    out.text = std::move(chunk.data);
    const std::string_view text(out.text.data(), chunk.size);
    CsvRecordParser parser(text, chunk.first_line);
    CsvRecord record;
    const std::string_view table = TableName(spec_.table);
    while (parser.Next(&record, &fields_)) {
      ++out.counters.rows_in;
      if (record.malformed || fields_.size() != header_.num_fields) {
        out.counters.AddReject(RejectReason::kMalformedRecord);
        out.rejects.Append(table, file_.name(), record.line, RejectReason::kMalformedRecord,
                           std::nullopt, record.raw);
        continue;
      }
      for (size_t c = 0; c < values_.size(); ++c) {
        const int f = header_.field_of_column[c];
        values_[c] = f < 0 ? std::string_view() : fields_[static_cast<size_t>(f)];
      }
      const std::optional<RowRejection> rejection = converter_.Convert(values_, &out.rows);
      if (rejection) {
        out.counters.AddReject(rejection->reason);
        out.rejects.Append(table, file_.name(), record.line, rejection->reason,
                           spec_.columns[static_cast<size_t>(rejection->column)].name, record.raw);
        continue;
      }
      out.row_lines.push_back(record.line);
      const auto begin = static_cast<size_t>(record.raw.data() - text.data());
      out.raw_begin.push_back(begin);
      out.raw_end.push_back(begin + record.raw.size());
    }
    const int64_t num_rows = out.rows.num_rows();
    if (spec_.key_columns.size() > 1) {
      out.key_ends.reserve(static_cast<size_t>(num_rows));
      for (int64_t row = 0; row < num_rows; ++row) {
        EncodeKey(out.rows, spec_.key_columns, row, &out.composite_keys);
        out.key_ends.push_back(out.composite_keys.size());
      }
    }
    out.key_hashes.resize(static_cast<size_t>(num_rows));
    for (int64_t row = 0; row < num_rows; ++row) {
      out.key_hashes[static_cast<size_t>(row)] = StringKeyTable::Hash(out.Key(spec_, row));
    }
    return out;
  }

 private:
  const RandomAccessFile& file_;
  const DimensionSpec& spec_;
  const HeaderMap& header_;
  DimensionRowConverter converter_;
  std::vector<std::string_view> fields_;
  std::vector<std::string_view> values_;
};

/// Applies key uniqueness in file order and merges the chunk into the table, keeping the
/// ledger in line order.
class KeyChecker {
 public:
  KeyChecker(const RandomAccessFile& file, const DimensionSpec& spec, DimensionTable* table)
      : file_(file), spec_(spec), table_(table) {}

  Status Deliver(ParsedChunk&& chunk) {
    table_->counters.rows_in += chunk.counters.rows_in;
    table_->counters.rows_rejected += chunk.counters.rows_rejected;
    for (size_t i = 0; i < chunk.counters.rejected_by_reason.size(); ++i) {
      table_->counters.rejected_by_reason[i] += chunk.counters.rejected_by_reason[i];
    }
    const std::string_view key_name = spec_.key_name;
    int64_t next_reject = 0;
    auto flush_rejects_before = [&](int64_t line) {
      while (next_reject < chunk.rejects.num_rows() &&
             chunk.rejects.line_number(next_reject) < line) {
        table_->rejects.AppendRow(chunk.rejects, next_reject++);
      }
    };
    const int64_t num_rows = chunk.rows.num_rows();
    keep_.assign(static_cast<size_t>(num_rows), 1);
    // Growing up front keeps the prefetched slots valid through the loop.
    seen_.Reserve(static_cast<size_t>(num_rows));
    constexpr int64_t kPrefetchDistance = 8;
    bool all_kept = true;
    for (int64_t row = 0; row < num_rows; ++row) {
      if (row + kPrefetchDistance < num_rows) {
        seen_.Prefetch(chunk.key_hashes[static_cast<size_t>(row + kPrefetchDistance)]);
      }
      const int64_t line = chunk.row_lines[static_cast<size_t>(row)];
      flush_rejects_before(line);
      const std::string_view key = chunk.Key(spec_, row);
      if (!seen_.Insert(key, chunk.key_hashes[static_cast<size_t>(row)])) {
        all_kept = false;
        keep_[static_cast<size_t>(row)] = 0;
        table_->counters.AddReject(RejectReason::kDuplicateKey);
        table_->rejects.Append(TableName(spec_.table), file_.name(), line,
                               RejectReason::kDuplicateKey, key_name,
                               std::string_view(chunk.text)
                                   .substr(chunk.raw_begin[static_cast<size_t>(row)],
                                           chunk.raw_end[static_cast<size_t>(row)] -
                                               chunk.raw_begin[static_cast<size_t>(row)]));
        continue;
      }
      ++table_->counters.rows_kept;
    }
    if (all_kept && table_->rows.num_rows() == 0) {
      // The first chunk (usually) becomes the table as is instead of being copied.
      table_->rows = std::move(chunk.rows);
    } else {
      AppendSelectedRows(chunk.rows, keep_, &table_->rows);
    }
    flush_rejects_before(INT64_MAX);
    return Status::OK();
  }

 private:
  const RandomAccessFile& file_;
  const DimensionSpec& spec_;
  DimensionTable* table_;
  StringKeyTable seen_;
  std::vector<uint8_t> keep_;
};

}  // namespace

DimensionTable::DimensionTable(Table t) : table(t), rows(DimensionSpecFor(t).schema) {}

Result<DimensionTable> ReadDimensionCsv(const RandomAccessFile& file, Table table,
                                        const CsvReadOptions& options) {
  RETURN_NOT_OK(options.Validate());
  if (table == Table::kEvents) {
    return Status::Internal("events is not a CSV dimension table");
  }
  const DimensionSpec& spec = DimensionSpecFor(table);
  ASSIGN_OR_RETURN(const int64_t bom, ByteOrderMarkLength(file));
  TextChunker chunker(file, bom, 1, options.chunking.chunk_bytes, RecordQuoting::kDoubleQuote);

  // The header is the first non-blank record; it may sit behind blank lines and chunks.
  TextChunk first;
  std::optional<HeaderMap> header;
  while (!header) {
    ASSIGN_OR_RETURN(const bool more, chunker.Next(&first));
    if (!more) {
      return Status::InvalidData(
          fmt::format("{}: no CSV header row (the file is empty)", file.name()));
    }
    CsvRecordParser parser(first.text(), first.first_line);
    CsvRecord record;
    std::vector<std::string_view> fields;
    if (!parser.Next(&record, &fields)) continue;
    ASSIGN_OR_RETURN(HeaderMap map, MapHeader(file, spec, record, fields));
    header = std::move(map);
    const size_t header_end = parser.position();
    first.data.erase(0, header_end);
    first.size -= header_end;
    first.first_line = parser.next_line();
    first.file_offset += static_cast<int64_t>(header_end);
  }

  DimensionTable result(table);
  const int threads = options.chunking.ResolvedThreads();
  std::vector<ChunkParser> parsers;
  parsers.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) parsers.emplace_back(file, spec, *header);
  KeyChecker checker(file, spec, &result);

  bool first_pending = true;
  const std::function<Result<bool>(TextChunk*)> produce = [&](TextChunk* out) -> Result<bool> {
    if (first_pending) {
      first_pending = false;
      *out = std::move(first);
      return true;
    }
    return chunker.Next(out);
  };
  const std::function<Result<ParsedChunk>(TextChunk&&, int)> work =
      [&](TextChunk&& chunk, int worker) -> Result<ParsedChunk> {
    return parsers[static_cast<size_t>(worker)].Parse(std::move(chunk));
  };
  const std::function<Status(ParsedChunk &&)> deliver = [&](ParsedChunk&& chunk) {
    return checker.Deliver(std::move(chunk));
  };
  RETURN_NOT_OK((RunOrderedPipeline<TextChunk, ParsedChunk>(
      threads, options.chunking.ResolvedMaxInFlight(), produce, work, deliver)));
  RETURN_NOT_OK(result.counters.CheckInvariant(file.name()));
  return result;
}

}  // namespace streampro::formats::csv
