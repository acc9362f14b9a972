#include "formats/common/string_key_table.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "formats/common/key_set.h"

namespace streampro::formats {
namespace {

TEST(StringKeyTableTest, InsertReportsNewKeysOnly) {
  StringKeyTable table;
  EXPECT_TRUE(table.Insert("a"));
  EXPECT_FALSE(table.Insert("a"));
  EXPECT_TRUE(table.Insert(""));
  EXPECT_FALSE(table.Insert(""));
  EXPECT_TRUE(table.Insert(std::string("a\0b", 3)));
  EXPECT_TRUE(table.Insert("ab"));
  EXPECT_EQ(table.size(), 4u);
  EXPECT_TRUE(table.Contains(std::string("a\0b", 3)));
  EXPECT_FALSE(table.Contains("b"));
}

TEST(StringKeyTableTest, AgreesWithStdSetOverManyKeysAndBlocks) {
  StringKeyTable table;
  std::set<std::string> expected;
  for (int i = 0; i < 60000; ++i) {
    // Long keys spill over several 1 MiB blocks; one key is larger than a block.
    const std::string key = i == 777
                                ? std::string(3 << 20, 'x')
                                : fmt::format("key-{}-{}", i % 40000, std::string(i % 50, 'p'));
    EXPECT_EQ(table.Insert(key), expected.insert(key).second) << i;
  }
  EXPECT_EQ(table.size(), expected.size());
  for (const std::string& key : expected) EXPECT_TRUE(table.Contains(key));
  EXPECT_FALSE(table.Contains("key-40000-"));
}

TEST(KeySetTest, LooksUpByStringView) {
  KeySet keys;
  keys.Reserve(2);
  keys.Insert("u1");
  keys.Insert("u2");
  const std::string probe = "xu1";
  EXPECT_TRUE(keys.Contains(std::string_view(probe).substr(1)));
  EXPECT_FALSE(keys.Contains("u3"));
  EXPECT_FALSE(keys.Contains(""));
  EXPECT_EQ(keys.size(), 2u);
}

TEST(KeySetTest, FromColumnTakesEveryNonNullValue) {
  Column ids(TypeId::kString);
  ids.AppendString("u1");
  ids.AppendNull();
  ids.AppendString("");
  ids.AppendString("u1");
  const auto keys = KeySet::FromColumn(ids);
  EXPECT_EQ(keys->size(), 2u);
  EXPECT_TRUE(keys->Contains("u1"));
  EXPECT_TRUE(keys->Contains(""));
  EXPECT_FALSE(keys->Contains("u2"));
}

}  // namespace
}  // namespace streampro::formats
