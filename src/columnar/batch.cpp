#include "streampro/batch.h"

#include <fmt/format.h>

namespace streampro {

RecordBatch::RecordBatch(SchemaPtr schema) : schema_(std::move(schema)) {
  columns_.reserve(static_cast<size_t>(schema_->num_fields()));
  for (const Field& field : schema_->fields()) columns_.emplace_back(field.type);
}

Status RecordBatch::Validate() const {
  const int64_t rows = num_rows();
  for (int i = 0; i < num_columns(); ++i) {
    const Field& field = schema_->field(i);
    const Column& col = column(i);
    if (col.type() != field.type) {
      return Status::Internal(fmt::format("column '{}' holds {} but the schema says {}", field.name,
                                          TypeName(col.type()), TypeName(field.type)));
    }
    if (col.length() != rows) {
      return Status::Internal(
          fmt::format("column '{}' has {} rows, the batch has {}", field.name, col.length(), rows));
    }
    if (!field.nullable && col.null_count() > 0) {
      return Status::Internal(fmt::format("column '{}' is not nullable but holds {} nulls",
                                          field.name, col.null_count()));
    }
  }
  return Status::OK();
}

void RecordBatch::Reserve(int64_t rows) {
  for (Column& col : columns_) col.Reserve(rows);
}

void RecordBatch::Clear() {
  for (Column& col : columns_) col.Clear();
}

void RecordBatch::AppendRowFrom(const RecordBatch& other, int64_t row) {
  assert(*other.schema_ == *schema_);
  for (size_t i = 0; i < columns_.size(); ++i) columns_[i].AppendFrom(other.columns_[i], row);
}

bool RecordBatch::Equals(const RecordBatch& other) const {
  if (!(*schema_ == *other.schema_)) return false;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!columns_[i].Equals(other.columns_[i])) return false;
  }
  return true;
}

void RecordBatch::KeepRows(std::span<const uint8_t> keep) {
  for (Column& column : columns_) column.KeepRows(keep);
}

int64_t RecordBatch::ByteSize() const {
  int64_t bytes = 0;
  for (const Column& col : columns_) bytes += col.ByteSize();
  return bytes;
}

}  // namespace streampro
