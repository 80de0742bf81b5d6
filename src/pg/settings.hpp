// The configuration settings (GUCs) steam_rec defines.
#pragma once

#include "core/train_params.hpp"

namespace steam_rec::pg {

// steam_rec.training_memory_limit, in megabytes: train() refuses a training
// whose estimated peak memory exceeds it.
extern int training_memory_limit_mb;
// steam_rec.allow_drop: a drop that takes steam_rec along may delete rows (the DROP guard reads it).
extern bool allow_drop;
// steam_rec.new_game_slots: how many of a list's k places recommend() and
// recommend_for_games() keep for new games (nobody owned them at training).
extern int new_game_slots;
// steam_rec.train_from_partial_sums: how train() on a Citus coordinator reads
// the players' games (game_sums_gather.hpp).
enum PartialSumsMode { kPartialSumsOff, kPartialSumsAuto, kPartialSumsOn };
extern int train_from_partial_sums;

// Defines the settings above and reserves the steam_rec. prefix, so that any
// other steam_rec.* name, and any invalid value, is refused at SET.
void define_settings();

// Raises 54000 unless training `params` on data of `size`, plus `extra_bytes`,
// fits in steam_rec.training_memory_limit.  The message says what needs it
// (`doing` = "training": "training ease on 5000 games and 12393 players"); the
// hint names the algorithms of the registry that would fit.
void refuse_over_training_memory_limit(const char* doing, const rec::TrainParams& params, const rec::DataSize& size,
                                       double extra_bytes);

}  // namespace steam_rec::pg
