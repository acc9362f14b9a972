#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "streampro/column.h"
#include "streampro/schema.h"
#include "streampro/status.h"

namespace streampro {

/// A horizontal slice of a table: one Column per schema field, all of the same length.
/// Readers fill batches column by column; writers consume whole batches. Movable, not
/// copyable (columns can be large). Not thread-safe.
class RecordBatch {
 public:
  /// An empty batch with one empty column per field of `schema`.
  explicit RecordBatch(SchemaPtr schema);
  RecordBatch(RecordBatch&&) noexcept = default;
  RecordBatch& operator=(RecordBatch&&) noexcept = default;
  RecordBatch(const RecordBatch&) = delete;
  RecordBatch& operator=(const RecordBatch&) = delete;

  const SchemaPtr& schema() const { return schema_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  /// Length of the first column (0 for a schema without fields).
  int64_t num_rows() const { return columns_.empty() ? 0 : columns_.front().length(); }

  Column& column(int i) { return columns_[static_cast<size_t>(i)]; }
  const Column& column(int i) const { return columns_[static_cast<size_t>(i)]; }

  /// Every column has num_rows() rows, its field's type, and no nulls where the field is
  /// not nullable. Errors name the column.
  Status Validate() const;

  void Reserve(int64_t rows);
  /// Drops all rows, keeps schema and memory.
  void Clear();
  /// Keeps the rows whose `keep` byte is non-zero, in order, in place (Column::KeepRows).
  void KeepRows(std::span<const uint8_t> keep);
  /// Appends row `row` of `other`, whose schema must equal this one's.
  void AppendRowFrom(const RecordBatch& other, int64_t row);

  /// Same schema, same rows (see Column::Equals).
  bool Equals(const RecordBatch& other) const;
  int64_t ByteSize() const;

 private:
  SchemaPtr schema_;
  std::vector<Column> columns_;
};

}  // namespace streampro
