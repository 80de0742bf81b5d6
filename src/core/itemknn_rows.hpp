// What itemknn computes each game's neighbour row from, kept together so the
// rows can be filled one chunk at a time, on any thread, while the caller
// stores the rows already finished (staged_training.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "core/row_parts.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// Games per chunk of the parallel similarity rows.
constexpr std::int64_t kItemknnRowsPerChunk = 16;

struct ItemknnRows {
  // Weights the player x game matrix, transposes it and takes each game's norm.
  ItemknnRows(const TrainingSet& data, const TrainParams& params);

  // Fills scratch.candidates with game i's neighbours, as train_itemknn()
  // does; only reads this object, so threads share it.
  void fill(std::int32_t i, RowScratch& scratch) const;

  TrainParams params;
  SparseRows by_player;
  SparseRows by_game;
  std::vector<double> norms;
};

}  // namespace steam_rec::rec
