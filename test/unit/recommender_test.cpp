// The recommendation models on tiny data with answers worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/algorithm_registry.hpp"
#include "core/algorithm_trainers.hpp"
#include "core/errors.hpp"
#include "core/recommender.hpp"
#include "core/spd_inverse.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

CancelCheck no_cancel;

// Two taste clusters: players 1-6 own strategy games 10, 11, 12; players 7-12
// own shooters 20, 21, 22 (each player misses one game of their cluster).
// Game 30 is a strategy game nobody owns yet; game 40 is owned by everyone.
TrainingSet two_clusters() {
  TrainingSet data;
  const std::int32_t strategy[] = {10, 11, 12}, shooters[] = {20, 21, 22};
  for (int p = 0; p < 12; ++p) {
    const std::int32_t* games = p < 6 ? strategy : shooters;
    for (int g = 0; g < 3; ++g)
      if (g != p % 3) data.add_owned(p + 1, games[g], 0.5f);
    data.add_owned(p + 1, 40, 0.1f);
  }
  for (std::int32_t appid : {10, 11, 12, 30}) data.add_tag(appid, "Strategy", 1);
  for (std::int32_t appid : {20, 21, 22}) data.add_tag(appid, "FPS", 1);
  data.add_tag(40, "Casual", 1);
  data.add_game(50);  // in the catalog, no tags, nobody owns it
  data.finish(no_cancel);
  return data;
}

Recommender trained(const std::string& algorithm, std::vector<ParamValue> params = {}) {
  TrainingSet data = two_clusters();
  return Recommender(train(data, resolve_params(algorithm, params), no_cancel));
}

std::vector<std::int32_t> appids_of(const std::vector<Recommendation>& list) {
  std::vector<std::int32_t> appids;
  for (const Recommendation& r : list) appids.push_back(r.appid);
  return appids;
}

RankRequest player_owning(std::vector<std::int32_t> appids, std::int32_t k = 3) {
  RankRequest request;
  for (std::int32_t appid : appids) request.games.push_back(PlayerGame{appid, 0.5f});
  request.k = k;
  return request;
}

TEST(TrainingSet, NumbersGamesByAppidAndBuildsBothOrientations) {
  TrainingSet data = two_clusters();
  EXPECT_EQ(data.appids(), (std::vector<std::int32_t>{10, 11, 12, 20, 21, 22, 30, 40, 50}));
  EXPECT_EQ(data.players(), 12);
  EXPECT_EQ(data.interactions(), 12 * 3);
  EXPECT_EQ(data.by_game().offset[data.game_index(40) + 1] - data.by_game().offset[data.game_index(40)], 12);
  EXPECT_EQ(data.game_index(99), -1);
}

TEST(Popularity, IsOwnersScaledToTheMostOwnedGame) {
  TrainingSet data = two_clusters();
  std::vector<float> popularity = train_popularity(data, InteractionWeight{0});
  EXPECT_FLOAT_EQ(popularity[data.game_index(40)], 1.0f);
  EXPECT_FLOAT_EQ(popularity[data.game_index(10)], 4.0f / 12.0f);  // 4 of 6 strategy players
  EXPECT_FLOAT_EQ(popularity[data.game_index(30)], 0.0f);
  // With engagement weighting, 1 + 2 * engagement per owner.
  std::vector<float> weighted = train_popularity(data, InteractionWeight{2});
  EXPECT_FLOAT_EQ(weighted[data.game_index(10)], 4 * 2.0f / (12 * 1.2f));
}

TEST(ItemKnn, CosineWithShrinkageMatchesHandComputation) {
  TrainingSet data = two_clusters();
  TrainParams params = resolve_params("itemknn", {{"shrinkage", false, 2, ""}, {"weighting", true, 0, "none"}});
  SparseRows neighbors = train_itemknn(data, params, no_cancel);
  // Games 10 and 11: 4 owners each, 2 in common (players 3 and 6); weights 1.
  // cos = 2 / (sqrt(4) * sqrt(4) + 2) = 1/3.
  const std::int32_t g10 = data.game_index(10), g11 = data.game_index(11), g20 = data.game_index(20);
  float w = 0;
  bool has_shooter = false;
  for (std::int64_t p = neighbors.offset[g10]; p < neighbors.offset[g10 + 1]; ++p) {
    if (neighbors.index[p] == g11) w = neighbors.value[p];
    if (neighbors.index[p] == g20) has_shooter = true;
  }
  EXPECT_FLOAT_EQ(w, 1.0f / 3.0f);
  EXPECT_FALSE(has_shooter);  // never owned together
}

