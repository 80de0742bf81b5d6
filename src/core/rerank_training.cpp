#include "core/rerank_training.hpp"

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "core/parallel.hpp"
#include "core/recommender.hpp"
#include "core/reranker.hpp"
#include "core/seeded_split.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

constexpr std::int64_t kPlayersPerChunk = 32;

// The split: each player's rows without the held-out ones, and the held-out
// games of each player, ascending.
struct Split {
  SparseRows kept;
  std::vector<std::vector<std::int32_t>> held;
};

Split split_rows(const SparseRows& by_player, CancelCheck& cancel) {
  std::mt19937 random(kRerankSplitSeed);
  Split split;
  split.held.resize(static_cast<std::size_t>(by_player.rows()));
  split.kept.index.reserve(by_player.index.size());
  split.kept.value.reserve(by_player.value.size());
  std::vector<std::int64_t> rows;
  for (std::int32_t p = 0; p < by_player.rows(); ++p) {
    cancel.poll(256);
    rows.resize(static_cast<std::size_t>(by_player.offset[p + 1] - by_player.offset[p]));
    std::iota(rows.begin(), rows.end(), by_player.offset[p]);
    shuffle(rows, random);
    const std::size_t held = held_count(rows.size(), kRerankHoldout);
    std::vector<std::int32_t>& held_games = split.held[static_cast<std::size_t>(p)];
    for (std::size_t i = 0; i < held; ++i) held_games.push_back(by_player.index[rows[i]]);
    std::sort(held_games.begin(), held_games.end());
    // The kept rows in their stored (ascending game) order.
    for (std::int64_t r = by_player.offset[p]; r < by_player.offset[p + 1]; ++r)
      if (!std::binary_search(held_games.begin(), held_games.end(), by_player.index[r])) {
        split.kept.index.push_back(by_player.index[r]);
        split.kept.value.push_back(by_player.value[r]);
      }
    split.kept.offset.push_back(static_cast<std::int64_t>(split.kept.index.size()));
  }
  return split;
}

}  // namespace

Reranker fit_reranker_on_split(const TrainingSet& data, const TrainParams& base, std::int32_t candidates,
                               CancelCheck& cancel) {
  Split split = split_rows(data.by_player(), cancel);
  const TrainingSet fit_data = data.with_owned_rows(std::move(split.kept));
  GameModel model = train(fit_data, base, cancel);
  model.rerank_facts = rerank_game_facts(fit_data);
  Recommender recommender(model);

  // At most kRerankFitPlayersAtMost players' candidates: every stride-th,
  // each into its own slot, so the examples do not depend on the threads.
  const std::int64_t players = fit_data.players();
  const std::int64_t stride =
      std::max<std::int64_t>(1, (players + kRerankFitPlayersAtMost - 1) / kRerankFitPlayersAtMost);
  std::vector<RerankExample> examples(static_cast<std::size_t>((players + stride - 1) / stride));
  // A Recommender reuses scratch space per call: one copy per thread.
  const int threads = threads_for(players, kPlayersPerChunk);
  std::vector<std::unique_ptr<Recommender>> copies;
  for (int t = 1; t < threads; ++t) copies.push_back(std::make_unique<Recommender>(recommender));
  const SparseRows& kept = fit_data.by_player();
  const std::vector<std::int32_t>& appids = fit_data.appids();
  parallel_for(
      players, kPlayersPerChunk,
      [&](const Chunk& chunk, int worker) {
        Recommender& ranker = worker == 0 ? recommender : *copies[static_cast<std::size_t>(worker - 1)];
        CancelCheck never_cancelled;  // a worker thread never asks the server
        for (std::int64_t p = chunk.begin; p < chunk.end; ++p) {
          const std::vector<std::int32_t>& held = split.held[static_cast<std::size_t>(p)];
          if (held.empty() || p % stride != 0) continue;
          RankRequest request;
          request.k = candidates;
          for (std::int64_t r = kept.offset[p]; r < kept.offset[p + 1]; ++r)
            request.games.push_back(PlayerGame{appids[static_cast<std::size_t>(kept.index[r])], kept.value[r]});
          RankDetails details;
          const std::vector<Recommendation> ranked = ranker.rank(request, never_cancelled, &details);
          RerankExample& example = examples[static_cast<std::size_t>(p / stride)];
          example.features = std::move(details.features);
          for (const Recommendation& r : ranked)
            example.relevant.push_back(std::binary_search(held.begin(), held.end(), fit_data.game_index(r.appid)) ? 1
                                                                                                                  : 0);
          example.held = static_cast<std::int32_t>(held.size());
        }
      },
      cancel);
  examples.erase(
      std::remove_if(examples.begin(), examples.end(), [](const RerankExample& e) { return e.relevant.empty(); }),
      examples.end());
  return fit_reranker_if_it_wins(std::move(examples), kRerankFitListLength, 1.0, 3, cancel);
}

}  // namespace steam_rec::rec
