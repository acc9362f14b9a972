#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace streampro {

/// The four landing tables of SPEC §1.
enum class Table : uint8_t { kUsers, kVideos, kDevices, kEvents };
inline constexpr std::array<Table, 4> kAllTables = {Table::kUsers, Table::kVideos, Table::kDevices,
                                                    Table::kEvents};

constexpr std::string_view TableName(Table table) {
  switch (table) {
    case Table::kUsers:
      return "users";
    case Table::kVideos:
      return "videos";
    case Table::kDevices:
      return "devices";
    case Table::kEvents:
      return "events";
  }
  return "";
}

/// `csv` for the dimension tables, `jsonl` for events.
constexpr std::string_view TableExtension(Table table) {
  return table == Table::kEvents ? "jsonl" : "csv";
}

constexpr std::optional<Table> TableFromName(std::string_view name) {
  for (Table t : kAllTables) {
    if (TableName(t) == name) return t;
  }
  return std::nullopt;
}

}  // namespace streampro
