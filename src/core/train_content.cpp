#include <cmath>

#include "core/trainers.hpp"

namespace steam_rec::rec {

SparseRows train_content(const TrainingSet& data) {
  SparseRows vectors = data.tags_by_game();
  const std::size_t tag_count = data.tag_names().size();
  std::vector<std::int32_t> games_with_tag(tag_count, 0);
  std::int32_t tagged_games = 0;
  for (std::int32_t g = 0; g < vectors.rows(); ++g) {
    if (vectors.offset[g + 1] > vectors.offset[g]) ++tagged_games;
    for (std::int64_t p = vectors.offset[g]; p < vectors.offset[g + 1]; ++p) ++games_with_tag[vectors.index[p]];
  }
  for (std::int32_t g = 0; g < vectors.rows(); ++g) {
    double norm = 0;
    for (std::int64_t p = vectors.offset[g]; p < vectors.offset[g + 1]; ++p) {
      const float position = vectors.value[p];
      // Unknown positions count as a middling tag.
      const double term = 1.0 / std::log2(1.0 + (position > 0 ? position : 10.0));
      const double idf = std::log((1.0 + tagged_games) / (1.0 + games_with_tag[vectors.index[p]])) + 1.0;
      vectors.value[p] = static_cast<float>(term * idf);
      norm += static_cast<double>(vectors.value[p]) * vectors.value[p];
    }
    if (norm > 0) {
      const float scale = static_cast<float>(1.0 / std::sqrt(norm));
      for (std::int64_t p = vectors.offset[g]; p < vectors.offset[g + 1]; ++p) vectors.value[p] *= scale;
    }
  }
  return vectors;
}

}  // namespace steam_rec::rec
