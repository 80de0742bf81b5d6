// What content computes each game's content-neighbour row from, kept
// together so the rows can be filled one chunk at a time, on any thread,
// while the caller stores the rows already finished (staged_training.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "core/row_parts.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// Games per chunk of the parallel content rows.
constexpr std::int64_t kContentRowsPerChunk = 32;

struct ContentRows {
  // `vectors`: each game's unit TF-IDF tag vector (train_content()), which
  // must outlive this; `owners`: per game, how many players own it; `tags`:
  // how many tags there are.
  ContentRows(const SparseRows& vectors, std::int32_t tags, std::vector<std::int64_t> owners, std::int32_t count);

  // Fills scratch.candidates with game g's `count` games most alike by tags
  // (none for a game nobody owns); only reads this object.
  void fill(std::int32_t g, RowScratch& scratch) const;

  const SparseRows& vectors;
  SparseRows by_tag;
  std::vector<std::int64_t> owners;
  std::int32_t count;
};

}  // namespace steam_rec::rec
