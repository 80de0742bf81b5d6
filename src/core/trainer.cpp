#include "core/trainer.hpp"

#include "core/trainers.hpp"

namespace steam_rec::rec {
namespace {

void train_collaborative(Algorithm algorithm, const TrainingSet& data, const TrainParams& params, GameModel& model,
                         CancelCheck& cancel) {
  switch (algorithm) {
    case Algorithm::itemknn:
      model.neighbours = train_itemknn(data, params, cancel);
      break;
    case Algorithm::ease:
      model.neighbours = train_ease(data, params, cancel);
      break;
    case Algorithm::ials:
      model.factors = train_ials(data, params, cancel);
      break;
    default:
      break;
  }
}

}  // namespace

DataSize data_size(const TrainingSet& data) {
  DataSize size;
  size.players = data.players();
  size.interactions = data.interactions();
  size.tag_entries = data.tags_by_game().nonzeros();
  for (std::int32_t g = 0; g < data.games(); ++g)
    if (data.by_game().offset[g + 1] > data.by_game().offset[g]) ++size.games;
  return size;
}

void apply_serving_settings(const TrainParams& params, GameModel& model) {
  model.weight = InteractionWeight{params.engagement_weight};
  const float popularity = Blend{}.popularity;
  switch (params.algorithm) {
    case Algorithm::popularity:
      model.blend = Blend{0, 0, 1};
      break;
    case Algorithm::content:
      model.blend = Blend{0, 1, popularity};
      break;
    case Algorithm::hybrid:
      model.blend = Blend{1 - params.content_weight, params.content_weight, popularity};
      break;
    default:
      model.blend = Blend{1, 0, popularity};
      break;
  }
  Algorithm collaborative = params.algorithm == Algorithm::hybrid ? params.base : params.algorithm;
  if (collaborative == Algorithm::ials)
    model.fold_in = FoldIn{params.regularization, params.alpha, params.unobserved_weight, params.exponent};
}

GameModel train(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  GameModel model;
  model.appids = data.appids();
  apply_serving_settings(params, model);
  model.popularity = train_popularity(data, model.weight);
  // Tags are kept by every model: recommend() filters by them.
  model.tags = train_content(data);
  model.tag_names = data.tag_names();
  if (params.algorithm == Algorithm::content || params.algorithm == Algorithm::hybrid)
    model.content_neighbours = train_content_neighbours(data, model.tags, params.content_neighbors, cancel);
  if (params.algorithm == Algorithm::hybrid)
    train_collaborative(params.base, data, params, model, cancel);
  else
    train_collaborative(params.algorithm, data, params, model, cancel);
  return model;
}

}  // namespace steam_rec::rec
