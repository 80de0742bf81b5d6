// Test helper: the stored weight of one entry of a SparseRows.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "core/training_set.hpp"

// The weight row `from` stores for column `to`, or 0 when it stores none.
inline float stored_weight(const steam_rec::rec::SparseRows& rows, std::int32_t from, std::int32_t to) {
  for (std::int64_t p = rows.offset[from]; p < rows.offset[from + 1]; ++p)
    if (rows.index[p] == to) return rows.value[p];
  return 0;
}

// Rows over `games` games in which each of `lenders` stores weight 1 for
// each of `new_games` (in ascending order), as lent weights would.
inline steam_rec::rec::SparseRows rows_lending_one(std::int32_t games, std::initializer_list<std::int32_t> lenders,
                                                   std::initializer_list<std::int32_t> new_games) {
  steam_rec::rec::SparseRows rows;
  rows.offset = {0};
  for (std::int32_t g = 0; g < games; ++g) {
    for (std::int32_t lender : lenders)
      if (g == lender)
        for (std::int32_t n : new_games) {
          rows.index.push_back(n);
          rows.value.push_back(1.0f);
        }
    rows.offset.push_back(rows.nonzeros());
  }
  return rows;
}
