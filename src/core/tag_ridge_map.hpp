// A map from tags to collaborative weights, learned on the owned games.  The
// tag neighbours of a new game lend it the weights of the few owned games
// most like it by raw tag cosine; a ridge regression of the owned games' tag
// vectors instead spreads a new game's shares over every owned game by how
// its tags predict theirs, so the tags that the owned games' weights actually
// follow count, not only the nearest games.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "core/cancel.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// The ridge penalty on the owned games' unit TF-IDF Gram; chosen with
// evaluate(target => 'new_games', validation => true) (3 and 10 were equal
// within the seeds' spread).
constexpr double kTagRidgePenalty = 3.0;

// The map covers at most this many tags, those on the most owned games: its
// tags x tags matrices stay under 25 MB whatever the catalog's tag names
// (Steam has about 450).
constexpr std::int32_t kTagRidgeMaxTags = 1024;

// The share of owned game s in new game n is f_s' A f_n / scale, with
// A = (F'F + penalty I)^-1 over the owned games' tag vectors f, scaled so the
// shares of a new game sum to 1 on average, as the tag neighbours' do.
struct TagRidgeMap {
  Eigen::MatrixXd scaled_inverse;       // A / scale, over the map's tags; empty: no map
  std::vector<std::int32_t> new_games;  // tagged games nobody owns, ascending
  std::vector<std::int32_t> column;     // per tag, its place among the map's tags, or -1
  SparseRows new_game_tags;             // per new game, in order, its entries on the map's tags (by place)
};

// The map over `vectors` (unit TF-IDF rows by game, `tags` columns); owners[g]
// > 0 marks an owned game.  Empty when no game is owned or none is new.
// Polls `cancel` while it sums the owned games' tag pairs (a game may carry
// thousands of tags) and between the steps of the solve, which runs on the
// core's threads.
TagRidgeMap fit_tag_ridge_map(const SparseRows& vectors, std::int32_t tags, const std::vector<std::int64_t>& owners,
                              CancelCheck& cancel);

// The weights a block of rows of `neighbors` lends new games through the
// map, computed together: every row reads every new game's tags, so reading
// them once per block instead of once per row saves most of the memory
// traffic (the lending is memory bound, and two threads share one memory).
// Each row's sums are taken in the same order as one row alone, so the
// weights do not depend on the block.
class RidgeLentBlock {
 public:
  // Computes rows [first, last) of `neighbors`: per row g and new game n,
  // weight x sum_s w(g, s) share(s, n) over the entries (s, w(g, s)) of row g.
  void compute(const TagRidgeMap& map, const SparseRows& vectors, const SparseRows& neighbors, std::int32_t first,
               std::int32_t last, double weight);
  // Adds row g's weights (first <= g < last) to dot[n] for every new game n,
  // noting each n it touches first in `touched`.
  void add_to(const TagRidgeMap& map, std::int32_t g, std::vector<float>& dot,
              std::vector<std::int32_t>& touched) const;

 private:
  std::int32_t first_ = 0;
  std::vector<std::int32_t> slot_;  // per row of the block, its place among the lending rows, or -1
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> through_map_;  // tags x lending rows
  std::vector<float> lent_;                                                             // lending rows x new games
};

// Bytes a RidgeLentBlock of `rows` rows holds over `new_games` new games and
// the map's most tags.
double ridge_lent_block_bytes(double new_games, double rows);

}  // namespace steam_rec::rec
