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
    ASSIGN_OR_RETURN(const std::vector<WantedFile> wanted, PublishedFiles(lake, *table));
    if (wanted.empty()) continue;
    ASSIGN_OR_RETURN(const CommitOutcome outcome,
                     CommitTable(
                         *catalog, {options.ns, std::string(table->sql_name)},
                         [&](const std::optional<std::string>& current) {
                           return WriteNextMetadata(lake, *table, current, wanted, now_ms);
                         },
                         options.max_attempts));
    commits.push_back({table, outcome.committed, outcome.metadata_location.value_or("")});
  }
  return commits;
}

}  // namespace streampro::iceberg
