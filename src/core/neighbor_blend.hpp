// Mixing two game x game neighbor matrices (EASE and itemknn) into one, so a
// blend is served exactly like either of them.
#pragma once

#include "core/training_set.hpp"

namespace steam_rec::rec {

// (1 - b_weight) * a / mean|a| + b_weight * b / mean|b|, row by row (each
// matrix first scaled to a mean weight size of 1); rows ascend by index.
SparseRows blend_neighbors(const SparseRows& a, const SparseRows& b, double b_weight);

// wa * a + wb * b, row by row; rows ascend by index.
SparseRows weighted_sum(const SparseRows& a, double wa, const SparseRows& b, double wb);

}  // namespace steam_rec::rec
