#include <algorithm>
#include <cmath>

#include "core/algorithm_trainers.hpp"
#include "core/catalog_gram.hpp"
#include "core/ease_parts.hpp"
#include "core/parallel.hpp"
#include "core/row_parts.hpp"
#include "core/spd_inverse.hpp"
#include "core/target_factors.hpp"
#include "core/top_k.hpp"

namespace steam_rec::rec {
namespace {

// Covered games per chunk of the Gram matrix and of the neighbor lists.
constexpr std::int64_t kGamesPerChunk = 16;

}  // namespace

std::vector<ColumnScale> relaxed_column_scales(const Eigen::Ref<const Eigen::MatrixXd>& inverse,
                                               const std::vector<double>& regularisation, double relaxation) {
  // RDLAE's column j is -P(:, j) * max(L_j, (1 - xi) / P(j, j)): the smallest
  // scale that keeps the self-weight 1 - P(j, j) * scale at most xi.  With
  // xi 0 the first term never wins (1 / P(j, j) >= L_j), so it is not
  // compared: EASE's and EDLAE's division stays exactly as it was.
  std::vector<ColumnScale> scales(regularisation.size());
  for (std::size_t j = 0; j < scales.size(); ++j) {
    const double diagonal = inverse(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j));
    if (relaxation > 0 && regularisation[j] * diagonal >= 1 - relaxation)
      scales[j] = ColumnScale{regularisation[j], 1.0};
    else
      scales[j] = ColumnScale{1.0 - relaxation, diagonal};
  }
  return scales;
}

TrainParams ease_itemknn_params(const TrainParams& params) {
  TrainParams knn;
  knn.engagement_weight = params.engagement_weight;
  knn.neighbors = params.neighbors;
  return knn;
}

std::vector<std::int32_t> ease_covered_games(const std::vector<std::int64_t>& owners, std::int32_t max_games) {
  // The max_games most-owned games take part (never a game nobody owns: its
  // column is empty).  The rest are left to content and popularity.
  auto owned_by = [&](std::int32_t g) { return owners[static_cast<std::size_t>(g)]; };
  std::vector<std::int32_t> game_of;
  for (std::int32_t g = 0; g < static_cast<std::int32_t>(owners.size()); ++g)
    if (owned_by(g) > 0) game_of.push_back(g);
  std::stable_sort(game_of.begin(), game_of.end(),
                   [&](std::int32_t a, std::int32_t b) { return owned_by(a) > owned_by(b); });
  if (game_of.size() > static_cast<std::size_t>(max_games)) game_of.resize(static_cast<std::size_t>(max_games));
  std::sort(game_of.begin(), game_of.end());
  return game_of;
}

SparseRows train_ease(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  const std::int32_t games = data.games();
  const SparseRows by_player = weighted_by_player(data, InteractionWeight{params.engagement_weight});
  const std::vector<std::int64_t> owners = owner_counts(data);
  const std::vector<std::int32_t> game_of = ease_covered_games(owners, params.max_games);
  std::vector<std::int32_t> dense_of(static_cast<std::size_t>(games), -1);
  for (std::size_t i = 0; i < game_of.size(); ++i) dense_of[game_of[i]] = static_cast<std::int32_t>(i);
  const Eigen::Index n = static_cast<Eigen::Index>(game_of.size());

  // X'X, one covered game per task: column i gets, for j <= i, the sum over
  // i's owners u (in ascending order, whatever the thread count) of
  // x_ui * x_uj.  Columns ascend within a player's row and dense numbers
  // follow them, so i's own position ends the scan.  The upper triangle is
  // filled (contiguous per task).
  const SparseRows by_game = transpose(by_player, games);
  DenseMatrix gram(n, n);
  parallel_for(
      n, kGamesPerChunk,
      [&](const Chunk& chunk, int) {
        for (std::int64_t i = chunk.begin; i < chunk.end; ++i) {
          const std::int32_t g = game_of[static_cast<std::size_t>(i)];
          double* column = &gram(0, static_cast<Eigen::Index>(i));
          for (std::int64_t p = by_game.offset[g]; p < by_game.offset[g + 1]; ++p) {
            const std::int32_t u = by_game.index[p];
            const double x_ui = by_game.value[p];
            for (std::int64_t q = by_player.offset[u]; q < by_player.offset[u + 1]; ++q) {
              const std::int32_t j = dense_of[by_player.index[q]];
              if (j > i) break;
              if (j >= 0) column[j] += x_ui * by_player.value[q];
            }
          }
        }
      },
      cancel);
  add_catalog_gram(gram.matrix(), game_of, data, params, cancel);
  return ease_weights_from_gram(gram, game_of, owners, params, cancel);
}

