// Building a SparseRows in parallel: each chunk of rows fills a part of its
// own, and the parts are joined in chunk order, so the result is the same
// for any number of threads.
#pragma once

#include <vector>

#include "core/top_k.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// One thread's scratch for accumulating a row's scores over all games.
struct RowScratch {
  std::vector<float> dot;             // per game; zero except at `touched`
  std::vector<std::int32_t> touched;  // games whose dot is non-zero
  std::vector<Scored> candidates;
};

// Appends `candidates` as the next row of `part`, in ascending index order
// (reorders `candidates`).
void append_by_index(std::vector<Scored>& candidates, SparseRows& part);

// The rows of every part, in order.
SparseRows concatenate(const std::vector<SparseRows>& parts);

}  // namespace steam_rec::rec
