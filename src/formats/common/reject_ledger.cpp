#include "formats/common/reject_ledger.h"

#include <memory>
#include <utility>

#include "catalog/catalog.h"

namespace streampro::formats {

const SchemaPtr& RejectLedger::LedgerSchema() {
  return catalog::SchemaOf(catalog::TableId::kTrustedRejects);
}

RejectLedger::RejectLedger() : batch_(LedgerSchema()) {}

void RejectLedger::Append(std::string_view table, std::string_view source_file, int64_t line_number,
                          RejectReason reason, std::optional<std::string_view> field,
                          std::string_view raw_record) {
  batch_.column(0).AppendString(table);
  batch_.column(1).AppendString(source_file);
  batch_.column(2).AppendInt64(line_number);
  batch_.column(3).AppendString(RejectReasonName(reason));
  if (field) {
    batch_.column(4).AppendString(*field);
  } else {
    batch_.column(4).AppendNull();
  }
  batch_.column(5).AppendString(raw_record);
}

void RejectLedger::AppendAll(const RejectLedger& other) {
  for (int64_t row = 0; row < other.num_rows(); ++row) batch_.AppendRowFrom(other.batch_, row);
}

RecordBatch RejectLedger::Release() {
  RecordBatch out(LedgerSchema());
  std::swap(out, batch_);
  return out;
}

std::optional<std::string_view> RejectLedger::field(int64_t row) const {
  if (batch_.column(4).IsNull(row)) return std::nullopt;
  return batch_.column(4).string_value(row);
}

}  // namespace streampro::formats
