// The parameters of a training, checked against the algorithm registry
// (algorithm_registry.hpp).
//
// Parameters arrive as (key, value) pairs from the caller's jsonb; resolve()
// checks every key and value and fills in the defaults, so a stored model
// records exactly what it was trained with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace steam_rec::rec {

struct AlgorithmSpec;
enum class Weighting { none, tfidf, bm25 };
// How iALS solves each player's and game's factors.
enum class Solver { cg, cholesky };

// The algorithm train() uses when none is named (SQL: train(algorithm text
// DEFAULT 'hybrid')); a default TrainParams is one of it.
inline constexpr const char* kDefaultAlgorithm = "hybrid";
// The registry's entry of kDefaultAlgorithm.
const AlgorithmSpec* default_algorithm();
// The base a combining algorithm uses unless told otherwise; nullptr for the others.
const AlgorithmSpec* default_base_of(const AlgorithmSpec* algorithm);

// Field initializers are the parameters' defaults (the registry reads them).
struct TrainParams {
  const AlgorithmSpec* algorithm = default_algorithm();    // resolve_params() and restore_params() set it
  const AlgorithmSpec* base = default_base_of(algorithm);  // a combining algorithm's collaborative part
  float engagement_weight = 0;

  // itemknn and ease: neighbors kept per game
  std::int32_t neighbors = 100;
  // itemknn
  float shrinkage = 10;
  Weighting weighting = Weighting::bm25;
  float bm25_k1 = 1.2f;
  float bm25_b = 0.75f;
  // ease: lambda, and how many of the most-owned games it covers (its
  // memory and time grow with the square and cube of that number)
  float lambda = 50;
  std::int32_t max_games = 5000;
  // ease: RDLAE (Moon et al. 2023).  dropout p adds p/(1-p)*G_jj to game j's
  // regularisation (what dropping a share p of the input emphasises, Steck's
  // EDLAE); diagonal_relaxation xi lets the self-weight B_jj grow up to xi
  // before it is cut away, instead of forcing it to 0.  Both 0: plain EASE.
  // 0.4 and 0.35 (with lambda 50) were chosen with
  // evaluate(validation => true), seeds 1-5 (docs/quality.md); a model stored
  // without these keys was plain EASE and restores with 0 (the registry's
  // "absent" values).
  float dropout = 0.4f;
  float diagonal_relaxation = 0.35f;
  // ease: weights into game j are divided by owners(j)^popularity_exponent
  // (0: plain EASE), so popular games need more evidence to be recommended
  float popularity_exponent = 0;
  // ease: share of itemknn's neighbors (with itemknn's defaults) blended
  // into EASE's (0: EASE alone)
  float knn_weight = 0;
  // ease (and a hybrid over it): the catalog's facts as extra rows of X,
  // adding weight^2 K K' to the Gram per kind (catalog_gram.hpp): the words
  // of the names, developer and publisher keys, series (0: none; 2, 1 and 2
  // were chosen on evaluate()'s validation split, target 'owned')
  float catalog_name_weight = 2;
  float catalog_studio_weight = 1;
  float catalog_series_weight = 2;
  // ease: share of RP3beta's neighbors (with the rp3 parameters given)
  // blended into EASE's (0: none)
  float rp3_weight = 0;
  // rp3beta: transition probabilities are raised to rp3_alpha; arrivals at
  // game j are divided by owners(j)^rp3_beta
  float rp3_alpha = 1;
  float rp3_beta = 0.5f;
  // the neighbour models: the weights into game j are multiplied by
  // (share of j's owners who ever played it)^play_share_exponent, so games
  // most owners never start rank lower (0: off)
  float play_share_exponent = 0;
  // ials: a row's regularization is
  // regularization * (its interactions + unobserved_weight * rows with
  // interactions on the other side)^exponent.  With exponent 1 it grew with
  // the number of players, so a regularization chosen on evaluate()'s 3,726
  // players was too strong for 12,393; exponent 0.25 with regularization 5
  // were chosen with evaluate(validation => true), seeds 42 and 1-4, and
  // transfer to the full tables (docs/quality.md).  A database at older SQL
  // still trains with 0.02 and 1 (the registry's "absent" values).
  std::int32_t factors = 128;
  std::int32_t iterations = 15;
  float regularization = 5;
  float alpha = 5;
  float unobserved_weight = 0.5f;
  float exponent = 0.25f;
  std::int32_t seed = 42;
  Solver solver = Solver::cg;
  std::int32_t cg_steps = 3;  // conjugate-gradient steps per row and iteration
  // content and hybrid: games kept per owned game, by tag cosine
  std::int32_t content_neighbors = 50;
  // content and hybrid: a game nobody owns is liked in proportion to
  // (its tag popularity / the largest)^tag_popularity_exponent, where its tag
  // popularity is the sum over its tags of the owners of the games carrying
  // the tag (0: by tag likeness alone; 1 was chosen with
  // evaluate(target => 'new_games', validation => true))
  float tag_popularity_exponent = 1;
  // hybrid
  float content_weight = 0.05f;
  // hybrid over a neighbour base: weights into a game nobody owns, from its
  // tag neighbours' weights (new_game_neighbors.hpp), times this (0: none;
  // 1 was chosen with evaluate(target => 'new_games', validation => true),
  // and leaves 'owned' unchanged)
  float new_game_weight = 1;
  // hybrid over a neighbour base, with new_game_weight: new games' weights
  // also lent through the ridge map from tags (tag_ridge_map.hpp), times
  // this relative to the tag neighbours' (0: tag neighbours only; 1 was
  // chosen with evaluate(target => 'new_games', validation => true))
  float tag_ridge_weight = 1;
  // hybrid over a neighbour base, with new_game_weight: each owned game also
  // leads to the new games of its developer or publisher (studio_weight per
  // kind shared) and of its series (series_weight), relative to the largest
  // weights lent into new games (catalog_lending.hpp; 0: none; 3 and 30 were
  // chosen with evaluate(target => 'new_games', validation => true))
  float studio_weight = 3;
  float series_weight = 30;
  // hybrid over a neighbour base, with new_game_weight: each owned game also
  // leads to the new games whose names share its rare words, by this times
  // the cosine of the names' IDF-weighted words, on the scale of
  // studio_weight (catalog_lending.hpp; 0: none; 15 was chosen with
  // evaluate(target => 'new_games', validation => true))
  float name_word_weight = 15;
  // hybrid over a neighbour base, with new_game_weight: every weight an
  // owned game lends a new game times exp(-years apart / this), from the two
  // release dates (1 when either is unknown; catalog_lending.hpp; 0: none;
  // 8 was chosen with evaluate(target => 'new_games', validation => true))
  float release_years_scale = 8;
  // hybrid: re-order each player's best this many by the re-ranker
  // (reranker.hpp), fitted by training on a split of its rows
  // (rerank_training.hpp; 0: off; 100 since SQL 1.7, chosen with
  // evaluate(validation => true), docs/quality.md).  Stored in
  // model_rerankers, so 0 where that table is not (SQL 1.6 and older, a
  // Citus cluster).  Its fit's memory is counted (rerank_fit_bytes()).
  std::int32_t rerank_candidates = 100;
};

