// steam_rec.refresh_engagement(steam_id bigint DEFAULT NULL) RETURNS bigint
//
// With no player: measures every game's playtime distribution again, stores
// it in steam_rec.game_stats and steam_rec.engagement_prior, and rescores
// every row of steam_rec.user_games.  With a player: rescores that player's
// rows from the stored statistics.  Either way only rows whose score or
// category changes are written; returns how many.
//
// On a Citus cluster the coordinator's user_games is empty and Citus refuses
// an UPDATE of a distributed table that calls VOLATILE functions: there the
// statistics pass adds the shards' counts per (game, hours), and each worker
// rescores its own players (see the *_on_citus functions).
#include <cstring>

#include "core/engagement_refresh_model.hpp"
#include "core/guard.hpp"
#include "pg/core_object.hpp"
#include "pg/direct_read.hpp"
#include "pg/engagement_rescore.hpp"
#include "pg/entry.hpp"
#include "pg/players.hpp"
#include "pg/spi.hpp"
#include "pg/sql_contracts.hpp"
#include "pg/user_games_scan.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/snapmgr.h"
}

namespace steam_rec::pg {
namespace {

using engagement::EngagementRefresh;
using engagement::GameStats;
using engagement::LogHoursDistribution;

constexpr int kBatchRows = 8192;
// Serialises full refreshes: two at once would only do the same work twice.
constexpr int64 kRefreshLockKey = 0x737465616d726563;  // "steamrec"

// First pass: every row into the model, then fit the statistics.
void measure_all_games(EngagementRefresh* model, Oid relation_id, Snapshot snapshot) {
  auto* batch = static_cast<engagement::OwnedGame*>(palloc(sizeof(engagement::OwnedGame) * kBatchRows));
  UserGamesScan scan;
  user_games_scan_begin(&scan, relation_id, snapshot);
  int count = 0;
  for (;;) {
    bool more = user_games_scan_next(&scan, &batch[count]);
    if (more) ++count;
    if (count == kBatchRows || (!more && count > 0)) {
      check(guard([&] { model->observe(batch, static_cast<std::size_t>(count)); }), "refresh_engagement");
      count = 0;
      CHECK_FOR_INTERRUPTS();
    }
    if (!more) break;
  }
  user_games_scan_end(&scan);
  pfree(batch);

  CancelCheck cancel = server_cancel_check();
  check(guard([&] { model->fit(cancel); }), "refresh_engagement");
}

// Replaces the stored statistics with the model's.
void store_game_stats(const EngagementRefresh* model) {
  const std::vector<GameStats>& games = model->game_stats();
  const int n = static_cast<int>(games.size());
  auto* ints = static_cast<int32*>(palloc(sizeof(int32) * 3 * (n + 1)));
  auto* doubles = static_cast<double*>(palloc(sizeof(double) * 5 * (n + 1)));
  int64 owned_games = 0;
  for (int i = 0; i < n; ++i) {
    ints[i] = games[i].appid;
    ints[n + i] = games[i].owners;
    ints[2 * n + i] = games[i].players;
    doubles[i] = games[i].log_median;
    doubles[n + i] = games[i].log_spread;
    doubles[2 * n + i] = games[i].median_hours;
    doubles[3 * n + i] = games[i].p75_hours;
    doubles[4 * n + i] = games[i].p90_hours;
    owned_games += games[i].owners;
  }
  spi_run("DELETE FROM steam_rec.game_stats", 0, nullptr, nullptr, SPI_OK_DELETE);
  Oid types[8] = {INT4ARRAYOID,   INT4ARRAYOID,   INT4ARRAYOID,   FLOAT8ARRAYOID,
                  FLOAT8ARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID};
  Datum values[8] = {int4_array(ints, n),
                     int4_array(ints + n, n),
                     int4_array(ints + 2 * n, n),
                     float8_array(doubles, n),
                     float8_array(doubles + n, n),
                     float8_array(doubles + 2 * n, n),
                     float8_array(doubles + 3 * n, n),
                     float8_array(doubles + 4 * n, n)};
  spi_run(
      "INSERT INTO steam_rec.game_stats (appid, owners, players, log_median, log_spread,"
      "                                  median_hours, p75_hours, p90_hours, refreshed_at)"
      " SELECT s.*, pg_catalog.now()"
      "   FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
      "                   pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6),"
      "                   pg_catalog.unnest($7), pg_catalog.unnest($8)) AS s",
      8, types, values, SPI_OK_INSERT);

  const engagement::Prior& prior = model->prior();
  Oid prior_types[5] = {FLOAT8OID, FLOAT8OID, FLOAT8OID, INT4OID, INT8OID};
  Datum prior_values[5] = {Float8GetDatum(prior.log_median), Float8GetDatum(prior.log_spread),
                           Float8GetDatum(prior.median_weight), Int32GetDatum(n), Int64GetDatum(owned_games)};
  spi_run(
      "INSERT INTO steam_rec.engagement_prior AS p"
      "       (singleton, log_median, log_spread, median_weight, games, owned_games, refreshed_at)"
      " VALUES (true, $1, $2, $3, $4, $5, pg_catalog.now())"
      " ON CONFLICT (singleton) DO UPDATE"
      "   SET log_median = excluded.log_median, log_spread = excluded.log_spread,"
      "       median_weight = excluded.median_weight, games = excluded.games,"
      "       owned_games = excluded.owned_games, refreshed_at = excluded.refreshed_at",
      5, prior_types, prior_values, SPI_OK_INSERT);
}

// Second pass: one UPDATE that rescores the rows `filter` selects and writes
// only those whose score or category changes (see engagement_rescore.hpp).
int64 rescore(const EngagementRefresh* model, MemoryContext work, const char* filter, int count, const Oid* types,
              const Datum* values) {
  install_rescore_model(model, engagement_as_of(), work);
  static const char* const kRow = "user_steam_id, appid, playtime_hours, playtime_2weeks_hours, last_played";
  char* sql = psprintf(
      "UPDATE steam_rec.user_games"
      "   SET engagement_score = steam_rec._rescore_score(%s),"
      "       playtime_category = steam_rec._rescore_category(%s)"
      " WHERE steam_rec._rescore_changed(%s, engagement_score, playtime_category) %s",
      kRow, kRow, kRow, filter);
  return static_cast<int64>(spi_run(sql, count, types, values, SPI_OK_UPDATE));
}

double float8_or(HeapTuple tuple, TupleDesc descriptor, int column, double fallback);

// The row of a user_games query's columns 1..5 (user_steam_id, appid,
// playtime_hours, playtime_2weeks_hours, last_played) as the model reads it.
engagement::OwnedGame owned_game(HeapTuple tuple, TupleDesc descriptor, TimestampTz as_of) {
  engagement::OwnedGame row;
  bool is_null = true;
  row.player = DatumGetInt64(SPI_getbinval(tuple, descriptor, 1, &is_null));
  row.appid = DatumGetInt32(SPI_getbinval(tuple, descriptor, 2, &is_null));
  row.hours = float8_or(tuple, descriptor, 3, 0);
  row.recent_hours = float8_or(tuple, descriptor, 4, 0);
  Datum last_played = SPI_getbinval(tuple, descriptor, 5, &is_null);
  row.days_since_last_played = is_null ? -1 : days_since(DatumGetTimestampTz(last_played), as_of);
  return row;
}

// The first pass on Citus: each shard counts its rows per (game, hours) and
// the coordinator adds the counts (Citus pushes the GROUP BY down and merges
// the partial counts), so what travels grows with the distinct hours of each
// game, not with the rows.  Playtime is recorded at a fixed resolution (Steam
// counts minutes), so values repeat; the statistics of the counts are those
// of the rows, to the bit.  The players' totals are not needed here: each
// worker rescores its own players from their rows.
void measure_all_games_on_citus(EngagementRefresh* model) {
  int64 counts = 0, rows_counted = 0;
  for_each_batch(
      "steam_rec_refresh_engagement",
      "SELECT appid::pg_catalog.int4, playtime_hours::pg_catalog.float8, pg_catalog.count(*)"
      "  FROM steam_rec.user_games GROUP BY 1, 2",
      0, nullptr, nullptr, [&](SPITupleTable* table, uint64 rows) {
        auto* batch = static_cast<engagement::PlaytimeCount*>(palloc(sizeof(engagement::PlaytimeCount) * rows));
        for (uint64 r = 0; r < rows; ++r) {
          bool is_null = true;
          const int64 n = DatumGetInt64(SPI_getbinval(table->vals[r], table->tupdesc, 3, &is_null));
          batch[r].appid = DatumGetInt32(SPI_getbinval(table->vals[r], table->tupdesc, 1, &is_null));
          batch[r].hours = float8_or(table->vals[r], table->tupdesc, 2, 0);
          if (n > PG_INT32_MAX)
            ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                            errmsg("game %d has %lld owned rows with the same hours, more than %d", batch[r].appid,
                                   static_cast<long long>(n), PG_INT32_MAX)));
          batch[r].rows = static_cast<uint32>(n);
          rows_counted += n;
        }
        counts += static_cast<int64>(rows);
        check(guard([&] { model->observe_counts(batch, static_cast<std::size_t>(rows)); }), "refresh_engagement");
        pfree(batch);
        CHECK_FOR_INTERRUPTS();
      });
  ereport(DEBUG1, (errmsg("refresh_engagement: game statistics from %lld counts of %lld rows",
                          static_cast<long long>(counts), static_cast<long long>(rows_counted))));
  CancelCheck cancel = server_cancel_check();
  check(guard([&] { model->fit(cancel); }), "refresh_engagement");
}

