// Sums over players that item-item training needs, computed where the
// players' rows are and added up elsewhere.  On a Citus cluster each worker
// computes them over its own shards of user_games and the coordinator adds
// the workers' parts, so what travels grows with games and co-owned game
// pairs, not with rows.
//
// Two passes, because the second needs totals over every player (itemknn's
// TF-IDF/BM25 weights, the games EASE covers):
//   1. owned_totals() per worker; add_totals() on the coordinator.  Enough
//      for popularity and content (tags come from the reference tables).
//   2. game_sums_part() per worker, given the totals; GameSums adds them:
//      itemknn's weighted X'X, EASE's X'X over its covered games, RP3beta's
//      walk sums (a player's step probabilities use only that player's
//      games, so each worker computes them exactly for its own players).
// iALS is not trained this way: its game step needs a factors x factors sum
// per game per iteration (docs/citus.md).
// The encodings are plain bytes in this machine's byte order, led by a tag
// that names the kind and version; every node of a cluster runs the same
// build.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// Per-game totals over a set of players, by appid.
struct OwnedTotals {
  std::int64_t players = 0;          // players with at least one game
  std::int64_t interactions = 0;     // owned games
  std::vector<std::int32_t> appids;  // ascending
  std::vector<std::int64_t> owners;  // per appid
  std::vector<std::int64_t> played;  // owners whose engagement is above 0
  std::vector<double> weight_sums;   // sum of the interaction weights
};

// The totals of a finished TrainingSet's players (its tags are ignored).
OwnedTotals owned_totals(const TrainingSet& data, const InteractionWeight& weight);
// Adds `part` (another set of players) into `into`.
void add_totals(OwnedTotals& into, const OwnedTotals& part);
std::string encode_totals(const OwnedTotals& totals);
// Throws InvalidArgument when the bytes are not an encode_totals() result or
// hold totals no set of players has (negative or impossible counts, sums
// that are not finite): a worker decodes what its caller passes.
OwnedTotals decode_totals(const char* bytes, std::size_t size);

// Whether the partial-sum path can train this algorithm with these
// parameters: every algorithm whose statistics are sums over players (some
// from the totals alone), and hybrid over one of them.  Not ials, whose game
// step needs the player factors of each iteration.
bool trains_from_game_sums(const TrainParams& params);
// Whether it needs the second pass (game_sums_part()), not only the totals.
bool needs_co_ownership_sums(const TrainParams& params);

// Per game of `catalog`, its owners in the totals (0 for the others).
// Throws InvalidArgument when the totals name a game the catalog lacks.
std::vector<std::int64_t> owners_of_catalog(const TrainingSet& catalog, const OwnedTotals& totals);

// The upper triangle (diagonal included) of X'X over the TrainingSet's
// players, X their weighted rows as itemknn weighs them with the totals of
// every player, encoded by appid.  Throws InvalidArgument when a game of
// `data` is missing from `totals` (the rows changed between the passes).
std::string co_ownership_part(const TrainingSet& data, const TrainParams& params, const OwnedTotals& totals,
                              CancelCheck& cancel);

// A worker's answer to the second pass: one section per statistic the
// algorithm needs, each summed over the TrainingSet's players:
//   itemknn: as co_ownership_part();
//   ease:    X'X over the games it covers (the max_games most-owned in the
//            totals), upper triangle; plus itemknn's section when knn_weight
//            and the walk section when rp3_weight blend them in;
//   rp3beta: per game i, the sum over its owners of each step i -> j.
// hybrid sends its base's.  Throws InvalidArgument as co_ownership_part(),
// or when the algorithm needs no second pass.
std::string game_sums_part(const TrainingSet& data, const TrainParams& params, const OwnedTotals& totals,
                           CancelCheck& cancel);

// The statistics a second-pass answer can hold.
enum class SumKind { itemknn = 0, ease = 1, walk = 2 };

// The workers' second-pass answers added up, over the games of `appids`.
class GameSums {
 public:
  explicit GameSums(std::vector<std::int32_t> appids);
  // Adds one worker's game_sums_part(); throws InvalidArgument when the
  // bytes are malformed or empty, hold a section of no known kind, name a
  // game outside `appids` or hold a sum that is not finite (or negative where
  // no sum can be: a diagonal, a walk sum).
  void add_part(const char* bytes, std::size_t size);
  // Entries (pairs, diagonal included) held so far over every section.
  std::int64_t entries() const;
  // Whether any part held an entry of `kind`.
  bool holds(SumKind kind) const;
  // A statistic added up: a row per game by `appids`, in column order, the
  // parts added in the order they came; the upper-triangle kinds (itemknn,
  // ease) mirrored into the full symmetric matrix.
  struct Rows {
    std::vector<std::int64_t> offset{0};
    std::vector<std::int32_t> index;
    std::vector<double> value;
  };
  Rows added(SumKind kind) const;

 private:
  std::int32_t number(std::int32_t appid) const;
  std::vector<std::int32_t> appids_;
  std::vector<std::vector<std::pair<std::int32_t, double>>> sections_[3];  // per kind, row i: (j, value)
};

// Trains a model from the added-up totals and second-pass sums: the model
// train() makes from the rows: exactly, or up to the order in which float
// sums were added where X'X is inverted or walk sums are added in double.
// `catalog` holds the tags and every game
// (add_game() of each owned appid); it has no players.
GameModel train_from_game_sums(const TrainingSet& catalog, const OwnedTotals& totals, const GameSums& sums,
                               const TrainParams& params, CancelCheck& cancel);

}  // namespace steam_rec::rec
