// The halves of RP3beta that do not depend on where the players' rows are.
// A player's step probabilities use only that player's own games, so they
// are computed where the player's rows are; the arrival penalties need the
// owners over all players; a game's neighbours come from its walk sums.
// The single-node trainer and the one that adds per-worker walk sums
// (game_sums.hpp) share them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/row_parts.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// Player x game: each player's weights over their sum, raised to rp3_alpha.
SparseRows rp3beta_steps(const TrainingSet& data, const TrainParams& params);

// Per game, owners^-rp3_beta (0 for a game nobody owns).
std::vector<double> rp3beta_arrivals(const std::vector<std::int64_t>& owners, const TrainParams& params);

// Turns game i's walk sums (scratch.dot at scratch.touched: the sum over i's
// owners of their step to j) into its `neighbors` largest arrivals, scaled
// to sum 1, in scratch.candidates; leaves scratch.dot zero and
// scratch.touched empty.
void pick_rp3beta_neighbors(std::int32_t i, RowScratch& scratch, const std::vector<double>& arrival,
                            const TrainParams& params);

// Games per chunk of the parallel walk rows.
constexpr std::int64_t kRp3betaRowsPerChunk = 16;

// What RP3beta computes each game's row from, kept together so the rows can
// be filled one chunk at a time, on any thread, while the caller stores the
// rows already finished (staged_training.hpp).  `data` must outlive it.
struct Rp3betaRows {
  Rp3betaRows(const TrainingSet& data, const TrainParams& params);

  // Fills scratch.candidates with game i's neighbours; only reads this
  // object, so threads share it.
  void fill(std::int32_t i, RowScratch& scratch) const;

  TrainParams params;
  const SparseRows& by_game;
  SparseRows player_to_game;
  std::vector<double> arrival;
};

}  // namespace steam_rec::rec
