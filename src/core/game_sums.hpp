// Sums over players that item-item training needs, computed where the
// players' rows are and added up elsewhere.  On a Citus cluster each worker
// computes them over its own shards of user_games and the coordinator adds
// the workers' parts, so what travels grows with games and co-owned game
// pairs, not with rows.
//
// Two passes, because itemknn's TF-IDF/BM25 weight of a row needs totals over
// every player (owners per game, players, mean library length):
//   1. owned_totals() per worker; add_totals() on the coordinator;
//   2. co_ownership_part() per worker, given the totals; GameSums adds them.
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
// parameters (itemknn, for now).
bool trains_from_game_sums(const TrainParams& params);

// The upper triangle (diagonal included) of X'X over the TrainingSet's
// players, X their weighted rows as itemknn weighs them with the totals of
// every player, encoded by appid.  Throws InvalidArgument when a game of
// `data` is missing from `totals` (the rows changed between the passes).
std::string co_ownership_part(const TrainingSet& data, const TrainParams& params, const OwnedTotals& totals,
                              CancelCheck& cancel);

// X'X added up from the parts of every worker, over the games of `appids`.
class GameSums {
 public:
  explicit GameSums(std::vector<std::int32_t> appids);
  // Adds one worker's co_ownership_part(); throws InvalidArgument when the
  // bytes are malformed, name a game outside `appids` or hold a sum that is
  // not finite (or a negative diagonal).
  void add_part(const char* bytes, std::size_t size);
  // Pairs (diagonal included) held so far, and bytes of parts added.
  std::int64_t entries() const;
  // The full symmetric matrix, game numbers by `appids`, values summed; the
  // parts are added in the order they came, per row in column order.
  struct Rows {
    std::vector<std::int64_t> offset{0};
    std::vector<std::int32_t> index;
    std::vector<double> value;
  };
  Rows symmetric() const;

 private:
  std::int32_t number(std::int32_t appid) const;
  std::vector<std::int32_t> appids_;
  std::vector<std::vector<std::pair<std::int32_t, double>>> upper_;  // row i: (j >= i, value)
};

// Trains an itemknn model from the added-up totals and X'X: the same model
// train() makes from the rows.  `catalog` holds the tags and every game
// (add_game() of each owned appid); it has no players.
GameModel train_from_game_sums(const TrainingSet& catalog, const OwnedTotals& totals, const GameSums& sums,
                               const TrainParams& params, CancelCheck& cancel);

}  // namespace steam_rec::rec