// The second pass on Citus: one query over users that Citus runs on every
// shard, on its worker, rescoring each of the shard's players from the stored
// statistics (refresh_engagement(player), which reaches only that player's
// local shard).  docs/citus_distribute.sql gives refresh_engagement() the
// settings this needs: nested distributed execution on every node, and on the
// coordinator one connection per worker, the one that wrote the new
// statistics into the reference tables, so the rescoring sees them.
int64 rescore_on_workers() {
  spi_run("SELECT pg_catalog.sum(steam_rec.refresh_engagement(steam_id))::bigint FROM steam_rec.users", 0, nullptr,
          nullptr, SPI_OK_SELECT);
  bool is_null = true;
  const Datum sum = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null);
  return is_null ? 0 : DatumGetInt64(sum);
}

// Rescores one player's rows on Citus: reads them locked, scores them here,
// and writes the changed ones by key (no VOLATILE function in the UPDATE).
int64 rescore_player_on_citus(const EngagementRefresh* model, int64 steam_id) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(steam_id)};
  const uint64 rows = spi_run(
      "SELECT user_steam_id::pg_catalog.int8, appid::pg_catalog.int4, playtime_hours::pg_catalog.float8,"
      "       playtime_2weeks_hours::pg_catalog.float8, last_played::pg_catalog.timestamptz,"
      "       engagement_score::pg_catalog.float4, playtime_category::pg_catalog.text FROM steam_rec.user_games"
      " WHERE user_steam_id OPERATOR(pg_catalog.=) $1 ORDER BY appid FOR NO KEY UPDATE",
      1, types, values, SPI_OK_SELECT);
  SPITupleTable* table = SPI_tuptable;
  const TimestampTz as_of = engagement_as_of();
  int64 written = 0;
  for (uint64 r = 0; r < rows; ++r) {
    const engagement::OwnedGame row = owned_game(table->vals[r], table->tupdesc, as_of);
    engagement::Engagement result{};
    check(guard([&] { result = model->score(row); }), "refresh_engagement");
    const char* category = engagement::category_name(result.category);
    bool no_score = true, no_category = true;
    Datum score = SPI_getbinval(table->vals[r], table->tupdesc, 6, &no_score);
    char* current = SPI_getvalue(table->vals[r], table->tupdesc, 7);
    no_category = current == nullptr;
    if (!no_score && !no_category && DatumGetFloat4(score) == result.score && strcmp(current, category) == 0) continue;
    Oid update_types[4] = {INT8OID, INT4OID, FLOAT4OID, TEXTOID};
    Datum update_values[4] = {Int64GetDatum(steam_id), Int32GetDatum(row.appid), Float4GetDatum(result.score),
                              CStringGetTextDatum(category)};
    written +=
        static_cast<int64>(spi_run("UPDATE steam_rec.user_games SET engagement_score = $3, playtime_category = $4"
                                   " WHERE user_steam_id OPERATOR(pg_catalog.=) $1 AND appid OPERATOR(pg_catalog.=) $2",
                                   4, update_types, update_values, SPI_OK_UPDATE));
  }
  return written;
}

