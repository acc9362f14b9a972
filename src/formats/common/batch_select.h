#pragma once

#include <cstdint>
#include <span>

#include "streampro/batch.h"

namespace streampro::formats {

/// Appends to `out` the rows of `in` whose `keep` byte is non-zero, in order. Both batches
/// must have equal schemas and keep.size() == in.num_rows(). Typed loops per column, several
/// times faster than RecordBatch::AppendRowFrom row by row.
void AppendSelectedRows(const RecordBatch& in, std::span<const uint8_t> keep, RecordBatch* out);

/// Appends to `out` the rows of `in` listed in `rows` (indices, in that order; repeats
/// allowed). Same schemas required. Used to scatter a batch over buckets in one pass.
void AppendRowsAt(const RecordBatch& in, std::span<const int64_t> rows, RecordBatch* out);

}  // namespace streampro::formats
