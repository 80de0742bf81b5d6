#include <algorithm>
#include <cmath>

#include "core/spd_inverse.hpp"
#include "core/top_k.hpp"
#include "core/trainers.hpp"

namespace steam_rec::rec {

SparseRows train_ease(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  const std::int32_t games = data.games();
  const SparseRows by_player = weighted_by_player(data, InteractionWeight{params.engagement_weight});

  // The max_games most-owned games take part (never a game nobody owns: its
  // column is empty).  The rest are left to content and popularity.
  auto owners = [&](std::int32_t g) { return data.by_game().offset[g + 1] - data.by_game().offset[g]; };
  std::vector<std::int32_t> game_of;
  for (std::int32_t g = 0; g < games; ++g)
    if (owners(g) > 0) game_of.push_back(g);
  std::stable_sort(game_of.begin(), game_of.end(), [&](std::int32_t a, std::int32_t b) { return owners(a) > owners(b); });
  if (game_of.size() > static_cast<std::size_t>(params.max_games)) game_of.resize(static_cast<std::size_t>(params.max_games));
  std::sort(game_of.begin(), game_of.end());
  std::vector<std::int32_t> dense_of(static_cast<std::size_t>(games), -1);
  for (std::size_t i = 0; i < game_of.size(); ++i) dense_of[game_of[i]] = static_cast<std::int32_t>(i);
  const Eigen::Index n = static_cast<Eigen::Index>(game_of.size());

  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(n, n);
  for (std::int32_t u = 0; u < by_player.rows(); ++u) {
    for (std::int64_t p = by_player.offset[u]; p < by_player.offset[u + 1]; ++p) {
      const std::int32_t i = dense_of[by_player.index[p]];
      if (i < 0) continue;
      const double x_ui = by_player.value[p];
      // Columns ascend within a row and dense numbers follow them, so i >= j
      // fills the lower triangle.
      for (std::int64_t q = by_player.offset[u]; q <= p; ++q) {
        const std::int32_t j = dense_of[by_player.index[q]];
        if (j >= 0) gram(i, j) += x_ui * by_player.value[q];
      }
    }
    cancel.poll(64);
  }
  gram.diagonal().array() += params.lambda;
  invert_spd(gram, cancel);

  SparseRows neighbours;
  neighbours.offset.assign(1, 0);
  std::vector<Scored> candidates;
  for (std::int32_t g = 0; g < games; ++g) {
    const std::int32_t i = dense_of[g];
    candidates.clear();
    if (i >= 0) {
      // B(i, j) = -P(i, j) / P(j, j); the matrix is symmetric, so read column i.
      // The largest weights by size are kept, negative ones too: they push
      // down games unlike the player's (measured: better NDCG).
      for (Eigen::Index j = 0; j < n; ++j) {
        if (j == i) continue;
        const double b = -gram(j, i) / gram(j, j);
        if (b != 0) candidates.push_back(Scored{static_cast<float>(std::abs(b)), game_of[j]});
      }
      keep_best(candidates, static_cast<std::size_t>(params.neighbors));
      std::sort(candidates.begin(), candidates.end(), [](const Scored& a, const Scored& b) { return a.index < b.index; });
    }
    for (const Scored& c : candidates) {
      neighbours.index.push_back(c.index);
      const std::int32_t dj = dense_of[c.index];
      neighbours.value.push_back(static_cast<float>(-gram(dj, i) / gram(dj, dj)));
    }
    neighbours.offset.push_back(neighbours.nonzeros());
    cancel.poll(64);
  }
  return neighbours;
}

}  // namespace steam_rec::rec