int64 refresh_all(EngagementRefresh* model, MemoryContext work) {
  Oid lock_types[1] = {INT8OID};
  Datum lock_key[1] = {Int64GetDatum(kRefreshLockKey)};
  spi_run("SELECT pg_catalog.pg_advisory_xact_lock($1)", 1, lock_types, lock_key, SPI_OK_SELECT);

  if (citus_installed()) {
    measure_all_games_on_citus(model);
    store_game_stats(model);
    return rescore_on_workers();
  }
  Snapshot snapshot = RegisterSnapshot(GetTransactionSnapshot());
  measure_all_games(model, user_games_relation_id(), snapshot);
  UnregisterSnapshot(snapshot);
  store_game_stats(model);
  return rescore(model, work, "", 0, nullptr, nullptr);
}

double float8_or(HeapTuple tuple, TupleDesc descriptor, int column, double fallback) {
  bool is_null = true;
  Datum value = SPI_getbinval(tuple, descriptor, column, &is_null);
  return is_null ? fallback : DatumGetFloat8(value);
}

// Loads the stored prior into the model; the built-in default if none is stored.
void load_prior(EngagementRefresh* model) {
  spi_run(
      "SELECT log_median::pg_catalog.float8, log_spread::pg_catalog.float8, median_weight::pg_catalog.float8"
      "  FROM steam_rec.engagement_prior",
      0, nullptr, nullptr, SPI_OK_SELECT, true);
  engagement::Prior prior;
  if (SPI_processed > 0) {
    HeapTuple tuple = SPI_tuptable->vals[0];
    prior.log_median = float8_or(tuple, SPI_tuptable->tupdesc, 1, prior.log_median);
    prior.log_spread = float8_or(tuple, SPI_tuptable->tupdesc, 2, prior.log_spread);
    prior.median_weight = float8_or(tuple, SPI_tuptable->tupdesc, 3, prior.median_weight);
  }
  model->set_prior(prior);
}

