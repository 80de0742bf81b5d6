// steam_rec.refresh_recommendations(steam_id bigint DEFAULT NULL, k integer DEFAULT 20) RETURNS bigint
//
// Writes the active model's top k of one player or of every player into
// steam_rec.recommendations.  Players are read in steam_id order through a
// cursor and written in batches; a batch first locks its players' rows (see
// flush()), so a player deleted meanwhile is skipped instead of failing the
// refresh, a concurrent DELETE of a player waits rather than deadlocks, and two
// refreshes of one player run one after the other.  Each list is replaced
// inside the caller's transaction, so readers see the old list or the new one,
// never a mix.
#include "pg/entry.hpp"
#include "pg/model_cache.hpp"
#include "pg/players.hpp"
#include "pg/ranking_io.hpp"
#include "pg/spi.hpp"
#include "pg/sql_contracts.hpp"

extern "C" {
#include "catalog/pg_type.h"
}

namespace steam_rec::pg {
namespace {

constexpr int kBatchPlayers = 1000;
constexpr int64 kProgressFrom = 1000;  // players

// Rows waiting to be written, palloc'd for kBatchPlayers lists of k.
struct Batch {
  int players = 0;
  int rows = 0;
  int64* player_ids;
  int64* row_players;
  int32* appids;
  int32* ranks;
  float* scores;
};

Batch new_batch(int32 k) {
  Batch batch;
  const std::size_t capacity = static_cast<std::size_t>(kBatchPlayers) * k;
  batch.player_ids = static_cast<int64*>(palloc(sizeof(int64) * kBatchPlayers));
  batch.row_players = static_cast<int64*>(palloc(sizeof(int64) * capacity));
  batch.appids = static_cast<int32*>(palloc(sizeof(int32) * capacity));
  batch.ranks = static_cast<int32*>(palloc(sizeof(int32) * capacity));
  batch.scores = static_cast<float*>(palloc(sizeof(float) * capacity));
  return batch;
}

// Replaces the lists of the batch's players that still exist; returns rows
// written.  Its arrays live in `scratch`, which is reset afterwards.
//
// The players' users rows are locked FOR NO KEY UPDATE, in steam_id order (no
// deadlock between refreshes, which all lock in that order): the lock
// conflicts with itself, so a second refresh of a player waits for the first
// one's transaction to end, but not with the KEY SHARE locks foreign keys
// take, so inserts of the player's games and recommendations go on.  Row
// locks live in the rows, not in the shared lock table, so a refresh of every
// player needs no more shared memory than one of a single player.  The price:
// an UPDATE of a locked users row waits until the refresh commits.  A player
// deleted meanwhile is not returned, and is skipped.
//
// The DELETE that follows runs with a new snapshot (SPI takes one per
// statement in READ COMMITTED), taken after the lock, so it also removes the
// list a refresh that committed while this one waited wrote; the INSERT then
// writes over any row still in the way (one another writer added without
// the lock) rather than fail.  In REPEATABLE READ the snapshot predates the
// wait: the DELETE or INSERT meets the other refresh's rows and fails with a
// serialization error (40001), PostgreSQL's usual answer there; retry.
int64 flush(Batch* batch, const char* algorithm, MemoryContext scratch) {
  if (batch->players == 0) return 0;
  MemoryContext caller = MemoryContextSwitchTo(scratch);
  Oid lock_types[1] = {INT8ARRAYOID};
  Datum lock_values[1] = {int8_array(batch->player_ids, batch->players)};
  const uint64 alive = spi_run("SELECT steam_id FROM steam_rec.users WHERE steam_id OPERATOR(pg_catalog.=) ANY ($1)"
                               " ORDER BY steam_id FOR NO KEY UPDATE",
                               1, lock_types, lock_values, SPI_OK_SELECT);
  auto* locked = static_cast<int64*>(palloc(sizeof(int64) * (alive + 1)));
  for (uint64 r = 0; r < alive; ++r) {
    bool is_null = true;
    locked[r] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &is_null));
  }
  SPI_freetuptable(SPI_tuptable);
  Datum locked_array = int8_array(locked, static_cast<int>(alive));
  Oid delete_types[1] = {INT8ARRAYOID};
  Datum delete_values[1] = {locked_array};
  spi_run("DELETE FROM steam_rec.recommendations WHERE user_steam_id OPERATOR(pg_catalog.=) ANY ($1)", 1,
          delete_types, delete_values, SPI_OK_DELETE);

