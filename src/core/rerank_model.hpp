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
  // Read only by re-rankers fitted since their second shape (below):
  kSupport,   // log(1 + the player's games whose neighbour lists hold it) / log(2 + their number)
  kBestLink,  // the largest positive part one of those games gives it, scaled as the base scales it
  kRerankFeatures
};

// What a fitted re-ranker reads: the first `features` features of each
// candidate, standardized, then the pairwise products (squares included) of
// `products`, in the order expand_rerank_features() makes them.
struct RerankShape {
  int features;
  const int* products;
  int product_count;
  constexpr int weights() const { return features + product_count * (product_count + 1) / 2; }
  // The mean and scale of each feature, then the weights.
  constexpr int stored_numbers() const { return 2 * features + weights(); }
};
inline constexpr int kFirstShapeProducts[] = {kScoreZ,      kLogOwners, kLogOwnersLibrary, kTagCosine,
                                              kPlayedShare, kLogRank,   kReleaseYearGap};
inline constexpr int kShapeProducts[] = {kScoreZ,  kLogOwners,      kLogOwnersLibrary, kTagCosine, kPlayedShare,
                                         kLogRank, kReleaseYearGap, kSupport,          kBestLink};
// The first shape (61 numbers), which models trained before the support
// features keep and are served with: eleven features and the products of
// seven.  The shape fitted now (84 numbers): the support and the best link
// besides, in the products too (docs/quality.md, "Support and best link").
inline constexpr RerankShape kFirstRerankShape{kReleaseYearGap + 1, kFirstShapeProducts, 7};
inline constexpr RerankShape kRerankShape{kRerankFeatures, kShapeProducts, 9};
inline constexpr int kRerankWeights = kRerankShape.weights();
// The shape of a stored re-ranker of `count` numbers; null when none has that many.
const RerankShape* rerank_shape_of(std::int64_t count);

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
  // The fit gives a feature that does not vary a scale of 1.
  static constexpr float kSmallestScale = 1e-6f;
  static constexpr float kLargestNumber = 1e12f;

  Eigen::VectorXf mean, scale, weights;
  const RerankShape* shape = &kRerankShape;

  bool empty() const { return weights.size() == 0; }
  // Whether it is a well-formed fitted model and `features` rows it reads
  // (rows of every feature; a model of the first shape reads the first).
  bool fits(const Eigen::MatrixXf& features) const;
  // Whether its numbers have its shape's sizes, every scale lies in
  // [kSmallestScale, kLargestNumber] and every mean and weight within
  // kLargestNumber: what a stored model must hold to serve.  With features
  // within kLargestNumber too, score() is then finite.
  bool well_formed() const;
  // Each candidate's score (rows of features as RerankFeatureBuilder fills),
  // in double; all 0 unless fits(features).
  Eigen::VectorXd score(const Eigen::MatrixXf& features) const;
  // The order of the candidates under score(), best first; ties keep the
  // base model's order, as does any score that is not finite.  Only its
  // first `count` when fewer (a call lists k of a hundred candidates).
  std::vector<std::int32_t> order(const Eigen::MatrixXf& features, std::size_t count = SIZE_MAX) const;
  // The order a list is served in: the first kRerankBasePlacesKept
  // candidates where they are, the others in order(); its first `count`.
  std::vector<std::int32_t> served_order(const Eigen::MatrixXf& features, std::size_t count = SIZE_MAX) const;

  // Its shape's stored_numbers() numbers (none unless well_formed()), and
  // the model from `count` of them: empty when no shape has that many.
  std::vector<float> stored() const;
  static Reranker from_stored(const float* numbers, std::int64_t count);
};

// The first shape.features columns of `features` standardized, with the
// shape's products appended (rows x shape.weights()), in double: a product
// of two standardized features may exceed a float's range.
Eigen::MatrixXd expand_rerank_features(const Eigen::MatrixXf& features, const Eigen::VectorXf& mean,
                                       const Eigen::VectorXf& scale, const RerankShape& shape = kRerankShape);

}  // namespace steam_rec::rec
