// Catalog lendings: an owned game leads to the new games of its developer,
// publisher or series, beyond what their tags lend.
#include <gtest/gtest.h>

#include "core/catalog_lending.hpp"
#include "core/target_factors.hpp"
#include "core/trainer.hpp"
#include "stored_weight.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Players 1-4 own Portal (1) and Game Two (2); new games (tagged, no owner):
// Portal 2 (10, Valve's, of Portal's series), Other Studio's Game (11),
// Valve Publishes (12, only published by Valve) and an untagged game in the
// catalog only (13), which is no game of the model.
TrainingSet data(bool with_catalog) {
  TrainingSet d;
  for (int p = 1; p <= 4; ++p) {
    d.add_owned(p, 1, 0.5f);
    d.add_owned(p, 2, 0.5f);
  }
  for (int appid : {1, 2, 10, 11, 12}) d.add_tag(appid, "Puzzle", 1);
  if (with_catalog) {
    d.add_catalog(1, "Valve", "Valve", "Portal");
    d.add_catalog(2, "Other Studio", "Other Studio", "Game Two");
    d.add_catalog(10, "Valve, Hidden Path", "Valve", "Portal 2");
    d.add_catalog(11, "Other Studio", "Somebody", "Something Else");
    d.add_catalog(12, "Third", "VALVE", "Unrelated");
    d.add_catalog(13, "Valve", "Valve", "Portal 3");
  }
  d.finish(no_cancel);
  return d;
}

// Game numbers by ascending appid.
constexpr std::int32_t kPortal = 0, kGameTwo = 1, kPortal2 = 2, kOther = 3, kPublished = 4;

// Both owned games lend weight 1 to every new game, as tag lendings would.
SparseRows lent_rows() { return rows_lending_one(5, {kPortal, kGameTwo}, {kPortal2, kOther, kPublished}); }

}  // namespace

TEST(CatalogKeys, UnknownGamesAreLeftOutAndKindsAreApart) {
  const TrainingSet d = data(true);
  EXPECT_EQ(d.games(), 5);  // the catalog-only game 13 adds no game
  const SparseRows& keys = d.catalog_by_game();
  ASSERT_EQ(keys.rows(), 5);
  // Portal 2: developers Valve and Hidden Path, publisher Valve, series portal.
  EXPECT_EQ(keys.offset[kPortal2 + 1] - keys.offset[kPortal2], 4);
  // A publisher named like a developer is another key.
  std::int32_t developer_valve = -1, publisher_valve = -1;
  for (std::int64_t p = keys.offset[kPortal]; p < keys.offset[kPortal + 1]; ++p) {
    if (keys.value[p] == static_cast<float>(CatalogKind::developer)) developer_valve = keys.index[p];
    if (keys.value[p] == static_cast<float>(CatalogKind::publisher)) publisher_valve = keys.index[p];
  }
  EXPECT_NE(developer_valve, publisher_valve);
  // "VALVE" publishes game 12: names compare without case.
  EXPECT_NE(stored_weight(keys, kPublished, publisher_valve), 0.0f);
}

TEST(CatalogLendings, SharedKindsAddTheirWeightsOnTheLentWeightsScale) {
  const TrainingSet d = data(true);
  SparseRows rows = lent_rows();
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{3, 30}, 50, rows, no_cancel);
  // The scale is the median largest lent weight: 1.
  EXPECT_FLOAT_EQ(stored_weight(rows, kPortal, kPortal2), 1 + 3 + 3 + 30);  // developer, publisher, series
  EXPECT_FLOAT_EQ(stored_weight(rows, kPortal, kPublished), 1 + 3);         // publisher only
  EXPECT_FLOAT_EQ(stored_weight(rows, kPortal, kOther), 1);
  EXPECT_FLOAT_EQ(stored_weight(rows, kGameTwo, kOther), 1 + 3);  // developer only
  EXPECT_FLOAT_EQ(stored_weight(rows, kGameTwo, kPortal2), 1);
}

TEST(CatalogLendings, AddsNewGamesTheTagsDidNotLendTo) {
  const TrainingSet d = data(true);
  SparseRows rows = lent_rows();
  // Game Two's row lends to the new games through its tags no more.
  rows.index.erase(rows.index.begin() + 3, rows.index.begin() + 6);
  rows.value.erase(rows.value.begin() + 3, rows.value.begin() + 6);
  for (std::size_t r = 2; r < rows.offset.size(); ++r) rows.offset[r] -= 3;
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{3, 30}, 50, rows, no_cancel);
  EXPECT_FLOAT_EQ(stored_weight(rows, kGameTwo, kOther), 3);
  EXPECT_EQ(stored_weight(rows, kGameTwo, kPortal2), 0.0f);
  // Rows stay in ascending game order.
  for (std::int32_t g = 0; g < rows.rows(); ++g)
    for (std::int64_t p = rows.offset[g] + 1; p < rows.offset[g + 1]; ++p) EXPECT_LT(rows.index[p - 1], rows.index[p]);
}

