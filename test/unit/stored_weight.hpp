// Test helper: the stored weight of one entry of a SparseRows.
#pragma once

#include <cstdint>

#include "core/training_set.hpp"

// The weight row `from` stores for column `to`, or 0 when it stores none.
inline float stored_weight(const steam_rec::rec::SparseRows& rows, std::int32_t from, std::int32_t to) {
  for (std::int64_t p = rows.offset[from]; p < rows.offset[from + 1]; ++p)
    if (rows.index[p] == to) return rows.value[p];
  return 0;
}
