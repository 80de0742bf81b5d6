// A trained recommender in the form it is stored and served in.
//
// Every algorithm produces the same shape: per game a popularity, and any of
//   - item-item neighbors (what each algorithm stores is in its registry entry,
//     algorithm_registry.cpp): a player's score for game j is the sum over the
//     games g they own of weight(g) * neighbor_weight(g, j);
//   - latent factors (ials): the player's vector is solved from the factors of
//     the games they own ("fold-in"), so no per-player state is stored;
//   - tag vectors (every model; content and hybrid score with them): TF-IDF
//     over tags.  A player's content score for game j is the sum over their
//     games g of weight(g) * cosine(g, j), read from each owned game's list of
//     the games most like it by tags (content_neighbors).
// Scoring always starts from the player's current games, so games added after
// training count at once.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "core/rerank_model.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// How a player's engagement with an owned game becomes its weight.
struct InteractionWeight {
  float engagement_weight = 0;  // weight = 1 + engagement_weight * engagement
  float operator()(float engagement) const { return 1.0f + engagement_weight * engagement; }
};

// What iALS fold-in needs besides the item factors.
struct FoldIn {
  float regularization = 0;
  float alpha = 1;              // confidence = 1 + alpha * weight
  float unobserved_weight = 1;  // weight of every unobserved (player, game) pair
  float exponent = 1;           // regularization * (owned + unobserved_weight * observed)^exponent
  // Games with interactions (non-zero factors); < 0: every row of the factors.
  // Games known only from their tags have zero factors and add nothing to the
  // unobserved part, so they must not raise the regularization: counting them
  // made a lambda tuned on one catalog wrong on a larger one.
  std::int64_t observed = -1;
};

// How the components' scores are mixed; each is first scaled to a maximum of 1.
struct Blend {
  float collaborative = 1;
  float content = 0;
  float popularity = 0.001f;  // small: orders games the other parts cannot tell apart
};

// No stored number of a model may be larger than this: sums of a player's
// games' weights, and factor products, then stay finite (a weight near the
// float maximum, written by hand, summed to infinity and ranked by NaN).
// Trained models stay many orders of magnitude below it.
inline constexpr float kLargestStoredMagnitude = 1e12f;

struct GameModel {
  std::vector<std::int32_t> appids;  // ascending; a game's number is its position
  std::vector<float> popularity;     // 0..1, 1 = the most engaged-with game

  SparseRows neighbors;     // game x game, may be empty (no rows)
  Eigen::MatrixXf factors;  // games x factors, may be empty

  SparseRows tags;               // game x tag, TF-IDF, each row of unit length
  SparseRows content_neighbors;  // game x game, tag cosine, for games someone owned; may be empty
  std::vector<std::string> tag_names;

  InteractionWeight weight;
  FoldIn fold_in;
  Blend blend;
  // The second stage (reranker.hpp), trained with rerank_candidates: per
  // game its kRerankGameFacts facts (games x facts, row-major; empty when
  // not kept), the fitted weights (empty: lists keep the base order) and how
  // many of a list's best games they re-order (0 = none).
  std::vector<float> rerank_facts;
  Reranker reranker;
  std::int32_t rerank_candidates = 0;

  std::int32_t games() const { return static_cast<std::int32_t>(appids.size()); }
  bool has_neighbors() const { return neighbors.rows() == games() && neighbors.nonzeros() > 0; }
  bool has_factors() const { return factors.rows() == games() && factors.cols() > 0; }
  bool has_tags() const { return tags.rows() == games() && tags.nonzeros() > 0; }
  bool has_content_neighbors() const { return content_neighbors.rows() == games() && content_neighbors.nonzeros() > 0; }
  bool has_rerank_facts() const {
    return games() > 0 && rerank_facts.size() == static_cast<std::size_t>(games()) * kRerankGameFacts;
  }
  bool reranks() const { return rerank_candidates > 0 && !reranker.empty() && has_rerank_facts(); }
  std::int32_t game_index(std::int32_t appid) const;
  std::int32_t tag_index(const std::string& name) const;
  // Checks that the parts fit together and every number is within
  // kLargestStoredMagnitude; throws InvalidArgument when not.
  void validate() const;
  // Bytes held in memory, for the README's and the catalog's account.
  std::size_t memory_bytes() const;
};

}  // namespace steam_rec::rec
