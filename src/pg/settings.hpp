// The configuration settings (GUCs) steam_rec defines.
#pragma once

namespace steam_rec::pg {

// steam_rec.training_memory_limit, in megabytes: train() refuses a training
// whose estimated peak memory exceeds it.
extern int training_memory_limit_mb;
// steam_rec.allow_drop: DROP EXTENSION may delete rows.
extern bool allow_drop;
// steam_rec.player: the SteamID an application session acts for ("" = none).
extern char* player;

// Defines the settings above and reserves the steam_rec. prefix, so that any
// other steam_rec.* name, and any invalid value, is refused at SET.
void define_settings();

// Raises 54000 unless `need_bytes` fits in steam_rec.training_memory_limit;
// `what` says what needs it ("training ease on 5000 games and 12393 players").
void refuse_over_training_memory_limit(double need_bytes, const char* what);

}  // namespace steam_rec::pg
