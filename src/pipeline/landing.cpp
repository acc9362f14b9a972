#include "pipeline/landing.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

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

Result<LandingInventory> ScanLanding(const storage::ObjectRef& landing, Date date) {
  if (const std::optional<std::string> path = landing.store->LocalPath(landing.key)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(*path, ec)) {
      return Status::NotFound(fmt::format("{}: cannot list landing folder: {}", *path,
                                          ec ? ec.message() : "not a folder"));
    }
  }
  ASSIGN_OR_RETURN(const std::vector<storage::ObjectInfo> objects,
                   landing.store->List(landing.key));
  const std::string prefix = landing.key.empty() ? std::string() : landing.key + "/";
  std::vector<LandingEntry> entries;
  std::set<std::string> folders;
  for (const storage::ObjectInfo& object : objects) {
    const std::string_view rest = std::string_view(object.key).substr(prefix.size());
    const size_t slash = rest.find('/');
    if (slash != std::string_view::npos) {
      // Below a folder: listed once, as not a file.
      if (folders.insert(std::string(rest.substr(0, slash))).second) {
        entries.push_back(LandingEntry{std::string(rest.substr(0, slash)),
                                       landing.store->Uri(object.key), object.key, false, 0, 0,
                                       ""});
      }
      continue;
    }
    entries.push_back(LandingEntry{std::string(rest), landing.store->Uri(object.key), object.key,
                                   true, object.size, object.mtime_ns, object.etag});
  }
  LandingInventory inventory = ClassifyLanding(entries, date);
  inventory.store = landing.store;
  return inventory;
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
    file.key = entry.key;
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
