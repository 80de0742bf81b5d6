// Collective EASE: the catalog's facts as extra rows of X.  Each developer,
// publisher and series key is a row with 1 for its games, each word of the
// names a row with the games' normalised IDF weights of it
// (TrainingSet::name_words_by_game()); weighted per kind, they add
// sum over kinds of weight^2 K K' (K games x facts) to EASE's Gram, before
// lambda and the dropout emphasis, which is taken on the augmented diagonal.
// Players are still scored on X alone.  Two games of a studio, a series or
// sharing a rare word of the name are then treated as often owned together:
// on evaluate()'s validation split it added 2.4% of recall to RDLAE
// (docs/quality.md, "Catalog facts among owned games").
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "core/cancel.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// Whether `params` (ease, or a hybrid over it) adds catalog facts to the
// Gram: a catalog_*_weight above 0.
bool adds_catalog_gram(const TrainParams& params);

// Adds the catalog facts of `data` (numbered as the model's games) to
// `gram` (X'X over the covered games game_of, upper triangle filled, as
// ease_weights_from_gram() takes it).  Nothing is touched when every weight
// is 0 or no catalog facts were added.  Each entry's sum runs in a fixed
// order, whatever the thread count.  Besides the Gram it holds the covered
// games' facts twice (by game and by fact, 8 bytes each), small beside the
// rows the memory estimate counts, as the catalog itself (kCatalogFieldBytes).
void add_catalog_gram(Eigen::Ref<Eigen::MatrixXd> gram, const std::vector<std::int32_t>& game_of,
                      const TrainingSet& data, const TrainParams& params, CancelCheck& cancel);

}  // namespace steam_rec::rec
