// steam_rec.model_games, one row per game of a stored model: the one
// description of its columns.  model_store.cpp writes the columns under these
// names and model_cache.cpp reads them back by name (SPI_fnumber), so neither
// side counts positions.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "access/tupdesc.h"
}

namespace steam_rec::pg {

// Every stored column but model_id, in table order.
inline constexpr const char* kModelGamesColumns[] = {
    "appid",           "popularity", "neighbors", "weights",    "content_neighbors",
    "content_weights", "factors",    "tags",      "tag_weights"};

// kModelGamesColumns joined with ", ", for the INSERT and the SELECT list.
const char* model_games_column_list();

// The attribute number of column `name` in rows read through SPI; an
// internal error when the row has no such column.
int model_games_attribute(TupleDesc descriptor, const char* name);

}  // namespace steam_rec::pg
