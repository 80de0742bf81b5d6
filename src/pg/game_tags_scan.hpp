// Reading steam_rec.game_tags (appid, tag name, position) for training by a
// plain heap scan instead of an SPI cursor, where that reads exactly the rows
// SQL would: the cursor was a tenth of a short training.
#pragma once

#include <string_view>

#include "pg/postgres.hpp"

namespace steam_rec::pg {

struct GameTagsScan;

// One row; a NULL position reads as 0.  `tag` points into the scan's
// current row (no copy): it is valid until the next game_tags_scan_next().
struct GameTagRow {
  int32 appid;
  bool tag_is_null;
  std::string_view tag;
  int32 position;
};

// Opens a heap scan of steam_rec.game_tags under the active snapshot, or
// returns nullptr when only SQL reads what the caller may see (the rules of
// owned_games_scan_begin()), or when a column is missing or has another type.
GameTagsScan* game_tags_scan_begin();

// Reads the next row, in the table's physical order (as a sequential scan
// through SQL returns them); false at the end.
bool game_tags_scan_next(GameTagsScan* scan, GameTagRow* row);

void game_tags_scan_end(GameTagsScan* scan);

}  // namespace steam_rec::pg
