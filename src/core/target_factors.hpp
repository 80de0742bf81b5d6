// Per-game factors that rescale every neighbour weight leading into a game,
// so a trait of the recommended game (how often its owners play it, how
// popular its tags are) counts in its score without changing what is stored
// or how it is served.
#pragma once

#include <cstdint>
#include <vector>

#include "core/training_set.hpp"

namespace steam_rec::rec {

// Multiplies each weight into game j (column j) by factor[j].
void scale_columns(SparseRows& rows, const std::vector<double>& factor);

// Per game, (share of its owners who ever played it)^exponent: engagement
// above 0 means played.  1 for a game nobody owns.
std::vector<double> played_share_factors(const TrainingSet& data, double exponent);

// Per game nobody owns, (its tag popularity / the largest among such
// games)^exponent, where a game's tag popularity is the sum over its tags of
// the owners of every game carrying the tag (the popularity-by-tags floor's
// score); 1 for the games someone owns.
std::vector<double> new_game_tag_popularity_factors(const TrainingSet& data, double exponent);
// The same, with the owners per game given (owners[g] for data's game g):
// training from per-worker sums has tags but no rows.
std::vector<double> new_game_tag_popularity_factors(const TrainingSet& data, const std::vector<std::int64_t>& owners,
                                                    double exponent);

// Per game of `data`, how many players own it.
std::vector<std::int64_t> owner_counts(const TrainingSet& data);

}  // namespace steam_rec::rec
