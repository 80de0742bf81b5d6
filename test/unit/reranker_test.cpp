// The re-ranker (reranker.hpp): its features, its LambdaRank fit, and
// evaluate() with rerank_candidates.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <tuple>

#include "core/algorithm_registry.hpp"
#include "core/evaluation.hpp"
#include "core/model_image.hpp"
#include "core/recommender.hpp"
#include "core/reranker.hpp"
#include "core/thread_scratch.hpp"
#include "core/train_params.hpp"
#include "core/trainer.hpp"
#include "reranked_training.hpp"
#include "threads_scope.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Players whose held-out games are the candidates with the largest
// kTagCosine, placed last by the base model: the fit must learn to put
// them first.  Every other feature is noise.
std::vector<RerankExample> tag_led_examples(int players, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> noise(0.0f, 1.0f);
  std::vector<RerankExample> examples(static_cast<std::size_t>(players));
  for (RerankExample& e : examples) {
    const int candidates = 20;
    e.features = Eigen::MatrixXf::Zero(candidates, kRerankFeatures);
    for (int c = 0; c < candidates; ++c) {
      for (int f = 0; f < kRerankFeatures; ++f) e.features(c, f) = noise(random);
      e.features(c, kLogRank) = std::log1p(static_cast<float>(c));
      const bool held = c >= candidates - 3;
      e.features(c, kTagCosine) = held ? 0.8f + 0.2f * noise(random) : 0.6f * noise(random);
      e.relevant.push_back(held ? 1 : 0);
    }
    e.held = 3;
  }
  return examples;
}

// A model of `data`'s games with one-tag unit tag rows and the re-ranker's
// facts; its image is what a RerankFeatureBuilder reads.
GameModel model_with_facts(const TrainingSet& data) {
  GameModel model;
  model.appids = data.appids();
  model.popularity.assign(model.appids.size(), 0.5f);
  model.tags = data.tags_by_game();
  for (float& v : model.tags.value) v = 1.0f;
  model.tag_names = data.tag_names();
  model.rerank_facts = rerank_game_facts(data);
  return model;
}

}  // namespace

TEST(Reranker, FitLearnsWhatLeadsToTheHeldOutGames) {
  const Reranker model = fit_reranker(tag_led_examples(80, 1), 10, 1.0, 3, no_cancel);
  ASSERT_EQ(model.weights.size(), kRerankWeights);
  // On players it was not fitted on, the three held-out games come first.
  for (const RerankExample& e : tag_led_examples(20, 2)) {
    const std::vector<std::int32_t> order = model.order(e.features);
    for (int place = 0; place < 3; ++place) EXPECT_EQ(e.relevant[static_cast<std::size_t>(order[place])], 1) << place;
  }
}

// The loss fit_reranker() minimises in its first round, pair by pair as
// reranker.hpp states it: each (held-out, other) pair's logistic loss,
// weighed by the change of NDCG@k if the two swapped places in the base
// order, the weights scaled to a mean of 1; plus the ridge.
double first_round_loss(const std::vector<RerankExample>& examples, const Reranker& model, const Eigen::VectorXd& w,
                        std::int32_t k, double l2) {
  const auto gain = [k](Eigen::Index place) { return place < k ? 1.0 / std::log2(place + 2.0) : 0.0; };
  std::vector<std::tuple<double, double, double>> pairs;  // weight, score of held, of other
  double weights = 0;
  for (const RerankExample& e : examples) {
    const Eigen::VectorXd score = expand_rerank_features(e.features, model.mean, model.scale) * w;
    double ideal = 0;
    for (Eigen::Index i = 0; i < std::min(k, std::max(e.held, 1)); ++i) ideal += gain(i);
    for (Eigen::Index p = 0; p < score.size(); ++p)
      for (Eigen::Index q = 0; q < score.size(); ++q)
        if (e.relevant[static_cast<std::size_t>(p)] && !e.relevant[static_cast<std::size_t>(q)]) {
          pairs.emplace_back(std::abs(gain(p) - gain(q)) / ideal, score[p], score[q]);
          weights += std::get<0>(pairs.back());
        }
  }
  double loss = 0.5 * l2 * w.squaredNorm();
  for (const auto& [weight, held, other] : pairs)
    loss += weight * static_cast<double>(pairs.size()) / weights * std::log1p(std::exp(other - held));
  return loss;
}

TEST(Reranker, FitEndsAtTheLeastLoss) {
  // Moving any weight, or all of them at random, from the fitted ones
  // raises the loss: Newton's steps (gradient and Hessian summed per
  // candidate, not per pair) stopped at the minimum, not short of it.
  const std::vector<RerankExample> examples = tag_led_examples(40, 5);
  const Reranker model = fit_reranker(examples, 10, 1.0, 1, no_cancel);
  const Eigen::VectorXd w = model.weights.cast<double>();
  const double least = first_round_loss(examples, model, w, 10, 1.0);
  const double step = 0.05;
  for (Eigen::Index i = 0; i < w.size(); ++i)
    for (double sign : {-1.0, 1.0}) {
      Eigen::VectorXd moved = w;
      moved[i] += sign * step;
      EXPECT_GT(first_round_loss(examples, model, moved, 10, 1.0), least) << i << " " << sign;
    }
  std::mt19937 random(6);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 10; ++trial) {
    const Eigen::VectorXd direction = Eigen::VectorXd::NullaryExpr(w.size(), [&] { return normal(random); });
    EXPECT_GT(first_round_loss(examples, model, w + step * direction.normalized(), 10, 1.0), least) << trial;
  }
}

