#include "core/trainer.hpp"

#include "core/algorithm_registry.hpp"
#include "core/algorithm_trainers.hpp"
#include "core/rerank_training.hpp"
#include "core/reranker.hpp"

namespace steam_rec::rec {

DataSize data_size(const TrainingSet& data) {
  DataSize size;
  size.players = data.players();
  size.interactions = data.interactions();
  size.tag_entries = data.tags_by_game().nonzeros();
  for (std::int32_t g = 0; g < data.games(); ++g)
    if (data.by_game().offset[g + 1] > data.by_game().offset[g]) ++size.games;
  size.new_games = data.games() - size.games;
  size.catalog_bytes = data.catalog_bytes_added();
  return size;
}

void apply_serving_settings(const TrainParams& params, GameModel& model) {
  model.weight = InteractionWeight{params.engagement_weight};
  model.blend = params.algorithm->blend(params);
  if (params.algorithm->prepare_serving != nullptr) params.algorithm->prepare_serving(params, model);
}

GameModel train_shared_parts(const TrainingSet& data, const TrainParams& params) {
  GameModel model;
  model.appids = data.appids();
  apply_serving_settings(params, model);
  model.popularity = train_popularity(data, model.weight);
  // Tags are kept by every model: recommend() filters by them.
  model.tags = train_content(data);
  model.tag_names = data.tag_names();
  return model;
}

GameModel train(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  if (params.rerank_candidates > 0) {
    // The re-ranker is fitted first: its split's model is gone before the
    // model kept is trained, so the two are never held at once.
    TrainParams base = params;
    base.rerank_candidates = 0;
    Reranker reranker = fit_reranker_on_split(data, base, params.rerank_candidates, cancel);
    GameModel model = train(data, base, cancel);
    if (reranker.empty()) return model;  // nobody to fit on: the base order
    model.rerank_facts = rerank_game_facts(data);
    model.reranker = std::move(reranker);
    model.rerank_candidates = params.rerank_candidates;
    return model;
  }
  GameModel model = train_shared_parts(data, params);
  params.algorithm->train(data, params, model, cancel);
  return model;
}

}  // namespace steam_rec::rec