TEST(Ease, TwoGameClosedFormMatchesHandComputation) {
  // Two players own both games, one owns only game 1.
  TrainingSet data;
  data.add_owned(1, 1, 0);
  data.add_owned(1, 2, 0);
  data.add_owned(2, 1, 0);
  data.add_owned(2, 2, 0);
  data.add_owned(3, 1, 0);
  data.finish(no_cancel);
  // Plain EASE: no dropout, the diagonal held at 0.
  TrainParams params = resolve_params(
      "ease", {{"lambda", false, 1, ""}, {"dropout", false, 0, ""}, {"diagonal_relaxation", false, 0, ""}});
  SparseRows b = train_ease(data, params, no_cancel);
  // G + I = [[4, 2], [2, 3]]; P = 1/8 [[3, -2], [-2, 4]].
  // B(1,2) = -P12 / P22 = (2/8) / (4/8) = 0.5; B(2,1) = (2/8) / (3/8) = 2/3.
  ASSERT_EQ(b.nonzeros(), 2);
  EXPECT_NEAR(b.value[0], 0.5, 1e-6);
  EXPECT_NEAR(b.value[1], 2.0 / 3.0, 1e-6);
}

TEST(Ease, CoversOnlyTheMostOwnedGamesWhenCapped) {
  TrainingSet data = two_clusters();
  TrainParams params = resolve_params("ease", {{"max_games", false, 2, ""}});
  SparseRows b = train_ease(data, params, no_cancel);
  // Game 40 (12 owners) and the first of the four-owner games (appid 10) are the two most owned.
  std::set<std::int32_t> with_neighbors;
  for (std::int32_t g = 0; g < b.rows(); ++g)
    if (b.offset[g + 1] > b.offset[g]) with_neighbors.insert(data.appids()[g]);
  EXPECT_EQ(with_neighbors, (std::set<std::int32_t>{10, 40}));
}

TEST(Ials, FoldInMatchesHandComputation) {
  // One factor; games' factors 1 and 2; the player owns game 0 with weight 1.
  Eigen::MatrixXf factors(2, 1);
  factors << 1, 2;
  const Eigen::MatrixXf gram = factors.transpose() * factors;  // 5
  const FoldIn fold_in{0.1f, 1.0f, 0.5f, 0.0f};                // regularization, alpha, unobserved weight, exponent
  const std::int32_t owned[] = {0};
  const float weights[] = {1};
  // confidence c = 1 + 1 * 1 = 2; A = 0.5 * 5 + (2 - 0.5) * 1^2 + 0.1 * (1 + 0.5 * 2)^0 = 4.1; b = 2 * 1.
  steam_rec::CancelCheck never;
  Eigen::VectorXf x = fold_in_player(factors, gram, fold_in, owned, weights, 1, never);
  EXPECT_NEAR(x(0), 2.0 / 4.1, 1e-6);
}

