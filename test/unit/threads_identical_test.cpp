// Every trainer and evaluate() give the same results, bit for bit, on one
// thread and on several: chunks are fixed and sums are taken in chunk order.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>

#include "core/batch_scorer.hpp"
#include "core/evaluation.hpp"
#include "core/parallel.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

CancelCheck no_cancel;

// 1,200 players over 300 games in 6 taste groups (enough rows for several
// chunks of every parallel loop, and for more than one block of the Gram
// matrices and of EASE's inverse), with engagement and tags.
template <typename Add>
void synthetic_plays(Add add) {
  std::mt19937 random(7);
  for (std::int64_t player = 1; player <= 1200; ++player) {
    const int group = static_cast<int>(random() % 6);
    const int games = 5 + static_cast<int>(random() % 26);
    for (int n = 0; n < games; ++n) {
      const bool in_group = random() % 4 != 0;
      const std::int32_t appid =
          in_group ? 1000 + group * 50 + static_cast<int>(random() % 50) : 1000 + static_cast<int>(random() % 300);
      add(player, appid, static_cast<float>(random() % 1000) / 1000.0f);
    }
  }
}

TrainingSet synthetic_training_set() {
  TrainingSet data;
  synthetic_plays(
      [&](std::int64_t player, std::int32_t appid, float engagement) { data.add_owned(player, appid, engagement); });
  for (std::int32_t appid = 1000; appid < 1300; ++appid) {
    data.add_tag(appid, "group " + std::to_string((appid - 1000) / 50), 1);
    data.add_tag(appid, "tag " + std::to_string(appid % 17), 2);
    data.add_tag(appid, "tag " + std::to_string(appid % 5 + 20), 3);
  }
  data.finish(no_cancel);
  return data;
}

GameModel train_on(int threads, const TrainParams& params) {
  const int previous = max_threads();
  set_max_threads(threads);
  TrainingSet data = synthetic_training_set();
  GameModel model = train(data, params, no_cancel);
  set_max_threads(previous);
  return model;
}

void expect_same_rows(const SparseRows& a, const SparseRows& b, const char* what) {
  EXPECT_EQ(a.offset, b.offset) << what;
  EXPECT_EQ(a.index, b.index) << what;
  EXPECT_EQ(a.value, b.value) << what;  // exact float equality
}

struct Case {
  const char* algorithm;
  std::vector<ParamValue> params;
};

std::vector<Case> every_trainer() {
  return {
      {"popularity", {}},
      {"itemknn", {}},
      {"ease", {{"max_games", false, 280, ""}}},
      {"ials", {{"factors", false, 16, ""}, {"iterations", false, 3, ""}}},
      {"ials", {{"factors", false, 16, ""}, {"iterations", false, 2, ""}, {"solver", true, 0, "cholesky"}}},
      {"content", {}},
      {"hybrid", {{"base", true, 0, "itemknn"}}},
  };
}

TEST(ThreadsIdentical, EveryTrainerGivesTheSameModelOnOneAndOnThreeThreads) {
  for (const Case& c : every_trainer()) {
    SCOPED_TRACE(c.algorithm);
    const TrainParams params = resolve_params(c.algorithm, c.params);
    const GameModel one = train_on(1, params);
    const GameModel three = train_on(3, params);
    EXPECT_EQ(one.popularity, three.popularity);
    expect_same_rows(one.neighbors, three.neighbors, "neighbours");
    expect_same_rows(one.content_neighbors, three.content_neighbors, "content neighbours");
    expect_same_rows(one.tags, three.tags, "tags");
    ASSERT_EQ(one.factors.rows(), three.factors.rows());
    ASSERT_EQ(one.factors.cols(), three.factors.cols());
    EXPECT_TRUE((one.factors.array() == three.factors.array()).all());
    // The hybrid's default re-ranker: fitted on examples gathered on threads.
    EXPECT_EQ(one.reranker.stored(), three.reranker.stored());
    if (std::string(c.algorithm) == "hybrid") {
      EXPECT_FALSE(one.reranker.empty());
    }
    if (std::string(c.algorithm) == "itemknn" || std::string(c.algorithm) == "ease") {
      EXPECT_GT(one.neighbors.nonzeros(), 1000);
    }
    if (std::string(c.algorithm) == "ials") {
      EXPECT_GT(one.factors.cwiseAbs().sum(), 0.0f);
    }
  }
}

TEST(ThreadsIdentical, EvaluateScoresTheSameOnOneAndOnThreeThreads) {
  Evaluation evaluation;
  synthetic_plays([&](std::int64_t player, std::int32_t appid, float engagement) {
    evaluation.add_play(EvalPlay{player, appid, engagement, engagement * 10.0});
  });
  EvalOptions options;
  evaluation.prepare(options, no_cancel);
  const int previous = max_threads();
  // The trainers are compared above; here the parallel ranking and its sums.
  for (const Case& c :
       {Case{"itemknn", {}}, Case{"ials", {{"factors", false, 16, ""}, {"iterations", false, 3, ""}}}}) {
    SCOPED_TRACE(c.algorithm);
    const TrainParams params = resolve_params(c.algorithm, c.params);
    set_max_threads(1);
    const EvalScore one = evaluation.evaluate(params, no_cancel);
    set_max_threads(3);
    const EvalScore three = evaluation.evaluate(params, no_cancel);
    EXPECT_EQ(one.recall, three.recall);
    EXPECT_EQ(one.ndcg, three.ndcg);
    EXPECT_EQ(one.hit_rate, three.hit_rate);
    EXPECT_EQ(one.coverage, three.coverage);
    EXPECT_EQ(one.players, three.players);
    EXPECT_GT(one.players, 500);
  }
  set_max_threads(previous);
}

