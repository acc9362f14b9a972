#include "formats/common/text_chunker.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace streampro::formats {
namespace {

std::vector<TextChunk> ChunkAll(const std::string& text, int64_t chunk_bytes, RecordQuoting quoting,
                                int64_t start = 0) {
  auto file = MakeBufferFile("t", text);
  TextChunker chunker(*file, start, 1, chunk_bytes, quoting);
  std::vector<TextChunk> chunks;
  while (true) {
    TextChunk chunk;
    auto more = chunker.Next(&chunk);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

TEST(TextChunkerTest, ChunksConcatenateToTheInputAndEndAtNewlines) {
  const std::string text = "aa\nbbbb\n\nc\nddddddddd\ne";
  for (int64_t size : {1, 2, 3, 5, 8, 100}) {
    const auto chunks = ChunkAll(text, size, RecordQuoting::kNone);
    std::string joined;
    int64_t line = 1;
    for (size_t i = 0; i < chunks.size(); ++i) {
      const TextChunk& chunk = chunks[i];
      EXPECT_EQ(chunk.index, static_cast<int64_t>(i));
      EXPECT_EQ(chunk.first_line, line);
      EXPECT_EQ(chunk.file_offset, static_cast<int64_t>(joined.size()));
      EXPECT_EQ(chunk.data.size(), chunk.size + kChunkPadding);
      EXPECT_EQ(chunk.data.substr(chunk.size), std::string(kChunkPadding, ' '));
      if (i + 1 < chunks.size()) {
        EXPECT_EQ(chunk.text().back(), '\n') << size;
      }
      line += std::count(chunk.text().begin(), chunk.text().end(), '\n');
      joined += chunk.text();
    }
    EXPECT_EQ(joined, text) << size;
  }
}

TEST(TextChunkerTest, CsvChunksNeverSplitAQuotedNewline) {
  const std::string text = "h\n\"a\nb\",1\n\"x\"\"\ny\"\nz\n";
  for (int64_t size : {1, 2, 4, 7, 64}) {
    const auto chunks = ChunkAll(text, size, RecordQuoting::kDoubleQuote);
    std::vector<std::string> pieces;
    for (const TextChunk& chunk : chunks) pieces.emplace_back(chunk.text());
    for (const std::string& piece : pieces) {
      EXPECT_TRUE(piece == "h\n" || piece.find("\"a\nb\",1\n") != std::string::npos ||
                  piece.find("\"x\"\"\ny\"\n") != std::string::npos || piece == "z\n" ||
                  piece.size() > 10)
          << fmt::format("size {} piece [{}]", size, piece);
      EXPECT_NE(piece.front(), 'b');
      EXPECT_NE(piece.front(), 'y');
    }
  }
  const auto one_each = ChunkAll(text, 1, RecordQuoting::kDoubleQuote);
  ASSERT_EQ(one_each.size(), 4u);
  EXPECT_EQ(one_each[1].text(), "\"a\nb\",1\n");
  EXPECT_EQ(one_each[2].first_line, 4);
  EXPECT_EQ(one_each[3].first_line, 6);
}

TEST(TextChunkerTest, StartsAtAnOffsetAndHandlesEmptyFiles) {
  EXPECT_TRUE(ChunkAll("", 4, RecordQuoting::kNone).empty());
  const auto chunks = ChunkAll("\xEF\xBB\xBFx\n", 4, RecordQuoting::kNone, 3);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text(), "x\n");
}

TEST(TextChunkerTest, ByteOrderMark) {
  EXPECT_EQ(*ByteOrderMarkLength(*MakeBufferFile("a", "\xEF\xBB\xBF{}")), 3);
  EXPECT_EQ(*ByteOrderMarkLength(*MakeBufferFile("a", "\xEF\xBB")), 0);
  EXPECT_EQ(*ByteOrderMarkLength(*MakeBufferFile("a", "{}\n")), 0);
}

}  // namespace
}  // namespace streampro::formats