TEST(SpdInverse, MatchesEigenAcrossSeveralBlocks) {
  const Eigen::Index n = 300;  // more than two blocks
  Eigen::MatrixXd a = Eigen::MatrixXd::Random(n, n);
  Eigen::MatrixXd spd = a * a.transpose() + n * Eigen::MatrixXd::Identity(n, n);
  DenseMatrix inverse(n, n);
  inverse.matrix() = spd;
  invert_spd(inverse, no_cancel);
  EXPECT_LT((inverse.matrix() * spd - Eigen::MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(SpdInverse, RefusesAnIndefiniteMatrix) {
  DenseMatrix m(2, 2);
  m.matrix() << 1, 2, 2, 1;
  EXPECT_THROW(invert_spd(m, no_cancel), InvalidArgument);
}

TEST(SpdInverse, StopsWhenCancelled) {
  DenseMatrix m(300, 300);
  m.matrix().setIdentity();
  CancelCheck cancel([](void*) noexcept { return true; }, nullptr);
  EXPECT_THROW(invert_spd(m, cancel), Cancelled);
}

TEST(Content, VectorsHaveUnitLengthAndRareTagsWeighMore) {
  TrainingSet data;
  data.add_tag(1, "Indie", 1);
  data.add_tag(1, "Roguelike", 2);
  data.add_tag(2, "Indie", 1);
  data.add_tag(3, "Indie", 1);
  data.finish(no_cancel);
  SparseRows v = train_content(data);
  ASSERT_EQ(v.offset[1] - v.offset[0], 2);
  EXPECT_NEAR(std::hypot(v.value[0], v.value[1]), 1.0, 1e-6);
  // Indie (position 1): 1 * (ln(4/4) + 1) = 1; Roguelike (position 2): 1/log2(3) * (ln(4/2) + 1).
  const double indie = 1.0, rogue = (std::log(2.0) + 1) / std::log2(3.0);
  EXPECT_NEAR(v.value[1] / v.value[0], rogue / indie, 1e-5);
}

class EveryAlgorithm : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryAlgorithm, RecommendsFromThePlayersOwnCluster) {
  if (find_algorithm(GetParam())->blend(resolve_params(GetParam(), {})).popularity == 1)
    GTEST_SKIP() << GetParam() << " ignores taste";
  Recommender r = trained(GetParam());
  // Owns two strategy games: the missing one comes first.
  std::vector<Recommendation> list = r.rank(player_owning({10, 11, 40}, 1));
  ASSERT_EQ(list.size(), 1u);
  const std::set<std::int32_t> strategy{12, 30};
  EXPECT_TRUE(strategy.count(list[0].appid)) << GetParam() << " recommended " << list[0].appid;
  list = r.rank(player_owning({20, 22, 40}, 1));
  EXPECT_EQ(list[0].appid, 21) << GetParam();
}

TEST_P(EveryAlgorithm, ReturnsKEligibleGamesAndNeverAnOwnedOne) {
  Recommender r = trained(GetParam());
  RankRequest request = player_owning({10, 11}, 7);  // 9 games, 2 owned
  std::vector<Recommendation> list = r.rank(request);
  ASSERT_EQ(list.size(), 7u);
  for (const Recommendation& rec : list) EXPECT_TRUE(rec.appid != 10 && rec.appid != 11);
  request.k = 100;
  EXPECT_EQ(r.rank(request).size(), 7u);
  for (std::size_t i = 1; i < list.size(); ++i) EXPECT_GE(list[i - 1].score, list[i].score);
}

// Every algorithm of the registry, a new one included.
std::vector<std::string> every_algorithm() {
  std::vector<std::string> names;
  for (const AlgorithmSpec& a : algorithms()) names.emplace_back(a.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Models, EveryAlgorithm, ::testing::ValuesIn(every_algorithm()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Recommender, ColdPlayerGetsPopularGamesWithThatReason) {
  Recommender r = trained("hybrid");
  std::vector<Recommendation> list = r.rank(player_owning({}, 1));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].appid, 40);
  EXPECT_EQ(list[0].basis, Basis::popular);
  EXPECT_EQ(list[0].because_count, 0);
}

TEST(Recommender, ExplanationNamesAnOwnedGame) {
  Recommender r = trained("itemknn");
  std::vector<Recommendation> list = r.rank(player_owning({10, 11, 40}, 1));
  ASSERT_EQ(list[0].appid, 12);
  EXPECT_EQ(list[0].basis, Basis::played);
  ASSERT_GE(list[0].because_count, 2);
  std::set<std::int32_t> because(list[0].because, list[0].because + list[0].because_count);
  EXPECT_TRUE(because.count(10) || because.count(11));
  for (std::int32_t appid : because) EXPECT_TRUE(appid == 10 || appid == 11 || appid == 40);
}

TEST(Recommender, ContentReachesAGameNobodyOwns) {
  Recommender r = trained("content");
  RankRequest request = player_owning({10, 11, 12}, 1);
  std::vector<Recommendation> list = r.rank(request);
  EXPECT_EQ(list[0].appid, 30);
  EXPECT_EQ(list[0].basis, Basis::played);
}

TEST(Recommender, FiltersApplyInsideTheTopK) {
  Recommender r = trained("hybrid");
  RankRequest request = player_owning({10, 11}, 2);
  request.include_tags = {"FPS"};
  std::vector<Recommendation> list = r.rank(request);
  ASSERT_EQ(list.size(), 2u);
  for (const Recommendation& rec : list) EXPECT_TRUE(rec.appid >= 20 && rec.appid <= 22);

  request.include_tags.clear();
  request.exclude_tags = {"Strategy", "Casual"};
  request.exclude_appids = {20};
  request.k = 10;
  std::set<std::int32_t> got;
  for (std::int32_t appid : appids_of(r.rank(request))) got.insert(appid);
  EXPECT_EQ(got, (std::set<std::int32_t>{21, 22, 50}));

  request.exclude_owned = false;
  request.exclude_tags.clear();
  request.exclude_appids.clear();
  std::set<std::int32_t> all;
  for (std::int32_t appid : appids_of(r.rank(request))) all.insert(appid);
  EXPECT_TRUE(all.count(10) && all.count(11));
}

TEST(Recommender, UnknownTagMatchesNothing) {
  Recommender r = trained("hybrid");
  RankRequest request = player_owning({10}, 5);
  request.include_tags = {"No Such Tag"};
  EXPECT_TRUE(r.rank(request).empty());
}

TEST(Recommender, PopularForATagSaysSoForAColdPlayer) {
  Recommender r = trained("hybrid");
  RankRequest request = player_owning({}, 1);
  request.include_tags = {"FPS"};
  std::vector<Recommendation> list = r.rank(request);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].basis, Basis::liked_tag);
  EXPECT_EQ(list[0].tag, "FPS");
}

