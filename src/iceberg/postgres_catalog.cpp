#include "iceberg/postgres_catalog.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <array>
#include <string_view>
#include <utility>

#include "iceberg/jdbc_schema.h"

namespace streampro::iceberg {

namespace {

// Serialises the creation of the catalog tables between writers that start together
// (CREATE TABLE IF NOT EXISTS alone can fail on a concurrent create); any fixed number
// works, it only has to be the same for every StreamPro process.
constexpr std::string_view kCreateTablesLock = "SELECT pg_advisory_xact_lock(7429174214)";

// libpq's messages can span lines ("...failed: Connection refused\n\tIs the server
// running..."): one line, whitespace runs made single spaces.
std::string OneLine(std::string_view text) {
  std::string line;
  bool space = false;
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !line.empty();
      continue;
    }
    if (space) line.push_back(' ');
    space = false;
    line.push_back(c);
  }
  return line;
}

// "postgresql://USER@HOST:PORT/DB" of a connection (tried or made), for error messages:
// the values in effect, defaults included, and never the password.
std::string Describe(const PGconn* conn) {
  const auto value = [](const char* text) { return text != nullptr ? text : ""; };
  return fmt::format("postgresql://{}@{}:{}/{}", value(PQuser(conn)), value(PQhost(conn)),
                     value(PQport(conn)), value(PQdb(conn)));
}

// `text` with the URI's password (USER:PASSWORD@ before the host) replaced by "***".
std::string WithoutPassword(std::string text, std::string_view uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return text;
  std::string_view authority = uri.substr(scheme + 3);
  authority = authority.substr(0, authority.find('/'));
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return text;
  const size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos || colon + 1 == at) return text;
  const std::string_view password = authority.substr(colon + 1, at - colon - 1);
  for (size_t pos = text.find(password); pos != std::string::npos;
       pos = text.find(password, pos + 3)) {
    text.replace(pos, password.size(), "***");
  }
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// Notices ("relation ... already exists, skipping") are not errors; libpq would print
// them on stderr.
void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

class PostgresCatalog final : public TableCatalog {
 public:
  PostgresCatalog(PGconn* conn, std::string catalog_name)
      : conn_(conn), catalog_name_(std::move(catalog_name)) {
    where_ = "catalog " + Describe(conn_);
  }
  ~PostgresCatalog() override { PQfinish(conn_); }
  PostgresCatalog(const PostgresCatalog&) = delete;
  PostgresCatalog& operator=(const PostgresCatalog&) = delete;

  Status Init() {
    PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
    // Readers may lack the right to create tables: create only what is missing.
    ASSIGN_OR_RETURN(PgResult present,
                     Run("SELECT to_regclass('iceberg_tables') IS NOT NULL AND "
                         "to_regclass('iceberg_namespace_properties') IS NOT NULL AND EXISTS "
                         "(SELECT 1 FROM information_schema.columns WHERE table_schema = "
                         "current_schema() AND table_name = 'iceberg_tables' AND column_name = "
                         "'iceberg_type')",
                         {}, "looking for the catalog tables"));
    if (std::string_view(PQgetvalue(present.get(), 0, 0)) == "t") return Status::OK();
    // Tables of JdbcUtil's V0 schema (pyiceberg creates those) get the V1 column the way
    // Iceberg's JdbcCatalog migrates them; their rows (iceberg_type NULL) stay tables.
    const std::string create =
        fmt::format("BEGIN; {}; {} {}; COMMIT;", kCreateTablesLock, jdbc_sql::kCreateTables,
                    "ALTER TABLE iceberg_tables ADD COLUMN IF NOT EXISTS iceberg_type VARCHAR(5)");
    return Run(create, {}, "creating the catalog tables").status();
  }

  Status EnsureNamespace(const std::string& ns) override {
    return Run(jdbc_sql::kEnsureNamespace, {catalog_name_, ns}, "creating namespace " + ns)
        .status();
  }

