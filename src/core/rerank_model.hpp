// The re-ranker as a model holds and serves it: the features it reads of
// each candidate, the facts it keeps per game, and the fitted weights.
// How the features are built from a model image and how the weights are
// fitted is in reranker.hpp.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

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

// What a model keeps of each game for the re-ranker, as training saw it, in
// this order per game.
enum RerankGameFact : int { kFactLogOwners, kFactPlayedShare, kFactMeanEngagement, kFactReleaseYear, kRerankGameFacts };

// The most candidates a list may re-order (the parameter's upper bound).
inline constexpr std::int32_t kRerankCandidatesAtMost = 500;
// The base model's first places a served list keeps.  The fit cannot tell a
// player's later games from games the player will never take, and takes
// them against the base model's best guesses: moving another game above
// its first lowered NDCG@20 on validation and test alike, while re-ordering
// the rest kept the gain (docs/quality.md, "Keeping the base model's first").
inline constexpr std::int32_t kRerankBasePlacesKept = 1;

// The mean and standard deviation of a ranking's scores over every game it
// could list (the z-score feature reads them).
struct ScoreSpread {
  double mean = 0;
  double sd = 0;
};

// The fitted model: features are standardized by mean and scale, expanded
// with the products, and weighed.  Empty: no re-ranking.
struct Reranker {
  // Numbers stored: the mean and scale of each feature, then the weights.
  static constexpr int kStoredNumbers = 2 * kRerankFeatures + kRerankWeights;
  // The fit gives a feature that does not vary a scale of 1.
  static constexpr float kSmallestScale = 1e-6f;
  static constexpr float kLargestNumber = 1e12f;

  Eigen::VectorXf mean, scale, weights;

  bool empty() const { return weights.size() == 0; }
  // Whether it is a well-formed fitted model and `features` rows it reads.
  bool fits(const Eigen::MatrixXf& features) const;
  // Whether its numbers have their sizes, every scale lies in
  // [kSmallestScale, kLargestNumber] and every mean and weight within
  // kLargestNumber: what a stored model must hold to serve.  With features
  // within kLargestNumber too, score() is then finite.
  bool well_formed() const;
  // Each candidate's score (rows of features as RerankFeatureBuilder fills),
  // in double; all 0 unless fits(features).
  Eigen::VectorXd score(const Eigen::MatrixXf& features) const;
  // The order of the candidates under score(), best first; ties keep the
  // base model's order, as does any score that is not finite.
  std::vector<std::int32_t> order(const Eigen::MatrixXf& features) const;
  // The order a list is served in: the first kRerankBasePlacesKept
  // candidates where they are, the others in order().
  std::vector<std::int32_t> served_order(const Eigen::MatrixXf& features) const;

  // The kStoredNumbers numbers, and the model from them.
  std::vector<float> stored() const;
  static Reranker from_stored(const float* numbers);
};

// Standardized features with the products appended (rows x kRerankWeights),
// in double: a product of two standardized features may exceed a float's range.
Eigen::MatrixXd expand_rerank_features(const Eigen::MatrixXf& features, const Eigen::VectorXf& mean,
                                       const Eigen::VectorXf& scale);

}  // namespace steam_rec::rec
