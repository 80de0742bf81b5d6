#include "core/batch_scorer.hpp"

#include <algorithm>

namespace steam_rec::rec {
namespace {

// Players per chunk: small, so the stop flag is read often and the last
// chunks of a batch spread over the threads.
constexpr std::int64_t kPlayersPerChunk = 16;

}  // namespace

void BatchScorer::Players::clear() {
  ids.clear();
  first_game.clear();
  games.clear();
}

BatchScorer::BatchScorer() noexcept = default;

BatchScorer::~BatchScorer() { reset(); }

void BatchScorer::open(const Recommender& model, std::int32_t k, int batch_players) {
  reset();
  k_ = k;
  batch_players_ = std::max(batch_players, 1);
  // The caller reads and writes tables meanwhile: one thread fewer ranks in
  // the background, and the caller ranks beside them once it waits.
  threads_ = threads_for(batch_players_, kPlayersPerChunk);
  workers_ = threads_ - 1;
  for (int t = 0; t < threads_; ++t) rankers_.push_back(std::make_unique<Recommender>(model));
  const std::size_t slots = static_cast<std::size_t>(batch_players_) * static_cast<std::size_t>(k_);
  slot_appids_.resize(slots);
  slot_ranks_.resize(slots);
  slot_scores_.resize(slots);
  slot_count_.resize(static_cast<std::size_t>(batch_players_));
  for (Players* players : {&filling_, &ranking_}) {
    players->ids.reserve(static_cast<std::size_t>(batch_players_));
    players->first_game.reserve(static_cast<std::size_t>(batch_players_) + 1);
  }
}

void BatchScorer::reset() noexcept {
  background_.stop();  // joins any worker before the buffers go
  rankers_.clear();
  filling_ = Players{};
  ranking_ = Players{};
  slot_appids_ = {};
  slot_ranks_ = {};
  slot_scores_ = {};
  slot_count_ = {};
  done_ = ScoredLists{};
}

double BatchScorer::estimate_bytes(const Recommender& model, std::int32_t k, int batch_players, int threads) {
  const double slots = static_cast<double>(batch_players) * k;
  // Slots (appid, rank, score), and the finished lists as rows (8 + 8 + 4 + 4 + 4 bytes a row).
  const double lists = slots * (4 + 4 + 4) + slots * 28;
  return static_cast<double>(threads) * static_cast<double>(model.scratch_bytes()) + lists;
}

void BatchScorer::add_player(std::int64_t steam_id) {
  filling_.ids.push_back(steam_id);
  filling_.first_game.push_back(filling_.games.size());
}

void BatchScorer::add_game(std::int32_t appid, float engagement) {
  filling_.games.push_back(PlayerGame{appid, engagement});
}

// Ranks players [chunk.begin, chunk.end) of the batch into their slots.
void BatchScorer::rank_chunk(const Chunk& chunk, int worker) {
  Recommender& ranker = *rankers_[static_cast<std::size_t>(worker)];
  RankRequest request;
  request.k = k_;
  request.new_games_by_tags = true;  // the lists recommend() returns
  std::vector<std::size_t> order;    // of a list's entries, by appid
  for (std::int64_t p = chunk.begin; p < chunk.end; ++p) {
    stop_point();
    const auto player = static_cast<std::size_t>(p);
    request.games.assign(ranking_.games.begin() + static_cast<std::ptrdiff_t>(ranking_.first_game[player]),
                         ranking_.games.begin() + static_cast<std::ptrdiff_t>(ranking_.first_game[player + 1]));
    // Ties in a ranking fall by the order of the games: appid order, as
    // recommend() reads them, whatever order they were added in.
    const auto by_appid = [](const PlayerGame& a, const PlayerGame& b) { return a.appid < b.appid; };
    if (!std::is_sorted(request.games.begin(), request.games.end(), by_appid))
      std::sort(request.games.begin(), request.games.end(), by_appid);
    const std::vector<Recommendation> list = ranker.rank(request);
    const std::size_t slot = player * static_cast<std::size_t>(k_);
    const std::size_t n = std::min(list.size(), static_cast<std::size_t>(k_));
    order.resize(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    // A list holds each game once, so appids alone order it.
    std::sort(order.begin(), order.end(),
              [&list](std::size_t a, std::size_t b) { return list[a].appid < list[b].appid; });
    for (std::size_t i = 0; i < n; ++i) {
      slot_appids_[slot + i] = list[order[i]].appid;
      slot_ranks_[slot + i] = static_cast<std::int32_t>(order[i]) + 1;
      slot_scores_[slot + i] = list[order[i]].score;
    }
    slot_count_[player] = static_cast<std::int32_t>(n);
  }
}

// Turns the slots of the batch just ranked into done()'s rows.
void BatchScorer::collect() {
  done_.players = ranking_.ids;
  done_.row_players.clear();
  done_.appids.clear();
  done_.ranks.clear();
  done_.scores.clear();
  for (std::size_t p = 0; p < ranking_.ids.size(); ++p) {
    const std::size_t slot = p * static_cast<std::size_t>(k_);
    for (std::int32_t i = 0; i < slot_count_[p]; ++i) {
      done_.row_players.push_back(ranking_.ids[p]);
      done_.appids.push_back(slot_appids_[slot + static_cast<std::size_t>(i)]);
      done_.ranks.push_back(slot_ranks_[slot + static_cast<std::size_t>(i)]);
      done_.scores.push_back(slot_scores_[slot + static_cast<std::size_t>(i)]);
    }
  }
  ranking_.clear();
}

void BatchScorer::drain(CancelCheck& cancel) {
  if (!background_.running()) {
    done_.players.clear();
    done_.row_players.clear();
    done_.appids.clear();
    done_.ranks.clear();
    done_.scores.clear();
    return;
  }
  background_.wait(cancel);
  collect();
}

void BatchScorer::submit(CancelCheck& cancel) {
  drain(cancel);
  if (filling_.ids.empty()) return;
  std::swap(filling_, ranking_);
  filling_.clear();
  ranking_.first_game.push_back(ranking_.games.size());
  background_.start(
      static_cast<std::int64_t>(ranking_.ids.size()), kPlayersPerChunk,
      [this](const Chunk& chunk, int worker) { rank_chunk(chunk, worker); }, workers_);
}

}  // namespace steam_rec::rec
