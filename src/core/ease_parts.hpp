// The halves of EASE that do not depend on where the players' rows are:
// which games it covers (from owner counts over all players), and its
// weights from the Gram matrix X'X over them.  The single-node trainer and
// the one that adds per-worker partial Gram matrices (game_sums.hpp) share
// them, so both give the same model up to the order of the float sums.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "core/cancel.hpp"
#include "core/dense_matrix.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// The parameters of the itemknn that knn_weight blends in: its own
// defaults, whatever the ease parameters say, but for the engagement weight
// and the neighbour count.
TrainParams ease_itemknn_params(const TrainParams& params);

// The game numbers EASE covers: the max_games most-owned (owners[g] > 0),
// ties to the lower number, in ascending order.
std::vector<std::int32_t> ease_covered_games(const std::vector<std::int64_t>& owners, std::int32_t max_games);

// How column j of the inverse P becomes EASE's weights: B(i, j) =
// -P(i, j) * times / over.
struct ColumnScale {
  double times = 1;
  double over = 1;
};

// Each column's scale for RDLAE with diagonal relaxation xi (0: EASE's
// -P / P(j, j)), from the inverse P of G + diag(regularisation).
std::vector<ColumnScale> relaxed_column_scales(const Eigen::Ref<const Eigen::MatrixXd>& inverse,
                                               const std::vector<double>& regularisation, double relaxation);

// Turns `gram` (X'X over the covered games game_of, upper triangle filled;
// overwritten) into each game's EASE weights, `owners` per game of the model.
SparseRows ease_weights_from_gram(DenseMatrix& gram, const std::vector<std::int32_t>& game_of,
                                  const std::vector<std::int64_t>& owners, const TrainParams& params,
                                  CancelCheck& cancel);

}  // namespace steam_rec::rec
