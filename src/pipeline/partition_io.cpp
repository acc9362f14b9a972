#include "pipeline/partition_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "formats/common/batch_select.h"

namespace streampro::pipeline {

parquet::WriterOptions WithFieldIds(parquet::WriterOptions options, const catalog::TableDef& table,
                                    const Schema& schema) {
  if (table.schema != nullptr && *table.schema == schema) options.field_ids = table.field_ids;
  return options;
}

Status WriteParquetFile(lake::PartitionWriter* partition, const std::string& name,
                        const RecordBatch& batch, const parquet::WriterOptions& options) {
  ASSIGN_OR_RETURN(OutputStream * stream, partition->CreateFile(name));
  ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(
                                    stream, batch.schema(),
                                    WithFieldIds(options, partition->table(), *batch.schema())));
  RETURN_NOT_OK(writer->WriteBatch(batch));
  RETURN_NOT_OK(writer->Close());
  return partition->CloseFile(name, batch.num_rows());
}

std::string PartFileName(uint32_t index) {
  return fmt::format("part-{:05d}.parquet", index);
}

std::optional<uint32_t> PartFileIndex(std::string_view name) {
  constexpr std::string_view kPrefix = "part-";
  constexpr std::string_view kSuffix = ".parquet";
  if (name.size() <= kPrefix.size() + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  const std::string_view digits =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  uint32_t index = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return index;
}

Result<RecordBatch> ReadParquetFile(const lake::Lake& lake, const std::string& path,
                                    const std::vector<std::string>& columns) {
  ASSIGN_OR_RETURN(std::shared_ptr<RandomAccessFile> file, lake.OpenRead(path));
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(file));
  std::vector<int> indices;
  const Schema& schema = *reader->schema();
  if (columns.empty()) {
    for (int i = 0; i < schema.num_fields(); ++i) indices.push_back(i);
  } else {
    for (const std::string& name : columns) {
      const int index = schema.FieldIndex(name);
      if (index < 0) {
        return Status::InvalidData(fmt::format("{}: has no column '{}'", path, name));
      }
      indices.push_back(index);
    }
  }
  return reader->ReadAll(indices);
}

Result<RecordBatch> ReadPartition(const lake::Lake& lake, const catalog::TableDef& table, Date date,
                                  const std::vector<std::string>& columns) {
  ASSIGN_OR_RETURN(const std::optional<lake::PartitionManifest> manifest,
                   lake::ReadManifest(lake, table, date));
  const std::string dir = lake.PartitionUri(table, date);
  if (!manifest) return Status::NotFound(fmt::format("{} has no committed partition", dir));
  // The Parquet files in name order, each read from where the manifest says its bytes are.
  std::map<std::string, std::string> uris;  // name -> uri
  for (const lake::FileEntry& file : manifest->files) {
    if (file.name.ends_with(".parquet"))
      uris.emplace(file.name, lake::FileUri(lake, *manifest, file));
  }
  std::optional<RecordBatch> all;
  for (const auto& named : uris) {
    const std::string& uri = named.second;
    ASSIGN_OR_RETURN(RecordBatch part, ReadParquetFile(lake, uri, columns));
    if (!all) {
      all.emplace(std::move(part));
      continue;
    }
    if (!(*part.schema() == *all->schema())) {
      return Status::InvalidData(
          fmt::format("{}: schema differs from the partition's other files", uri));
    }
    for (int c = 0; c < all->num_columns(); ++c) all->column(c).AppendColumn(part.column(c));
  }
  if (!all) {
    return Status::InvalidData(fmt::format("{}: the manifest lists no Parquet file", dir));
  }
  return std::move(*all);
}

}  // namespace streampro::pipeline
