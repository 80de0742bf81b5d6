#include "core/tag_ridge_map.hpp"

#include <algorithm>

#include "core/parallel.hpp"
#include "core/spd_inverse.hpp"

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
  DenseMatrix gram(size, size);
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
  gram.matrix().diagonal().array() += kTagRidgePenalty;
  // Blocked, on the core's threads, with a stop point per block: on 1,024
  // tags one uninterrupted solve would hold a cancel for about a second.
  invert_spd(gram, cancel);
  const Eigen::Map<Eigen::MatrixXd>& inverse = gram.matrix();
  // The mean over new games of their shares' sum over the owned games.
  const double scale = owned_sum.dot(inverse * new_sum) / static_cast<double>(map.new_games.size());
  if (!(scale > 0)) return TagRidgeMap{};
  map.scaled_inverse = inverse / scale;
  for (std::int32_t n : map.new_games) {
    for (std::int64_t p = vectors.offset[n]; p < vectors.offset[n + 1]; ++p)
      if (map.column[vectors.index[p]] >= 0) {
        map.new_game_tags.index.push_back(map.column[vectors.index[p]]);
        map.new_game_tags.value.push_back(vectors.value[p]);
      }
    map.new_game_tags.offset.push_back(map.new_game_tags.nonzeros());
  }
  return map;
}

void RidgeLentBlock::compute(const TagRidgeMap& map, const SparseRows& vectors, const SparseRows& neighbors,
                             std::int32_t first, std::int32_t last, double weight) {
  first_ = first;
  slot_.assign(static_cast<std::size_t>(std::max(0, last - first)), -1);
  if (map.scaled_inverse.size() == 0) return;
  const Eigen::Index tags = map.scaled_inverse.rows();
  // sum_s w(g, s) f_s' A f_n = (A sum_s w(g, s) f_s) . f_n: one tags-long
  // vector per row, then a sparse dot product per new game.
  std::vector<Eigen::VectorXd> through;
  Eigen::VectorXd led(tags);
  // Polled per row and per 1,024 new games: with thousands of neighbours a
  // chunk's rows take seconds (cancel is otherwise seen between chunks).
  for (std::int32_t g = first; g < last; ++g) {
    stop_point();
    led.setZero();
    for (std::int64_t p = neighbors.offset[g]; p < neighbors.offset[g + 1]; ++p)
      if (neighbors.index[p] < vectors.rows())
        add_row(vectors, map.column, neighbors.index[p], neighbors.value[p], led);
    if (led.isZero()) continue;
    slot_[static_cast<std::size_t>(g - first)] = static_cast<std::int32_t>(through.size());
    through.emplace_back(weight * (map.scaled_inverse * led));
  }
  const auto rows = static_cast<Eigen::Index>(through.size());
  if (rows == 0) return;
  through_map_.resize(tags, rows);
  for (Eigen::Index r = 0; r < rows; ++r) through_map_.col(r) = through[static_cast<std::size_t>(r)];
  const SparseRows& tagged = map.new_game_tags;
  const auto new_games = static_cast<std::size_t>(tagged.rows());
  lent_.resize(static_cast<std::size_t>(rows) * new_games);
  std::vector<double> sum(static_cast<std::size_t>(rows));
  for (std::size_t k = 0; k < new_games; ++k) {
    if (k % 1024 == 0) stop_point();
    std::fill(sum.begin(), sum.end(), 0.0);
    for (std::int64_t p = tagged.offset[k]; p < tagged.offset[k + 1]; ++p) {
      const double* row = through_map_.row(tagged.index[p]).data();
      const double value = tagged.value[p];
      for (Eigen::Index r = 0; r < rows; ++r) sum[static_cast<std::size_t>(r)] += row[r] * value;
    }
    for (Eigen::Index r = 0; r < rows; ++r)
      lent_[static_cast<std::size_t>(r) * new_games + k] = static_cast<float>(sum[static_cast<std::size_t>(r)]);
  }
}

void RidgeLentBlock::add_to(const TagRidgeMap& map, std::int32_t g, std::vector<float>& dot,
                            std::vector<std::int32_t>& touched) const {
  const std::int32_t slot = slot_[static_cast<std::size_t>(g - first_)];
  if (slot < 0) return;
  const std::size_t new_games = map.new_games.size();
  const float* lent = lent_.data() + static_cast<std::size_t>(slot) * new_games;
  for (std::size_t k = 0; k < new_games; ++k) {
    const std::int32_t n = map.new_games[k];
    if (dot[n] == 0) touched.push_back(n);
    dot[n] += lent[k];
  }
}

double ridge_lent_block_bytes(double new_games, double rows) {
  return rows * (new_games * sizeof(float) + kTagRidgeMaxTags * 2 * sizeof(double));
}

}  // namespace steam_rec::rec
