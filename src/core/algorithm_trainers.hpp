// The training algorithms, each filling its part of a GameModel.  train()
// (trainer.hpp) chooses and combines them.
#pragma once

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// The player x game matrix with each engagement turned into its weight.
SparseRows weighted_by_player(const TrainingSet& data, const InteractionWeight& weight);

// Sum of weights per game, scaled so the most engaged-with game has 1.
std::vector<float> train_popularity(const TrainingSet& data, const InteractionWeight& weight);

// Unit-length TF-IDF vectors over tags; a tag's term weight falls with its
// position on the game's page (1 / log2(1 + position)).
SparseRows train_content(const TrainingSet& data);

// For every game someone owns, the `count` games with the largest tag cosine
// (over the unit TF-IDF vectors of train_content()).
SparseRows train_content_neighbors(const TrainingSet& data, const SparseRows& vectors, std::int32_t count,
                                   CancelCheck& cancel);
// The same, with the owners per game given (data gives the tag names).
SparseRows train_content_neighbors(const TrainingSet& data, const std::vector<std::int64_t>& owners,
                                   const SparseRows& vectors, std::int32_t count, CancelCheck& cancel);

// Cosine similarity with shrinkage, top `neighbors` per game.
SparseRows train_itemknn(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel);

// RP3beta: the game -> owner -> game walk probabilities, steps raised to
// rp3_alpha, arrivals divided by owners^rp3_beta; top `neighbors` per game,
// each row scaled to sum 1.
SparseRows train_rp3beta(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel);

// Steck's EASE: B = I - P diag(1/diag P), P = (X'X + lambda I)^-1, computed
// over the max_games most-owned games; each row keeps its `neighbors`
// weights of largest size (negative ones included).
SparseRows train_ease(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel);

// Implicit ALS (Hu, Koren & Volinsky confidences; the unobserved weight and
// frequency-scaled regularization of Rendle et al., "iALS revisited").
// Returns the game factors; player factors are recomputed at serving time.
Eigen::MatrixXf train_ials(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel);

// Solves one player's factors from the games they own (fold-in): the same
// step training uses for every player.  gram = factors' * factors.  Polls
// `cancel` between games: at 512 factors each costs as much as a call.
Eigen::VectorXf fold_in_player(const Eigen::Ref<const Eigen::MatrixXf>& factors,
                               const Eigen::Ref<const Eigen::MatrixXf>& gram, const FoldIn& fold_in,
                               const std::int32_t* games, const float* weights, std::size_t count, CancelCheck& cancel,
                               Eigen::LLT<Eigen::MatrixXf>* keep_solver = nullptr);

}  // namespace steam_rec::rec
