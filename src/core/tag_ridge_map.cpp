#include "core/tag_ridge_map.hpp"

#include <algorithm>

namespace steam_rec::rec {
namespace {

bool owned(const std::vector<std::int64_t>& owners, std::int32_t g) {
  return static_cast<std::size_t>(g) < owners.size() && owners[static_cast<std::size_t>(g)] > 0;
}

// Adds `factor` x row g of `vectors` to the dense `sum`, over the map's tags.
void add_row(const SparseRows& vectors, const std::vector<std::int32_t>& column, std::int32_t g, double factor,
             Eigen::VectorXd& sum) {
  for (std::int64_t p = vectors.offset[g]; p < vectors.offset[g + 1]; ++p)
    if (column[vectors.index[p]] >= 0) sum[column[vectors.index[p]]] += factor * vectors.value[p];
}

// Per tag, its place among the kTagRidgeMaxTags tags on the most owned games
// (ties: the lower tag number), or -1.
std::vector<std::int32_t> map_columns(const SparseRows& vectors, std::int32_t tags,
                                      const std::vector<std::int64_t>& owners) {
  std::vector<std::int64_t> uses(static_cast<std::size_t>(tags), 0);
  for (std::int32_t g = 0; g < vectors.rows(); ++g)
    if (owned(owners, g))
      for (std::int64_t p = vectors.offset[g]; p < vectors.offset[g + 1]; ++p) ++uses[vectors.index[p]];
  std::vector<std::int32_t> order(static_cast<std::size_t>(tags));
  for (std::int32_t t = 0; t < tags; ++t) order[t] = t;
  std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return uses[a] > uses[b]; });
  std::vector<std::int32_t> column(static_cast<std::size_t>(tags), -1);
  for (std::int32_t k = 0; k < std::min(tags, kTagRidgeMaxTags); ++k) column[order[k]] = k;
  return column;
}

}  // namespace

TagRidgeMap fit_tag_ridge_map(const SparseRows& vectors, std::int32_t tags, const std::vector<std::int64_t>& owners,
                              CancelCheck& cancel) {
  TagRidgeMap map;
  map.column = map_columns(vectors, tags, owners);
  const std::int32_t size = std::min(tags, kTagRidgeMaxTags);
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(size, size);
  Eigen::VectorXd owned_sum = Eigen::VectorXd::Zero(size), new_sum = Eigen::VectorXd::Zero(size);
  for (std::int32_t g = 0; g < vectors.rows(); ++g) {
    if (vectors.offset[g] == vectors.offset[g + 1]) continue;
    if (!owned(owners, g)) {
      map.new_games.push_back(g);
      add_row(vectors, map.column, g, 1.0, new_sum);
      continue;
    }
    add_row(vectors, map.column, g, 1.0, owned_sum);
    for (std::int64_t p = vectors.offset[g]; p < vectors.offset[g + 1]; ++p) {
      cancel.poll();
      for (std::int64_t q = vectors.offset[g]; q < vectors.offset[g + 1]; ++q) {
        const std::int32_t i = map.column[vectors.index[p]], j = map.column[vectors.index[q]];
        if (i >= 0 && j >= 0) gram(i, j) += static_cast<double>(vectors.value[p]) * vectors.value[q];
      }
    }
  }
  if (map.new_games.empty() || owned_sum.isZero()) return TagRidgeMap{};
  cancel.poll_now();
  gram.diagonal().array() += kTagRidgePenalty;
  const Eigen::MatrixXd inverse = gram.llt().solve(Eigen::MatrixXd::Identity(size, size));
  // The mean over new games of their shares' sum over the owned games.
  const double scale = owned_sum.dot(inverse * new_sum) / static_cast<double>(map.new_games.size());
  if (!(scale > 0)) return TagRidgeMap{};
  map.scaled_inverse = inverse / scale;
  return map;
}

void add_ridge_lent_weights(const TagRidgeMap& map, const SparseRows& vectors, const SparseRows& neighbors,
                            std::int32_t g, double weight, std::vector<float>& dot,
                            std::vector<std::int32_t>& touched) {
  if (map.scaled_inverse.size() == 0) return;
  // sum_s w(g, s) f_s' A f_n = (A sum_s w(g, s) f_s) . f_n: one tags-long
  // vector per row, then a sparse dot product per new game.
  Eigen::VectorXd led = Eigen::VectorXd::Zero(map.scaled_inverse.rows());
  for (std::int64_t p = neighbors.offset[g]; p < neighbors.offset[g + 1]; ++p)
    if (neighbors.index[p] < vectors.rows()) add_row(vectors, map.column, neighbors.index[p], neighbors.value[p], led);
  if (led.isZero()) return;
  const Eigen::VectorXd through_map = weight * (map.scaled_inverse * led);
  for (std::int32_t n : map.new_games) {
    double sum = 0;
    for (std::int64_t p = vectors.offset[n]; p < vectors.offset[n + 1]; ++p)
      if (map.column[vectors.index[p]] >= 0) sum += through_map[map.column[vectors.index[p]]] * vectors.value[p];
    if (dot[n] == 0) touched.push_back(n);
    dot[n] += static_cast<float>(sum);
  }
}

}  // namespace steam_rec::rec