  Oid types[6] = {INT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID, FLOAT4ARRAYOID, TEXTOID, INT8ARRAYOID};
  Datum values[6] = {int8_array(batch->row_players, batch->rows), int4_array(batch->appids, batch->rows),
                     int4_array(batch->ranks, batch->rows), float4_array(batch->scores, batch->rows),
                     CStringGetTextDatum(algorithm), locked_array};
  const uint64 written = spi_run(
      "INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm)"
      " SELECT r.steam_id, r.appid, r.rank, r.score, $5"
      "   FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
      "                   pg_catalog.unnest($4)) AS r(steam_id, appid, rank, score)"
      "  WHERE r.steam_id OPERATOR(pg_catalog.=) ANY ($6)"
      " ON CONFLICT (user_steam_id, appid) DO UPDATE"
      "    SET rank = excluded.rank, score = excluded.score, algorithm = excluded.algorithm,"
      "        generated_at = excluded.generated_at",
      6, types, values, SPI_OK_INSERT);
  batch->players = 0;
  batch->rows = 0;
  MemoryContextSwitchTo(caller);
  MemoryContextReset(scratch);
  return static_cast<int64>(written);
}

void add_list(Batch* batch, int64 steam_id, const Ranking* ranking) {
  batch->player_ids[batch->players++] = steam_id;
  int32 rank = 0;
  for (const rec::Recommendation& r : ranking->results) {
    batch->row_players[batch->rows] = steam_id;
    batch->appids[batch->rows] = r.appid;
    batch->ranks[batch->rows] = ++rank;
    batch->scores[batch->rows] = r.score;
    ++batch->rows;
  }
}

int64 count_players() {
  spi_run("SELECT pg_catalog.count(*) FROM steam_rec.users", 0, nullptr, nullptr, SPI_OK_SELECT, true);
  bool is_null = true;
  return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
}

}  // namespace
}  // namespace steam_rec::pg

STEAM_REC_FUNCTION(steam_rec_refresh_recommendations) {
  using namespace steam_rec::pg;
  const Arguments arguments(fcinfo, contracts::refresh_recommendations);
  arguments.require("k");
  const int32 k = arguments.get<int32>("k");
  check_k(k);
  const bool one_player = !arguments.is_null("steam_id");
  const int64 only = one_player ? arguments.get<int64>("steam_id") : 0;

  Ranking* ranking = new_ranking();
  ranking->request.k = k;
  SpiSession spi;
  ActiveModel model = active_model();
  if (one_player) require_player(only);
  const int64 total = one_player ? 1 : count_players();
  // Progress every 5%, for refreshes long enough to want it.
  const int64 notice_every = total >= kProgressFrom ? total / 20 : total + 1;

  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(only)};
  const char* players_and_games =
      one_player ? "SELECT u.steam_id, ug.appid, ug.engagement_score FROM steam_rec.users AS u"
                   "  LEFT JOIN steam_rec.user_games AS ug ON ug.user_steam_id OPERATOR(pg_catalog.=) u.steam_id"
                   " WHERE u.steam_id OPERATOR(pg_catalog.=) $1"
                 : "SELECT u.steam_id, ug.appid, ug.engagement_score FROM steam_rec.users AS u"
                   "  LEFT JOIN steam_rec.user_games AS ug ON ug.user_steam_id OPERATOR(pg_catalog.=) u.steam_id"
                   " ORDER BY u.steam_id";
  MemoryContext scratch =
      AllocSetContextCreate(CurrentMemoryContext, "steam_rec refresh_recommendations batch", ALLOCSET_DEFAULT_SIZES);

  Batch batch = new_batch(k);
  int64 written = 0, done = 0;
  bool have_player = false;
  int64 current = 0;
  auto finish_player = [&]() {
    rank(ranking, model);
    add_list(&batch, current, ranking);
    ranking->request.games.clear();
    if (batch.players == kBatchPlayers) written += flush(&batch, model.algorithm, scratch);
    if (++done % notice_every == 0)
      ereport(NOTICE, (errmsg("refresh_recommendations: %lld of %lld players (%lld%%)", static_cast<long long>(done),
                              static_cast<long long>(total), static_cast<long long>(done * 100 / total))));
  };
  for_each_batch("steam_rec_refresh_recommendations", players_and_games, one_player ? 1 : 0, types, values,
                 [&](SPITupleTable* table, uint64 rows) {
    for (uint64 r = 0; r < rows; ++r) {
      bool is_null = true;
      const int64 steam_id = DatumGetInt64(SPI_getbinval(table->vals[r], table->tupdesc, 1, &is_null));
      if (have_player && steam_id != current) finish_player();
      have_player = true;
      current = steam_id;
      Datum appid = SPI_getbinval(table->vals[r], table->tupdesc, 2, &is_null);
      if (is_null) continue;  // a player who owns nothing
      Datum score = SPI_getbinval(table->vals[r], table->tupdesc, 3, &is_null);
      int32 game = DatumGetInt32(appid);
      float engagement = is_null ? 0.0f : DatumGetFloat4(score);
      add_games(ranking, &game, &engagement, 1);
    }
  });
  if (have_player) finish_player();
  written += flush(&batch, model.algorithm, scratch);
  spi.finish();
  delete_ranking(ranking);
  PG_RETURN_INT64(written);
}
