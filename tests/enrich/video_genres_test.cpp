#include <gtest/gtest.h>

#include "enrich/enrich.h"
#include "enrich_test_data.h"

namespace streampro::enrich {
namespace {

TEST(VideoGenresTest, LooksUpKnownVideos) {
  const VideoGenres genres = testing::Genres({{"v1", "Comedy"}, {"v2", "Drama"}});
  EXPECT_EQ(genres.GenreOf("v1"), std::optional<std::string_view>("Comedy"));
  EXPECT_EQ(genres.GenreOf("v2"), std::optional<std::string_view>("Drama"));
  EXPECT_EQ(genres.GenreOf("v3"), std::nullopt);
  EXPECT_EQ(genres.GenreOf(""), std::nullopt);
}

TEST(VideoGenresTest, FirstRowOfARepeatedIdWins) {
  const VideoGenres genres = testing::Genres({{"v1", "Comedy"}, {"v1", "Drama"}});
  EXPECT_EQ(genres.GenreOf("v1"), std::optional<std::string_view>("Comedy"));
}

TEST(VideoGenresTest, NeedsVideoIdAndGenreColumns) {
  RecordBatch videos(std::make_shared<const Schema>(std::vector<Field>{{"video_id"}}));
  EXPECT_EQ(VideoGenres::FromVideos(videos).status().code(), StatusCode::kInvalidArgument);
}

TEST(VideoGenresTest, ColumnsAreFoundByName) {
  RecordBatch videos(
      std::make_shared<const Schema>(std::vector<Field>{{"genre"}, {"title"}, {"video_id"}}));
  videos.column(0).AppendString("Horror");
  videos.column(1).AppendNull();
  videos.column(2).AppendString("v9");
  const Result<VideoGenres> genres = VideoGenres::FromVideos(videos);
  ASSERT_TRUE(genres.ok());
  EXPECT_EQ(genres->GenreOf("v9"), std::optional<std::string_view>("Horror"));
}

}  // namespace
}  // namespace streampro::enrich
