#include "iceberg/table_catalog.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <string_view>
#include <vector>

#include "iceberg/jdbc_schema.h"
#include "iceberg/postgres_catalog.h"

namespace streampro::iceberg {

namespace {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) {
    rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  void Bind(int index, const std::string& value) {
    if (rc_ == SQLITE_OK) {
      rc_ = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                              SQLITE_TRANSIENT);
    }
  }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return rc_ == SQLITE_OK ? sqlite3_step(stmt_) : rc_; }
  std::optional<std::string> Column(int index) {
    const unsigned char* text = sqlite3_column_text(stmt_, index);
    if (text == nullptr) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

class SqliteCatalog final : public TableCatalog {
 public:
  SqliteCatalog(sqlite3* db, std::string path, std::string catalog_name)
      : db_(db), path_(std::move(path)), catalog_name_(std::move(catalog_name)) {}
  ~SqliteCatalog() override { sqlite3_close(db_); }

  Status Error(std::string_view what) const {
    return Status::IOError(fmt::format("{}: {}: {}", path_, what, sqlite3_errmsg(db_)));
  }

  Status Init() {
    sqlite3_busy_timeout(db_, 10'000);
    RETURN_NOT_OK(Exec(jdbc_sql::kCreateTables, "creating the catalog tables"));
    // Tables of JdbcUtil's V0 schema (pyiceberg creates those) get the V1 column the way
    // Iceberg's JdbcCatalog migrates them; a writer that adds it at the same time wins.
    ASSIGN_OR_RETURN(bool typed, HasTypeColumn());
    if (typed) return Status::OK();
    const Status added = Exec(jdbc_sql::kAddTypeColumn, "adding iceberg_type");
    ASSIGN_OR_RETURN(typed, HasTypeColumn());
    return typed ? Status::OK() : added;
  }

  Status EnsureNamespace(const std::string& ns) override {
    Statement insert(db_, jdbc_sql::kEnsureNamespace);
    insert.Bind(1, catalog_name_);
    insert.Bind(2, ns);
    if (insert.Step() != SQLITE_DONE) return Error("creating namespace " + ns);
    return Status::OK();
  }

  Result<std::optional<std::string>> LoadMetadataLocation(const TableIdent& table) override {
    Statement select(db_, jdbc_sql::kLoadTable);
    select.Bind(1, catalog_name_);
    select.Bind(2, table.ns);
    select.Bind(3, table.name);
    const int rc = select.Step();
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    if (rc != SQLITE_ROW) return Error(fmt::format("loading {}.{}", table.ns, table.name));
    std::optional<std::string> location = select.Column(0);
    if (!location) {
      return Status::InvalidData(
          fmt::format("{}: table {}.{} has no metadata_location", path_, table.ns, table.name));
    }
    return location;
  }

  Result<bool> CreateTable(const TableIdent& table, const std::string& metadata_location) override {
    Statement insert(db_, jdbc_sql::kCreateTable);
    insert.Bind(1, catalog_name_);
    insert.Bind(2, table.ns);
    insert.Bind(3, table.name);
    insert.Bind(4, metadata_location);
    if (insert.Step() != SQLITE_DONE) {
      return Error(fmt::format("creating {}.{}", table.ns, table.name));
    }
    return sqlite3_changes(db_) == 1;
  }

  Result<bool> SwapMetadataLocation(const TableIdent& table, const std::string& expected,
                                    const std::string& new_location) override {
    Statement update(db_, jdbc_sql::kSwapTable);
    update.Bind(1, new_location);
    update.Bind(2, expected);
    update.Bind(3, catalog_name_);
    update.Bind(4, table.ns);
    update.Bind(5, table.name);
    if (update.Step() != SQLITE_DONE) {
      return Error(fmt::format("committing {}.{}", table.ns, table.name));
    }
    return sqlite3_changes(db_) == 1;
  }

 private:
  Status Exec(std::string_view sql, std::string_view what) {
    char* message = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message) == SQLITE_OK) {
      return Status::OK();
    }
    const std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return Status::IOError(fmt::format("{}: {}: {}", path_, what, text));
  }

  Result<bool> HasTypeColumn() {
    Statement check(db_,
                    "SELECT count(*) FROM pragma_table_info('iceberg_tables') WHERE name = "
                    "'iceberg_type'");
    if (check.Step() != SQLITE_ROW) return Error("looking for the catalog tables");
    return check.Column(0) == "1";
  }

  sqlite3* db_;
  std::string path_;
  std::string catalog_name_;
};

// The SQLite file of a `sqlite:` URI: sqlite:///abs/path -> /abs/path (SQLAlchemy's
// spelling), sqlite:rel -> rel.
Result<std::string> SqlitePath(const std::string& uri) {
  std::string_view rest(uri);
  if (!rest.starts_with("sqlite:")) {
    return Status::InvalidArgument(fmt::format(
        "catalog '{}': expected sqlite:///PATH or postgresql://USER@HOST:PORT/DB", uri));
  }
  rest.remove_prefix(7);
  if (rest.starts_with("//")) rest.remove_prefix(2);
  if (rest.empty()) return Status::InvalidArgument(fmt::format("catalog '{}': no file", uri));
  return std::string(rest);
}

}  // namespace

std::string CatalogForDisplay(const std::string& uri) {
  return IsPostgresUri(uri) ? PostgresUriForDisplay(uri) : uri;
}

Status ValidateCatalogUri(const std::string& uri) {
  if (IsPostgresUri(uri)) return ValidatePostgresUri(uri);
  return SqlitePath(uri).status();
}

Result<std::unique_ptr<TableCatalog>> OpenTableCatalog(const std::string& uri,
                                                       const std::string& catalog_name) {
  if (catalog_name.empty()) return Status::InvalidArgument("catalog name is empty");
  if (IsPostgresUri(uri)) return OpenPostgresCatalog(uri, catalog_name);
  ASSIGN_OR_RETURN(const std::string path, SqlitePath(uri));
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IOError(fmt::format("{}: cannot open the catalog: {}", path, message));
  }
  auto catalog = std::make_unique<SqliteCatalog>(db, path, catalog_name);
  RETURN_NOT_OK(catalog->Init());
  return std::unique_ptr<TableCatalog>(std::move(catalog));
}

Result<CommitOutcome> CommitTable(TableCatalog& catalog, const TableIdent& table,
                                  const MetadataBuilder& build, int max_attempts) {
  CommitOutcome outcome;
  for (outcome.attempts = 1; outcome.attempts <= max_attempts; ++outcome.attempts) {
    ASSIGN_OR_RETURN(const std::optional<std::string> current, catalog.LoadMetadataLocation(table));
    ASSIGN_OR_RETURN(const std::optional<std::string> next, build(current));
    if (!next) {
      outcome.metadata_location = current;
      return outcome;
    }
    bool swapped = false;
    if (current) {
      ASSIGN_OR_RETURN(swapped, catalog.SwapMetadataLocation(table, *current, *next));
    } else {
      ASSIGN_OR_RETURN(swapped, catalog.CreateTable(table, *next));
    }
    if (swapped) {
      outcome.metadata_location = next;
      outcome.committed = true;
      return outcome;
    }
  }
  return Status::IOError(fmt::format(
      "iceberg table {}.{}: other writers committed first {} times in a row; nothing was "
      "committed, run again",
      table.ns, table.name, max_attempts));
}

}  // namespace streampro::iceberg
