#include <cmath>

#include "core/top_k.hpp"
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

namespace steam_rec::rec {

SparseRows train_content_neighbours(const TrainingSet& data, const SparseRows& vectors, std::int32_t count,
                                    CancelCheck& cancel) {
  const std::int32_t games = vectors.rows();
  const SparseRows by_tag = transpose(vectors, static_cast<std::int32_t>(data.tag_names().size()));
  SparseRows neighbours;
  std::vector<float> dot(static_cast<std::size_t>(games), 0.0f);
  std::vector<std::int32_t> touched;
  std::vector<Scored> candidates;
  for (std::int32_t g = 0; g < games; ++g) {
    // Only owned games are ever the source of a content score.
    const bool owned = data.by_game().offset[g + 1] > data.by_game().offset[g];
    candidates.clear();
    if (owned) {
      for (std::int64_t p = vectors.offset[g]; p < vectors.offset[g + 1]; ++p) {
        const std::int32_t t = vectors.index[p];
        for (std::int64_t q = by_tag.offset[t]; q < by_tag.offset[t + 1]; ++q) {
          const std::int32_t j = by_tag.index[q];
          if (dot[j] == 0) touched.push_back(j);
          dot[j] += vectors.value[p] * by_tag.value[q];
        }
        cancel.poll(16);
      }
      for (std::int32_t j : touched) {
        if (j != g) candidates.push_back(Scored{dot[j], j});
        dot[j] = 0;
      }
      touched.clear();
      keep_best(candidates, static_cast<std::size_t>(count));
      std::sort(candidates.begin(), candidates.end(), [](const Scored& a, const Scored& b) { return a.index < b.index; });
    }
    for (const Scored& c : candidates) {
      neighbours.index.push_back(c.index);
      neighbours.value.push_back(c.score);
    }
    neighbours.offset.push_back(neighbours.nonzeros());
  }
  return neighbours;
}

}  // namespace steam_rec::rec
