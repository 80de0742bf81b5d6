// What an algorithm whose last step is one game x game matrix computes that
// matrix's rows from, so the rows can be filled one chunk at a time, on any
// thread, while the caller stores the rows already finished
// (staged_training.hpp).  The registry says which algorithms have one.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/row_parts.hpp"

namespace steam_rec::rec {

struct StagedRows {
  virtual ~StagedRows() = default;
  // Fills scratch.candidates with game i's row as the algorithm's trainer
  // does before any column scaling; only reads this object, so threads share it.
  virtual void fill(std::int32_t i, RowScratch& scratch) const = 0;

  std::int64_t rows_per_chunk = 16;
  bool content_neighbors = false;      // the rows are content neighbours, not neighbours
  std::vector<double> column_factors;  // per game, what each weight into it is scaled by; empty: none
};

// StagedRows over one of the trainers' row-input structs (ItemknnRows, ...).
template <typename Rows>
struct StagedRowsOf final : StagedRows {
  template <typename... Args>
  explicit StagedRowsOf(Args&&... args) : rows(std::forward<Args>(args)...) {}
  void fill(std::int32_t i, RowScratch& scratch) const override { rows.fill(i, scratch); }
  Rows rows;
};

}  // namespace steam_rec::rec
