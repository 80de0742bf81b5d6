// The per-thread memory estimate of a hybrid whose new games borrow through
// the tag ridge map covers what each thread holds: a chunk of rows' lendings
// to every new game (tag-only, so not among the owned games the estimate
// otherwise counts).
#include <gtest/gtest.h>

#include "core/new_game_neighbors.hpp"
#include "core/tag_ridge_map.hpp"
#include "core/thread_scratch.hpp"
#include "core/train_params.hpp"

using namespace steam_rec::rec;

namespace {

TrainParams hybrid_with_ridge() {
  return resolve_params("hybrid", {ParamValue{"base", true, 0, "itemknn"}, ParamValue{"new_game_weight", false, 1, ""},
                                   ParamValue{"tag_ridge_weight", false, 1, ""}});
}

// What one thread's RidgeLentBlock holds at most: a float per row and new
// game, and two tags-long columns of doubles per row.
double lendings_bytes(double new_games) {
  return kNewGameRowsPerChunk * (new_games * sizeof(float) + kTagRidgeMaxTags * 2 * sizeof(double));
}

// The Steam data's shape: 5,153 owned games, 169,187 tag entries.
DataSize steam_data() {
  DataSize size;
  size.players = 12393;
  size.games = 5153;
  size.interactions = 128801;
  size.tag_entries = 169187;
  return size;
}

// With its 28,179 games known only by their tags; on 64 threads.
TEST(HybridThreadBytes, CountTheNewGamesEveryThreadLendsTo) {
  DataSize size = steam_data();
  size.new_games = 28179;
  EXPECT_GE(thread_scratch_bytes(hybrid_with_ridge(), size, 64, false), 64 * lendings_bytes(28179));
}

// Where the new games were not counted, the tag entries bound them (a new
// game has at least one).
TEST(HybridThreadBytes, BoundTheNewGamesByTheTagEntriesWhenNotCounted) {
  EXPECT_GE(thread_scratch_bytes(hybrid_with_ridge(), steam_data(), 64, false), 64 * lendings_bytes(169187));
}

}  // namespace
