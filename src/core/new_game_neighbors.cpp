#include "core/new_game_neighbors.hpp"

#include <algorithm>

#include "core/best_kept.hpp"
#include "core/neighbor_blend.hpp"
#include "core/parallel.hpp"
#include "core/row_parts.hpp"
#include "core/tag_ridge_map.hpp"
#include "core/target_factors.hpp"
#include "core/top_k.hpp"

namespace steam_rec::rec {
namespace {

constexpr std::int64_t kRowsPerChunk = kNewGameRowsPerChunk;

using Owners = std::vector<std::int64_t>;

bool owned(const Owners& owners, std::int32_t g) { return owners[static_cast<std::size_t>(g)] > 0; }

// Per new game, its `count` owned games of largest tag cosine, the cosines
// scaled to sum 1; rows of owned games are empty.
SparseRows tag_neighbors_of_new_games(const TrainingSet& data, const Owners& owners, const SparseRows& vectors,
                                      std::int32_t count, CancelCheck& cancel) {
  const std::int32_t games = vectors.rows();
  // Only owned games are looked up by tag: a new game's neighbours must have
  // weights of their own to lend.
  SparseRows owned_vectors;
  for (std::int32_t g = 0; g < games; ++g) {
    if (owned(owners, g))
      for (std::int64_t p = vectors.offset[g]; p < vectors.offset[g + 1]; ++p) {
        owned_vectors.index.push_back(vectors.index[p]);
        owned_vectors.value.push_back(vectors.value[p]);
      }
    owned_vectors.offset.push_back(owned_vectors.nonzeros());
  }
  const SparseRows by_tag = transpose(owned_vectors, static_cast<std::int32_t>(data.tag_names().size()));
  return game_rows_in_parallel(
      games, kRowsPerChunk,
      [&](std::int32_t n, RowScratch& s) {
        if (owned(owners, n)) return;
        collect_best_row_products(vectors, by_tag, n, -1, static_cast<std::size_t>(count), s);
        float sum = 0;
        for (const Scored& c : s.candidates) sum += c.score;
        if (sum > 0)
          for (Scored& c : s.candidates) c.score /= sum;
      },
      cancel);
}

}  // namespace

SparseRows with_new_game_columns(const TrainingSet& data, const SparseRows& vectors, const SparseRows& neighbors,
                                 double new_game_weight, double ridge_weight, std::int32_t count, CancelCheck& cancel) {
  return with_new_game_columns(data, owner_counts(data), vectors, neighbors, new_game_weight, ridge_weight, count,
                               cancel);
}

SparseRows with_new_game_columns(const TrainingSet& data, const Owners& owners, const SparseRows& vectors,
                                 const SparseRows& neighbors, double new_game_weight, double ridge_weight,
                                 std::int32_t count, CancelCheck& cancel) {
  const std::int32_t games = std::min(vectors.rows(), neighbors.rows());
  // Owned game s -> the new games it is a tag neighbour of, with its share.
  const SparseRows lends_to =
      transpose(tag_neighbors_of_new_games(data, owners, vectors, count, cancel), vectors.rows());
  const TagRidgeMap ridge =
      ridge_weight > 0 ? fit_tag_ridge_map(vectors, static_cast<std::int32_t>(data.tag_names().size()), owners, cancel)
                       : TagRidgeMap{};
  // Each thread's ridge lendings of the chunk of rows it fills.
  std::vector<RidgeLentBlock> ridge_rows(static_cast<std::size_t>(threads_for(games, kRowsPerChunk)));
  const SparseRows added = game_rows_in_parallel(
      games, kRowsPerChunk,
      [&](const Chunk& chunk, int worker) {
        ridge_rows[static_cast<std::size_t>(worker)].compute(ridge, vectors, neighbors,
                                                             static_cast<std::int32_t>(chunk.begin),
                                                             static_cast<std::int32_t>(chunk.end), ridge_weight);
      },
      [&](std::int32_t g, int worker, RowScratch& s) {
        stop_point();  // a row of thousands of neighbours takes milliseconds
        for (std::int64_t p = neighbors.offset[g]; p < neighbors.offset[g + 1]; ++p) {
          const std::int32_t from = neighbors.index[p];
          if (from >= lends_to.rows()) continue;
          for (std::int64_t q = lends_to.offset[from]; q < lends_to.offset[from + 1]; ++q) {
            const std::int32_t n = lends_to.index[q];
            if (s.dot[n] == 0) s.touched.push_back(n);
            s.dot[n] += neighbors.value[p] * lends_to.value[q];
            // A sum that lands exactly on 0 stays listed as touched: harmless.
          }
        }
        ridge_rows[static_cast<std::size_t>(worker)].add_to(ridge, g, s.dot, s.touched);
        // A row lends to most new games (the ridge map reaches every one):
        // only those that may be among the best are listed.
        BestKept best(s.candidates, static_cast<std::size_t>(count));
        for (std::int32_t n : s.touched) {
          if (s.dot[n] > 0) best.offer(static_cast<float>(new_game_weight * s.dot[n]), n);
          s.dot[n] = 0;
        }
        s.touched.clear();
        best.finish();
      },
      cancel);
  return weighted_sum(neighbors, 1.0, added, 1.0);
}

}  // namespace steam_rec::rec