TEST(Reranker, FitIsTheSameOnAnyNumberOfThreads) {
  // Four chunks of players: both threads take some (the tests run under
  // ThreadSanitizer too, so the fit is kept small).
  const std::vector<RerankExample> examples = tag_led_examples(64, 3);
  Eigen::VectorXf one, two;
  {
    steam_rec::Threads threads(1);
    one = fit_reranker(examples, 10, 1.0, 2, no_cancel).weights;
  }
  {
    steam_rec::Threads threads(2);
    two = fit_reranker(examples, 10, 1.0, 2, no_cancel).weights;
  }
  ASSERT_EQ(one.size(), two.size());
  for (Eigen::Index i = 0; i < one.size(); ++i) EXPECT_EQ(one[i], two[i]) << i;
}

TEST(Reranker, MeanServedNdcgOfTheBaseOrder) {
  // Held-out games at places 0 and 3 of 5, two held out: (1 + 1/log2(5)) / (1 + 1/log2(3)).
  RerankExample e;
  e.features = Eigen::MatrixXf::Zero(5, kRerankFeatures);
  e.relevant = {1, 0, 0, 1, 0};
  e.held = 2;
  const double expected = (1.0 + 1.0 / std::log2(5.0)) / (1.0 + 1.0 / std::log2(3.0));
  EXPECT_NEAR(mean_served_ndcg(Reranker{}, {e}, 20), expected, 1e-12);
  // At k = 3 the second held-out game is past the list.
  EXPECT_NEAR(mean_served_ndcg(Reranker{}, {e}, 3), 1.0 / (1.0 + 1.0 / std::log2(3.0)), 1e-12);
}

TEST(Reranker, KeptWhereItBeatsTheBaseOrderOnPlayersItWasNotFittedOn) {
  // The tag-led players: the base order puts their games last, the fit
  // learns the tag likeness that brings them first.
  const std::vector<RerankExample> examples = tag_led_examples(80, 1);
  const Reranker kept = fit_reranker_if_it_wins(examples, 10, 1.0, 3, no_cancel);
  ASSERT_FALSE(kept.empty());
  EXPECT_GT(mean_served_ndcg(kept, tag_led_examples(20, 2), 10),
            mean_served_ndcg(Reranker{}, tag_led_examples(20, 2), 10));
  // Fitted on every example, as fit_reranker() fits them.
  EXPECT_EQ(kept.weights.size(), kRerankWeights);
}

TEST(Reranker, NotKeptWhereTheBaseOrderIsBetter) {
  // Every feature is noise, the place too, and the base model already puts
  // the held-out games first: nothing to learn that beats it.
  std::mt19937 random(9);
  std::uniform_real_distribution<float> noise(0.0f, 1.0f);
  std::vector<RerankExample> examples(80);
  for (RerankExample& e : examples) {
    e.features = Eigen::MatrixXf::NullaryExpr(20, kRerankFeatures, [&] { return noise(random); });
    for (int c = 0; c < 20; ++c) e.relevant.push_back(c < 3 ? 1 : 0);
    e.held = 3;
  }
  EXPECT_FALSE(fit_reranker(examples, 10, 1.0, 3, no_cancel).empty());
  EXPECT_TRUE(fit_reranker_if_it_wins(examples, 10, 1.0, 3, no_cancel).empty());
}

TEST(Reranker, NoExampleFitsNothing) { EXPECT_TRUE(fit_reranker({}, 20, 1.0, 3, no_cancel).empty()); }

TEST(Reranker, CancelStopsTheFit) {
  struct Stop {
    static bool now(void*) noexcept { return true; }
  };
  steam_rec::CancelCheck stop(&Stop::now, nullptr);
  EXPECT_THROW(fit_reranker(tag_led_examples(200, 4), 20, 1.0, 3, stop), steam_rec::Cancelled);
}

