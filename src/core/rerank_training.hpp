// Fitting the re-ranker inside train(): the base model is trained again on
// a seeded split of the training rows (a share of each player's games held
// out), every sampled player's best candidates by that model are labelled
// by whether they are held-out games, and LambdaRank fits the weights
// (reranker.hpp).  The held-out games stand for the games a player takes up
// after training; every other game the player does not own counts against,
// as it does for the real model.
#pragma once

#include <cstdint>

#include "core/cancel.hpp"
#include "core/rerank_model.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// The share of each player's games the split holds out, its seed (train()
// gives the same model for the same rows), and the list length whose NDCG
// the fit weighs pairs by.
inline constexpr double kRerankHoldout = 0.2;
inline constexpr std::uint32_t kRerankSplitSeed = 20240817;
inline constexpr std::int32_t kRerankFitListLength = 20;

// The re-ranker of `candidates` candidates for a model of `base` (which
// re-ranks nothing) trained on `data`; empty when the split leaves nobody
// to fit on (every player with fewer than two games), or when it does not
// beat the base order on players it was not fitted on
// (fit_reranker_if_it_wins()).
Reranker fit_reranker_on_split(const TrainingSet& data, const TrainParams& base, std::int32_t candidates,
                               CancelCheck& cancel);

}  // namespace steam_rec::rec