TEST(Recommender, DiversityBringsInTheOtherCluster) {
  // By tags alone the three other strategy games are equally relevant.
  Recommender r = trained("content");
  RankRequest request = player_owning({10, 40}, 3);
  std::vector<Recommendation> focused = r.rank(request);
  request.diversity = 0.9f;
  std::vector<Recommendation> diverse = r.rank(request);
  auto strategy_count = [](const std::vector<Recommendation>& list) {
    int count = 0;
    for (const Recommendation& rec : list) count += (rec.appid == 11 || rec.appid == 12 || rec.appid == 30);
    return count;
  };
  EXPECT_EQ(strategy_count(focused), 3);
  EXPECT_LT(strategy_count(diverse), 3);
  EXPECT_EQ(diverse[0].appid, focused[0].appid);  // the best stays first
}

TEST(Recommender, GamesUnknownToTheModelAreIgnored) {
  Recommender r = trained("ease");
  EXPECT_EQ(appids_of(r.rank(player_owning({10, 11, 999}, 1))), appids_of(r.rank(player_owning({10, 11}, 1))));
}

// The diversity re-ranking as first written: for each step, every candidate's
// redundancy is recomputed against every game taken so far (O(k^2 * pool)).
std::vector<std::int32_t> quadratic_mmr(const Recommender& r, const std::vector<Recommendation>& pool, std::size_t k,
                                        float diversity) {
  std::vector<std::int32_t> chosen;
  if (pool.empty()) return chosen;
  const float top = pool.front().score, bottom = pool.back().score;
  const float range = top > bottom ? top - bottom : 1.0f;
  std::vector<bool> taken(pool.size(), false);
  while (chosen.size() < std::min(k, pool.size())) {
    std::size_t best = pool.size();
    float best_value = 0;
    for (std::size_t c = 0; c < pool.size(); ++c) {
      if (taken[c]) continue;
      float redundancy = 0;
      for (std::int32_t s : chosen)
        redundancy = std::max(redundancy, r.similarity(r.view().game_index(pool[c].appid), r.view().game_index(s)));
      const float value = (1 - diversity) * (pool[c].score - bottom) / range - diversity * redundancy;
      if (best == pool.size() || value > best_value) {
        best = c;
        best_value = value;
      }
    }
    taken[best] = true;
    chosen.push_back(pool[best].appid);
  }
  return chosen;
}

TEST(RecommendStopsAtStatementTimeout, MmrMatchesTheQuadraticDefinition) {
  for (const std::string& algorithm : every_algorithm()) {
    Recommender r = trained(algorithm);
    for (float diversity : {0.1f, 0.5f, 0.9f, 1.0f})
      for (std::int32_t k : {2, 4, 7}) {
        RankRequest request = player_owning({10, 40}, k);
        request.exclude_owned = false;
        // The pool MMR picks from is the best max(5k, 50) games by relevance.
        RankRequest whole = request;
        whole.k = std::max(5 * k, 50);
        const std::vector<Recommendation> pool = r.rank(whole);
        request.diversity = diversity;
        EXPECT_EQ(appids_of(r.rank(request)), quadratic_mmr(r, pool, static_cast<std::size_t>(k), diversity))
            << algorithm << " diversity " << diversity << " k " << k;
      }
  }
}

