// The two halves of itemknn that do not depend on where the players' rows
// are: weighting a player x game matrix from totals over all players, and
// choosing a game's neighbors from its dot products.  The single-node
// trainer and the one that adds per-worker partial sums (game_sums.hpp)
// share them, so both give the same model.
#pragma once

#include <cstdint>
#include <vector>

#include "core/row_parts.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// Reweights the player x game matrix in place (TF-IDF or BM25 over players'
// libraries), as item-item recommenders commonly do to damp popular games.
// owners[c] is column c's owner count over all players, `players` and
// `interactions` are over all players too (not only the rows given).
void apply_itemknn_weighting(SparseRows& rows, const std::vector<std::int64_t>& owners, double players,
                             double interactions, const TrainParams& params);

// Turns game i's dot products (scratch.dot at scratch.touched) into its
// `neighbors` best cosine similarities with shrinkage, in
// scratch.candidates in no particular order; leaves scratch.dot zero and scratch.touched empty.
void pick_itemknn_neighbors(std::int32_t i, RowScratch& scratch, const std::vector<double>& norms,
                            const TrainParams& params);

}  // namespace steam_rec::rec
