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
      model.fold_in = FoldIn{params.regularization, params.alpha, params.unobserved_weight, params.exponent};
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

GameModel train(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  GameModel model;
  model.appids = data.appids();
  model.weight = InteractionWeight{params.engagement_weight};
  model.popularity = train_popularity(data, model.weight);
  // Tags are kept by every model: recommend() filters by them.
  model.tags = train_content(data);
  model.tag_names = data.tag_names();

  switch (params.algorithm) {
    case Algorithm::popularity:
      model.blend = Blend{0, 0, 1};
      break;
    case Algorithm::content:
      model.blend = Blend{0, 1, Blend{}.popularity};
      break;
    case Algorithm::hybrid:
      train_collaborative(params.base, data, params, model, cancel);
      model.blend = Blend{1 - params.content_weight, params.content_weight, Blend{}.popularity};
      break;
    default:
      train_collaborative(params.algorithm, data, params, model, cancel);
      model.blend = Blend{1, 0, Blend{}.popularity};
      break;
  }
  return model;
}

}  // namespace steam_rec::rec