TEST(Reranker, FeaturesOfOneCandidate) {
  // Games 0..3: the player owns 0 and 1; candidates 2 (tagged as game 0)
  // and 3 (no tags).  Two owners of game 2, one of whom played it.
  TrainingSet data;
  data.add_owned(1, 100, 0.5f);
  data.add_owned(1, 101, 0.0f);
  data.add_owned(2, 102, 0.4f);
  data.add_owned(3, 102, 0.0f);
  data.add_game(103);
  data.add_tag(100, "puzzle", 1);
  data.add_tag(102, "puzzle", 1);
  data.add_catalog(100, "", "", "a", 365 * 10);
  data.add_catalog(102, "", "", "c", 365 * 15);
  data.finish(no_cancel);
  const Recommender served(model_with_facts(data));
  RerankFeatureBuilder builder(served.view());
  Eigen::MatrixXf f;
  RerankCandidate tagged{2, 2.0f}, untagged{3, 1.0f};
  tagged.support = 2;
  tagged.best_link = 0.5f;
  builder.build({0, 1}, {tagged, untagged}, ScoreSpread{1.0, 0.5}, &f);
  ASSERT_EQ(f.rows(), 2);
  ASSERT_EQ(f.cols(), kRerankFeatures);
  EXPECT_FLOAT_EQ(f(0, kSupport), std::log1p(2.0f) / std::log(4.0f));  // 2 of the player's 2 games
  EXPECT_FLOAT_EQ(f(0, kBestLink), 0.5f);
  EXPECT_FLOAT_EQ(f(1, kSupport), 0.0f);
  EXPECT_FLOAT_EQ(f(0, kScoreZ), 2.0f);
  EXPECT_FLOAT_EQ(f(1, kScoreZ), 0.0f);
  EXPECT_FLOAT_EQ(f(1, kScoreShare), 0.5f);
  EXPECT_FLOAT_EQ(f(1, kLogRank), std::log1p(1.0f));
  EXPECT_FLOAT_EQ(f(0, kLogOwners), std::log1p(2.0f));
  EXPECT_FLOAT_EQ(f(0, kLogOwnersLibrary), std::log1p(2.0f) * std::log1p(2.0f));
  EXPECT_FLOAT_EQ(f(0, kTagCosine), 1.0f);
  EXPECT_FLOAT_EQ(f(1, kTagCosine), 0.0f);
  EXPECT_FLOAT_EQ(f(0, kHasTags), 1.0f);
  EXPECT_FLOAT_EQ(f(1, kHasTags), 0.0f);
  EXPECT_FLOAT_EQ(f(0, kPlayedShare), 0.5f);
  EXPECT_FLOAT_EQ(f(0, kMeanEngagement), 0.2f);
  EXPECT_NEAR(f(0, kReleaseYear), 1.0f, 0.01f);  // 2015
  // Game 101 has no date: it counts as the mean of 2010 and 2015, so the
  // player's mean year is 2011.25, 3.75 years from game 2's.
  EXPECT_NEAR(f(0, kReleaseYearGap), 3.75f / 5, 0.01f);
}

namespace {

// Two groups of 40 players: each owns 8 of its group's 12 games; games of a
// group share a tag.
Evaluation two_groups() {
  Evaluation e;
  for (int p = 0; p < 80; ++p) {
    const int group = p / 40;
    for (int i = 0; i < 8; ++i) {
      const int appid = 100 * (group + 1) + (p + i) % 12;
      e.add_play(EvalPlay{p + 1, appid, 0.5f, 3.0});
    }
  }
  for (int group = 0; group < 2; ++group)
    for (int g = 0; g < 12; ++g) e.add_tag(100 * (group + 1) + g, group == 0 ? "puzzle" : "racing", 1);
  return e;
}

EvalScore evaluate(std::int32_t candidates, bool new_games) {
  Evaluation e = two_groups();
  EvalOptions options;
  options.k = 5;
  options.new_games = new_games;
  options.new_games_share = 0.25;
  e.prepare(options, no_cancel);
  TrainParams params = resolve_params("hybrid", {{"rerank_candidates", false, static_cast<double>(candidates)}});
  return e.evaluate(params, no_cancel);
}

}  // namespace

TEST(Reranker, EvaluateRanksTheSamePlayersWithIt) {
  const EvalScore base = evaluate(0, false), reranked = evaluate(20, false);
  EXPECT_EQ(reranked.players, base.players);
  EXPECT_GT(reranked.recall, 0.0);
  // The fit and the lists do not depend on the thread count.
  EvalScore one;
  {
    steam_rec::Threads threads(1);
    one = evaluate(20, false);
  }
  EXPECT_EQ(one.recall, reranked.recall);
  EXPECT_EQ(one.ndcg, reranked.ndcg);
}

TEST(Reranker, NewGamesAreRankedByTheBaseModel) {
  const EvalScore base = evaluate(0, true), reranked = evaluate(20, true);
  EXPECT_EQ(reranked.recall, base.recall);
  EXPECT_EQ(reranked.ndcg, base.ndcg);
}

TEST(Reranker, RankFillsTheSpreadOfEveryAllowedGame) {
  // Three games, the player owns one: the spread is over the other two.
  GameModel model;
  model.appids = {1, 2, 3};
  model.popularity = {1.0f, 0.5f, 0.25f};
  model.blend = Blend{0, 0, 1};
  Recommender recommender(model);
  RankRequest request;
  request.games = {{1, 0.5f}};
  request.k = 1;
  RankDetails details;
  steam_rec::CancelCheck never;
  recommender.rank(request, never, &details);
  EXPECT_DOUBLE_EQ(details.spread.mean, 0.375);
  EXPECT_DOUBLE_EQ(details.spread.sd, 0.125);
}

// The spread rank() reports against the mean and sd of every allowed
// game's listed score, with and without a tag filter: select() sums the
// touched games' part of it while it scores them.
TEST(Reranker, RankSpreadIsThatOfEveryListedScore) {
  const TrainingSet data = two_group_rows();
  Recommender recommender(train(data, resolve_params("hybrid", {}), no_cancel));
  for (const bool filtered : {false, true}) {
    RankRequest request;
    request.games = {{100, 1.0f}, {101, 0.5f}, {205, 0.0f}};
    request.k = 1000;  // every allowed game is listed
    if (filtered) request.include_tags = {"puzzle"};
    RankDetails details;
    const std::vector<Recommendation> listed = recommender.rank(request, no_cancel, &details);
    ASSERT_EQ(listed.size(), filtered ? 10u : 21u);
    double sum = 0, squares = 0;
    for (const Recommendation& r : listed) {
      sum += r.score;
      squares += static_cast<double>(r.score) * r.score;
    }
    const double mean = sum / static_cast<double>(listed.size());
    const double sd = std::sqrt(squares / static_cast<double>(listed.size()) - mean * mean);
    EXPECT_NEAR(details.spread.mean, mean, 1e-6 * std::abs(mean)) << "filtered " << filtered;
    EXPECT_NEAR(details.spread.sd, sd, 1e-5 * sd) << "filtered " << filtered;
    EXPECT_GT(sd, 0);
  }
}

