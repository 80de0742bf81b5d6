// Collaborative weights into games nobody owns.  Such a game has no column
// in a neighbour model: nobody's games lead to it.  It gets one from the
// games most like it by tags: a game g leads to the new game n with the
// tag-likeness-weighted mean of g's weights into n's tag neighbours, so a
// player whose games point at shooters is led to a new shooter by how
// strongly the model points at the shooters already known.
#pragma once

#include <cstdint>
#include <vector>

#include "core/cancel.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// Rows per chunk of the parallel new-game columns; each thread holds the
// ridge map's lendings of one chunk (tag_ridge_map.hpp).
constexpr std::int64_t kNewGameRowsPerChunk = 32;

// Returns `neighbors` with, in each row, up to `count` more entries: the new
// games (tagged, no owner) of largest positive weight, each
// new_game_weight x sum_s w(g, s) c(s, n) / sum_s c(s, n) over the `count`
// owned games s of largest tag cosine c(s, n) with n (unit TF-IDF `vectors`),
// plus new_game_weight x ridge_weight x the same sum over every owned game s
// with the shares of the ridge map from tags (tag_ridge_map.hpp; 0: none).
SparseRows with_new_game_columns(const TrainingSet& data, const SparseRows& vectors, const SparseRows& neighbors,
                                 double new_game_weight, double ridge_weight, std::int32_t count, CancelCheck& cancel);
// The same, with the owners per game given (owners[g] for data's game g; data
// gives the tag names): training from per-worker sums has no rows.
SparseRows with_new_game_columns(const TrainingSet& data, const std::vector<std::int64_t>& owners,
                                 const SparseRows& vectors, const SparseRows& neighbors, double new_game_weight,
                                 double ridge_weight, std::int32_t count, CancelCheck& cancel);

}  // namespace steam_rec::rec
