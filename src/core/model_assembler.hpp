// Rebuilds a GameModel from its stored rows (steam_rec.model_games and
// model_tags), in which neighbors are appids rather than game numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/train_params.hpp"

namespace steam_rec::rec {

// A list of neighbors as stored: appids and weights.
struct StoredNeighbors {
  const std::int32_t* appids = nullptr;
  const float* weights = nullptr;
  std::int32_t count = 0;
};

// One model_games row, as plain arrays.
struct StoredGame {
  std::int32_t appid = 0;
  float popularity = 0;
  StoredNeighbors neighbors;
  StoredNeighbors content_neighbors;
  const float* factors = nullptr;
  std::int32_t factor_count = 0;
  const std::int32_t* tags = nullptr;
  const float* tag_weights = nullptr;
  std::int32_t tag_count = 0;
};

// Upper bounds of what the stored rows hold, in elements, so that reserve()
// can size every array once.
struct StoredCapacity {
  std::int64_t games = 0;
  std::int64_t neighbors = 0;
  std::int64_t content_neighbors = 0;
  std::int64_t factors = 0;
  std::int64_t tags = 0;
};

class ModelAssembler {
 public:
  // Sizes the arrays that add_game() fills: grown instead, a copy of tens of
  // megabytes at each doubling is a stretch that no cancel poll reaches.
  void reserve(const StoredCapacity& capacity);
  // Tags in the order of their numbers, 0 first.
  void add_tag(const std::string& name) { tag_names_.push_back(name); }
  // Games in ascending appid order.
  void add_game(const StoredGame& game);
  // The model's re-ranker (steam_rec.model_rerankers): its fitted numbers
  // (as many as one of its shapes stores) and kRerankGameFacts facts per
  // game in appid order.  Throws InvalidArgument for a fitted count no shape
  // has; finish() checks the facts against the games.
  void set_reranker(const float* fitted, std::int32_t fitted_count, const float* facts, std::int64_t fact_count);
  // Throws InvalidArgument when the rows do not form a valid model.  A model
  // given a re-ranker re-orders as many candidates as its parameters say.
  GameModel finish(const TrainParams& params, CancelCheck& cancel);

 private:
  GameModel model_;
  std::vector<std::string> tag_names_;
  std::vector<std::int32_t> neighbor_appids_, content_neighbor_appids_;
  std::vector<float> factors_;
  std::int32_t factor_count_ = -1;
  bool has_reranker_ = false;
};

}  // namespace steam_rec::rec