namespace {

// Sparse rows from (column, value) lists, columns ascending.
SparseRows rows_of(const std::vector<std::vector<std::pair<std::int32_t, float>>>& rows) {
  SparseRows out;
  for (const auto& row : rows) {
    for (const auto& [column, value] : row) {
      out.index.push_back(column);
      out.value.push_back(value);
    }
    out.offset.push_back(out.nonzeros());
  }
  return out;
}

// Four games sharing one tag, with re-ranker facts; game 1 lists 3 (0.5)
// and 4 (0.25), game 2 lists 3 (1.0).
GameModel four_games_two_lists(const Blend& blend) {
  GameModel model;
  model.appids = {1, 2, 3, 4};
  model.popularity = {0.1f, 0.1f, 0.1f, 0.1f};
  model.blend = blend;
  model.neighbors = rows_of({{{2, 0.5f}, {3, 0.25f}}, {{2, 1.0f}}, {}, {}});
  model.tags = rows_of({{{0, 1.0f}}, {{0, 1.0f}}, {{0, 1.0f}}, {{0, 1.0f}}});
  model.tag_names = {"puzzle"};
  model.rerank_facts.assign(4 * kRerankGameFacts, 0.0f);
  return model;
}

// A player owning games 1 and 2, asking for k.
RankRequest games_one_and_two(std::int32_t k) {
  RankRequest request;
  request.games = {{1, 1.0f}, {2, 1.0f}};
  request.k = k;
  return request;
}

}  // namespace

// rank()'s support and best link: how many of the player's games list a
// candidate among their neighbours, and the largest part one gives it.
TEST(Reranker, RankCountsTheSupportOfEachCandidate) {
  Recommender recommender(four_games_two_lists(Blend{1, 0, 0}));
  const RankRequest request = games_one_and_two(2);
  RankDetails details;
  recommender.rank(request, no_cancel, &details);
  ASSERT_EQ(details.features.rows(), 2);
  // Game 3 first (1.5 against 0.25), scaled by the best, 1.5.
  EXPECT_FLOAT_EQ(details.features(0, kSupport), std::log1p(2.0f) / std::log(4.0f));
  EXPECT_FLOAT_EQ(details.features(0, kBestLink), 1.0f / 1.5f);
  EXPECT_FLOAT_EQ(details.features(1, kSupport), std::log1p(1.0f) / std::log(4.0f));
  EXPECT_FLOAT_EQ(details.features(1, kBestLink), 0.25f / 1.5f);
  // The slots are cleared: a second call counts the same.
  RankDetails again;
  recommender.rank(request, no_cancel, &again);
  EXPECT_EQ(again.features, details.features);
}

// A blend without its collaborative part (content_weight 1) sums no
// neighbour lists, but its re-ranker still reads how many list each
// candidate; the best link is 0 (the collaborative scale is), and the
// counts are cleared for the next call.
TEST(Reranker, ContentOnlyBlendCountsTheSupport) {
  Recommender recommender(four_games_two_lists(Blend{0, 1, 0}));
  const RankRequest request = games_one_and_two(2);
  RankDetails details;
  const std::vector<Recommendation> listed = recommender.rank(request, no_cancel, &details);
  ASSERT_EQ(listed.size(), 2u);
  ASSERT_EQ(details.features.rows(), 2);
  for (Eigen::Index r = 0; r < 2; ++r) {
    const std::int32_t appid = listed[static_cast<std::size_t>(r)].appid;
    const float lists = appid == 3 ? 2.0f : 1.0f;
    EXPECT_FLOAT_EQ(details.features(r, kSupport), std::log1p(lists) / std::log(4.0f)) << "appid " << appid;
    EXPECT_EQ(details.features(r, kBestLink), 0.0f) << "appid " << appid;
  }
  RankDetails again;
  recommender.rank(request, no_cancel, &again);
  EXPECT_EQ(again.features, details.features);
}

