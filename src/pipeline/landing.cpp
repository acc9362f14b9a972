#include "pipeline/landing.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "common/file.h"

namespace streampro::pipeline {

namespace {

struct ParsedName {
  Table table;
  std::optional<Date> date;  ///< nullopt: undated
};

// `{table}_{YYYY-MM-DD}.{ext}` or `{table}.{ext}` with the table's own extension.
std::optional<ParsedName> ParseLandingName(std::string_view name, std::string* why_not) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) {
    *why_not = "no file extension";
    return std::nullopt;
  }
  const std::string_view stem = name.substr(0, dot);
  const std::string_view extension = name.substr(dot + 1);
  const size_t underscore = stem.find('_');
  const std::string_view table_name = stem.substr(0, underscore);
  const auto table = TableFromName(table_name);
  if (!table) {
    *why_not = "not a landing table (users, videos, devices, events)";
    return std::nullopt;
  }
  if (extension != TableExtension(*table)) {
    *why_not = fmt::format("{} files must end in .{}", table_name, TableExtension(*table));
    return std::nullopt;
  }
  if (underscore == std::string_view::npos) return ParsedName{*table, std::nullopt};
  const auto date = ParseIsoDate(stem.substr(underscore + 1));
  if (!date) {
    *why_not = fmt::format("'{}' is not a YYYY-MM-DD date", stem.substr(underscore + 1));
    return std::nullopt;
  }
  return ParsedName{*table, date};
}

}  // namespace

Result<LandingInventory> ScanLanding(const std::string& folder, Date date) {
  std::error_code ec;
  std::filesystem::directory_iterator it(folder, ec);
  if (ec) {
    return Status::NotFound(
        fmt::format("{}: cannot list landing folder: {}", folder, ec.message()));
  }
  std::vector<LandingEntry> entries;
  for (const auto& entry : it) {
    LandingEntry item;
    item.name = entry.path().filename().string();
    item.path = entry.path().string();
    item.regular_file = entry.is_regular_file(ec);
    if (item.regular_file) {
      struct stat info;
      if (::stat(item.path.c_str(), &info) == 0) {
        item.bytes = info.st_size;
        item.mtime_ns = MtimeNanos(info);
      }
    }
    entries.push_back(std::move(item));
  }
  return ClassifyLanding(entries, date);
}

LandingInventory ClassifyLanding(const std::vector<LandingEntry>& entries, Date date) {
  LandingInventory inventory;
  std::map<Table, LandingFile> dated;
  std::map<Table, LandingFile> undated;
  for (const LandingEntry& entry : entries) {
    const std::string& name = entry.name;
    if (!entry.regular_file) {
      inventory.skipped.push_back({name, "not a regular file"});
      continue;
    }
    std::string why_not;
    const auto parsed = ParseLandingName(name, &why_not);
    if (!parsed) {
      inventory.skipped.push_back({name, why_not});
      continue;
    }
    if (parsed->date && *parsed->date != date) {
      inventory.skipped.push_back(
          {name,
           fmt::format("dated {}, not {}", FormatIsoDate(*parsed->date), FormatIsoDate(date))});
      continue;
    }
    LandingFile file;
    file.table = parsed->table;
    file.name = name;
    file.path = entry.path;
    file.bytes = entry.bytes;
    file.undated = !parsed->date.has_value();
    file.mtime_ns = entry.mtime_ns;
    file.etag = entry.etag;
    (parsed->date ? dated : undated).emplace(parsed->table, std::move(file));
  }
  for (Table table : kAllTables) {
    const auto d = dated.find(table);
    const auto u = undated.find(table);
    if (d != dated.end()) {
      inventory.taken.push_back(d->second);
      if (u != undated.end()) {
        inventory.skipped.push_back(
            {u->second.name, fmt::format("{} for this date is taken instead", d->second.name)});
      }
    } else if (u != undated.end()) {
      inventory.taken.push_back(u->second);
    }
  }
  std::sort(inventory.skipped.begin(), inventory.skipped.end(),
            [](const SkippedFile& a, const SkippedFile& b) { return a.name < b.name; });
  return inventory;
}

}  // namespace streampro::pipeline