namespace {

// Copies the upper triangle into the lower, tile by tile: copied a column at
// a time, the upper triangle is read across its rows, a cache line per
// element (0.4 s at 5,000 games, with no cancel poll).  Polls every 64 tiles
// (a quarter of a million elements).
void mirror_upper_triangle(Eigen::Ref<Eigen::MatrixXd> gram, CancelCheck& cancel) {
  constexpr Eigen::Index kTile = 64;
  const Eigen::Index n = gram.rows();
  for (Eigen::Index j0 = 0; j0 < n; j0 += kTile) {
    const Eigen::Index j1 = std::min(n, j0 + kTile);
    for (Eigen::Index i0 = j0; i0 < n; i0 += kTile) {
      cancel.poll(64);
      const Eigen::Index i1 = std::min(n, i0 + kTile);
      for (Eigen::Index j = j0; j < j1; ++j)
        for (Eigen::Index i = std::max(i0, j + 1); i < i1; ++i) gram(i, j) = gram(j, i);
    }
  }
}

}  // namespace

SparseRows ease_weights_from_gram(DenseMatrix& gram, const std::vector<std::int32_t>& game_of,
                                  const std::vector<std::int64_t>& owners, const TrainParams& params,
                                  CancelCheck& cancel) {
  const auto games = static_cast<std::int32_t>(owners.size());
  const Eigen::Index n = static_cast<Eigen::Index>(game_of.size());
  std::vector<std::int32_t> dense_of(static_cast<std::size_t>(games), -1);
  for (std::size_t i = 0; i < game_of.size(); ++i) dense_of[game_of[i]] = static_cast<std::int32_t>(i);
  auto owned_by = [&](std::int32_t g) { return owners[static_cast<std::size_t>(g)]; };
  mirror_upper_triangle(gram.matrix(), cancel);  // the inverse reads the lower one
  // Game j's regularisation: lambda, plus dropout / (1 - dropout) times its
  // own Gram entry (the emphasis dropout gives; nothing for plain EASE).
  const double emphasis = params.dropout / (1.0 - params.dropout);
  std::vector<double> regularisation(static_cast<std::size_t>(n));
  for (Eigen::Index j = 0; j < n; ++j) {
    regularisation[static_cast<std::size_t>(j)] = params.lambda + emphasis * gram(j, j);
    gram(j, j) += regularisation[static_cast<std::size_t>(j)];
  }
  invert_spd(gram, cancel);
  const std::vector<ColumnScale> scale =
      relaxed_column_scales(gram.matrix(), regularisation, params.diagonal_relaxation);

  // Popularity debiasing: the weight into game j is divided by
  // owners(j)^popularity_exponent (1 when the exponent is 0).
  std::vector<double> debias(static_cast<std::size_t>(n), 1.0);
  if (params.popularity_exponent > 0)
    for (Eigen::Index j = 0; j < n; ++j)
      debias[static_cast<std::size_t>(j)] =
          std::pow(static_cast<double>(owned_by(game_of[static_cast<std::size_t>(j)])), -params.popularity_exponent);

  // Rows in parallel, joined in order.
  std::vector<std::vector<Scored>> scratch(static_cast<std::size_t>(threads_for(games, kGamesPerChunk)));
  std::vector<SparseRows> parts(static_cast<std::size_t>(chunk_count(games, kGamesPerChunk)));
  parallel_for(
      games, kGamesPerChunk,
      [&](const Chunk& chunk, int worker) {
        std::vector<Scored>& candidates = scratch[static_cast<std::size_t>(worker)];
        for (std::int64_t g = chunk.begin; g < chunk.end; ++g) {
          const std::int32_t i = dense_of[static_cast<std::size_t>(g)];
          candidates.clear();
          if (i >= 0) {
            // B(i, j) = -P(i, j) * times(j) / over(j) (EASE: -P(i, j) / P(j, j));
            // the matrix is symmetric, so read column i.
            // The largest weights by size are kept, negative ones too: they push
            // down games unlike the player's (measured: better NDCG).  They are
            // stored as sizes here and signed again below.
            for (Eigen::Index j = 0; j < n; ++j) {
              if (j == i) continue;
              const ColumnScale& s = scale[static_cast<std::size_t>(j)];
              const double b = -gram(j, i) * s.times / s.over * debias[static_cast<std::size_t>(j)];
              if (b != 0) candidates.push_back(Scored{static_cast<float>(std::abs(b)), game_of[j]});
            }
            keep_best(candidates, static_cast<std::size_t>(params.neighbors));
            for (Scored& c : candidates) {
              const std::int32_t dj = dense_of[c.index];
              const ColumnScale& s = scale[static_cast<std::size_t>(dj)];
              c.score = static_cast<float>(-gram(dj, i) * s.times / s.over * debias[static_cast<std::size_t>(dj)]);
            }
          }
          append_by_index(candidates, parts[static_cast<std::size_t>(chunk.number)]);
        }
      },
      cancel);
  return concatenate(parts);
}

}  // namespace steam_rec::rec
