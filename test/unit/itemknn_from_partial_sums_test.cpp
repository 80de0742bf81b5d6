// itemknn trained from per-worker partial sums (the Citus path) is the model
// train() makes from all the rows: the players are split into parts, each
// part's totals and co-ownership sums are encoded, decoded and added, and
// the resulting neighbors, weights and popularity are compared.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/errors.hpp"
#include "core/game_sums.hpp"
#include "core/trainer.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

struct Owned {
  std::int64_t player;
  std::int32_t appid;
  float engagement;
};

// 300 players with heavy-tailed libraries over 60 games (a few games owned
// by many), engagement from 0 to 1, some exactly 0 (never played); game 61
// is known only by its tags.
std::vector<Owned> sample_rows() {
  std::mt19937 random(7);
  std::vector<Owned> rows;
  for (std::int64_t p = 1; p <= 300; ++p) {
    const int length = 1 + static_cast<int>(std::pow(std::uniform_real_distribution<double>(0, 1)(random), 3) * 40);
    std::vector<int> taken(61, 0);
    for (int k = 0; k < length; ++k) {
      const int appid = 1 + static_cast<int>(std::pow(std::uniform_real_distribution<double>(0, 1)(random), 2) * 60);
      if (taken[appid]++) continue;
      const float e = k % 5 == 0 ? 0.0f : std::uniform_real_distribution<float>(0, 1)(random);
      rows.push_back(Owned{1000 + p, appid, e});
    }
  }
  return rows;
}

void add_tags(TrainingSet& d) {
  for (int g = 1; g <= 61; ++g) {
    d.add_tag(g, g % 3 == 0 ? "Action" : "Puzzle", 1);
    if (g % 4 == 0) d.add_tag(g, "Indie", 2);
  }
}

TrainingSet rows_of(const std::vector<Owned>& rows, int part, int parts) {
  TrainingSet d;
  for (const Owned& o : rows)
    if (parts == 1 || o.player % parts == part) d.add_owned(o.player, o.appid, o.engagement);
  d.finish(no_cancel);
  return d;
}

// Trains from `parts` parts of the players, as the coordinator does.
GameModel from_parts(const std::vector<Owned>& rows, int parts, const TrainParams& params) {
  OwnedTotals totals;
  std::vector<TrainingSet> sets;
  for (int part = 0; part < parts; ++part) {
    sets.push_back(rows_of(rows, part, parts));
    const std::string bytes = encode_totals(owned_totals(sets.back(), InteractionWeight{params.engagement_weight}));
    add_totals(totals, decode_totals(bytes.data(), bytes.size()));
  }
  const std::string global = encode_totals(totals);
  const OwnedTotals shipped = decode_totals(global.data(), global.size());
  TrainingSet catalog;
  add_tags(catalog);
  for (std::int32_t appid : shipped.appids) catalog.add_game(appid);
  catalog.finish(no_cancel);
  GameSums sums(catalog.appids());
  for (const TrainingSet& set : sets) {
    const std::string part = co_ownership_part(set, params, shipped, no_cancel);
    sums.add_part(part.data(), part.size());
  }
  return train_from_game_sums(catalog, shipped, sums, params, no_cancel);
}

GameModel single_node(const std::vector<Owned>& rows, const TrainParams& params) {
  TrainingSet d;
  for (const Owned& o : rows) d.add_owned(o.player, o.appid, o.engagement);
  add_tags(d);
  d.finish(no_cancel);
  return train(d, params, no_cancel);
}

void expect_same_model(const GameModel& a, const GameModel& b, const std::string& what) {
  ASSERT_EQ(a.appids, b.appids) << what;
  ASSERT_EQ(a.popularity.size(), b.popularity.size()) << what;
  for (std::size_t g = 0; g < a.popularity.size(); ++g) EXPECT_NEAR(a.popularity[g], b.popularity[g], 1e-6) << what;
  ASSERT_EQ(a.neighbors.offset, b.neighbors.offset) << what;
  EXPECT_EQ(a.neighbors.index, b.neighbors.index) << what;
  for (std::size_t p = 0; p < a.neighbors.value.size(); ++p)
    EXPECT_NEAR(a.neighbors.value[p], b.neighbors.value[p], 1e-6) << what;
  EXPECT_EQ(a.tags.index, b.tags.index) << what;
  EXPECT_EQ(a.tags.value, b.tags.value) << what;
  EXPECT_GT(a.neighbors.nonzeros(), 0) << what;
}

}  // namespace

TEST(ItemknnFromPartialSums, EqualsTheModelFromRowsForEveryWeighting) {
  const std::vector<Owned> rows = sample_rows();
  for (const char* weighting : {"bm25", "tfidf", "none"}) {
    for (double play_share : {0.0, 1.0}) {
      const TrainParams params = resolve_params("itemknn", {ParamValue{"weighting", true, 0, weighting},
                                                            ParamValue{"play_share_exponent", false, play_share, ""}});
      const GameModel whole = single_node(rows, params);
      for (int parts : {1, 2, 3}) {
        expect_same_model(
            from_parts(rows, parts, params), whole,
            std::string(weighting) + " play_share " + std::to_string(play_share) + " parts " + std::to_string(parts));
      }
    }
  }
}

TEST(ItemknnFromPartialSums, TotalsAddUpToTheWhole) {
  const std::vector<Owned> rows = sample_rows();
  OwnedTotals sum;
  add_totals(sum, owned_totals(rows_of(rows, 0, 2), InteractionWeight{1}));
  add_totals(sum, owned_totals(rows_of(rows, 1, 2), InteractionWeight{1}));
  const OwnedTotals whole = owned_totals(rows_of(rows, 0, 1), InteractionWeight{1});
  EXPECT_EQ(sum.players, whole.players);
  EXPECT_EQ(sum.interactions, whole.interactions);
  EXPECT_EQ(sum.appids, whole.appids);
  EXPECT_EQ(sum.owners, whole.owners);
  EXPECT_EQ(sum.played, whole.played);
}

TEST(ItemknnFromPartialSums, MalformedPartsAreRefused) {
  const std::vector<Owned> rows = sample_rows();
  const TrainParams params = resolve_params("itemknn", {});
  const TrainingSet set = rows_of(rows, 0, 1);
  const OwnedTotals totals = owned_totals(set, InteractionWeight{params.engagement_weight});
  const std::string part = co_ownership_part(set, params, totals, no_cancel);
  GameSums sums(totals.appids);
  EXPECT_THROW(sums.add_part(part.data(), part.size() - 3), steam_rec::InvalidArgument);
  EXPECT_THROW(sums.add_part("SRT1", 4), steam_rec::InvalidArgument);
  const std::string encoded = encode_totals(totals);
  EXPECT_THROW(decode_totals(encoded.data(), encoded.size() + 0 - 1), steam_rec::InvalidArgument);
  // A game owned here but missing from the totals: the rows changed between the passes.
  OwnedTotals fewer = totals;
  fewer.appids.pop_back();
  fewer.owners.pop_back();
  fewer.played.pop_back();
  fewer.weight_sums.pop_back();
  EXPECT_THROW(co_ownership_part(set, params, fewer, no_cancel), steam_rec::InvalidArgument);
  EXPECT_FALSE(trains_from_game_sums(resolve_params("ease", {})));
  EXPECT_TRUE(trains_from_game_sums(params));
}
