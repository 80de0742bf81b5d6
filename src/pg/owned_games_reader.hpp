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

// The start of a query read_owned_games() decodes, up to "FROM " (the table's
// name follows): the columns cast to the types it decodes them as, so a
// column retyped by hand is read right or refused by SQL.
inline constexpr const char* kOwnedGamesColumns =
    "SELECT user_steam_id::pg_catalog.int8, appid::pg_catalog.int4, engagement_score::pg_catalog.float4 FROM ";

}  // namespace steam_rec::pg