// Which defaults a key not given takes.  One library serves every SQL
// version, and a default is part of train()'s behaviour: a database whose
// SQL predates a key's change (the registry's default_changed_in) keeps what
// it had, the key's "absent" value.  A database that cannot store a
// re-ranker (a Citus cluster) gets none unless it asks for one.
struct Defaults {
  // The installed SQL's version as major * 100 + minor (1.6: 106); the
  // newest unless told.
  int sql_version = std::numeric_limits<int>::max();
  bool stores_reranker = true;
  static Defaults of_sql(int major, int minor) {
    Defaults defaults;
    defaults.sql_version = major * 100 + minor;
    return defaults;
  }
};

struct ParamValue {
  std::string key;
  bool is_text = false;
  double number = 0;
  std::string text;
  bool is_integer = false;  // set by describe_params(): stored without a fraction
};

// Every algorithm name, comma separated, for messages.
const char* algorithm_names();
const char* algorithm_name(const AlgorithmSpec* algorithm);
// Throws InvalidArgument naming the valid algorithms.
const AlgorithmSpec* parse_algorithm(const std::string& name);

// Throws InvalidArgument for an unknown key (listing the allowed ones), a key
// of another base of a combining algorithm (naming the base it belongs to), a value of the wrong
// kind or out of range (naming the range).
// `defaults` says what a key not given takes: today's default, or the
// registry's "absent" value, what the algorithm did before (Defaults).
TrainParams resolve_params(const std::string& algorithm, const std::vector<ParamValue>& given,
                           Defaults defaults = Defaults{});
// The parameters of a stored model, for serving it.  Never throws for a value:
// a stored model must always load, even if a later version narrowed a range
// or dropped a key.  Unknown keys and unreadable text keep their defaults;
// numbers are clamped into their range (which also keeps the casts defined).
// A key the model lacks reads as what it was trained with: the registry's
// "absent" value where a later version changed the behaviour, else the default.
// Throws InvalidArgument only for an unknown algorithm.
TrainParams restore_params(const std::string& algorithm, const std::vector<ParamValue>& stored);
// The parameters that apply to the algorithm, defaults included.  With
// the defaults of a database whose SQL predates a key's change, a key new
// since then at its "absent" value is left out: that SQL has no name for it,
// and the update to the newer SQL writes it in again.
std::vector<ParamValue> describe_params(const TrainParams& params, Defaults defaults = Defaults{});
// A described number as JSON text that reads back to the same value:
// integers without a fraction, floats with the fewest digits that give back
// the same float.
std::string param_number_text(const ParamValue& value);

// What a tag row costs a training beyond its name: its entry in the rows
// read, the rows by game and the model's.
constexpr double kBytesPerTagEntry = 40.0;

// What an owned game costs a training at the peak of the read: the rows as
// read, 12 bytes, held up to three times while their array grows or is cut to
// its rows, then once beside the sorted copy the build makes (12 bytes) and
// the rows by player and by game it builds (16 bytes).  The rows read are
// freed once those are built (TrainingSet::finish()): of the 40 bytes,
// kReadRowsBytesPerPlay are free again by the time any algorithm runs.
constexpr double kBytesPerPlay = 40.0;
constexpr double kReadRowsBytesPerPlay = 24.0;

struct DataSize {
  std::int64_t players = 0;
  std::int64_t games = 0;
  std::int64_t interactions = 0;
  std::int64_t tag_entries = 0;
  // Games known only by their tags (nobody owns them), which a hybrid's
  // new-game columns lend to; -1 where not counted (the tag entries bound
  // them: a new game has at least one).
  std::int64_t new_games = -1;
  // The catalog's facts as training holds and builds them
  // (TrainingSet::catalog_bytes_added()); 0 when not read.
  double catalog_bytes = 0;
  // The distinct tag names as training holds them
  // (TrainingSet::tag_name_bytes_added()); 0 before they are read.
  double tag_name_bytes = 0;
};

// What training will allocate at its peak, in bytes (an upper estimate).
double training_memory_bytes(const TrainParams& params, const DataSize& size);

}  // namespace steam_rec::rec
