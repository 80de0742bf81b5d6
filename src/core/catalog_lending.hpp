// Weights into new games from the catalog: a game leads to a new game by the
// same developer or publisher, more strongly to one of the same series, and
// to one whose name shares its rare words.
//
// The lent weights (new_game_neighbors.hpp) reach a new game through its
// tags alone; a player who owns Portal is then led to Portal 2 only as far
// as its tags resemble Portal's.  The catalog names the link directly.  On
// evaluate()'s new-games split it added 14% of recall and 32% of NDCG to the
// lent weights (docs/quality.md, "Catalog facts for new games").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/cancel.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

struct CatalogWeights {
  double studio = 0;  // per shared kind: developer, publisher
  double series = 0;
  double name_words = 0;  // times the cosine of the names' words
  // Every lent weight times exp(-years apart / this); 0: not weighed.
  double release_years = 0;
};

inline CatalogWeights catalog_weights(const TrainParams& params) {
  return CatalogWeights{params.studio_weight, params.series_weight, params.name_word_weight,
                        params.release_years_scale};
}

// Whether training with `params` uses the catalog's facts (so the glue reads
// catalog_cache only then): EASE, alone or as a hybrid's base, with a
// catalog_*_weight above 0 (catalog_gram.hpp), or a hybrid over a neighbour
// base lending weights into new games with a catalog weight (or
// release_years_scale) above 0.
bool uses_catalog(const TrainParams& params);
// The parameters that weigh the catalog's facts, in the registry's order:
// the lendings' (studio_weight, series_weight, name_word_weight,
// release_years_scale) and EASE's Gram's (catalog_*_weight).  A call asks
// for the catalog by giving one of them a value above 0.
const std::vector<std::string>& catalog_parameters();
// Those of them `params` takes at a value above 0, "a, b and c": what to
// pass 0 to train without the catalog.
std::string catalog_parameters_above_zero(const TrainParams& params);
// Sets every one of them to 0: training without the catalog's facts.
void leave_catalog_out(TrainParams& params);
// Whether it weighs the weights lent into new games by release dates (so
// the glue reads release_date only then): every algorithm's parameters
// carry release_years_scale, only such a hybrid uses it.
bool uses_release_dates(const TrainParams& params);

// Adds to each owned game's row of `neighbors` (owners[g] > 0) the new games
// (no owner; with or without tags) that share a developer, a publisher, a
// series or a word of the name with it, each with scale x (studio x [a
// developer shared] + studio x [a publisher shared] + series x [the series
// shared] + name_words x the cosine of the names' IDF-weighted words) added
// to the weight the row gives it, where scale is the median over owned games
// of the largest weight their row gives a new game (so the weights mean the
// same whatever the model's scale).  Each row then keeps its known games and
// its `count` new games of largest weight.  Does nothing when no row lends a
// new game a positive weight or no game has catalog facts.  With
// release_years above 0, every weight the row then gives a new game (the
// tags' and ridge's as well as the catalog's) is multiplied by exp(-|years
// between the two release dates| / release_years) before the `count` are
// kept, 1 when either date is unknown.  A key many games
// share (a publisher of thousands of games, the word "the") costs its owned
// games x its new games: `cancel` is polled per game reached.
void add_catalog_lendings(const TrainingSet& data, const std::vector<std::int64_t>& owners,
                          const CatalogWeights& weights, std::int32_t count, SparseRows& neighbors,
                          CancelCheck& cancel);

}  // namespace steam_rec::rec