int64 refresh_player(EngagementRefresh* model, MemoryContext work, int64 steam_id) {
  require_player(steam_id);
  load_prior(model);
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(steam_id)};

  // The player's total hours, and the stored statistics of their games.
  uint64 rows = spi_run(
      "SELECT ug.playtime_hours::pg_catalog.float8, gs.appid::pg_catalog.int4, gs.players::pg_catalog.int4,"
      "       gs.log_median::pg_catalog.float8, gs.log_spread::pg_catalog.float8"
      "  FROM steam_rec.user_games AS ug"
      "  LEFT JOIN steam_rec.game_stats AS gs ON gs.appid OPERATOR(pg_catalog.=) ug.appid"
      " WHERE ug.user_steam_id OPERATOR(pg_catalog.=) $1",
      1, types, values, SPI_OK_SELECT, true);
  for (uint64 i = 0; i < rows; ++i) {
    HeapTuple tuple = SPI_tuptable->vals[i];
    TupleDesc descriptor = SPI_tuptable->tupdesc;
    double hours = float8_or(tuple, descriptor, 1, 0);
    check(guard([&] { model->add_player_hours(steam_id, hours); }), "refresh_engagement");
    bool no_stats = true;
    Datum appid = SPI_getbinval(tuple, descriptor, 2, &no_stats);
    if (no_stats) continue;
    bool is_null = true;
    LogHoursDistribution game{static_cast<double>(DatumGetInt32(SPI_getbinval(tuple, descriptor, 3, &is_null))),
                              float8_or(tuple, descriptor, 4, 0), float8_or(tuple, descriptor, 5, 0)};
    check(guard([&] { model->set_game(DatumGetInt32(appid), game); }), "refresh_engagement");
  }
  if (citus_installed()) return rescore_player_on_citus(model, steam_id);
  return rescore(model, work, "AND user_steam_id OPERATOR(pg_catalog.=) $1", 1, types, values);
}

}  // namespace
}  // namespace steam_rec::pg

STEAM_REC_FUNCTION(steam_rec_refresh_engagement) {
  using namespace steam_rec::pg;
  const Arguments arguments(fcinfo, contracts::refresh_engagement);
  MemoryContext work =
      AllocSetContextCreate(CurrentMemoryContext, "steam_rec refresh_engagement", ALLOCSET_DEFAULT_SIZES);
  auto* model = new_in_context<steam_rec::engagement::EngagementRefresh>(work);
  MemoryContext caller = MemoryContextSwitchTo(work);

  SpiSession spi;
  int64 written = arguments.is_null("steam_id") ? refresh_all(model, work)
                                                : refresh_player(model, work, arguments.get<int64>("steam_id"));
  spi.finish();

  MemoryContextSwitchTo(caller);
  MemoryContextDelete(work);  // deletes the model too
  PG_RETURN_INT64(written);
}
