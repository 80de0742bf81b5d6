// RP3beta (Paudel et al., "Updatable, accurate, diverse, and scalable
// recommendations for interactive applications", 2017): a three-step random
// walk game -> owner -> game, its transition probabilities raised to
// rp3_alpha, the arrival at game j divided by owners(j)^rp3_beta so popular
// games need more paths to be recommended.  Cheap (one sparse product, like
// itemknn) and, on small implicit data, often as good as the heavier models.
#include <cmath>

#include "core/algorithm_trainers.hpp"
#include "core/parallel.hpp"
#include "core/row_parts.hpp"
#include "core/rp3beta_parts.hpp"
#include "core/target_factors.hpp"
#include "core/top_k.hpp"

namespace steam_rec::rec {

SparseRows rp3beta_steps(const TrainingSet& data, const TrainParams& params) {
  // Player -> game: each player's weights divided by their sum (a step to one
  // of their games), raised to alpha.
  SparseRows player_to_game = weighted_by_player(data, InteractionWeight{params.engagement_weight});
  for (std::int32_t u = 0; u < player_to_game.rows(); ++u) {
    double sum = 0;
    for (std::int64_t p = player_to_game.offset[u]; p < player_to_game.offset[u + 1]; ++p)
      sum += player_to_game.value[p];
    for (std::int64_t p = player_to_game.offset[u]; p < player_to_game.offset[u + 1]; ++p)
      player_to_game.value[p] =
          sum > 0 ? static_cast<float>(std::pow(player_to_game.value[p] / sum, params.rp3_alpha)) : 0.0f;
  }
  return player_to_game;
}

std::vector<double> rp3beta_arrivals(const std::vector<std::int64_t>& owners, const TrainParams& params) {
  // Game -> player: a step to one of the game's owners, each equally likely;
  // that probability is the same along a row, which is normalised below, so
  // it is left out.  owners(j)^-beta is the arrival penalty.
  std::vector<double> arrival(owners.size(), 0);
  for (std::size_t g = 0; g < owners.size(); ++g)
    if (owners[g] > 0) arrival[g] = std::pow(static_cast<double>(owners[g]), -static_cast<double>(params.rp3_beta));
  return arrival;
}

void pick_rp3beta_neighbors(std::int32_t i, RowScratch& s, const std::vector<double>& arrival,
                            const TrainParams& params) {
  for (std::int32_t j : s.touched) {
    if (j != i && s.dot[j] > 0) s.candidates.push_back(Scored{static_cast<float>(s.dot[j] * arrival[j]), j});
    s.dot[j] = 0;
  }
  s.touched.clear();
  keep_best(s.candidates, static_cast<std::size_t>(params.neighbors));
  // Each row sums to 1, so every owned game has the same say.
  double sum = 0;
  for (const Scored& c : s.candidates) sum += c.score;
  if (sum > 0)
    for (Scored& c : s.candidates) c.score = static_cast<float>(c.score / sum);
}

Rp3betaRows::Rp3betaRows(const TrainingSet& data, const TrainParams& params)
    : params(params),
      by_game(data.by_game()),
      player_to_game(rp3beta_steps(data, params)),
      arrival(rp3beta_arrivals(owner_counts(data), params)) {}

void Rp3betaRows::fill(std::int32_t i, RowScratch& s) const {
  for (std::int64_t p = by_game.offset[i]; p < by_game.offset[i + 1]; ++p) {
    const std::int32_t u = by_game.index[p];
    for (std::int64_t q = player_to_game.offset[u]; q < player_to_game.offset[u + 1]; ++q) {
      const std::int32_t j = player_to_game.index[q];
      if (s.dot[j] == 0) s.touched.push_back(j);
      s.dot[j] += player_to_game.value[q];
    }
  }
  pick_rp3beta_neighbors(i, s, arrival, params);
}

SparseRows train_rp3beta(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  const Rp3betaRows rows(data, params);
  // Each game's row depends only on the inputs, so rows run in parallel.
  return game_rows_in_parallel(
      data.games(), kRp3betaRowsPerChunk, [&](std::int32_t i, RowScratch& s) { rows.fill(i, s); }, cancel);
}

}  // namespace steam_rec::rec
