#include "lake/durable_fs.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/file.h"
#include "support/temp_dir.h"

namespace streampro::lake::internal {
namespace {

void MakeVersion(const std::string& dir, const std::string& content) {
  ASSERT_TRUE(CreateDirectories(dir).ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/data", content).ok());
}

class DurableFsTest : public ::testing::Test {
 protected:
  testing::TempDir lake_;
};

TEST_F(DurableFsTest, NewFolderIsRenamedIntoPlace) {
  MakeVersion(lake_ / "staged", "new");
  auto result = PublishFolder(lake_.path(), lake_ / "staged", lake_ / "target", lake_ / "aside",
                              lake_ / "marker.recover", /*allow_exchange=*/true, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->method, PublishMethod::kRename);
  EXPECT_EQ(result->previous_version, "");
  EXPECT_EQ(testing::ReadOrDie(lake_ / "target/data"), "new");
  EXPECT_FALSE(std::filesystem::exists(lake_ / "staged"));
}

TEST_F(DurableFsTest, ExistingFolderIsSwappedAtomically) {
  MakeVersion(lake_ / "target", "old");
  MakeVersion(lake_ / "staged", "new");
  auto result = PublishFolder(lake_.path(), lake_ / "staged", lake_ / "target", lake_ / "aside",
                              lake_ / "marker.recover", /*allow_exchange=*/true, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->method, PublishMethod::kExchange);
  EXPECT_EQ(testing::ReadOrDie(lake_ / "target/data"), "new");
  EXPECT_EQ(testing::ReadOrDie(result->previous_version + "/data"), "old");
}

TEST_F(DurableFsTest, RenameAsideFallbackReplacesAndRemovesItsMarker) {
  MakeVersion(lake_ / "target", "old");
  MakeVersion(lake_ / "staged", "new");
  auto result = PublishFolder(lake_.path(), lake_ / "staged", lake_ / "target", lake_ / "aside",
                              lake_ / "marker.recover", /*allow_exchange=*/false, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->method, PublishMethod::kRenameAside);
  EXPECT_EQ(result->previous_version, lake_ / "aside");
  EXPECT_EQ(testing::ReadOrDie(lake_ / "target/data"), "new");
  EXPECT_EQ(testing::ReadOrDie(lake_ / "aside/data"), "old");
  EXPECT_FALSE(std::filesystem::exists(lake_ / "marker.recover"));
}

TEST_F(DurableFsTest, MarkerPutsTheOldVersionBackWhenTheTargetIsMissing) {
  // What a crash between the two renames of the fallback leaves behind.
  MakeVersion(lake_ / "aside", "old");
  ASSERT_TRUE(WriteFileAtomically(lake_ / "marker.recover", "target\naside\n").ok());
  std::string restored;
  ASSERT_TRUE(RecoverFromMarker(lake_.path(), lake_ / "marker.recover", &restored).ok());
  EXPECT_EQ(restored, lake_ / "target");
  EXPECT_EQ(testing::ReadOrDie(lake_ / "target/data"), "old");
}

TEST_F(DurableFsTest, MarkerLeavesAPublishedTargetAlone) {
  MakeVersion(lake_ / "aside", "old");
  MakeVersion(lake_ / "target", "new");
  ASSERT_TRUE(WriteFileAtomically(lake_ / "marker.recover", "target\naside\n").ok());
  std::string restored;
  ASSERT_TRUE(RecoverFromMarker(lake_.path(), lake_ / "marker.recover", &restored).ok());
  EXPECT_EQ(restored, "");
  EXPECT_EQ(testing::ReadOrDie(lake_ / "target/data"), "new");
}

TEST_F(DurableFsTest, RemoveTreeAndFsyncDirectory) {
  MakeVersion(lake_ / "a/b", "x");
  EXPECT_TRUE(FsyncDirectory(lake_ / "a").ok());
  EXPECT_TRUE(RemoveTree(lake_ / "a").ok());
  EXPECT_FALSE(std::filesystem::exists(lake_ / "a"));
  EXPECT_TRUE(RemoveTree(lake_ / "a").ok());
  EXPECT_FALSE(FsyncDirectory(lake_ / "missing").ok());
}

}  // namespace
}  // namespace streampro::lake::internal
