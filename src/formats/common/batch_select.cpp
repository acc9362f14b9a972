#include "formats/common/batch_select.h"

#include <cassert>

namespace streampro::formats {

void AppendSelectedRows(const RecordBatch& in, std::span<const uint8_t> keep, RecordBatch* out) {
  assert(static_cast<int64_t>(keep.size()) == in.num_rows());
  const int64_t rows = in.num_rows();
  for (int c = 0; c < in.num_columns(); ++c) {
    const Column& source = in.column(c);
    Column& target = out->column(c);
    const StorageKind storage = StorageOf(source.type());
    for (int64_t row = 0; row < rows; ++row) {
      const auto r = static_cast<size_t>(row);
      if (keep[r] == 0) continue;
      if (source.IsNull(row)) {
        target.AppendNull();
        continue;
      }
      switch (storage) {
        case StorageKind::kString:
          target.AppendString(source.string_value(row));
          break;
        case StorageKind::kInt64:
          target.AppendInt64(source.int64_values()[r]);
          break;
        case StorageKind::kDouble:
          target.AppendDouble(source.double_values()[r]);
          break;
        case StorageKind::kInt32:
          target.AppendInt32(source.int32_values()[r]);
          break;
        case StorageKind::kBool:
          target.AppendBool(source.bool_values()[r] != 0);
          break;
      }
    }
  }
}

}  // namespace streampro::formats