bool stop_after_calls(void* calls) noexcept { return --*static_cast<int*>(calls) < 0; }

TEST(RecommendStopsAtStatementTimeout, CancelCheckStopsRankAndLeavesNoScratch) {
  Recommender r = trained("hybrid");
  RankRequest request = player_owning({10, 11, 40}, 5);
  request.diversity = 0.5f;
  request.include_tags = {"Strategy", "FPS", "Casual"};
  request.exclude_appids = {22};
  const std::vector<std::int32_t> expected = appids_of(r.rank(request));
  int calls = 0;
  CancelCheck stop_now(stop_after_calls, &calls);
  EXPECT_THROW(r.rank(request, stop_now), Cancelled);
  // Long inputs are polled as they are read, not only between the steps.
  RankRequest huge = request;
  for (int i = 0; i < 100000; ++i) huge.exclude_appids.push_back(i);
  int polls_left = 1000000;
  CancelCheck counting(stop_after_calls, &polls_left);
  r.rank(huge, counting);
  EXPECT_GE(1000000 - polls_left, 100000 / 1024);
  polls_left = 5;
  CancelCheck stop_while_reading(stop_after_calls, &polls_left);
  EXPECT_THROW(r.rank(huge, stop_while_reading), Cancelled);
  // A cancelled call leaves nothing behind: the next one ranks as before.
  EXPECT_EQ(appids_of(r.rank(request)), expected);
}

TEST(RecommendStopsAtStatementTimeout, DuplicatedInputsRankAsOnce) {
  Recommender r = trained("hybrid");
  RankRequest once = player_owning({10, 21, 40}, 6);
  once.include_tags = {"Strategy", "FPS"};
  once.exclude_tags = {"Casual"};
  once.exclude_appids = {11, 999};
  once.diversity = 0.3f;
  RankRequest repeated = once;
  repeated.games.clear();
  repeated.include_tags.clear();
  repeated.exclude_tags.clear();
  repeated.exclude_appids.clear();
  for (int i = 0; i < 5000; ++i) {
    for (const PlayerGame& game : once.games) repeated.games.push_back(game);
    repeated.include_tags.push_back(i % 2 ? "Strategy" : "fps");
    repeated.include_tags.push_back("FPS");
    repeated.exclude_tags.push_back("CASUAL");
    repeated.exclude_appids.push_back(i % 2 ? 11 : 999);
  }
  const std::vector<Recommendation> a = r.rank(once), b = r.rank(repeated);
  ASSERT_EQ(appids_of(a), appids_of(b));
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].score, b[i].score);
    EXPECT_EQ(a[i].tag, b[i].tag);
    EXPECT_EQ(std::vector<std::int32_t>(a[i].because, a[i].because + a[i].because_count),
              std::vector<std::int32_t>(b[i].because, b[i].because + b[i].because_count));
  }
}

TEST(TagFiltersCaseInsensitive, AnyCaseOfATagMatchesIt) {
  Recommender r = trained("hybrid");
  RankRequest exact = player_owning({}, 2);
  exact.include_tags = {"FPS"};
  RankRequest lower = exact;
  lower.include_tags = {"fps"};
  EXPECT_EQ(appids_of(r.rank(lower)), appids_of(r.rank(exact)));
  EXPECT_EQ(r.rank(lower)[0].tag, "FPS");  // the reason names the tag as the model spells it
  RankRequest excluded = player_owning({10}, 10);
  excluded.exclude_tags = {"sTrAtEgY", "casual"};
  for (std::int32_t appid : appids_of(r.rank(excluded))) EXPECT_TRUE((appid >= 20 && appid <= 22) || appid == 50);
  EXPECT_EQ(r.unknown_tags({"fps", "Nope", "NOPE", "strategy", "Other"}, no_cancel),
            (std::vector<std::string>{"Nope", "Other"}));
}

