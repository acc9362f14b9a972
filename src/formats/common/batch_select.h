#pragma once

#include <cstdint>
#include <span>

#include "streampro/batch.h"

namespace streampro::formats {

/// Appends to `out` the rows of `in` whose `keep` byte is non-zero, in order. Both batches
/// must have equal schemas and keep.size() == in.num_rows(). Typed loops per column, several
/// times faster than RecordBatch::AppendRowFrom row by row.
void AppendSelectedRows(const RecordBatch& in, std::span<const uint8_t> keep, RecordBatch* out);

}  // namespace streampro::formats
