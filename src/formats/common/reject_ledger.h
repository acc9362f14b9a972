#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "catalog/reject_reason.h"
#include "streampro/batch.h"
#include "streampro/schema.h"

namespace streampro::formats {

/// Columnar list of rejected records (SPEC §3), ready to be written as the `_rejects`
/// table. Schema: table string, source_file string, line_number int64, reason string,
/// field string (nullable: malformed records have no single field), raw_record string
/// (the record as it appeared, without its line terminator).
/// Movable, not copyable; not thread-safe (each chunk fills its own ledger and the reader
/// appends them in file order).
class RejectLedger {
 public:
  RejectLedger();

  /// The shared schema of every ledger.
  static const SchemaPtr& LedgerSchema();

  void Append(std::string_view table, std::string_view source_file, int64_t line_number,
              RejectReason reason, std::optional<std::string_view> field,
              std::string_view raw_record);
  /// Appends every row of `other` after the rows of this ledger.
  void AppendAll(const RejectLedger& other);
  /// Appends row `row` of `other`.
  void AppendRow(const RejectLedger& other, int64_t row) {
    batch_.AppendRowFrom(other.batch_, row);
  }

  int64_t num_rows() const { return batch_.num_rows(); }
  const RecordBatch& batch() const { return batch_; }
  /// Moves the batch out; the ledger is left empty and usable.
  RecordBatch Release();
  void Clear() { batch_.Clear(); }

  // Row accessors for tests and messages.
  std::string_view table(int64_t row) const { return batch_.column(0).string_value(row); }
  std::string_view source_file(int64_t row) const { return batch_.column(1).string_value(row); }
  int64_t line_number(int64_t row) const {
    return batch_.column(2).int64_values()[static_cast<size_t>(row)];
  }
  std::string_view reason(int64_t row) const { return batch_.column(3).string_value(row); }
  std::optional<std::string_view> field(int64_t row) const;
  std::string_view raw_record(int64_t row) const { return batch_.column(5).string_value(row); }

 private:
  RecordBatch batch_;
};

}  // namespace streampro::formats
