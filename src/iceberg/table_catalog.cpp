#include "iceberg/table_catalog.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <string_view>
#include <vector>

namespace streampro::iceberg {

namespace {

// The tables exactly as Iceberg's JdbcCatalog creates them (JdbcUtil: V0 schema plus the
// V1 `iceberg_type` column); pyiceberg's SqlCatalog uses the same names and types.
constexpr std::string_view kCreateTables =
    "CREATE TABLE IF NOT EXISTS iceberg_tables ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "table_namespace VARCHAR(255) NOT NULL, "
    "table_name VARCHAR(255) NOT NULL, "
    "metadata_location VARCHAR(1000), "
    "previous_metadata_location VARCHAR(1000), "
    "iceberg_type VARCHAR(5), "
    "PRIMARY KEY (catalog_name, table_namespace, table_name));"
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "namespace VARCHAR(255) NOT NULL, "
    "property_key VARCHAR(255), "
    "property_value VARCHAR(1000), "
    "PRIMARY KEY (catalog_name, namespace, property_key));";

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
    char* message = nullptr;
    if (sqlite3_exec(db_, std::string(kCreateTables).c_str(), nullptr, nullptr, &message) !=
        SQLITE_OK) {
      const std::string text = message != nullptr ? message : "unknown error";
      sqlite3_free(message);
      return Status::IOError(fmt::format("{}: creating the catalog tables: {}", path_, text));
    }
    return Status::OK();
  }

  Status EnsureNamespace(const std::string& ns) override {
    Statement insert(db_,
                     "INSERT OR IGNORE INTO iceberg_namespace_properties (catalog_name, namespace, "
                     "property_key, property_value) VALUES (?, ?, 'exists', 'true')");
    insert.Bind(1, catalog_name_);
    insert.Bind(2, ns);
    if (insert.Step() != SQLITE_DONE) return Error("creating namespace " + ns);
    return Status::OK();
  }

  Result<std::optional<std::string>> LoadMetadataLocation(const TableIdent& table) override {
    Statement select(db_,
                     "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND "
                     "table_namespace = ? AND table_name = ? AND (iceberg_type = 'TABLE' OR "
                     "iceberg_type IS NULL)");
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
    Statement insert(db_,
                     "INSERT OR IGNORE INTO iceberg_tables (catalog_name, table_namespace, "
                     "table_name, metadata_location, previous_metadata_location, iceberg_type) "
                     "VALUES (?, ?, ?, ?, NULL, 'TABLE')");
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
    Statement update(db_,
                     "UPDATE iceberg_tables SET metadata_location = ?, "
                     "previous_metadata_location = ? WHERE catalog_name = ? AND "
                     "table_namespace = ? AND table_name = ? AND metadata_location = ? AND "
                     "(iceberg_type = 'TABLE' OR iceberg_type IS NULL)");
    update.Bind(1, new_location);
    update.Bind(2, expected);
    update.Bind(3, catalog_name_);
    update.Bind(4, table.ns);
    update.Bind(5, table.name);
    update.Bind(6, expected);
    if (update.Step() != SQLITE_DONE) {
      return Error(fmt::format("committing {}.{}", table.ns, table.name));
    }
    return sqlite3_changes(db_) == 1;
  }

 private:
  sqlite3* db_;
  std::string path_;
  std::string catalog_name_;
};

// The SQLite file of a `sqlite:` URI: sqlite:///abs/path -> /abs/path (SQLAlchemy's
// spelling), sqlite:rel -> rel.
Result<std::string> SqlitePath(const std::string& uri) {
  std::string_view rest(uri);
  if (rest.starts_with("postgresql://") || rest.starts_with("postgres://")) {
    return Status::NotImplemented(fmt::format(
        "catalog {}: the PostgreSQL catalog is not built yet; use sqlite:///PATH", uri));
  }
  if (!rest.starts_with("sqlite:")) {
    return Status::InvalidArgument(
        fmt::format("catalog '{}': expected sqlite:///PATH (or postgresql://...)", uri));
  }
  rest.remove_prefix(7);
  if (rest.starts_with("//")) rest.remove_prefix(2);
  if (rest.empty()) return Status::InvalidArgument(fmt::format("catalog '{}': no file", uri));
  return std::string(rest);
}

}  // namespace

Status ValidateCatalogUri(const std::string& uri) {
  return SqlitePath(uri).status();
}

Result<std::unique_ptr<TableCatalog>> OpenTableCatalog(const std::string& uri,
                                                       const std::string& catalog_name) {
  ASSIGN_OR_RETURN(const std::string path, SqlitePath(uri));
  if (catalog_name.empty()) return Status::InvalidArgument("catalog name is empty");
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
