#include "iceberg/data_file.h"

#include <fmt/format.h>

#include <cmath>
#include <variant>

#include "lake/table_file.h"

namespace streampro::iceberg {

namespace {

// a < b in the order of the column's statistics: strings bytewise unsigned, doubles with
// -0.0 before +0.0 (IEEE 754 totalOrder for the values that can be bounds).
bool Less(const parquet::StatValue& a, const parquet::StatValue& b) {
  if (a.index() != b.index()) return a.index() < b.index();
  if (const auto* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    return *x < y || (*x == y && std::signbit(*x) && !std::signbit(y));
  }
  return a < b;
}

// Appendix D binary form; nullopt for a bound that cannot be stored exactly (a string
// upper bound that is too long).
std::optional<std::string> Serialize(const parquet::StatValue& value, bool lower) {
  return std::visit(
      [lower](const auto& v) -> std::optional<std::string> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, bool>) {
          return std::string(1, v ? '\x01' : '\x00');
        } else if constexpr (std::is_same_v<T, int32_t>) {
          return SerializeInt32(v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return SerializeInt64(v);
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isnan(v)) return std::nullopt;
          return SerializeDouble(v);
        } else {
          if (v.size() <= kMaxStringBound) return v;
          if (!lower) return std::nullopt;
          // Cut at a UTF-8 character boundary.
          size_t cut = kMaxStringBound;
          while (cut > 0 && (static_cast<uint8_t>(v[cut]) & 0xC0) == 0x80) --cut;
          return v.substr(0, cut);
        }
      },
      value);
}

}  // namespace

Result<DataFile> DescribeParquetFile(const parquet::FileReader& reader,
                                     const catalog::TableDef& table, const std::string& path,
                                     int64_t size, Date partition) {
  RETURN_NOT_OK(lake::CheckTableFile(reader, table, path));
  DataFile file;
  file.path = path;
  file.partition = partition;
  file.record_count = reader.num_rows();
  file.file_size_in_bytes = size;
  const size_t columns = table.field_ids.size();
  for (size_t c = 0; c < columns; ++c) {
    const int32_t id = table.field_ids[c];
    int64_t bytes = 0;
    int64_t nulls = 0;
    bool nulls_known = true;
    bool bounds_known = true;
    parquet::StatValue min, max;
    for (int g = 0; g < reader.num_row_groups(); ++g) {
      const parquet::RowGroupInfo& group = reader.row_group(g);
      bytes += group.column_bytes[c];
      const parquet::ColumnStatistics& stats = group.columns[c];
      if (stats.null_count < 0) {
        nulls_known = false;
        bounds_known = false;
        continue;
      }
      nulls += stats.null_count;
      if (!stats.has_min_max) {
        // Only a chunk of nothing but nulls may lack bounds.
        if (stats.null_count != group.num_rows) bounds_known = false;
        continue;
      }
      if (std::holds_alternative<std::monostate>(min) || Less(stats.min, min)) min = stats.min;
      if (std::holds_alternative<std::monostate>(max) || Less(max, stats.max)) max = stats.max;
    }
    file.column_sizes[id] = bytes;
    file.value_counts[id] = file.record_count;
    if (nulls_known) file.null_value_counts[id] = nulls;
    if (!bounds_known) continue;
    if (auto lower = Serialize(min, /*lower=*/true)) file.lower_bounds[id] = std::move(*lower);
    if (auto upper = Serialize(max, /*lower=*/false)) file.upper_bounds[id] = std::move(*upper);
  }
  return file;
}

Result<DataFile> DescribeParquetFile(std::shared_ptr<RandomAccessFile> file,
                                     const catalog::TableDef& table, const std::string& path,
                                     int64_t size, Date partition) {
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(std::move(file)));
  return DescribeParquetFile(*reader, table, path, size, partition);
}

}  // namespace streampro::iceberg
