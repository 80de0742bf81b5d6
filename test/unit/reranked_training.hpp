// Test helper: a small training set with two groups of players and release
// dates, and a hybrid trained on it with the re-ranker.
#pragma once

#include "core/algorithm_registry.hpp"
#include "core/trainer.hpp"

// Two groups of 40 players, each owning 8 of its group's 12 games, with
// tags and release dates (group 0's games older).
inline steam_rec::rec::TrainingSet two_group_rows() {
  steam_rec::CancelCheck no_cancel;
  steam_rec::rec::TrainingSet data;
  for (int p = 0; p < 80; ++p) {
    const int group = p / 40;
    for (int i = 0; i < 8; ++i)
      data.add_owned(p + 1, 100 * (group + 1) + (p + i) % 12, static_cast<float>((p + i) % 3) / 2);
  }
  for (int group = 0; group < 2; ++group)
    for (int g = 0; g < 12; ++g) {
      const int appid = 100 * (group + 1) + g;
      data.add_tag(appid, group == 0 ? "puzzle" : "racing", 1);
      data.add_catalog(appid, "", "", "game", 365 * (5 + 5 * group + g % 4));
    }
  data.finish(no_cancel);
  return data;
}

// The parameters of a hybrid re-ordering its best `candidates`.
inline steam_rec::rec::TrainParams reranked_params(std::int32_t candidates) {
  return steam_rec::rec::resolve_params("hybrid", {{"rerank_candidates", false, static_cast<double>(candidates), ""}});
}

inline steam_rec::rec::GameModel train_reranked(const steam_rec::rec::TrainingSet& data, std::int32_t candidates) {
  steam_rec::CancelCheck no_cancel;
  return steam_rec::rec::train(data, reranked_params(candidates), no_cancel);
}
