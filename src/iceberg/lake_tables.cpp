#include "iceberg/lake_tables.h"

#include "iceberg/table_catalog.h"
#include "iceberg/table_commit.h"

namespace streampro::iceberg {

std::vector<const catalog::TableDef*> IcebergTables() {
  std::vector<const catalog::TableDef*> tables;
  for (const catalog::TableDef& table : catalog::AllTables()) {
    if (table.format != catalog::FileFormat::kParquet || table.sql_name.empty()) continue;
    if (table.layer != catalog::Layer::kTrusted && table.layer != catalog::Layer::kEnriched) {
      continue;
    }
    tables.push_back(&table);
  }
  return tables;
}

Result<std::vector<TableCommit>> CommitLakeTables(const lake::Lake& lake,
                                                  const LakeTablesOptions& options,
                                                  int64_t now_ms) {
  ASSIGN_OR_RETURN(const std::unique_ptr<TableCatalog> catalog,
                   OpenTableCatalog(options.catalog_uri, options.catalog_name));
  RETURN_NOT_OK(catalog->EnsureNamespace(options.ns));
  std::vector<TableCommit> commits;
  for (const catalog::TableDef* table : IcebergTables()) {
    const TableIdent ident{options.ns, std::string(table->sql_name)};
    // A commit that stopped (killed, failed) left its marker: remove what it wrote that
    // the catalog does not name.
    ASSIGN_OR_RETURN(const std::optional<std::string> before, catalog->LoadMetadataLocation(ident));
    ASSIGN_OR_RETURN(std::vector<RemovedFile> orphans, RemoveOrphans(lake, *table, before));
    ASSIGN_OR_RETURN(const std::vector<WantedFile> wanted, PublishedFiles(lake, *table));
    if (wanted.empty()) continue;
    ASSIGN_OR_RETURN(const CommitOutcome outcome,
                     CommitTable(
                         *catalog, ident,
                         [&](const std::optional<std::string>& current) {
                           return WriteNextMetadata(lake, *table, current, wanted, now_ms);
                         },
                         options.max_attempts));
    if (outcome.committed) {
      lake.Notify(lake::CommitStep::kIcebergCommitted);
      RETURN_NOT_OK(lake.Delete(CommitMarkerUri(lake, *table)));
    }
    commits.push_back(
        {table, outcome.committed, outcome.metadata_location.value_or(""), std::move(orphans)});
  }
  return commits;
}

Result<std::vector<TableExpiry>> ExpireLakeTables(const lake::Lake& lake,
                                                  const LakeTablesOptions& options,
                                                  const ExpireOptions& expire, int64_t now_ms) {
  ASSIGN_OR_RETURN(const std::unique_ptr<TableCatalog> catalog,
                   OpenTableCatalog(options.catalog_uri, options.catalog_name));
  std::vector<TableExpiry> expiries;
  for (const catalog::TableDef* table : IcebergTables()) {
    ASSIGN_OR_RETURN(TableExpiry expiry,
                     ExpireTable(lake, *catalog, {options.ns, std::string(table->sql_name)}, *table,
                                 expire, now_ms));
    expiries.push_back(std::move(expiry));
  }
  return expiries;
}

}  // namespace streampro::iceberg
