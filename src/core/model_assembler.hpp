// Rebuilds a GameModel from its stored rows (steam_rec.model_games and
// model_tags), in which neighbours are appids rather than game numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/game_model.hpp"
#include "core/train_params.hpp"

namespace steam_rec::rec {

class ModelAssembler {
 public:
  // Tags in the order of their numbers, 0 first.
  void add_tag(const std::string& name) { tag_names_.push_back(name); }
  // Games in ascending appid order.
  void add_game(std::int32_t appid, float popularity, const std::int32_t* neighbour_appids, const float* weights,
                std::int32_t neighbours, const float* factors, std::int32_t factor_count, const std::int32_t* tags,
                const float* tag_weights, std::int32_t tag_count);
  // Throws InvalidArgument when the rows do not form a valid model.
  GameModel finish(const TrainParams& params);

 private:
  GameModel model_;
  std::vector<std::string> tag_names_;
  std::vector<std::int32_t> neighbour_appids_;
  std::vector<float> factors_;
  std::int32_t factor_count_ = -1;
};

}  // namespace steam_rec::rec
