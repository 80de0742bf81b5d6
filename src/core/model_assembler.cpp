#include "core/model_assembler.hpp"

#include "core/errors.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {

void ModelAssembler::add_game(std::int32_t appid, float popularity, const std::int32_t* neighbour_appids,
                              const float* weights, std::int32_t neighbours, const float* factors,
                              std::int32_t factor_count, const std::int32_t* tags, const float* tag_weights,
                              std::int32_t tag_count) {
  if (!model_.appids.empty() && appid <= model_.appids.back())
    throw InvalidArgument("stored model games are not in ascending appid order");
  if (factor_count_ >= 0 && factor_count != factor_count_)
    throw InvalidArgument("stored model games have different numbers of factors");
  factor_count_ = factor_count;
  model_.appids.push_back(appid);
  model_.popularity.push_back(popularity);
  neighbour_appids_.insert(neighbour_appids_.end(), neighbour_appids, neighbour_appids + neighbours);
  model_.neighbours.value.insert(model_.neighbours.value.end(), weights, weights + neighbours);
  model_.neighbours.offset.push_back(static_cast<std::int64_t>(neighbour_appids_.size()));
  factors_.insert(factors_.end(), factors, factors + factor_count);
  model_.tags.index.insert(model_.tags.index.end(), tags, tags + tag_count);
  model_.tags.value.insert(model_.tags.value.end(), tag_weights, tag_weights + tag_count);
  model_.tags.offset.push_back(model_.tags.nonzeros());
}

GameModel ModelAssembler::finish(const TrainParams& params) {
  GameModel model = std::move(model_);
  model.tag_names = std::move(tag_names_);
  model.neighbours.index.resize(neighbour_appids_.size());
  for (std::size_t p = 0; p < neighbour_appids_.size(); ++p) {
    // Appid order is game-number order, so each row stays ascending.
    model.neighbours.index[p] = model.game_index(neighbour_appids_[p]);
    if (model.neighbours.index[p] < 0) throw InvalidArgument("a stored neighbour is not a game of the model");
  }
  if (factor_count_ > 0) {
    model.factors = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        factors_.data(), model.games(), factor_count_);
  }
  apply_serving_settings(params, model);
  model.validate();
  return model;
}

}  // namespace steam_rec::rec
