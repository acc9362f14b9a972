#include "lake/layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace streampro::lake {

Status ValidateLocation(std::string_view layer, std::string_view table) {
  const bool known_layer = layer == kRawLayer || layer == kTrustedLayer ||
                           layer == kEnrichedLayer || layer == kReportsLayer;
  if (!known_layer) {
    return Status::InvalidArgument(
        fmt::format("unknown lake layer '{}' (raw, trusted, enriched, reports)", layer));
  }
  if (layer == kReportsLayer) {
    if (!table.empty()) {
      return Status::InvalidArgument(
          fmt::format("the reports layer has no tables (got '{}')", table));
    }
    return Status::OK();
  }
  if (table.empty() || table == "." || table == ".." ||
      table.find_first_of("/\\") != std::string_view::npos) {
    return Status::InvalidArgument(
        fmt::format("invalid table name '{}' in layer {}", table, layer));
  }
  return Status::OK();
}

std::string PartitionFolderName(Date date) {
  return fmt::format("{}={}", kPartitionKey, FormatIsoDate(date));
}

std::optional<Date> ParsePartitionFolderName(std::string_view name) {
  if (name.size() != kPartitionKey.size() + 11 || !name.starts_with(kPartitionKey) ||
      name[kPartitionKey.size()] != '=') {
    return std::nullopt;
  }
  return ParseIsoDate(name.substr(kPartitionKey.size() + 1));
}

std::string TableDir(const std::string& root, std::string_view layer, std::string_view table) {
  if (table.empty()) return fmt::format("{}/{}", root, layer);
  return fmt::format("{}/{}/{}", root, layer, table);
}

std::string PartitionDir(const std::string& root, std::string_view layer, std::string_view table,
                         Date date) {
  return fmt::format("{}/{}", TableDir(root, layer, table), PartitionFolderName(date));
}

std::string ReportsDir(const std::string& root, Date date) {
  return PartitionDir(root, kReportsLayer, "", date);
}

Result<std::vector<Date>> ListPartitions(const std::string& root, std::string_view layer,
                                         std::string_view table) {
  RETURN_NOT_OK(ValidateLocation(layer, table));
  const std::string dir = TableDir(root, layer, table);
  std::vector<Date> dates;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return dates;
    return Status::IOError(fmt::format("{}: cannot list partitions: {}", dir, ec.message()));
  }
  for (const auto& entry : it) {
    const std::optional<Date> date = ParsePartitionFolderName(entry.path().filename().string());
    if (!date) continue;
    if (std::filesystem::is_regular_file(entry.path() / kManifestFileName, ec)) {
      dates.push_back(*date);
    }
  }
  std::sort(dates.begin(), dates.end());
  return dates;
}

}  // namespace streampro::lake
