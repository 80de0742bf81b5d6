// evaluate(target => 'new_games'): a seeded share of the games is held out
// entirely, so training sees no owner of them, and each of their owners ranks
// them among themselves.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/algorithm_registry.hpp"
#include "core/evaluation.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// 60 players over 40 games in two genres (odd and even appids): each player
// owns most games of one genre; every game carries its genre's tag.
Evaluation world() {
  Evaluation e;
  for (int p = 1; p <= 60; ++p)
    for (int g = 1; g <= 40; ++g)
      if (g % 2 == p % 2 && (p + g) % 5 != 0) e.add_play(EvalPlay{p, g, 0.5f, 3.0});
  for (int g = 1; g <= 40; ++g) {
    e.add_tag(g, g % 2 ? "Puzzle" : "Shooter", 1);
    e.add_tag(g, "Indie", 2);
  }
  return e;
}

EvalOptions new_games_options(std::uint32_t seed) {
  EvalOptions options;
  options.k = 2;
  options.min_games = 3;
  options.seed = seed;
  options.new_games = true;
  return options;
}

}  // namespace

TEST(EvaluateNewGames, HeldOutGamesHaveNoTrainingOwner) {
  Evaluation e = world();
  e.prepare(new_games_options(7), no_cancel);
  ASSERT_EQ(e.new_games().size(), 4u);  // 10% of 40 games
  for (std::int32_t game : e.new_games())
    for (int p = 1; p <= 60; ++p) EXPECT_TRUE(std::isnan(e.training_engagement(p, game))) << p << " " << game;
}

TEST(EvaluateNewGames, SeedChoosesTheGames) {
  Evaluation a = world(), b = world(), c = world();
  a.prepare(new_games_options(7), no_cancel);
  b.prepare(new_games_options(7), no_cancel);
  c.prepare(new_games_options(8), no_cancel);
  EXPECT_EQ(a.new_games(), b.new_games());
  EXPECT_NE(a.new_games(), c.new_games());
}

TEST(EvaluateNewGames, ValidationNeverSeesTheTestGames) {
  Evaluation test = world(), validation = world();
  test.prepare(new_games_options(7), no_cancel);
  EvalOptions options = new_games_options(7);
  options.validation = true;
  validation.prepare(options, no_cancel);
  for (std::int32_t game : test.new_games()) {
    for (std::int32_t held : validation.new_games()) EXPECT_NE(game, held);
    for (int p = 1; p <= 60; ++p) EXPECT_TRUE(std::isnan(validation.training_engagement(p, game)));
  }
}

TEST(EvaluateNewGames, ContentRanksNewGamesByTheirTags) {
  // Each player owns one genre: the content model puts that genre's new
  // games first, and every player owning a new game is measured.
  Evaluation e = world();
  e.prepare(new_games_options(7), no_cancel);
  const EvalScore content = e.evaluate(resolve_params("content", {}), no_cancel);
  EXPECT_GT(content.players, 0);
  EXPECT_DOUBLE_EQ(content.recall, 1.0);
  // The floor gives everyone the same list, so it misses the other genre.
  const EvalScore floor = e.evaluate_tag_popularity(no_cancel);
  EXPECT_EQ(floor.players, content.players);
  EXPECT_LT(floor.recall, content.recall);
}
