#include "formats/common/batch_select.h"

#include <cassert>

namespace streampro::formats {

namespace {

// Appends, column by column, the rows of `in` that `for_each_row` visits, in its order.
template <typename ForEachRow>
void AppendVisitedRows(const RecordBatch& in, RecordBatch* out, ForEachRow for_each_row) {
  for (int c = 0; c < in.num_columns(); ++c) {
    const Column& source = in.column(c);
    Column& target = out->column(c);
    const auto append = [&](auto&& append_value) {
      for_each_row([&](int64_t row) {
        if (source.IsNull(row)) {
          target.AppendNull();
        } else {
          append_value(static_cast<size_t>(row));
        }
      });
    };
    switch (StorageOf(source.type())) {
      case StorageKind::kString:
        append(
            [&](size_t r) { target.AppendString(source.string_value(static_cast<int64_t>(r))); });
        break;
      case StorageKind::kInt64:
        append([&](size_t r) { target.AppendInt64(source.int64_values()[r]); });
        break;
      case StorageKind::kDouble:
        append([&](size_t r) { target.AppendDouble(source.double_values()[r]); });
        break;
      case StorageKind::kInt32:
        append([&](size_t r) { target.AppendInt32(source.int32_values()[r]); });
        break;
      case StorageKind::kBool:
        append([&](size_t r) { target.AppendBool(source.bool_values()[r] != 0); });
        break;
    }
  }
}

}  // namespace

void AppendSelectedRows(const RecordBatch& in, std::span<const uint8_t> keep, RecordBatch* out) {
  assert(static_cast<int64_t>(keep.size()) == in.num_rows());
  const int64_t rows = in.num_rows();
  AppendVisitedRows(in, out, [&](auto&& visit) {
    for (int64_t row = 0; row < rows; ++row) {
      if (keep[static_cast<size_t>(row)] != 0) visit(row);
    }
  });
}

void AppendRowsAt(const RecordBatch& in, std::span<const int64_t> rows, RecordBatch* out) {
  AppendVisitedRows(in, out, [&](auto&& visit) {
    for (const int64_t row : rows) visit(row);
  });
}

}  // namespace streampro::formats
