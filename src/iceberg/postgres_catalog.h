#pragma once

// The PostgreSQL backend of TableCatalog (libpq), for OpenTableCatalog's
// `postgresql://` and `postgres://` URIs. Internal to src/iceberg.

#include <memory>
#include <string>

#include "iceberg/table_catalog.h"
#include "streampro/status.h"

namespace streampro::iceberg {

/// Whether `uri` names a PostgreSQL database (`postgresql://` or `postgres://`).
bool IsPostgresUri(const std::string& uri);

/// postgresql://USER@HOST:PORT/DB of what the URI names (the parts it names), without
/// the password; "postgresql://(unreadable URI)" when libpq cannot read it.
std::string PostgresUriForDisplay(const std::string& uri);

/// Checks the URI's syntax with libpq's own parser; connects to nothing.
Status ValidatePostgresUri(const std::string& uri);

/// Connects (libpq: user, password, host, port, database and options from the URI, the
/// rest from PGPASSWORD, ~/.pgpass and the other PG* variables) and creates the JDBC
/// catalog tables when missing. Errors name the user, host, port and database, never the
/// password.
Result<std::unique_ptr<TableCatalog>> OpenPostgresCatalog(const std::string& uri,
                                                          const std::string& catalog_name);

}  // namespace streampro::iceberg
