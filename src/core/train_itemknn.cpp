#include <cmath>

#include "core/algorithm_trainers.hpp"
#include "core/itemknn_parts.hpp"
#include "core/itemknn_rows.hpp"
#include "core/parallel.hpp"
#include "core/row_parts.hpp"
#include "core/top_k.hpp"

namespace steam_rec::rec {
void apply_itemknn_weighting(SparseRows& rows, const std::vector<std::int64_t>& owners, double players,
                             double interactions, const TrainParams& params) {
  if (params.weighting == Weighting::none) return;
  const double average_length = players > 0 ? interactions / players : 0;
  for (std::int32_t u = 0; u < rows.rows(); ++u) {
    const double length = static_cast<double>(rows.offset[u + 1] - rows.offset[u]);
    for (std::int64_t p = rows.offset[u]; p < rows.offset[u + 1]; ++p) {
      const double idf = std::log(players / (1.0 + static_cast<double>(owners[rows.index[p]]))) + 1.0;
      const double x = rows.value[p];
      if (params.weighting == Weighting::tfidf) {
        rows.value[p] = static_cast<float>(std::sqrt(x) * idf);
      } else {
        const double norm = params.bm25_k1 * (1.0 - params.bm25_b + params.bm25_b * length / average_length);
        rows.value[p] = static_cast<float>(x * (params.bm25_k1 + 1.0) / (norm + x) * idf);
      }
    }
  }
}

void pick_itemknn_neighbors(std::int32_t i, RowScratch& s, const std::vector<double>& norms,
                            const TrainParams& params) {
  for (std::int32_t j : s.touched) {
    if (j != i && s.dot[j] > 0)
      s.candidates.push_back(Scored{static_cast<float>(s.dot[j] / (norms[i] * norms[j] + params.shrinkage)), j});
    s.dot[j] = 0;
  }
  s.touched.clear();
  // Rows are stored by index (append_by_index()), so the best need no order.
  select_best(s.candidates, static_cast<std::size_t>(params.neighbors));
}

ItemknnRows::ItemknnRows(const TrainingSet& data, const TrainParams& params) : params(params) {
  const std::int32_t games = data.games();
  by_player = weighted_by_player(data, InteractionWeight{params.engagement_weight});
  std::vector<std::int64_t> owners(static_cast<std::size_t>(games), 0);
  for (std::int32_t g : by_player.index) ++owners[g];
  apply_itemknn_weighting(by_player, owners, by_player.rows(), static_cast<double>(by_player.nonzeros()), params);
  by_game = transpose(by_player, games);

  norms.assign(static_cast<std::size_t>(games), 0);
  for (std::int32_t g = 0; g < games; ++g)
    for (std::int64_t p = by_game.offset[g]; p < by_game.offset[g + 1]; ++p)
      norms[g] += static_cast<double>(by_game.value[p]) * by_game.value[p];
  for (double& n : norms) n = std::sqrt(n);
}

void ItemknnRows::fill(std::int32_t i, RowScratch& s) const {
  for (std::int64_t p = by_game.offset[i]; p < by_game.offset[i + 1]; ++p) {
    const std::int32_t u = by_game.index[p];
    const float x_ui = by_game.value[p];
    for (std::int64_t q = by_player.offset[u]; q < by_player.offset[u + 1]; ++q) {
      const std::int32_t j = by_player.index[q];
      if (s.dot[j] == 0) s.touched.push_back(j);
      s.dot[j] += x_ui * by_player.value[q];
    }
  }
  pick_itemknn_neighbors(i, s, norms, params);
}

SparseRows train_itemknn(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  const ItemknnRows rows(data, params);
  // Each game's row depends only on the inputs, so rows run in parallel.
  return game_rows_in_parallel(
      data.games(), kItemknnRowsPerChunk, [&](std::int32_t i, RowScratch& s) { rows.fill(i, s); }, cancel);
}

}  // namespace steam_rec::rec