TEST(CatalogLendings, ReachesANewGameWithoutTags) {
  // Game 14, of Portal's series, has no tags: no tag lends it a weight.
  TrainingSet d;
  for (int p = 1; p <= 4; ++p) {
    d.add_owned(p, 1, 0.5f);
    d.add_owned(p, 2, 0.5f);
  }
  for (int appid : {1, 2, 10}) d.add_tag(appid, "Puzzle", 1);
  d.add_game(14);
  d.add_catalog(1, "Valve", "Valve", "Portal");
  d.add_catalog(14, "Someone", "Else", "Portal: Prelude");
  d.finish(no_cancel);
  // Games 1, 2, 10, 14 -> 0..3; both owned games lend 1 to game 10.
  SparseRows rows;
  rows.offset = {0, 1, 2, 2, 2};
  rows.index = {2, 2};
  rows.value = {1.0f, 1.0f};
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{3, 30}, 50, rows, no_cancel);
  EXPECT_FLOAT_EQ(stored_weight(rows, 0, 3), 30);
  EXPECT_EQ(stored_weight(rows, 1, 3), 0.0f);
}

TEST(CatalogLendings, EachRowKeepsItsCountNewGamesOfLargestWeight) {
  const TrainingSet d = data(true);
  SparseRows rows = lent_rows();
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{3, 30}, 1, rows, no_cancel);
  EXPECT_EQ(rows.offset[kPortal + 1] - rows.offset[kPortal], 1);
  EXPECT_FLOAT_EQ(stored_weight(rows, kPortal, kPortal2), 37);
  EXPECT_EQ(rows.offset[kGameTwo + 1] - rows.offset[kGameTwo], 1);
  EXPECT_FLOAT_EQ(stored_weight(rows, kGameTwo, kOther), 4);
}

TEST(CatalogLendings, NothingChangesWithoutCatalogFactsOrWeights) {
  const SparseRows before = lent_rows();
  for (const bool with_catalog : {false, true}) {
    const TrainingSet d = data(with_catalog);
    SparseRows rows = lent_rows();
    add_catalog_lendings(d, owner_counts(d), with_catalog ? CatalogWeights{0, 0} : CatalogWeights{3, 30}, 50, rows,
                         no_cancel);
    EXPECT_EQ(rows.index, before.index);
    EXPECT_EQ(rows.value, before.value);
  }
}

TEST(CatalogLendings, HybridTrainingLeadsAPortalOwnerToPortal2) {
  auto hybrid = [](double series_weight) {
    return resolve_params(
        "hybrid", {ParamValue{"base", true, 0, "itemknn"}, ParamValue{"series_weight", false, series_weight, ""},
                   ParamValue{"studio_weight", false, 0, ""}});
  };
  const TrainingSet d = data(true);
  const GameModel with = train(d, hybrid(30), no_cancel);
  const GameModel without = train(d, hybrid(0), no_cancel);
  EXPECT_GT(stored_weight(with.neighbors, kPortal, kPortal2), stored_weight(without.neighbors, kPortal, kPortal2));
  EXPECT_EQ(stored_weight(with.neighbors, kGameTwo, kPortal2), stored_weight(without.neighbors, kGameTwo, kPortal2));
  // Owned games' weights are the same.
  EXPECT_EQ(stored_weight(with.neighbors, kPortal, kGameTwo), stored_weight(without.neighbors, kPortal, kGameTwo));
}

