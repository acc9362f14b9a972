#include "lake/layout.h"

#include <fmt/format.h>

namespace streampro::lake {

std::string PartitionFolderName(Date date) {
  return fmt::format("{}={}", catalog::kPartitionColumn, FormatIsoDate(date));
}

std::optional<Date> ParsePartitionFolderName(std::string_view name) {
  constexpr std::string_view kKey = catalog::kPartitionColumn;
  if (name.size() != kKey.size() + 11 || !name.starts_with(kKey) || name[kKey.size()] != '=') {
    return std::nullopt;
  }
  return ParseIsoDate(name.substr(kKey.size() + 1));
}

const std::string& LayerFolders::Of(catalog::Layer layer) const {
  switch (layer) {
    case catalog::Layer::kRaw:
      return raw;
    case catalog::Layer::kTrusted:
      return trusted;
    case catalog::Layer::kEnriched:
      return enriched;
    case catalog::Layer::kReports:
      return reports;
  }
  return reports;
}

Status LayerFolders::Validate() const {
  for (const std::string* folder : {&raw, &trusted, &enriched, &reports}) {
    if (folder->empty() || folder->front() == '/' || folder->back() == '/' ||
        folder->find("..") != std::string::npos || folder->front() == '_') {
      return Status::InvalidArgument(fmt::format(
          "layer folder '{}' must be a relative key such as 'raw' or 'lake/raw' (no leading or "
          "trailing '/', no '..', not starting with '_')",
          *folder));
    }
  }
  return Status::OK();
}

}  // namespace streampro::lake