// BatchScorer (refresh_recommendations()): the lists of every player, ranked
// in double-buffered batches on one, two and three threads, are those
// Recommender::rank gives one player at a time from the player's games in
// appid order, whatever order they were added in, each player's rows in appid
// order (the table's key order, so the writing thread need not sort them).
TEST(ThreadsIdentical, BatchScorerListsAreEachPlayersOwnRankingOnAnyThreadCount) {
  const TrainParams params = resolve_params("itemknn", {});
  Recommender model(train_on(1, params));
  std::vector<std::int64_t> players;
  std::vector<std::vector<PlayerGame>> owned;
  synthetic_plays([&](std::int64_t player, std::int32_t appid, float engagement) {
    if (players.empty() || players.back() != player) {
      players.push_back(player);
      owned.emplace_back();
    }
    owned.back().push_back(PlayerGame{appid, engagement});
  });
  ScoredLists expected;
  int reordered = 0;  // rows whose place in appid order is not their rank
  for (std::size_t p = 0; p < players.size(); ++p) {
    RankRequest request;
    request.k = 7;
    request.games = owned[p];
    std::sort(request.games.begin(), request.games.end(),
              [](const PlayerGame& a, const PlayerGame& b) { return a.appid < b.appid; });
    std::vector<std::tuple<std::int32_t, std::int32_t, float>> rows;  // appid, rank, score
    for (const Recommendation& r : model.rank(request))
      rows.emplace_back(r.appid, static_cast<std::int32_t>(rows.size()) + 1, r.score);
    std::sort(rows.begin(), rows.end());
    for (std::size_t i = 0; i < rows.size(); ++i) reordered += std::get<1>(rows[i]) != static_cast<std::int32_t>(i) + 1;
    expected.players.push_back(players[p]);
    for (const auto& [appid, rank, score] : rows) {
      expected.row_players.push_back(players[p]);
      expected.appids.push_back(appid);
      expected.ranks.push_back(rank);
      expected.scores.push_back(score);
    }
  }
  const int previous = max_threads();
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    set_max_threads(threads);
    BatchScorer scorer;
    scorer.open(model, 7, 100);
    EXPECT_EQ(scorer.threads(), threads);  // max_threads() - 1 in the background, and the caller
    ScoredLists got;
    auto take = [&](const ScoredLists& done) {
      got.players.insert(got.players.end(), done.players.begin(), done.players.end());
      got.row_players.insert(got.row_players.end(), done.row_players.begin(), done.row_players.end());
      got.appids.insert(got.appids.end(), done.appids.begin(), done.appids.end());
      got.ranks.insert(got.ranks.end(), done.ranks.begin(), done.ranks.end());
      got.scores.insert(got.scores.end(), done.scores.begin(), done.scores.end());
    };
    for (std::size_t p = 0; p < players.size(); ++p) {
      if (scorer.filled_players() == scorer.batch_players()) {
        scorer.submit(no_cancel);
        take(scorer.done());
      }
      scorer.add_player(players[p]);
      // In descending appid order: the scorer ranks them in ascending order.
      for (auto game = owned[p].rbegin(); game != owned[p].rend(); ++game)
        scorer.add_game(game->appid, game->engagement);
    }
    scorer.submit(no_cancel);
    take(scorer.done());
    scorer.drain(no_cancel);
    take(scorer.done());
    EXPECT_EQ(got.players, expected.players);
    EXPECT_EQ(got.row_players, expected.row_players);
    EXPECT_EQ(got.appids, expected.appids);
    EXPECT_EQ(got.ranks, expected.ranks);
    EXPECT_EQ(got.scores, expected.scores);  // exact float equality
  }
  set_max_threads(previous);
  EXPECT_EQ(expected.players.size(), 1200u);
  EXPECT_GT(expected.appids.size(), 1200u * 5);
  EXPECT_GT(reordered, 1200);
}

// Conjugate gradient, warm-started, reaches the exact (Cholesky) solution's
// ranking quality on data with clear structure.
TEST(IalsConjugateGradient, RanksAsWellAsCholesky) {
  Evaluation evaluation;
  synthetic_plays([&](std::int64_t player, std::int32_t appid, float engagement) {
    evaluation.add_play(EvalPlay{player, appid, engagement, engagement * 10.0});
  });
  evaluation.prepare(EvalOptions{}, no_cancel);
  auto ials = [](const char* solver) {
    return resolve_params("ials",
                          {{"factors", false, 16, ""}, {"iterations", false, 6, ""}, {"solver", true, 0, solver}});
  };
  const EvalScore exact = evaluation.evaluate(ials("cholesky"), no_cancel);
  const EvalScore cg = evaluation.evaluate(ials("cg"), no_cancel);
  EXPECT_GT(exact.recall, 0.05);
  EXPECT_GE(cg.recall, exact.recall * 0.97);
  EXPECT_GE(cg.ndcg, exact.ndcg * 0.97);
}

}  // namespace
}  // namespace steam_rec::rec
