// VideoGenres: the video_id -> genre lookup of the enriched stage.

#include <fmt/format.h>

#include "enrich/enrich.h"

namespace streampro::enrich {

Result<VideoGenres> VideoGenres::FromVideos(const RecordBatch& videos) {
  const int id_column = videos.schema()->FieldIndex("video_id");
  const int genre_column = videos.schema()->FieldIndex("genre");
  if (id_column < 0 || genre_column < 0) {
    return Status::InvalidArgument(fmt::format(
        "videos batch needs video_id and genre columns, got: {}", videos.schema()->ToString()));
  }
  const Column& ids = videos.column(id_column);
  const Column& genres = videos.column(genre_column);
  if (ids.type() != TypeId::kString || genres.type() != TypeId::kString) {
    return Status::InvalidArgument("videos video_id and genre must be strings");
  }
  VideoGenres result;
  result.genres_.reserve(static_cast<size_t>(videos.num_rows()));
  for (int64_t row = 0; row < videos.num_rows(); ++row) {
    if (ids.IsNull(row) || genres.IsNull(row)) continue;
    // Trusted videos have unique ids; should a batch repeat one, the first row wins as
    // it does in the trusted layer.
    result.genres_.try_emplace(std::string(ids.string_value(row)),
                               std::string(genres.string_value(row)));
  }
  return result;
}

std::optional<std::string_view> VideoGenres::GenreOf(std::string_view video_id) const {
  const auto it = genres_.find(video_id);
  if (it == genres_.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace streampro::enrich
