// A re-ranked model rebuilt from its stored rows (ModelAssembler, as the
// server loads model_games, model_tags and model_rerankers) serves the
// lists the trained model serves; a stored re-ranker that does not fit its
// model is refused.
#include <gtest/gtest.h>

#include <limits>

#include "core/errors.hpp"
#include "core/model_assembler.hpp"
#include "core/recommender.hpp"
#include "reranked_training.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Game g's row of `rows` as stored: appids and weights.
StoredNeighbors stored_row(const GameModel& model, const SparseRows& rows, std::vector<std::int32_t>* appids, int g) {
  appids->clear();
  if (rows.rows() != model.games()) return {};
  for (std::int64_t p = rows.offset[g]; p < rows.offset[g + 1]; ++p) appids->push_back(model.appids[rows.index[p]]);
  return StoredNeighbors{appids->data(), rows.value.data() + rows.offset[g], static_cast<std::int32_t>(appids->size())};
}

// The model's games and tags, as the server gives them to an assembler.
void add_stored_rows(const GameModel& model, ModelAssembler* assembler) {
  for (const std::string& name : model.tag_names) assembler->add_tag(name);
  std::vector<std::int32_t> neighbors, content;
  for (int g = 0; g < model.games(); ++g) {
    StoredGame game;
    game.appid = model.appids[g];
    game.popularity = model.popularity[g];
    game.neighbors = stored_row(model, model.neighbors, &neighbors, g);
    game.content_neighbors = stored_row(model, model.content_neighbors, &content, g);
    game.tags = model.tags.index.data() + model.tags.offset[g];
    game.tag_weights = model.tags.value.data() + model.tags.offset[g];
    game.tag_count = static_cast<std::int32_t>(model.tags.offset[g + 1] - model.tags.offset[g]);
    assembler->add_game(game);
  }
}

std::vector<std::int32_t> list_of(Recommender& recommender, int player) {
  RankRequest request;
  request.games = {{100 * (player / 40 + 1) + player % 12, 0.5f}, {100 * (player / 40 + 1) + (player + 1) % 12, 0.0f}};
  request.k = 10;
  std::vector<std::int32_t> appids;
  for (const Recommendation& r : recommender.rank(request, no_cancel)) appids.push_back(r.appid);
  return appids;
}

}  // namespace

TEST(RerankerStoredRows, TheRebuiltModelServesTheTrainedModelsLists) {
  const GameModel trained = train_reranked(two_group_rows(), 10);
  ASSERT_TRUE(trained.reranks());
  ModelAssembler assembler;
  add_stored_rows(trained, &assembler);
  const std::vector<float> fitted = trained.reranker.stored();
  assembler.set_reranker(fitted.data(), static_cast<std::int32_t>(fitted.size()), trained.rerank_facts.data(),
                         static_cast<std::int64_t>(trained.rerank_facts.size()));
  const GameModel rebuilt = assembler.finish(reranked_params(10), no_cancel);
  ASSERT_TRUE(rebuilt.reranks());
  EXPECT_EQ(rebuilt.rerank_candidates, 10);
  GameModel base = trained;
  base.rerank_candidates = 0;
  Recommender served(rebuilt), original(trained), base_order(base);
  int differ_from_base = 0;
  for (int p = 0; p < 80; p += 3) {
    EXPECT_EQ(list_of(served, p), list_of(original, p)) << p;
    differ_from_base += list_of(served, p) != list_of(base_order, p) ? 1 : 0;
  }
  EXPECT_GT(differ_from_base, 0);  // the stored re-ranker is what moved them
}

TEST(RerankerStoredRows, WithoutAStoredRerankerTheModelKeepsTheBaseOrder) {
  // A training whose fit found nobody stores no row; its parameters still say 10.
  const GameModel trained = train_reranked(two_group_rows(), 10);
  ModelAssembler assembler;
  add_stored_rows(trained, &assembler);
  const GameModel rebuilt = assembler.finish(reranked_params(10), no_cancel);
  EXPECT_FALSE(rebuilt.reranks());
  EXPECT_EQ(rebuilt.rerank_candidates, 0);
}

TEST(RerankerStoredRows, AStoredRerankerThatDoesNotFitIsRefused) {
  const GameModel trained = train_reranked(two_group_rows(), 10);
  const std::vector<float> fitted = trained.reranker.stored();
  const auto finish_with = [&](const std::vector<float>& numbers, const std::vector<float>& facts) {
    ModelAssembler assembler;
    add_stored_rows(trained, &assembler);
    assembler.set_reranker(numbers.data(), static_cast<std::int32_t>(numbers.size()), facts.data(),
                           static_cast<std::int64_t>(facts.size()));
    return assembler.finish(reranked_params(10), no_cancel);
  };
  // One number short.
  EXPECT_THROW(finish_with(std::vector<float>(fitted.begin(), fitted.end() - 1), trained.rerank_facts),
               steam_rec::InvalidArgument);
  // One game's facts short.
  EXPECT_THROW(finish_with(fitted, std::vector<float>(trained.rerank_facts.begin(), trained.rerank_facts.end() - 4)),
               steam_rec::InvalidArgument);
  // A scale of 0 (the scales follow the means).
  std::vector<float> zero_scale = fitted;
  zero_scale[kRerankFeatures] = 0;
  EXPECT_THROW(finish_with(zero_scale, trained.rerank_facts), steam_rec::InvalidArgument);
  // A fact that is not finite.
  std::vector<float> bad_fact = trained.rerank_facts;
  bad_fact[0] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(finish_with(fitted, bad_fact), steam_rec::InvalidArgument);
}