TEST(Params, UnknownKeyListsTheAllowedOnes) {
  try {
    resolve_params("ease", {{"lamda", false, 10, ""}});
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown parameter \"lamda\""), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("lambda"), std::string::npos);
  }
  EXPECT_THROW(parse_algorithm("svd"), InvalidArgument);
  EXPECT_THROW(resolve_params("ials", {{"factors", false, 0, ""}}), InvalidArgument);
  EXPECT_THROW(resolve_params("ials", {{"factors", false, 2.5, ""}}), InvalidArgument);
  EXPECT_THROW(resolve_params("ials", {{"factors", true, 0, "64"}}), InvalidArgument);
  EXPECT_THROW(resolve_params("ials", {{"alpha", false, NAN, ""}}), InvalidArgument);
  EXPECT_THROW(resolve_params("hybrid", {{"base", true, 0, "content"}}), InvalidArgument);
  EXPECT_STREQ(resolve_params("hybrid", {{"base", true, 0, "itemknn"}}).base->name, "itemknn");
}

TEST(Params, DescribeListsOnlyWhatTheAlgorithmUses) {
  std::vector<ParamValue> described = describe_params(resolve_params("hybrid", {{"base", true, 0, "ials"}}));
  std::set<std::string> keys;
  for (const ParamValue& v : described) keys.insert(v.key);
  EXPECT_TRUE(keys.count("factors") && keys.count("content_weight") && keys.count("base"));
  EXPECT_FALSE(keys.count("lambda") || keys.count("shrinkage"));
}

TEST(Params, EaseMemoryGrowsWithTheSquareOfGames) {
  TrainParams ease = resolve_params("ease", {});
  DataSize small{100, 1000, 10000, 0}, large{100, 2000, 10000, 0};
  double ratio = training_memory_bytes(ease, large) / training_memory_bytes(ease, small);
  EXPECT_GT(ratio, 3.5);
  EXPECT_GE(training_memory_bytes(ease, large), 2.0 * 2000 * 2000 * 8);
}

}  // namespace
}  // namespace steam_rec::rec

namespace steam_rec::rec {
namespace {

// 700 games and 300 players who each own 40 of them, two tags per game:
// enough games that a request's results times owned games can pass the size
// up to which explanations are read from one walk of each owned game's lists.
Recommender trained_on_many_games() {
  TrainingSet data;
  for (std::int32_t p = 1; p <= 300; ++p)
    for (std::int32_t i = 0; i < 40; ++i) data.add_owned(p, (p * 7 + i * 13) % 700 + 1, 0.1f + 0.02f * (i % 40));
  for (std::int32_t g = 1; g <= 700; ++g) {
    data.add_tag(g, "T" + std::to_string(g % 20), 1);
    data.add_tag(g, "U" + std::to_string(g % 7), 2);
  }
  data.finish(no_cancel);
  return Recommender(train(data, resolve_params("hybrid", {}), no_cancel));
}

TEST(RankingExplanations, AgreeWhetherListsAreWalkedOrSearched) {
  Recommender r = trained_on_many_games();
  RankRequest request;
  for (std::int32_t appid = 1; appid <= 600; appid += 2) request.games.push_back(PlayerGame{appid, 0.4f});
  request.k = 200;  // 200 x 300 owned games: walked
  const std::vector<Recommendation> walked = r.rank(request);
  request.k = 300;  // 300 x 300: searched per pair
  const std::vector<Recommendation> searched = r.rank(request);
  ASSERT_EQ(walked.size(), 200u);
  ASSERT_GE(searched.size(), walked.size());
  int explained = 0;
  for (std::size_t i = 0; i < walked.size(); ++i) {
    EXPECT_EQ(walked[i].appid, searched[i].appid) << i;
    EXPECT_EQ(walked[i].score, searched[i].score) << i;
    EXPECT_EQ(walked[i].basis, searched[i].basis) << i;
    ASSERT_EQ(walked[i].because_count, searched[i].because_count) << i;
    for (int b = 0; b < walked[i].because_count; ++b) EXPECT_EQ(walked[i].because[b], searched[i].because[b]) << i;
    explained += walked[i].because_count > 0 ? 1 : 0;
  }
  EXPECT_GT(explained, 100);  // the lists, not the popular fallback, explain them
}

}  // namespace
}  // namespace steam_rec::rec
