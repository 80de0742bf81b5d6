// Checks on players (rows of steam_rec.users) shared by the functions that
// take a steam_id.
#pragma once

#include "pg/postgres.hpp"

namespace steam_rec::pg {

// Raises 22023 when no row of steam_rec.users has this steam_id.  Call
// inside SPI with no C++ object alive.
void require_player(int64 steam_id);

}  // namespace steam_rec::pg
