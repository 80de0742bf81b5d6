#include "core/target_factors.hpp"

#include <algorithm>
#include <cmath>

namespace steam_rec::rec {
namespace {

std::int64_t owners(const TrainingSet& data, std::int32_t g) {
  return data.by_game().offset[g + 1] - data.by_game().offset[g];
}

}  // namespace

void scale_columns(SparseRows& rows, const std::vector<double>& factor) {
  for (std::size_t p = 0; p < rows.index.size(); ++p)
    rows.value[p] = static_cast<float>(rows.value[p] * factor[static_cast<std::size_t>(rows.index[p])]);
}

std::vector<double> played_share_factors(const TrainingSet& data, double exponent) {
  const SparseRows& by_game = data.by_game();
  std::vector<double> factor(static_cast<std::size_t>(data.games()), 1.0);
  for (std::int32_t g = 0; g < data.games(); ++g) {
    const std::int64_t n = owners(data, g);
    if (n == 0) continue;
    std::int64_t played = 0;
    for (std::int64_t p = by_game.offset[g]; p < by_game.offset[g + 1]; ++p) played += by_game.value[p] > 0 ? 1 : 0;
    factor[g] = std::pow(static_cast<double>(played) / static_cast<double>(n), exponent);
  }
  return factor;
}

std::vector<std::int64_t> owner_counts(const TrainingSet& data) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(data.games()), 0);
  for (std::int32_t g = 0; g < data.games(); ++g) counts[static_cast<std::size_t>(g)] = owners(data, g);
  return counts;
}

std::vector<double> new_game_tag_popularity_factors(const TrainingSet& data, double exponent) {
  return new_game_tag_popularity_factors(data, owner_counts(data), exponent);
}

std::vector<double> new_game_tag_popularity_factors(const TrainingSet& data, const std::vector<std::int64_t>& owned_by,
                                                    double exponent) {
  auto owners = [&](const TrainingSet&, std::int32_t g) { return owned_by[static_cast<std::size_t>(g)]; };
  const SparseRows& tags = data.tags_by_game();
  std::vector<double> of_tag(data.tag_names().size(), 0.0);
  for (std::int32_t g = 0; g < data.games() && g < tags.rows(); ++g)
    for (std::int64_t p = tags.offset[g]; p < tags.offset[g + 1]; ++p)
      of_tag[static_cast<std::size_t>(tags.index[p])] += static_cast<double>(owners(data, g));
  std::vector<double> factor(static_cast<std::size_t>(data.games()), 1.0);
  double top = 0;
  for (std::int32_t g = 0; g < data.games() && g < tags.rows(); ++g) {
    if (owners(data, g) > 0) continue;
    double sum = 0;
    for (std::int64_t p = tags.offset[g]; p < tags.offset[g + 1]; ++p)
      sum += of_tag[static_cast<std::size_t>(tags.index[p])];
    factor[g] = sum;
    top = std::max(top, sum);
  }
  for (std::int32_t g = 0; g < data.games(); ++g)
    if (owners(data, g) == 0) factor[g] = top > 0 ? std::pow(factor[g] / top, exponent) : 1.0;
  return factor;
}

}  // namespace steam_rec::rec
