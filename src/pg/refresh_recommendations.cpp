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
//
// Ranking runs on the core's threads (rec::BatchScorer), double buffered:
// while the workers rank one batch, this backend's own thread reads the next
// players and writes the previous batch's lists (it alone calls the server),
// then ranks what is left of the batch beside them.
// The lists do not depend on steam_rec.max_threads.
//
// On a Citus cluster a refresh of every player is one distributed query that
// calls this function for each player on the worker holding the player's
// shard (see refresh_on_workers()).
#include <algorithm>

#include "core/batch_scorer.hpp"
#include "core/guard.hpp"
#include "pg/core_object.hpp"
#include "pg/direct_read.hpp"
#include "pg/entry.hpp"
#include "pg/list_rows_insert.hpp"
#include "pg/model_cache.hpp"
#include "pg/players.hpp"
#include "pg/ranking_io.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/sql_contracts.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
}

namespace steam_rec::pg {
namespace {

constexpr int kBatchPlayers = 1000;
constexpr int64 kProgressFrom = 1000;  // players

// The rows of a batch that belong to players still there, palloc'd.
struct Kept {
  int rows;
  int64* players;
  int32* appids;
  int32* ranks;
  float* scores;
};

// Keeps the rows of the batch whose player is in `locked` (ascending, as
// the lock query returns them), in the batch's order.
Kept keep_locked_rows(const rec::ScoredLists& batch, const int64* locked, int locked_count) {
  const int rows = static_cast<int>(batch.row_players.size());
  Kept kept{0, static_cast<int64*>(palloc(sizeof(int64) * (rows + 1))),
            static_cast<int32*>(palloc(sizeof(int32) * (rows + 1))),
            static_cast<int32*>(palloc(sizeof(int32) * (rows + 1))),
            static_cast<float*>(palloc(sizeof(float) * (rows + 1)))};
  for (int r = 0; r < rows; ++r) {
    const int64 player = batch.row_players[r];
    if (!std::binary_search(locked, locked + locked_count, player)) continue;
    kept.players[kept.rows] = player;
    kept.appids[kept.rows] = batch.appids[r];
    kept.ranks[kept.rows] = batch.ranks[r];
    kept.scores[kept.rows] = batch.scores[r];
    ++kept.rows;
  }
  return kept;
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
// list a refresh that committed while this one waited wrote.  In REPEATABLE
// READ the snapshot predates the wait: the DELETE meets the other refresh's
// changes and fails with a serialization error (40001), PostgreSQL's usual
// answer there; retry.
//
// The INSERT is a plain one, of the locked players' rows only: after the
// DELETE no row of theirs is in the way but one another writer added without
// the lock, and that fails the refresh (23505) as any two writers of one key
// would.  An ON CONFLICT arbiter would cost a speculative insertion per row
// (a fifth of the write, measured) to cover that case.  Where `direct` is a
// table (lists_directly_insertable()) the rows go in without the executor and
// without the foreign key's check per row, which the lock above makes
// redundant (list_rows_insert.cpp); else through an INSERT statement.
// Where the direct way may also rewrite the lists in place (the table's
// fillfactor leaves room on its pages: rewrite_lists_in_place()), the DELETE
// and the insert run only if another writer changed an old row meanwhile.
//
// Both statements also bound the key by the batch's lowest and highest
// player: the players of a batch are consecutive in steam_id order, so the
// range is narrow and the planner reads it through the primary key whatever
// the statistics say.  With `= ANY` alone, a recommendations table that was
// never analyzed (the first refresh of a new database, autovacuum not yet
// run) was read whole by every batch's DELETE: quadratic in the players.
int64 flush(const rec::ScoredLists& batch, const char* algorithm, Oid direct, MemoryContext scratch) {
  if (batch.players.empty()) return 0;
  MemoryContext caller = MemoryContextSwitchTo(scratch);
  const auto bounds = std::minmax_element(batch.players.begin(), batch.players.end());
  Oid lock_types[3] = {INT8ARRAYOID, INT8OID, INT8OID};
  Datum lock_values[3] = {int8_array(batch.players.data(), static_cast<int>(batch.players.size())),
                          Int64GetDatum(*bounds.first), Int64GetDatum(*bounds.second)};
  const uint64 alive = spi_run(
      "SELECT steam_id::pg_catalog.int8 FROM steam_rec.users WHERE steam_id OPERATOR(pg_catalog.>=) $2"
      "   AND steam_id OPERATOR(pg_catalog.<=) $3 AND steam_id OPERATOR(pg_catalog.=) ANY ($1)"
      " ORDER BY steam_id FOR NO KEY UPDATE",
      3, lock_types, lock_values, SPI_OK_SELECT);
  auto* locked = static_cast<int64*>(palloc(sizeof(int64) * (alive + 1)));
  for (uint64 r = 0; r < alive; ++r) {
    bool is_null = true;
    locked[r] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &is_null));
  }
  SPI_freetuptable(SPI_tuptable);
  const Kept kept = keep_locked_rows(batch, locked, static_cast<int>(alive));
  if (OidIsValid(direct)) {
    const int64 rewritten =
        rewrite_lists_in_place(direct, ListRows{kept.rows, kept.players, kept.appids, kept.ranks, kept.scores},
                               algorithm, locked, static_cast<int>(alive), *bounds.first, *bounds.second);
    if (rewritten >= 0) {
      MemoryContextSwitchTo(caller);
      MemoryContextReset(scratch);
      return rewritten;
    }
  }
  Datum locked_array = int8_array(locked, static_cast<int>(alive));
  Oid delete_types[3] = {INT8ARRAYOID, INT8OID, INT8OID};
  Datum delete_values[3] = {locked_array, lock_values[1], lock_values[2]};
  spi_run(
      "DELETE FROM steam_rec.recommendations WHERE user_steam_id OPERATOR(pg_catalog.>=) $2"
      "   AND user_steam_id OPERATOR(pg_catalog.<=) $3 AND user_steam_id OPERATOR(pg_catalog.=) ANY ($1)",
      3, delete_types, delete_values, SPI_OK_DELETE);

