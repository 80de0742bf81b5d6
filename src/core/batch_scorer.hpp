// Ranking many players' lists on the core's threads while the caller does
// something else: refresh_recommendations() reads the next players and writes
// the previous lists while the workers rank the current batch.
//
// Double buffered: the caller fills one batch of players (add_player,
// add_game); submit() waits for the batch being ranked, hands its lists over
// (done()), and starts ranking the batch just filled.  Each worker ranks with
// a Recommender copy of its own (its own scratch; the model's image is
// shared and read only), each player's list lands in its own slot, so the
// lists do not depend on the thread count.  Workers touch only this object
// and the image; deleting the object stops and joins them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/cancel.hpp"
#include "core/parallel.hpp"
#include "core/recommender.hpp"

namespace steam_rec::rec {

// Ranked lists of a batch of players, in the order they were added, as rows:
// row r belongs to row_players[r], ranks count from 1 per player.  A
// player's rows are in appid order, the order of the table's key
// (player, game): the worker that ranked the list sorted it, so the caller,
// which alone writes, need not.
struct ScoredLists {
  std::vector<std::int64_t> players;
  std::vector<std::int64_t> row_players;
  std::vector<std::int32_t> appids;
  std::vector<std::int32_t> ranks;
  std::vector<float> scores;
};

class BatchScorer {
 public:
  BatchScorer() noexcept;
  ~BatchScorer();

  // Prepares to rank lists of k games with `model` (which must outlive this
  // object, or its reset()), batches of up to `batch_players` players, on up
  // to max_threads() - 1 threads while the caller reads and writes, and on
  // the caller's thread too once it waits in submit() or drain() (there
  // alone when max_threads() is 1).
  void open(const Recommender& model, std::int32_t k, int batch_players);
  // Stops and joins the workers, frees the copies and buffers.
  void reset() noexcept;

  // Adds a player to the batch being filled, then that player's games, in
  // any order (each player's games are ranked in appid order, so that the
  // caller's reader need not sort them; a player owns a game once).
  void add_player(std::int64_t steam_id);
  void add_game(std::int32_t appid, float engagement);
  int filled_players() const noexcept { return static_cast<int>(filling_.ids.size()); }
  int batch_players() const noexcept { return batch_players_; }

  // Waits for the batch being ranked (its lists are then in done()) and
  // starts ranking the batch filled so far, if it has players.
  void submit(CancelCheck& cancel);
  // Waits for the batch being ranked; its lists are then in done().
  void drain(CancelCheck& cancel);
  const ScoredLists& done() const noexcept { return done_; }

  // Threads it ranks on, and the bytes they and the buffers add to the
  // model's image (an estimate before open(): see estimate_bytes).
  int threads() const noexcept { return threads_; }
  static double estimate_bytes(const Recommender& model, std::int32_t k, int batch_players, int threads);

 private:
  struct Players {
    std::vector<std::int64_t> ids;
    std::vector<std::size_t> first_game;  // per player, into games; one more at the end while ranked
    std::vector<PlayerGame> games;
    void clear();
  };
  void rank_chunk(const Chunk& chunk, int worker);
  void collect();

  std::int32_t k_ = 0;
  int batch_players_ = 0;
  int threads_ = 1;                                    // rankers, the caller included
  int workers_ = 0;                                    // threads ranking in the background, besides the caller
  std::vector<std::unique_ptr<Recommender>> rankers_;  // one per thread
  Players filling_, ranking_;
  // Per player of the batch being ranked: up to k appids, ranks and scores in
  // appid order, and how many.
  std::vector<std::int32_t> slot_appids_;
  std::vector<std::int32_t> slot_ranks_;
  std::vector<float> slot_scores_;
  std::vector<std::int32_t> slot_count_;
  ScoredLists done_;
  BackgroundFor background_;
};

}  // namespace steam_rec::rec
