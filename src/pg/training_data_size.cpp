#include "pg/training_data_size.hpp"

#include "pg/owned_games_scan.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "utils/hsearch.h"
}

namespace steam_rec::pg {
namespace {

struct OwnedGamesCount {
  int64 games = 0;
  int64 interactions = 0;
};

// Counts the rows and distinct appids of user_games in one heap scan (the
// same rows the training's read sees), or returns false where only SQL reads
// what the caller may see.  The appids go to a hash table in a memory context
// of its own: no C++ object is alive while the scan polls cancel.
bool count_owned_games_by_scan(OwnedGamesCount* count) {
  OwnedGamesScan* scan = owned_games_scan_begin();
  if (scan == nullptr) return false;
  HASHCTL control = {};
  control.keysize = sizeof(int32);
  control.entrysize = sizeof(int32);
  control.hcxt = CurrentMemoryContext;
  HTAB* appids = hash_create("steam_rec training appids", 4096, &control, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
  auto* batch = static_cast<OwnedGamesBatch*>(palloc(sizeof(OwnedGamesBatch)));
  int32 previous = 0;  // appids are positive: 0 matches no row
  while (owned_games_scan_next(scan, batch)) {
    for (int r = 0; r < batch->rows; ++r) {
      // Rows of one game often follow each other; skip the lookup for those.
      if (batch->appids[r] == previous) continue;
      previous = batch->appids[r];
      hash_search(appids, &previous, HASH_ENTER, nullptr);
    }
    count->interactions += batch->rows;
  }
  owned_games_scan_end(scan);
  count->games = static_cast<int64>(hash_get_num_entries(appids));
  hash_destroy(appids);
  pfree(batch);
  return true;
}

// Reads column `column` of the one-row result of the last count query.
int64 count_column(int column) {
  bool is_null = true;
  return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, &is_null));
}

rec::DataSize count_players_and_tag_entries() {
  spi_run(
      "SELECT (SELECT pg_catalog.count(*) FROM steam_rec.users),"
      "       (SELECT pg_catalog.count(*) FROM steam_rec.game_tags)",
      0, nullptr, nullptr, SPI_OK_SELECT, true);
  rec::DataSize size;
  size.players = count_column(1);
  size.tag_entries = count_column(2);
  return size;
}

}  // namespace

rec::DataSize count_players() {
  spi_run("SELECT pg_catalog.count(*) FROM steam_rec.users", 0, nullptr, nullptr, SPI_OK_SELECT, true);
  rec::DataSize size;
  size.players = count_column(1);
  return size;
}

rec::DataSize count_training_data() {
  // Players are counted from users (an upper bound that needs no sort).  The
  // owned games were counted by SQL with a hash aggregate and a second scan
  // of user_games, a sixth of a short training; a heap scan counts them in
  // one pass.  The tables are read in the same order either way, so a missing
  // privilege is reported on the same table as before.
  rec::DataSize size;
  OwnedGamesCount owned;
  if (count_owned_games_by_scan(&owned)) {
    size = count_players_and_tag_entries();
    size.games = owned.games;
    size.interactions = owned.interactions;
    return size;
  }
  // One pass over user_games through SQL: a grouped count gives both the
  // distinct appids and the rows.
  spi_run(
      "SELECT (SELECT pg_catalog.count(*) FROM steam_rec.users), g.games, g.interactions,"
      "       (SELECT pg_catalog.count(*) FROM steam_rec.game_tags)"
      "  FROM (SELECT pg_catalog.count(*) AS games, COALESCE(pg_catalog.sum(a.n), 0)::bigint AS interactions"
      "          FROM (SELECT pg_catalog.count(*) AS n FROM steam_rec.user_games GROUP BY appid) AS a) AS g",
      0, nullptr, nullptr, SPI_OK_SELECT, true);
  size.players = count_column(1);
  size.games = count_column(2);
  size.interactions = count_column(3);
  size.tag_entries = count_column(4);
  return size;
}

}  // namespace steam_rec::pg
