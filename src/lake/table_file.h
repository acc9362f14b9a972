#pragma once

// A Parquet file checked against the catalog table it is to belong to.

#include <string_view>

#include "catalog/catalog.h"
#include "streampro/parquet.h"
#include "streampro/status.h"

namespace streampro::lake {

/// OK when the Parquet file `path`, open as `reader`, has exactly the columns of `table`
/// (names, types, nullability, order) and, for each column that carries a field id, the
/// table's id; else InvalidData naming the file and the difference.
Status CheckTableFile(const parquet::FileReader& reader, const catalog::TableDef& table,
                      std::string_view path);

}  // namespace streampro::lake
