// Asking the processor to start loading rows of a model image before they
// are read.  The image is shared by every backend and other processes' work
// evicts it from the caches between calls, so a call that reads many rows
// one after another otherwise waits one memory round trip per row; started
// together, the loads overlap.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/model_view.hpp"

namespace steam_rec::rec {

// Starts loading the rows `row_of(0) .. row_of(count - 1)` of `list`: first
// their offsets, then the first lines of each row's indexes and values
// (only the first lines of long lists, and at most 256 rows, bounding the
// work).  A row outside the list is skipped.
template <typename RowOf>
void prefetch_rows(const SparseView& list, std::size_t count, RowOf row_of) {
  constexpr std::size_t kRowsAtMost = 256;
  constexpr std::int64_t kLine = 64 / sizeof(std::int32_t), kLinesAtMost = 4;
  count = std::min(count, kRowsAtMost);
  const auto in_list = [&](std::int32_t row) { return row >= 0 && row < list.rows; };
  for (std::size_t r = 0; r < count; ++r)
    if (in_list(row_of(r))) __builtin_prefetch(&list.offset[row_of(r)]);
  for (std::size_t r = 0; r < count; ++r) {
    const std::int32_t row = row_of(r);
    if (!in_list(row)) continue;
    const std::int64_t begin = list.begin(row);
    const std::int64_t end = std::min(list.end(row), begin + kLine * kLinesAtMost);
    for (std::int64_t p = begin; p < end; p += kLine) {
      __builtin_prefetch(&list.index[p]);
      __builtin_prefetch(&list.value[p]);
    }
  }
}

}  // namespace steam_rec::rec
