// TrainingSet::finish() places entries by row in one counting pass and sorts
// each row by column; its matrices must be the ones sorting every entry by
// (row, column) gives, a repeated (row, column) keeping its last value:
// rows added out of order, repeats, a player with thousands of games, tags
// repeated on a game, games without owners.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "core/training_set.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Rows of `entries` (row -> column -> value, the last value given) as
// SparseRows over `rows` rows.
SparseRows reference(const std::map<std::int32_t, std::map<std::int32_t, float>>& entries, std::int32_t rows) {
  SparseRows result;
  for (std::int32_t r = 0; r < rows; ++r) {
    auto row = entries.find(r);
    if (row != entries.end())
      for (const auto& [column, value] : row->second) {
        result.index.push_back(column);
        result.value.push_back(value);
      }
    result.offset.push_back(result.nonzeros());
  }
  return result;
}

void expect_same(const SparseRows& built, const SparseRows& expected) {
  EXPECT_EQ(built.offset, expected.offset);
  EXPECT_EQ(built.index, expected.index);
  EXPECT_EQ(built.value, expected.value);
}

}  // namespace

TEST(TrainingSetRowsSameAsSorted, RepeatsOutOfOrderAndOneHugeLibrary) {
  std::mt19937 random(7);
  TrainingSet data;
  std::vector<std::int32_t> appids;
  for (std::int32_t a = 0; a < 3000; ++a) appids.push_back(10 + a * 13);
  std::vector<std::int64_t> players;  // in order of first appearance: the player numbers
  std::map<std::int64_t, std::int32_t> number;
  std::vector<std::tuple<std::int64_t, std::int32_t, float>> owned;
  for (int i = 0; i < 20000; ++i)
    owned.emplace_back(static_cast<std::int64_t>(random() % 500) * 1000003, appids[random() % 400],
                       static_cast<float>(random() % 100) / 100);
  for (std::int32_t a : appids) owned.emplace_back(42, a, 0.5f);  // one player owns every game...
  for (int i = 0; i < 500; ++i) owned.emplace_back(42, appids[random() % 3000], 0.25f);  // ...some twice
  std::shuffle(owned.begin(), owned.end(), random);
  for (const auto& [player, appid, engagement] : owned) {
    data.add_owned(player, appid, engagement);
    if (number.emplace(player, static_cast<std::int32_t>(players.size())).second) players.push_back(player);
  }
  std::map<std::int32_t, std::map<std::int32_t, float>> by_player, tags;
  for (const auto& [player, appid, engagement] : owned) {
    const std::int32_t game =
        static_cast<std::int32_t>(std::lower_bound(appids.begin(), appids.end(), appid) - appids.begin());
    by_player[number[player]][game] = engagement;
  }
  const std::int32_t no_owner = 5;  // an appid below every owned one, with tags only
  std::vector<std::string> tag_names;
  std::map<std::string, std::int32_t> tag_number;
  for (int i = 0; i < 3000; ++i) {
    const std::int32_t appid = i % 10 == 0 ? no_owner : appids[random() % 3000];
    const std::string tag = "tag" + std::to_string(random() % 40);
    const std::int32_t position = static_cast<std::int32_t>(random() % 12) - 2;
    data.add_tag(appid, tag, position);
    if (tag_number.emplace(tag, static_cast<std::int32_t>(tag_names.size())).second) tag_names.push_back(tag);
    const std::int32_t game =
        appid == no_owner
            ? 0
            : 1 + static_cast<std::int32_t>(std::lower_bound(appids.begin(), appids.end(), appid) - appids.begin());
    tags[game][tag_number[tag]] = static_cast<float>(position > 0 ? position : 0);
  }
  data.finish(no_cancel);

  ASSERT_EQ(data.games(), 3001);
  ASSERT_EQ(data.players(), static_cast<std::int32_t>(players.size()));
  std::map<std::int32_t, std::map<std::int32_t, float>> by_player_shifted;  // game numbers after no_owner's
  for (const auto& [player, games] : by_player)
    for (const auto& [game, engagement] : games) by_player_shifted[player][game + 1] = engagement;
  expect_same(data.by_player(), reference(by_player_shifted, data.players()));
  expect_same(data.tags_by_game(), reference(tags, data.games()));
  EXPECT_EQ(data.tag_names(), tag_names);
  EXPECT_EQ(data.by_player().offset[number[42] + 1] - data.by_player().offset[number[42]], 3000);
}

TEST(TrainingSetRowsSameAsSorted, AppidsOfEveryRangeNumberedInOrder) {
  // Appids are numbered through a hash table that grows: many distinct ones,
  // of both signs and at the ends of the range, each given several times.
  std::mt19937 random(11);
  std::vector<std::int32_t> appids = {INT32_MIN, -1, 0, 1, INT32_MAX};
  for (int i = 0; i < 60000; ++i) appids.push_back(static_cast<std::int32_t>(random()));
  std::sort(appids.begin(), appids.end());
  appids.erase(std::unique(appids.begin(), appids.end()), appids.end());
  std::vector<std::int32_t> given = appids;
  given.insert(given.end(), appids.begin(), appids.end());
  std::shuffle(given.begin(), given.end(), random);
  TrainingSet data;
  for (std::size_t i = 0; i < given.size(); ++i) data.add_owned(static_cast<std::int64_t>(i), given[i], 1);
  data.finish(no_cancel);
  ASSERT_EQ(data.appids(), appids);
  for (std::int32_t g = 0; g < data.games(); ++g) {
    ASSERT_EQ(data.game_index(appids[static_cast<std::size_t>(g)]), g);
    ASSERT_EQ(data.by_game().offset[g + 1] - data.by_game().offset[g], 2) << "game " << g;
  }
}
