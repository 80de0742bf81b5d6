// A second stage over the base model's best candidates: each player's top
// candidates (by the base model's score) are re-ordered by a linear model
// over facts of the candidate and of its score, with the pairwise products
// of the main ones, fitted by LambdaRank on a split of the training data.
// docs/quality.md, "The re-ranker in the server", measured the features and
// the fit; bench/quality_prototype/rerank_search.py is their first form.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "core/cancel.hpp"
#include "core/model_view.hpp"
#include "core/rerank_model.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// Per game, the facts the re-ranker keeps (kRerankGameFacts numbers each,
// GameModel::rerank_facts), from the training rows (engagement 0 = never
// played) and the catalog's release dates.
std::vector<float> rerank_game_facts(const TrainingSet& data);

struct RerankCandidate {
  std::int32_t game;
  float score;  // the base model's
  // How many of the player's games list it among their neighbours, and the
  // largest positive part one of them gives it (scaled as the base scales it).
  float support = 0, best_link = 0;
};

// Builds one player's feature rows from a model image with the games'
// facts; holds a scratch tag profile, so one per thread (or Recommender).
class RerankFeatureBuilder {
 public:
  explicit RerankFeatureBuilder(const ModelView& view);
  // Row c of *features for candidates[c] (best first by the base model);
  // `owned` the player's games (a number outside the model's games counts
  // as none; such a candidate's row is 0); `spread` of the base model's scores over
  // every game the player could be given (Recommender::rank()).  All rows 0
  // when the image holds no facts.
  void build(const std::vector<std::int32_t>& owned, const std::vector<RerankCandidate>& candidates,
             const ScoreSpread& spread, Eigen::MatrixXf* features);
  std::size_t scratch_bytes() const { return profile_.capacity() * sizeof(float) + profile_tags_.capacity() * 4; }

 private:
  ModelView view_;  // a copy: a Recommender holding this builder may be copied
  std::vector<float> profile_;
  std::vector<std::int32_t> profile_tags_;
};

// One player's candidates for fitting: the features, which candidates are
// held-out games, and how many games were held out (some may be outside
// the candidates), which sets the best reachable DCG.
struct RerankExample {
  Eigen::MatrixXf features;
  std::vector<std::uint8_t> relevant;
  std::int32_t held = 0;
};

// The fit reads at most this many players' candidates (every n-th player
// when there are more), bounding its memory and time.
inline constexpr std::int64_t kRerankFitPlayersAtMost = 20000;

// What a play costs the split the fit is drawn on: its kept row in the
// split's rows and their transpose, or a held-out game, and its place in a
// player's shuffle.
inline constexpr double kSplitBytesPerPlay = 40;

// What the fit holds at its peak besides the base model's training, in bytes
// (an upper estimate): the split's copy of the training set (its plays, each
// player's held-out games, the tag rows, the catalog's facts and the tag
// names), the games' facts, and each fitted player's candidates (features,
// label and place) and a pass's partial sums; 0 when `candidates` is 0.
double rerank_fit_bytes(std::int32_t candidates, const DataSize& size);
// What each of `threads` threads adds: a block of pairs, a player's pairs
// and expanded features, and a ranker's scratch while examples are gathered.
double rerank_fit_thread_bytes(std::int32_t candidates, const DataSize& size, int threads);

// Fits the weights by LambdaRank: a pairwise logistic loss over (held-out,
// other) pairs of each player's candidates, each pair weighed by how much
// the player's NDCG@k would change if the two swapped places, first in the
// base model's order, then, `rounds` - 1 times, in the fitted model's;
// ridge `l2`.  Newton's method, so the result depends on the examples only.
Reranker fit_reranker(const std::vector<RerankExample>& examples, std::int32_t k, double l2, int rounds,
                      CancelCheck& cancel);

// The mean NDCG@k of the examples' candidates in the order the model serves
// them (served_order()); with an empty model, in the base model's order.
double mean_served_ndcg(const Reranker& model, const std::vector<RerankExample>& examples, std::int32_t k);

// fit_reranker() on every example, but only if a re-ranker fitted on half
// of them (every other one) serves the other half a higher mean NDCG@k than
// the base order: on data too small or too plain to learn from (a couple of
// hundred players of a few dozen games), its weights fit noise and the lists
// get worse.  Empty otherwise.
Reranker fit_reranker_if_it_wins(std::vector<RerankExample> examples, std::int32_t k, double l2, int rounds,
                                 CancelCheck& cancel);

}  // namespace steam_rec::rec