  if (OidIsValid(direct)) {
    const int64 inserted = insert_lists_directly(
        direct, ListRows{kept.rows, kept.players, kept.appids, kept.ranks, kept.scores}, algorithm);
    if (inserted >= 0) {
      MemoryContextSwitchTo(caller);
      MemoryContextReset(scratch);
      return inserted;
    }
  }
  Oid types[5] = {INT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID, FLOAT4ARRAYOID, TEXTOID};
  Datum values[5] = {int8_array(kept.players, kept.rows), int4_array(kept.appids, kept.rows),
                     int4_array(kept.ranks, kept.rows), float4_array(kept.scores, kept.rows),
                     CStringGetTextDatum(algorithm)};
  // In REPEATABLE READ a list another refresh committed after this snapshot
  // is invisible to the DELETE: ON CONFLICT DO NOTHING turns meeting it into
  // a serialization error (40001, retryable) instead of a duplicate key.
  static const char* const kInsertLists =
      "INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm)"
      " SELECT r.steam_id, r.appid, r.rank, r.score, $5"
      "   FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
      "                   pg_catalog.unnest($4)) AS r(steam_id, appid, rank, score)";
  const char* insert = IsolationUsesXactSnapshot() ? psprintf("%s ON CONFLICT DO NOTHING", kInsertLists) : kInsertLists;
  const uint64 written = spi_run(insert, 5, types, values, SPI_OK_INSERT);
  MemoryContextSwitchTo(caller);
  MemoryContextReset(scratch);
  return static_cast<int64>(written);
}

int64 count_players() {
  spi_run("SELECT pg_catalog.count(*) FROM steam_rec.users", 0, nullptr, nullptr, SPI_OK_SELECT, true);
  bool is_null = true;
  return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
}

// Raises 54000 when the ranking threads' scratch and the two batches' lists
// exceed steam_rec.training_memory_limit (with a 100,000-game model, 1.7 MB
// a thread: a limit this low is a typo, but it is the budget of long jobs).
void refuse_over_memory_limit(const rec::Recommender& model, int32 k, int batch_players) {
  const int threads = max_threads();
  const double bytes = rec::BatchScorer::estimate_bytes(model, k, batch_players, threads);
  const double limit = static_cast<double>(training_memory_limit_mb) * 1024.0 * 1024.0;
  if (bytes > limit)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("refreshing lists of %d games on %d threads needs about %.0f MB, over "
                           "steam_rec.training_memory_limit (%d MB)",
                           k, threads, bytes / (1024.0 * 1024.0) + 1, training_memory_limit_mb),
                    errhint("Lower steam_rec.max_threads or k, or raise steam_rec.training_memory_limit.")));
}