// evaluate()'s estimate of what each extra ranking thread adds covers a
// Recommender's scratch per game once a call touched every game, with the
// re-ranker's support counted.
TEST(Reranker, RankingThreadScratchIsCountedPerGame) {
  constexpr std::int32_t kGames = 2000;
  GameModel model;
  std::vector<std::vector<std::pair<std::int32_t, float>>> lists(kGames), tags(kGames);
  for (std::int32_t g = 0; g < kGames; ++g) {
    model.appids.push_back(g + 1);
    model.popularity.push_back(0.1f);
    tags[static_cast<std::size_t>(g)] = {{0, 1.0f}};
  }
  for (std::int32_t j = 1; j < kGames; ++j) lists[0].push_back({j, 1.0f});  // game 1 lists every other
  model.blend = Blend{1, 0, 0};
  model.neighbors = rows_of(lists);
  model.tags = rows_of(tags);
  model.tag_names = {"puzzle"};
  model.rerank_facts.assign(static_cast<std::size_t>(kGames) * kRerankGameFacts, 0.0f);
  Recommender recommender(model);
  RankRequest request;
  request.games = {{1, 1.0f}};
  request.k = 10;
  RankDetails details;
  recommender.rank(request, no_cancel, &details);
  DataSize size;
  size.games = kGames;
  const TrainParams params = resolve_params("popularity", {});
  const double per_extra_thread =
      thread_scratch_bytes(params, size, 2, true) - thread_scratch_bytes(params, size, 2, false);
  // The slack is what does not grow with the games: the re-ranker's
  // per-tag profile and the short lists of one call.
  EXPECT_GE(per_extra_thread, static_cast<double>(recommender.scratch_bytes()) - 4096);
}

// A new game listed by its tags alone (as recommend() lists them) has no
// support: the weights lent to it through the player's lists are not part
// of the score it was listed by.
TEST(Reranker, NewGameListedByTagsHasNoSupport) {
  GameModel model;
  model.appids = {1, 2, 3};
  model.popularity = {0.1f, 0.1f, 0.0f};  // game 3 is new
  model.blend = Blend{1, 1, 0};
  model.neighbors = rows_of({{{1, 0.5f}, {2, 2.0f}}, {}, {}});
  model.tags = rows_of({{{0, 1.0f}}, {{0, 1.0f}}, {{0, 1.0f}}});
  model.tag_names = {"puzzle"};
  model.rerank_facts.assign(3 * kRerankGameFacts, 0.0f);
  Recommender recommender(model);
  for (const bool by_tags : {false, true}) {
    RankRequest request;
    request.games = {{1, 1.0f}};
    request.k = 2;
    request.new_games_by_tags = by_tags;
    RankDetails details;
    const std::vector<Recommendation> listed = recommender.rank(request, no_cancel, &details);
    ASSERT_EQ(listed.size(), 2u);
    for (std::size_t r = 0; r < listed.size(); ++r) {
      if (listed[r].appid != 3) continue;
      EXPECT_EQ(details.features(static_cast<Eigen::Index>(r), kSupport) > 0, !by_tags) << "by tags " << by_tags;
      EXPECT_EQ(details.features(static_cast<Eigen::Index>(r), kBestLink) > 0, !by_tags) << "by tags " << by_tags;
    }
  }
}

// A re-ranker stored in its first shape (61 numbers: eleven features, the
// products of seven) serves as it did: it reads the first eleven features.
TEST(Reranker, FirstShapeIsServedAsStored) {
  EXPECT_EQ(kFirstRerankShape.stored_numbers(), 61);
  EXPECT_EQ(kRerankShape.stored_numbers(), 84);
  EXPECT_EQ(rerank_shape_of(61), &kFirstRerankShape);
  EXPECT_EQ(rerank_shape_of(84), &kRerankShape);
  EXPECT_EQ(rerank_shape_of(60), nullptr);
  std::vector<float> numbers(61, 0.0f);
  for (int f = 0; f < 11; ++f) numbers[static_cast<std::size_t>(11 + f)] = 1.0f;  // scales
  numbers[22 + kLogOwners] = 1.0f;                                                // weight of owners
  numbers[22 + 11 + 1] = 0.5f;  // the second product: score z times owners
  const Reranker first = Reranker::from_stored(numbers.data(), 61);
  ASSERT_TRUE(first.well_formed());
  EXPECT_EQ(first.shape, &kFirstRerankShape);
  EXPECT_EQ(first.stored(), numbers);
  Eigen::MatrixXf features = Eigen::MatrixXf::Zero(3, kRerankFeatures);
  features(0, kLogOwners) = 1;
  features(1, kLogOwners) = 2;
  features(1, kScoreZ) = -4;  // 2 + 0.5 * -4 * 2 = -2
  features(2, kLogOwners) = 3;
  features.col(kSupport).setConstant(100);  // not read by the first shape
  const Eigen::VectorXd scores = first.score(features);
  EXPECT_DOUBLE_EQ(scores[0], 1.0);
  EXPECT_DOUBLE_EQ(scores[1], -2.0);
  EXPECT_DOUBLE_EQ(scores[2], 3.0);
  EXPECT_TRUE(Reranker::from_stored(numbers.data(), 60).empty());
}

TEST(Reranker, MemoryEstimateCountsTheFit) {
  // A million players: the fit reads kRerankFitPlayersAtMost of them, each
  // candidate's 13 features, label and place, besides the split's copy of
  // every training play, the tag rows, the catalog and the names, and the
  // games' facts.
  DataSize size;
  size.players = 1000000;
  size.games = 3000;
  size.interactions = 20000000;
  size.tag_entries = 50000;
  size.catalog_bytes = 1e6;
  size.tag_name_bytes = 2e5;
  const TrainParams off = resolve_params("hybrid", {{"rerank_candidates", false, 0}});
  const TrainParams on = resolve_params("hybrid", {});
  // 13 features and the 45 products of nine: 58 weights.
  const double fit = 20000.0 * 100 * (13 * 4 + 1 + 4) + 20000000.0 * kSplitBytesPerPlay + 1000000.0 * 48 + 50000.0 * 8 +
                     53000.0 * 8 + 1e6 + 2e5 + 2 * 53000.0 * 16 + 20000.0 / 16 * (58 * 58 + 58 + 3) * 8;
  EXPECT_DOUBLE_EQ(rerank_fit_bytes(100, size), fit);
  // The split is made after the rows read are freed: a training counts
  // their room already.
  EXPECT_DOUBLE_EQ(training_memory_bytes(on, size) - training_memory_bytes(off, size),
                   fit - 20000000.0 * kReadRowsBytesPerPlay);
  EXPECT_EQ(rerank_fit_bytes(0, size), 0);
}

