#include "core/neighbor_blend.hpp"

#include <cmath>

namespace steam_rec::rec {
namespace {

// The mean size of a matrix's non-zero weights (1 when it has none): EASE
// weights and cosine similarities live on different scales, and a blend
// weight only means something once both are brought to a common one.
double mean_size(const SparseRows& rows) {
  double sum = 0;
  std::int64_t count = 0;
  for (float v : rows.value)
    if (v != 0) {
      sum += std::abs(v);
      ++count;
    }
  return count > 0 && sum > 0 ? sum / static_cast<double>(count) : 1.0;
}

}  // namespace

SparseRows blend_neighbors(const SparseRows& a, const SparseRows& b, double b_weight) {
  return weighted_sum(a, (1.0 - b_weight) / mean_size(a), b, b_weight / mean_size(b));
}

SparseRows weighted_sum(const SparseRows& a, double wa, const SparseRows& b, double wb) {
  SparseRows out;
  const std::int32_t rows = std::max(a.rows(), b.rows());
  out.offset.reserve(static_cast<std::size_t>(rows) + 1);
  for (std::int32_t r = 0; r < rows; ++r) {
    std::int64_t p = r < a.rows() ? a.offset[r] : 0, p_end = r < a.rows() ? a.offset[r + 1] : 0;
    std::int64_t q = r < b.rows() ? b.offset[r] : 0, q_end = r < b.rows() ? b.offset[r + 1] : 0;
    // Both rows ascend by index: merge them.
    while (p < p_end || q < q_end) {
      std::int32_t index;
      double value = 0;
      if (q >= q_end || (p < p_end && a.index[p] < b.index[q])) {
        index = a.index[p];
        value = wa * a.value[p++];
      } else if (p >= p_end || b.index[q] < a.index[p]) {
        index = b.index[q];
        value = wb * b.value[q++];
      } else {
        index = a.index[p];
        value = wa * a.value[p++] + wb * b.value[q++];
      }
      if (value != 0) {
        out.index.push_back(index);
        out.value.push_back(static_cast<float>(value));
      }
    }
    out.offset.push_back(static_cast<std::int64_t>(out.index.size()));
  }
  return out;
}

}  // namespace steam_rec::rec
