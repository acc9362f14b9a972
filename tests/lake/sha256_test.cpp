#include "lake/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace streampro::lake {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256::HexOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256::HexOf("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, IncrementalEqualsOneShotAndResets) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += static_cast<char>('a' + i % 26);
  auto hasher = Sha256::Make();
  ASSERT_TRUE(hasher.ok());
  for (size_t pos = 0; pos < text.size(); pos += 4093) {
    hasher->Update(std::string_view(text).substr(pos, 4093));
  }
  EXPECT_EQ(hasher->FinishHex(), Sha256::HexOf(text));
  hasher->Update("abc");
  EXPECT_EQ(hasher->FinishHex(), Sha256::HexOf("abc"));
}

}  // namespace
}  // namespace streampro::lake
