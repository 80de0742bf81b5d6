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
#include "core/recommender.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// The features of one candidate, in column order.  The three score
// features read the base model's scores of the player's candidates only.
enum RerankFeature : int {
  kScoreZ,            // (score - mean) / sd over every game the player could be given
  kScoreShare,        // score / the best candidate's
  kLogRank,           // log(1 + place in the base model's order)
  kLogOwners,         // log(1 + owners)
  kLogOwnersLibrary,  // log(1 + owners) * log(1 + the player's games)
  kTagCosine,         // the candidate's tags against the player's tag profile
  kHasTags,           // 1 when the candidate has tags
  kPlayedShare,       // share of its owners who played it
  kMeanEngagement,    // its owners' mean engagement (0..1)
  kReleaseYear,       // (release year - 2010) / 5, unknown = the catalog's mean
  kReleaseYearGap,    // |its year - the mean year of the player's games| / 5
  kRerankFeatures
};
// The features whose pairwise products (squares included) the model adds.
inline constexpr int kProductFeatures[] = {kScoreZ,      kLogOwners, kLogOwnersLibrary, kTagCosine,
                                           kPlayedShare, kLogRank,   kReleaseYearGap};
inline constexpr int kProductCount = 7 * 8 / 2;
inline constexpr int kRerankWeights = kRerankFeatures + kProductCount;

// Per game, the facts the re-ranker reads from the training data.
struct CandidateFacts {
  std::vector<float> log_owners, played_share, mean_engagement, release_year;
  std::vector<std::uint8_t> has_tags;

  // From the training rows (engagement 0 = never played) and the catalog's
  // release dates; `tags` the model's unit tag vectors.
  static CandidateFacts from(const TrainingSet& data, const SparseRows& tags);
};

struct RerankCandidate {
  std::int32_t game;
  float score;  // the base model's
};

// Builds one player's feature rows; holds a scratch tag profile, so one per
// thread.
class RerankFeatureBuilder {
 public:
  RerankFeatureBuilder(const CandidateFacts& facts, const SparseRows& tags, std::int32_t tag_count);
  // Row c of *features for candidates[c] (best first by the base model);
  // `owned` the player's games (a number outside the model's games counts
  // as none; such a candidate's row is 0); `spread` of the base model's scores over
  // every game the player could be given (Recommender::rank()).
  void build(const std::vector<std::int32_t>& owned, const std::vector<RerankCandidate>& candidates,
             const ScoreSpread& spread, Eigen::MatrixXf* features);

 private:
  const CandidateFacts& facts_;
  const SparseRows& tags_;
  std::vector<float> profile_;
  std::vector<std::int32_t> profile_tags_;
};

// The fitted model: features are standardized by mean and scale, expanded
// with the products, and weighed.  Empty: no re-ranking.
struct Reranker {
  Eigen::VectorXf mean, scale, weights;

  bool empty() const { return weights.size() == 0; }
  // Whether it is a fitted model and `features` rows it reads.
  bool fits(const Eigen::MatrixXf& features) const;
  // Each candidate's score (rows of features as RerankFeatureBuilder fills);
  // all 0 unless fits(features).
  Eigen::VectorXf score(const Eigen::MatrixXf& features) const;
  // The order of the candidates under score(), best first; ties keep the
  // base model's order.
  std::vector<std::int32_t> order(const Eigen::MatrixXf& features) const;
};

// Standardized features with the products appended (rows x kRerankWeights).
Eigen::MatrixXf expand_rerank_features(const Eigen::MatrixXf& features, const Eigen::VectorXf& mean,
                                       const Eigen::VectorXf& scale);

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

// What a play costs the split the fit is drawn on (evaluate()'s copy of
// the training part: a play of 32 bytes and a held-out appid).
inline constexpr double kSplitBytesPerPlay = 40;

// What the fit holds at its peak besides the base model's training, in bytes
// (an upper estimate): the split's copy of the `interactions` training
// plays of `players` players and each fitted player's candidates (features,
// label and place); 0 when `candidates` is 0.
double rerank_fit_bytes(std::int32_t candidates, std::int64_t players, std::int64_t interactions);
// What each of `threads` threads adds: a block of pairs and a player's
// expanded features.
double rerank_fit_thread_bytes(std::int32_t candidates, int threads);

// Fits the weights by LambdaRank: a pairwise logistic loss over (held-out,
// other) pairs of each player's candidates, each pair weighed by how much
// the player's NDCG@k would change if the two swapped places, first in the
// base model's order, then, `rounds` - 1 times, in the fitted model's;
// ridge `l2`.  Newton's method, so the result depends on the examples only.
Reranker fit_reranker(const std::vector<RerankExample>& examples, std::int32_t k, double l2, int rounds,
                      CancelCheck& cancel);

}  // namespace steam_rec::rec