TEST(CatalogLendings, DefaultsAndUse) {
  EXPECT_EQ(TrainParams{}.studio_weight, 3.0f);
  EXPECT_EQ(TrainParams{}.series_weight, 30.0f);
  EXPECT_TRUE(uses_catalog(resolve_params("hybrid", {})));
  // EASE's Gram takes the catalog too (catalog_gram_test.cpp): with its
  // weights 0, only the lendings read it.
  const ParamValue no_gram[3] = {{"catalog_name_weight", false, 0, ""},
                                 {"catalog_studio_weight", false, 0, ""},
                                 {"catalog_series_weight", false, 0, ""}};
  EXPECT_FALSE(uses_catalog(resolve_params("ease", {no_gram[0], no_gram[1], no_gram[2]})));
  EXPECT_FALSE(uses_catalog(
      resolve_params("hybrid", {ParamValue{"new_game_weight", false, 0, ""}, no_gram[0], no_gram[1], no_gram[2]})));
  // Lent through the base's neighbour rows: every base but the factor one has them.
  EXPECT_TRUE(uses_catalog(resolve_params("hybrid", {ParamValue{"base", true, 0, "itemknn"}})));
  EXPECT_TRUE(uses_catalog(resolve_params("hybrid", {ParamValue{"base", true, 0, "rp3beta"}})));
  EXPECT_FALSE(uses_catalog(resolve_params("hybrid", {ParamValue{"base", true, 0, "ials"}})));
}

namespace {

bool stop_now(void*) noexcept { return true; }

// The developer keys of a game, as names are compared: the set of key numbers.
std::vector<std::int32_t> developer_keys(const TrainingSet& d, std::int32_t game) {
  std::vector<std::int32_t> found;
  const SparseRows& keys = d.catalog_by_game();
  for (std::int64_t p = keys.offset[game]; p < keys.offset[game + 1]; ++p)
    if (keys.value[p] == static_cast<float>(CatalogKind::developer)) found.push_back(keys.index[p]);
  return found;
}

TrainingSet two_games(const char* first_developers, const char* second_developers) {
  TrainingSet d;
  d.add_owned(1, 1, 0.5f);
  d.add_tag(2, "Puzzle", 1);
  d.add_catalog(1, first_developers, "", "");
  d.add_catalog(2, second_developers, "", "");
  d.finish(no_cancel);
  return d;
}

}  // namespace

// One publisher of many owned and many new games costs owned x new steps:
// a cancel stops them.
TEST(CatalogLendings, ACancelStopsTheLendingsOfAKeyManyGamesShare) {
  TrainingSet d;
  for (int g = 1; g <= 100; ++g) {
    d.add_owned(g, g, 0.5f);
    d.add_tag(g, "Puzzle", 1);
    d.add_catalog(g, "", "Big Publisher", "");
  }
  for (int g = 1001; g <= 1100; ++g) {
    d.add_tag(g, "Puzzle", 1);
    d.add_catalog(g, "", "Big Publisher", "");
  }
  d.finish(no_cancel);
  SparseRows rows;
  rows.offset = {0};
  for (std::int32_t g = 0; g < d.games(); ++g) {
    if (g < 100) {
      rows.index.push_back(100);  // each owned game lends the first new game 1
      rows.value.push_back(1.0f);
    }
    rows.offset.push_back(rows.nonzeros());
  }
  steam_rec::CancelCheck stop(stop_now, nullptr);
  EXPECT_THROW(add_catalog_lendings(d, owner_counts(d), CatalogWeights{3, 30}, 50, rows, stop), steam_rec::Cancelled);
}

// "PopCap Games, Inc." is one developer: the company form after its comma
// is no name of its own, which would tie every "..., Inc." together.
TEST(CatalogKeys, ACompanyFormAfterACommaIsPartOfTheName) {
  for (const auto& [first, second] :
       {std::pair{"PopCap Games, Inc.", "Other Studio, Inc."}, std::pair{"PopCap Games, LLC", "Other, LLC"},
        std::pair{"PopCap Games, Ltd.", "Other Games, Ltd."}, std::pair{"PopCap Games,Inc", "Other Studio , inc"}}) {
    const TrainingSet d = two_games(first, second);
    const std::vector<std::int32_t> one = developer_keys(d, 0), other = developer_keys(d, 1);
    EXPECT_EQ(one.size(), 1u) << first;
    EXPECT_EQ(other.size(), 1u) << second;
    EXPECT_NE(one, other) << first << " / " << second;
  }
  const TrainingSet same = two_games("PopCap Games, Inc.", "popcap games, inc.");
  EXPECT_EQ(developer_keys(same, 0), developer_keys(same, 1));
  // Two studios still are two.
  EXPECT_EQ(developer_keys(two_games("Valve, Hidden Path", "Valve"), 0).size(), 2u);
}

// Names are compared as words: "Ubisoft  Shanghai" (two spaces) is
// "Ubisoft Shanghai".
TEST(CatalogKeys, RunsOfSpacesInANameCountAsOne) {
  const TrainingSet d = two_games("Ubisoft  Shanghai", "ubisoft shanghai");
  EXPECT_EQ(developer_keys(d, 0), developer_keys(d, 1));
  EXPECT_EQ(developer_keys(d, 0).size(), 1u);
}
