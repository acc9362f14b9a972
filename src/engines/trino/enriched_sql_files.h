#pragma once

// The files of sql/trino, built into the library by embed_sql.cmake (internal to
// enriched_sql.cpp).

#include <cstddef>
#include <string_view>

namespace streampro::engines::trino::internal {

struct EmbeddedSqlFile {
  std::string_view name;  ///< file name, e.g. "user_sessions.sql"
  std::string_view text;  ///< the file's bytes
};

extern const EmbeddedSqlFile kEmbeddedSqlFiles[];
extern const size_t kEmbeddedSqlFileCount;

}  // namespace streampro::engines::trino::internal
