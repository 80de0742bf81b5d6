#include <algorithm>

#include "core/algorithm_trainers.hpp"

namespace steam_rec::rec {

SparseRows weighted_by_player(const TrainingSet& data, const InteractionWeight& weight) {
  SparseRows rows = data.by_player();
  for (float& value : rows.value) value = weight(value);
  return rows;
}

std::vector<float> train_popularity(const TrainingSet& data, const InteractionWeight& weight) {
  std::vector<float> popularity(static_cast<std::size_t>(data.games()), 0.0f);
  const SparseRows& by_game = data.by_game();
  for (std::int32_t g = 0; g < data.games(); ++g) {
    double sum = 0;
    for (std::int64_t p = by_game.offset[g]; p < by_game.offset[g + 1]; ++p) sum += weight(by_game.value[p]);
    popularity[g] = static_cast<float>(sum);
  }
  float top = popularity.empty() ? 0.0f : *std::max_element(popularity.begin(), popularity.end());
  if (top > 0)
    for (float& p : popularity) p /= top;
  return popularity;
}

}  // namespace steam_rec::rec