// Measured at scale L (a million players, 19.4 million plays, 40,000
// games): the default training peaked at 1.28 GiB of the backend's own
// memory (RssAnon) and was refused by the default limit of 2 GB, its
// estimate 2.37 GB counting the rows read and the split of the plays both.
TEST(Reranker, DefaultTrainingAtAMillionPlayersFitsTheDefaultLimit) {
  DataSize size;
  size.players = 1000000;
  size.games = 40000;
  size.interactions = 19392645;
  size.tag_entries = 219824;
  const double estimate = training_memory_bytes(resolve_params("hybrid", {}), size);
  EXPECT_LT(estimate, 2048.0 * 1024 * 1024);
  EXPECT_GT(estimate, 1.28 * 1024 * 1024 * 1024);
}

TEST(Reranker, NoFittedModelKeepsTheBaseOrder) {
  Eigen::MatrixXf features = Eigen::MatrixXf::Random(5, kRerankFeatures);
  const std::vector<std::int32_t> order = Reranker{}.order(features);
  for (std::int32_t i = 0; i < 5; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(Reranker, EvaluateWithNobodyToFitOnRanksByTheBase) {
  // Every player owns 2 games: the test split leaves each one training game,
  // which the fit's split cannot divide, so nothing is fitted (this read
  // an empty model's weights).
  Evaluation e;
  for (int p = 1; p <= 30; ++p)
    for (int g = 0; g < 2; ++g) e.add_play(EvalPlay{p, 1 + (p + g) % 6, 0.5f, 3.0});
  EvalOptions options;
  options.k = 3;
  options.min_games = 2;
  e.prepare(options, no_cancel);
  const EvalScore base = e.evaluate(resolve_params("hybrid", {}), no_cancel);
  const EvalScore reranked = e.evaluate(resolve_params("hybrid", {{"rerank_candidates", false, 100}}), no_cancel);
  EXPECT_EQ(reranked.recall, base.recall);
  EXPECT_EQ(reranked.ndcg, base.ndcg);
}

TEST(Reranker, GamesTheModelLacksAddNothing) {
  TrainingSet data;
  data.add_owned(1, 100, 0.5f);
  data.add_game(101);
  data.finish(no_cancel);
  const Recommender served(model_with_facts(data));
  RerankFeatureBuilder builder(served.view());
  Eigen::MatrixXf f;
  builder.build({-1, 7, 0}, {{-1, 1.0f}, {1, 0.5f}, {99, 0.2f}}, ScoreSpread{0.1, 0.2}, &f);
  ASSERT_EQ(f.rows(), 3);
  EXPECT_TRUE(f.row(0).isZero());
  EXPECT_TRUE(f.row(2).isZero());
  EXPECT_FLOAT_EQ(f(1, kLogOwnersLibrary), 0.0f);  // game 1 has no owner; the player one known game
}

TEST(Reranker, ScoreFeaturesOfATiedOrZeroBaseAreZero) {
  TrainingSet data;
  data.add_owned(1, 100, 0.5f);
  data.add_game(101);
  data.add_game(102);
  data.finish(no_cancel);
  const Recommender served(model_with_facts(data));
  RerankFeatureBuilder builder(served.view());
  Eigen::MatrixXf f;
  // The best score 0 and the others below it; no spread.
  builder.build({0}, {{1, 0.0f}, {2, -1e-3f}}, ScoreSpread{0.0, 0.0}, &f);
  EXPECT_FLOAT_EQ(f(1, kScoreShare), 0.0f);
  EXPECT_FLOAT_EQ(f(1, kScoreZ), 0.0f);
  // A tiny spread is bounded.
  builder.build({0}, {{1, 1.0f}, {2, 0.5f}}, ScoreSpread{0.0, 1e-8}, &f);
  EXPECT_FLOAT_EQ(f(0, kScoreZ), 1000.0f);
}

TEST(RerankerServed, TrainKeepsTheFittedModelAndTheGamesFacts) {
  const TrainingSet data = two_group_rows();
  const GameModel model = train_reranked(data, 10);
  ASSERT_TRUE(model.reranks());
  EXPECT_EQ(model.rerank_candidates, 10);
  EXPECT_EQ(model.rerank_facts, rerank_game_facts(data));
  EXPECT_TRUE(model.reranker.well_formed());
  // Without it, no facts and no weights are kept.
  const GameModel base = train_reranked(data, 0);
  EXPECT_FALSE(base.reranks());
  EXPECT_TRUE(base.rerank_facts.empty());
}

TEST(RerankerServed, TrainIsTheSameOnAnyNumberOfThreads) {
  const TrainingSet data = two_group_rows();
  GameModel one, two;
  {
    steam_rec::Threads threads(1);
    one = train_reranked(data, 10);
  }
  {
    steam_rec::Threads threads(2);
    two = train_reranked(data, 10);
  }
  EXPECT_EQ(one.reranker.stored(), two.reranker.stored());
}

TEST(RerankerServed, RankReordersTheBaseListsBestByTheFittedModel) {
  const TrainingSet data = two_group_rows();
  const GameModel model = train_reranked(data, 10);
  ASSERT_TRUE(model.reranks());
  GameModel base_model = model;
  base_model.rerank_candidates = 0;
  Recommender served(model), base(base_model);
  steam_rec::CancelCheck never;
  int moved = 0;
  for (int p = 0; p < 80; p += 7) {
    RankRequest request;
    request.games = {{100 * (p / 40 + 1) + p % 12, 0.5f}, {100 * (p / 40 + 1) + (p + 1) % 12, 0.0f}};
    // The base model's best 10 with their features, re-ordered by hand.
    request.k = 10;
    RankDetails details;
    const std::vector<Recommendation> listed = base.rank(request, never, &details);
    const std::vector<std::int32_t> order = model.reranker.served_order(details.features);
    // Asked for 4: the first 4 of the re-ordered 10, scores still falling.
    request.k = 4;
    const std::vector<Recommendation> got = served.rank(request, never);
    ASSERT_EQ(got.size(), 4u);
    for (std::size_t r = 0; r < got.size(); ++r) {
      EXPECT_EQ(got[r].appid, listed[static_cast<std::size_t>(order[r])].appid) << p << " " << r;
      EXPECT_EQ(got[r].score, listed[r].score);
      moved += got[r].appid != listed[r].appid ? 1 : 0;
    }
  }
  EXPECT_GT(moved, 0);  // the fitted model does change some lists
  // Similar games (rerank off) keep the base model's order.
  RankRequest similar;
  similar.games = {{101, 1.0f}};
  similar.k = 10;
  similar.rerank = false;
  const std::vector<Recommendation> a = served.rank(similar, never), b = base.rank(similar, never);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t r = 0; r < a.size(); ++r) EXPECT_EQ(a[r].appid, b[r].appid) << r;
}

TEST(RerankerServed, TheImageKeepsTheReranker) {
  const GameModel model = train_reranked(two_group_rows(), 10);
  std::vector<unsigned char> image;
  ASSERT_TRUE(build_model_image(model, ImageKey{}, &image).ok());
  ModelView view;
  ASSERT_TRUE(open_model_image(image.data(), image.size(), nullptr, &view).ok());
  ASSERT_TRUE(view.reranks());
  EXPECT_EQ(view.rerank_candidates, 10);
  EXPECT_EQ(Reranker::from_stored(view.reranker, view.reranker_numbers).stored(), model.reranker.stored());
  EXPECT_TRUE(std::equal(model.rerank_facts.begin(), model.rerank_facts.end(), view.rerank_facts));
  // A model without one has neither section.
  GameModel plain = model;
  plain.rerank_candidates = 0;
  plain.reranker = Reranker{};
  plain.rerank_facts.clear();
  ASSERT_TRUE(build_model_image(plain, ImageKey{}, &image).ok());
  ASSERT_TRUE(open_model_image(image.data(), image.size(), nullptr, &view).ok());
  EXPECT_FALSE(view.reranks());
  EXPECT_EQ(view.reranker, nullptr);
  EXPECT_EQ(view.rerank_facts, nullptr);
}

TEST(RerankerServed, AModelWhosePartsDoNotFitIsRefused) {
  const GameModel model = train_reranked(two_group_rows(), 10);
  auto refused = [](const GameModel& m) {
    std::vector<unsigned char> image;
    return !build_model_image(m, ImageKey{}, &image).ok();
  };
  GameModel nan_weight = model;
  nan_weight.reranker.weights[3] = NAN;
  EXPECT_TRUE(refused(nan_weight));
  GameModel zero_scale = model;
  zero_scale.reranker.scale[0] = 0;
  EXPECT_TRUE(refused(zero_scale));
  // A tiny scale turned a trained-looking model's scores into NaN.
  GameModel tiny_scale = model;
  tiny_scale.reranker.scale[0] = 1e-30f;
  EXPECT_TRUE(refused(tiny_scale));
  GameModel huge_weight = model;
  huge_weight.reranker.weights[0] = 1e20f;
  EXPECT_TRUE(refused(huge_weight));
  GameModel huge_fact = model;
  huge_fact.rerank_facts[0] = 3e38f;
  EXPECT_TRUE(refused(huge_fact));
  GameModel short_facts = model;
  short_facts.rerank_facts.pop_back();
  EXPECT_TRUE(refused(short_facts));
  GameModel no_weights = model;
  no_weights.reranker = Reranker{};
  EXPECT_TRUE(refused(no_weights));  // candidates to re-order but nothing to order by
  GameModel too_many = model;
  too_many.rerank_candidates = kRerankCandidatesAtMost + 1;
  EXPECT_TRUE(refused(too_many));
  EXPECT_FALSE(refused(model));
}

TEST(RerankerServed, ScoresThatAreNotFiniteKeepTheBaseOrder) {
  Reranker model;
  model.mean = Eigen::VectorXf::Zero(kRerankFeatures);
  model.scale = Eigen::VectorXf::Ones(kRerankFeatures);
  model.weights = Eigen::VectorXf::Ones(kRerankWeights);
  ASSERT_TRUE(model.well_formed());
  Eigen::MatrixXf features = Eigen::MatrixXf::Zero(3, kRerankFeatures);
  features(1, kLogOwners) = 5;  // would come first
  features(2, kTagCosine) = INFINITY;
  const std::vector<std::int32_t> order = model.order(features);
  EXPECT_EQ(order, (std::vector<std::int32_t>{0, 1, 2}));
  // Bounded features give finite scores even where a float product would not.
  features(2, kTagCosine) = 1e12f;
  model.scale.setConstant(Reranker::kSmallestScale);
  EXPECT_TRUE(model.score(features).allFinite());
}

TEST(RerankerServed, TheBaseModelsFirstStaysFirst) {
  Reranker model;
  model.mean = Eigen::VectorXf::Zero(kRerankFeatures);
  model.scale = Eigen::VectorXf::Ones(kRerankFeatures);
  model.weights = Eigen::VectorXf::Zero(kRerankWeights);
  model.weights[kLogOwners] = 1;
  Eigen::MatrixXf features = Eigen::MatrixXf::Zero(4, kRerankFeatures);
  features.col(kLogOwners) << 1, 4, 2, 3;
  EXPECT_EQ(model.order(features), (std::vector<std::int32_t>{1, 3, 2, 0}));
  EXPECT_EQ(model.served_order(features), (std::vector<std::int32_t>{0, 1, 3, 2}));
  // A list of one, or none, is what it was.
  EXPECT_EQ(model.served_order(features.topRows(1)), (std::vector<std::int32_t>{0}));
  EXPECT_TRUE(model.served_order(features.topRows(0)).empty());
}

// A call orders only the places it lists (k of the candidates): the first
// count places are those of the whole order, ties in candidate order, and
// the scores are those of the expanded features times the weights.
TEST(RerankerServed, TheFirstPlacesAreThoseOfTheWholeOrder) {
  std::mt19937 random(7);
  std::uniform_real_distribution<float> noise(-2.0f, 2.0f);
  Reranker model;
  model.mean = Eigen::VectorXf::Zero(kRerankFeatures).unaryExpr([&](float) { return noise(random); });
  model.scale = Eigen::VectorXf::Ones(kRerankFeatures).unaryExpr([&](float) { return 0.5f + std::abs(noise(random)); });
  model.weights = Eigen::VectorXf::Zero(kRerankWeights).unaryExpr([&](float) { return noise(random); });
  Eigen::MatrixXf features =
      Eigen::MatrixXf::Zero(100, kRerankFeatures).unaryExpr([&](float) { return noise(random); });
  for (int c = 60; c < 100; c += 2) features.row(c) = features.row(c + 1);  // ties, in pairs
  const Eigen::VectorXd expanded =
      expand_rerank_features(features, model.mean, model.scale) * model.weights.cast<double>();
  EXPECT_LT((model.score(features) - expanded).cwiseAbs().maxCoeff(), 1e-9 * expanded.cwiseAbs().maxCoeff());
  const auto expect_prefixes = [&] {
    const std::vector<std::int32_t> whole = model.served_order(features);
    ASSERT_EQ(whole.size(), 100u);
    for (std::size_t count : {0, 1, 2, 10, 50, 99, 100, 200}) {
      SCOPED_TRACE(count);
      const std::vector<std::int32_t> first = model.served_order(features, count);
      ASSERT_EQ(first.size(), std::min<std::size_t>(count, 100));
      EXPECT_TRUE(std::equal(first.begin(), first.end(), whole.begin()));
    }
  };
  expect_prefixes();
  // The kept first place also the model's best.
  features.row(0) = features.row(model.order(features)[0]);
  expect_prefixes();
}

TEST(RerankerServed, DiverseListsSeeThePoolTheyWouldWithoutIt) {
  // A re-ranker that moves nothing (every weight 0) leaves a diverse list
  // as the base model gives it: the larger pool it ranks is cut back first.
  // 150 games owned with a long tail, so the pools of 50 and 100 differ.
  TrainingSet data;
  std::mt19937 random(7);
  for (int p = 1; p <= 300; ++p)
    for (int i = 0; i < 8; ++i) {
      const int game = static_cast<int>(150 * std::pow(static_cast<double>(random() % 1000) / 1000, 2.0));
      data.add_owned(p, 1000 + game, static_cast<float>(i % 3) / 2);
    }
  for (int g = 0; g < 150; ++g) data.add_tag(1000 + g, "tag" + std::to_string(g % 7), 1);
  data.finish(no_cancel);
  const GameModel model = train_reranked(data, 100);
  ASSERT_TRUE(model.reranks());
  GameModel still = model;
  still.reranker.weights.setZero();
  GameModel base_model = model;
  base_model.rerank_candidates = 0;
  Recommender served(still), base(base_model);
  RankRequest request;
  request.games = {{1001, 0.5f}, {1002, 0.0f}, {1030, 1.0f}};
  request.k = 8;
  request.diversity = 0.3f;
  steam_rec::CancelCheck never;
  const std::vector<Recommendation> a = served.rank(request, never), b = base.rank(request, never);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t r = 0; r < a.size(); ++r) EXPECT_EQ(a[r].appid, b[r].appid) << r;
}