// A fetched page of the cursor: player, game (0 = owns nothing), engagement.
struct FetchedRows {
  uint64 rows;
  int64* players;
  int32* appids;
  float* engagement;
  bool* has_game;
};

FetchedRows read_page(SPITupleTable* table, uint64 rows) {
  FetchedRows page{rows, static_cast<int64*>(palloc(sizeof(int64) * rows)),
                   static_cast<int32*>(palloc(sizeof(int32) * rows)), static_cast<float*>(palloc(sizeof(float) * rows)),
                   static_cast<bool*>(palloc(sizeof(bool) * rows))};
  for (uint64 r = 0; r < rows; ++r) {
    bool is_null = true;
    page.players[r] = DatumGetInt64(SPI_getbinval(table->vals[r], table->tupdesc, 1, &is_null));
    Datum appid = SPI_getbinval(table->vals[r], table->tupdesc, 2, &is_null);
    page.has_game[r] = !is_null;  // a player who owns nothing has one row of NULLs
    page.appids[r] = is_null ? 0 : DatumGetInt32(appid);
    Datum score = SPI_getbinval(table->vals[r], table->tupdesc, 3, &is_null);
    page.engagement[r] = is_null ? 0.0f : DatumGetFloat4(score);
  }
  return page;
}

// Hands rows [*next, page.rows) to the scorer, player by player, until the
// batch being filled is full and a new player begins; returns whether it
// stopped there (the batch must be submitted first).
bool fill(rec::BatchScorer* scorer, const FetchedRows& page, uint64* next, bool* have_player, int64* current) {
  bool full = false;
  check(guard([&] {
          for (; *next < page.rows; ++*next) {
            const uint64 r = *next;
            if (!*have_player || page.players[r] != *current) {
              if (scorer->filled_players() == scorer->batch_players()) {
                full = true;
                return;
              }
              scorer->add_player(page.players[r]);
              *have_player = true;
              *current = page.players[r];
            }
            if (page.has_game[r]) scorer->add_game(page.appids[r], page.engagement[r]);
          }
        }),
        "refresh_recommendations");
  return full;
}

// Progress, every 5%, for refreshes long enough to want it.
struct Progress {
  int64 total;
  int64 every;
  int64 done = 0;

  void add(int64 players) {
    const int64 before = done / every;
    done += players;
    if (done / every != before)
      ereport(NOTICE, (errmsg("refresh_recommendations: %lld of %lld players (%lld%%)", static_cast<long long>(done),
                              static_cast<long long>(total), static_cast<long long>(done * 100 / total))));
  }
};

// Refreshes every player of a Citus cluster and returns rows written.  Citus
// refuses the batch's FOR NO KEY UPDATE across shards, and the coordinator's
// users table is empty, so the refresh is one query over users that Citus
// splits per shard and runs on the workers in parallel: each shard's task
// refreshes its own players one by one, every statement of that reaching only
// the local shard of one player.  Citus calls such statements nested
// distributed execution and allows them only with
// citus.allow_nested_distributed_execution, which docs/citus_distribute.sql
// sets on this function on every node.
//
// The query itself only reads, and Citus commits a read's work on each worker
// by itself: a worker that fails would leave the others' new lists
// committed.  So the old lists are deleted first, by one statement over every
// shard: a write, after which Citus runs the transaction on every worker it
// touched with two-phase commit, and sends each shard's refresh over the
// connection that deleted its lists.  Either every list is replaced or none.
int64 refresh_on_workers(int32 k) {
  spi_run("DELETE FROM steam_rec.recommendations", 0, nullptr, nullptr, SPI_OK_DELETE);
  Oid types[1] = {INT4OID};
  Datum values[1] = {Int32GetDatum(k)};
  spi_run("SELECT pg_catalog.sum(steam_rec.refresh_recommendations(steam_id, $1))::bigint FROM steam_rec.users", 1,
          types, values, SPI_OK_SELECT);
  bool is_null = true;
  const Datum sum = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null);
  return is_null ? 0 : DatumGetInt64(sum);
}

}  // namespace
}  // namespace steam_rec::pg

