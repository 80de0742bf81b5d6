// Reading (player, game, engagement) rows into a TrainingSet, for train() on
// one node and for the per-worker partial sums on a Citus cluster.
#pragma once

#include "core/training_set.hpp"
#include "pg/postgres.hpp"

namespace steam_rec::pg {

// Adds every row of `sql` (user_steam_id bigint, appid int, engagement_score
// real or NULL) to `data` through the cursor `cursor`, inside SPI.  `data`
// must outlive server errors (new_in_context()).
void read_owned_games(const char* cursor, const char* sql, rec::TrainingSet* data);

}  // namespace steam_rec::pg
