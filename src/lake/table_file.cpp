#include "lake/table_file.h"

#include <fmt/format.h>

#include <vector>

namespace streampro::lake {

Status CheckTableFile(const parquet::FileReader& reader, const catalog::TableDef& table,
                      std::string_view path) {
  if (table.schema == nullptr || !(*reader.schema() == *table.schema)) {
    return Status::InvalidData(fmt::format("{}: columns ({}) differ from {} ({})", path,
                                           reader.schema()->ToString(), table.label(),
                                           table.schema ? table.schema->ToString() : "none"));
  }
  const std::vector<int32_t>& ids = reader.field_ids();
  for (size_t c = 0; c < ids.size(); ++c) {
    if (ids[c] != 0 && ids[c] != table.field_ids[c]) {
      return Status::InvalidData(fmt::format("{}: column '{}' has field id {}, the catalog says {}",
                                             path, table.schema->field(static_cast<int>(c)).name,
                                             ids[c], table.field_ids[c]));
    }
  }
  return Status::OK();
}

}  // namespace streampro::lake
