#pragma once

// Iceberg locations of lake URIs. A local lake's URIs are absolute paths (/srv/lake/...);
// Iceberg metadata names them as `file:///srv/lake/...`, since Trino's file systems resolve
// a location by its scheme and refuse one without ("No factory for location"), while
// pyiceberg and Spark read both forms. Other URIs (s3://...) are the same in both.

#include <string>
#include <string_view>

namespace streampro::iceberg {

/// The location to write into Iceberg metadata for the lake URI `uri`.
inline std::string ToIcebergLocation(std::string_view uri) {
  if (uri.starts_with('/')) return "file://" + std::string(uri);
  return std::string(uri);
}

/// The lake URI of a location read from Iceberg metadata or the catalog: `file:///p` and
/// `file:/p` are the path /p; anything else (a plain path written before, s3://...) is
/// the URI itself.
inline std::string FromIcebergLocation(std::string_view location) {
  if (location.starts_with("file://"))
    location.remove_prefix(7);
  else if (location.starts_with("file:/"))
    location.remove_prefix(5);
  return std::string(location);
}

}  // namespace streampro::iceberg