STEAM_REC_FUNCTION(steam_rec_refresh_recommendations) {
  using namespace steam_rec::pg;
  using steam_rec::guard;
  namespace rec = steam_rec::rec;
  const Arguments arguments(fcinfo, contracts::refresh_recommendations);
  arguments.require("k");
  const int32 k = arguments.get<int32>("k");
  check_k(k);
  const bool one_player = !arguments.is_null("steam_id");
  const int64 only = one_player ? arguments.get<int64>("steam_id") : 0;

  SpiSession spi;
  if (!one_player && citus_installed()) {
    const int64 written = refresh_on_workers(k);
    spi.finish();
    PG_RETURN_INT64(written);
  }
  ActiveModel model = active_model();
  if (one_player) require_player(only);
  const int64 total = one_player ? 1 : count_players();
  Progress progress{total, total >= kProgressFrom ? total / 20 : total + 1};
  // Batches no larger than a progress step, so every step gets its notice.
  const int batch_players = static_cast<int>(std::max<int64>(1, std::min<int64>(kBatchPlayers, progress.every)));
  refuse_over_memory_limit(*model.recommender, k, batch_players);
  const Oid direct = lists_directly_insertable();

  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(only)};
  // Players in steam_id order, each one's games in any: the ranking threads
  // put a player's games in appid order, as recommend() reads them (ties in
  // a ranking fall by the order of the games).  Ordered by both keys here,
  // the plan sorted every row on this thread, which alone reads and writes;
  // by steam_id alone it reads both tables through their keys' indexes and
  // sorts nothing (a third less time reading at scale M).  Each column is
  // cast to the type read_page() reads it as, whatever its owner retyped it to.
  const char* players_and_games =
      one_player ? "SELECT u.steam_id::pg_catalog.int8, ug.appid::pg_catalog.int4,"
                   "       ug.engagement_score::pg_catalog.float4 FROM steam_rec.users AS u"
                   "  LEFT JOIN steam_rec.user_games AS ug ON ug.user_steam_id OPERATOR(pg_catalog.=) u.steam_id"
                   " WHERE u.steam_id OPERATOR(pg_catalog.=) $1"
                 : "SELECT u.steam_id::pg_catalog.int8, ug.appid::pg_catalog.int4,"
                   "       ug.engagement_score::pg_catalog.float4 FROM steam_rec.users AS u"
                   "  LEFT JOIN steam_rec.user_games AS ug ON ug.user_steam_id OPERATOR(pg_catalog.=) u.steam_id"
                   " ORDER BY u.steam_id";
  MemoryContext scratch =
      AllocSetContextCreate(CurrentMemoryContext, "steam_rec refresh_recommendations batch", ALLOCSET_DEFAULT_SIZES);
  // The scorer lives in a child of the context that pins the model, so on an
  // error its workers are stopped and joined before the model can go.
  MemoryContext scoring =
      AllocSetContextCreate(CurrentMemoryContext, "steam_rec refresh_recommendations scoring", ALLOCSET_SMALL_SIZES);
  MemoryContext pages =
      AllocSetContextCreate(CurrentMemoryContext, "steam_rec refresh_recommendations page", ALLOCSET_DEFAULT_SIZES);
  rec::BatchScorer* scorer = new_in_context<rec::BatchScorer>(scoring);
  check(guard([&] { scorer->open(*model.recommender, k, batch_players); }), "refresh_recommendations");
  steam_rec::CancelCheck cancel = server_cancel_check();

  int64 written = 0;
  bool have_player = false;
  int64 current = 0;
  // Starts ranking the filled batch and writes the one ranked before it.
  auto submit_and_write = [&]() {
    check(guard([&] { scorer->submit(cancel); }), "refresh_recommendations");
    written += flush(scorer->done(), model.algorithm, direct, scratch);
    progress.add(static_cast<int64>(scorer->done().players.size()));
  };
  for_each_batch("steam_rec_refresh_recommendations", players_and_games, one_player ? 1 : 0, types, values,
                 [&](SPITupleTable* table, uint64 rows) {
                   MemoryContext caller = MemoryContextSwitchTo(pages);
                   const FetchedRows page = read_page(table, rows);
                   MemoryContextSwitchTo(caller);
                   uint64 next = 0;
                   while (fill(scorer, page, &next, &have_player, &current)) submit_and_write();
                   MemoryContextReset(pages);
                 });
  submit_and_write();
  check(guard([&] { scorer->drain(cancel); }), "refresh_recommendations");
  written += flush(scorer->done(), model.algorithm, direct, scratch);
  progress.add(static_cast<int64>(scorer->done().players.size()));
  MemoryContextDelete(scoring);
  spi.finish();
  PG_RETURN_INT64(written);
}