  Result<std::optional<std::string>> LoadMetadataLocation(const TableIdent& table) override {
    ASSIGN_OR_RETURN(PgResult rows, Run(jdbc_sql::kLoadTable, {catalog_name_, table.ns, table.name},
                                        fmt::format("loading {}.{}", table.ns, table.name)));
    if (PQntuples(rows.get()) == 0) return std::optional<std::string>();
    if (PQgetisnull(rows.get(), 0, 0)) {
      return Status::InvalidData(
          fmt::format("{}: table {}.{} has no metadata_location", where_, table.ns, table.name));
    }
    return std::optional<std::string>(PQgetvalue(rows.get(), 0, 0));
  }

  Result<bool> CreateTable(const TableIdent& table, const std::string& metadata_location) override {
    ASSIGN_OR_RETURN(PgResult done, Run(jdbc_sql::kCreateTable,
                                        {catalog_name_, table.ns, table.name, metadata_location},
                                        fmt::format("creating {}.{}", table.ns, table.name)));
    return std::string_view(PQcmdTuples(done.get())) == "1";
  }

  Result<bool> SwapMetadataLocation(const TableIdent& table, const std::string& expected,
                                    const std::string& new_location) override {
    // Read committed: a concurrent UPDATE of the row makes this one wait, then re-check
    // `metadata_location = expected` on the committed row, which no longer matches.
    ASSIGN_OR_RETURN(
        PgResult done,
        Run(jdbc_sql::kSwapTable, {new_location, expected, catalog_name_, table.ns, table.name},
            fmt::format("committing {}.{}", table.ns, table.name)));
    return std::string_view(PQcmdTuples(done.get())) == "1";
  }

 private:
  // One statement with text parameters ($1...), or several without.
  Result<PgResult> Run(std::string_view sql, std::initializer_list<std::string> params,
                       std::string_view what) {
    std::array<const char*, 8> values{};
    size_t n = 0;
    for (const std::string& p : params) values.at(n++) = p.c_str();
    const std::string text(sql);
    PgResult result(n == 0 ? PQexec(conn_, text.c_str())
                           : PQexecParams(conn_, text.c_str(), static_cast<int>(n), nullptr,
                                          values.data(), nullptr, nullptr, 0));
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const char* message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_);
      return Status::IOError(fmt::format("{}: {}: {}", where_, what, OneLine(message)));
    }
    return result;
  }

  PGconn* conn_;
  std::string catalog_name_;
  std::string where_;
};

}  // namespace

bool IsPostgresUri(const std::string& uri) {
  return uri.starts_with("postgresql://") || uri.starts_with("postgres://");
}

std::string PostgresUriForDisplay(const std::string& uri) {
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), nullptr);
  if (options == nullptr) return "postgresql://(unreadable URI)";
  std::string user, host, port, db;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key(o->keyword);
    if (key == "user") user = o->val;
    if (key == "host") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") db = o->val;
  }
  PQconninfoFree(options);
  return fmt::format("postgresql://{}{}{}{}/{}", user, user.empty() ? "" : "@", host,
                     port.empty() ? "" : ":" + port, db);
}

Status ValidatePostgresUri(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    // libpq's message quotes the part it could not read, which may be the password.
    const std::string reason =
        error != nullptr ? WithoutPassword(OneLine(error), uri) : "out of memory";
    PQfreemem(error);
    return Status::InvalidArgument(fmt::format("catalog postgresql URI: {}", reason));
  }
  PQconninfoFree(options);
  return Status::OK();
}

Result<std::unique_ptr<TableCatalog>> OpenPostgresCatalog(const std::string& uri,
                                                          const std::string& catalog_name) {
  RETURN_NOT_OK(ValidatePostgresUri(uri));
  // Later entries override earlier ones, so the URI's own connect_timeout or
  // application_name win over these defaults.
  const std::array<const char*, 4> keys = {"connect_timeout", "application_name", "dbname",
                                           nullptr};
  const std::array<const char*, 4> values = {"10", "streampro", uri.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return Status::IOError("catalog: libpq is out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = fmt::format("catalog {}: cannot connect: {}", Describe(conn),
                                            WithoutPassword(OneLine(PQerrorMessage(conn)), uri));
    PQfinish(conn);
    return Status::IOError(message);
  }
  auto catalog = std::make_unique<PostgresCatalog>(conn, catalog_name);
  RETURN_NOT_OK(catalog->Init());
  return std::unique_ptr<TableCatalog>(std::move(catalog));
}

}  // namespace streampro::iceberg
