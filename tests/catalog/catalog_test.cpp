#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace streampro::catalog {
namespace {

TEST(CatalogTest, EveryTableIsFoundByItsLayerAndFolder) {
  std::set<std::string> labels;
  for (const TableDef& table : AllTables()) {
    EXPECT_EQ(&Get(table.id), &table);
    EXPECT_EQ(Find(table.layer, table.folder), &table);
    EXPECT_TRUE(labels.insert(std::string(table.label())).second) << table.label();
  }
  EXPECT_EQ(AllTables().size(), 14u);
  EXPECT_EQ(Find(Layer::kTrusted, "nope"), nullptr);
  EXPECT_EQ(Get(TableId::kTrustedRejects).label(), "trusted._rejects");
  EXPECT_EQ(Get(TableId::kReport).label(), "reports");
}

TEST(CatalogTest, LandingTablesMapToTheirRawAndTrustedTables) {
  for (const Table table : kAllTables) {
    EXPECT_EQ(RawTable(table).layer, Layer::kRaw);
    EXPECT_EQ(RawTable(table).folder, TableName(table));
    EXPECT_EQ(RawTable(table).source, table);
    EXPECT_EQ(TrustedTable(table).layer, Layer::kTrusted);
    EXPECT_EQ(TrustedTable(table).folder, TableName(table));
    EXPECT_EQ(TrustedTable(table).source, table);
    ASSERT_NE(RawTable(table).schema, nullptr);
    EXPECT_EQ(RawTable(table).sql_name, "raw_" + std::string(TableName(table)));
    EXPECT_EQ(TrustedTable(table).sql_name, "trusted_" + std::string(TableName(table)));
    ASSERT_NE(TrustedTable(table).schema, nullptr);
  }
}

// SPEC §1 and §7 by hand: the keys and the required columns.
TEST(CatalogTest, KeysAndRequiredColumnsFollowTheSpec) {
  EXPECT_EQ(TrustedTable(Table::kUsers).key, (std::vector<std::string_view>{"user_id"}));
  EXPECT_EQ(TrustedTable(Table::kVideos).key, (std::vector<std::string_view>{"video_id"}));
  EXPECT_EQ(TrustedTable(Table::kDevices).key,
            (std::vector<std::string_view>{"device", "os", "model"}));
  const Schema& events = *TrustedTable(Table::kEvents).schema;
  for (const std::string_view required :
       {"timestamp", "user_id", "event_name", "session_id", "source_line"}) {
    const int index = events.FieldIndex(required);
    ASSERT_GE(index, 0) << required;
    EXPECT_FALSE(events.field(index).nullable) << required;
  }
  EXPECT_EQ(events.field(events.FieldIndex("timestamp")).type, TypeId::kTimestampMicros);
  EXPECT_TRUE(TrustedTable(Table::kEvents).bucketed_by_user);
  EXPECT_TRUE(Get(TableId::kUserSessions).bucketed_by_user);
  EXPECT_FALSE(Get(TableId::kGenrePerformance).bucketed_by_user);
}

TEST(CatalogTest, FieldIdsAreStableAndUniquePerTable) {
  for (const TableDef& table : AllTables()) {
    if (!table.schema) continue;
    ASSERT_EQ(table.field_ids.size(), static_cast<size_t>(table.schema->num_fields()));
    std::set<int32_t> ids(table.field_ids.begin(), table.field_ids.end());
    ids.insert(table.partition_field_id);
    EXPECT_EQ(ids.size(), table.field_ids.size() + 1) << table.label();
    EXPECT_EQ(*ids.begin(), 1) << table.label();
  }
  // Pinned: a renumbering would break every Iceberg table written before it.
  const TableDef& sessions = Get(TableId::kUserSessions);
  EXPECT_EQ(sessions.FieldId("user_id"), 1);
  EXPECT_EQ(sessions.FieldId("hours_since_previous_session"), 16);
  EXPECT_EQ(sessions.FieldId("ingestion_date"), 17);
  EXPECT_EQ(sessions.FieldId("nope"), 0);
}

TEST(CatalogTest, EngineTypes) {
  EXPECT_EQ(TrinoType(TypeId::kTimestampMicros, 6), "timestamp(6)");
  EXPECT_EQ(TrinoType(TypeId::kString, 6), "varchar");
  EXPECT_EQ(SparkType(TypeId::kInt64), "BIGINT");
  EXPECT_EQ(SparkType(TypeId::kDate32), "DATE");
  EXPECT_EQ(IcebergType(TypeId::kTimestampMicros), "timestamptz");
  EXPECT_EQ(IcebergType(TypeId::kInt32), "int");
}

TEST(CatalogTest, LayerNamesRoundTrip) {
  for (const Layer layer : kAllLayers) EXPECT_EQ(LayerFromName(LayerName(layer)), layer);
  EXPECT_EQ(LayerFromName("bronze"), std::nullopt);
}

}  // namespace
}  // namespace streampro::catalog
