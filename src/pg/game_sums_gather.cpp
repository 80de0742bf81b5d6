#include "pg/game_sums_gather.hpp"

#include <algorithm>
#include <string>

#include "core/algorithm_registry.hpp"
#include "core/guard.hpp"
#include "core/partial_sums_memory.hpp"
#include "pg/direct_read.hpp"
#include "pg/entry.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/sqlstate_in_message.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "common/base64.h"
#include "utils/builtins.h"
}

namespace steam_rec::pg {
namespace {

// Bytes per co-owned pair entry in a worker's answer as base64 text, and per
// row pulled by the row path (player, game, engagement score, measured with
// Citus's EXPLAIN ANALYZE counters: bench/results/citus-*.md).
constexpr double kBytesPerPair = rec::kBytesPerSumEntry * 4 / 3;
constexpr double kBytesPerRow = 16.0;
// Bytes per game of a worker's totals as base64 text.
constexpr double kBytesPerTotalsGame = rec::kBytesPerTotalsGame * 4 / 3;

// The co-owned pairs within the players' libraries, summed over every
// player: a bound on the pairs the workers send together (one distributed
// count of user_games).
double library_pairs() {
  spi_run(
      "SELECT COALESCE(pg_catalog.sum(n * (n + 1) / 2), 0)::float8"
      "  FROM (SELECT pg_catalog.count(*) AS n FROM steam_rec.user_games GROUP BY user_steam_id) AS per_player",
      0, nullptr, nullptr, SPI_OK_SELECT, true);
  bool is_null = true;
  return DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
}

// Refuses a training from partial sums that needs `need_bytes` on the
// coordinator, over steam_rec.training_memory_limit.
void refuse_sums_over_memory_limit(const rec::TrainParams& params, const rec::DataSize& size, int64 workers,
                                   double need_bytes) {
  const double need_mb = need_bytes / (1024 * 1024);
  const double rows_mb = rec::training_memory_bytes(params, size) / (1024 * 1024);
  ereport(ERROR,
          (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
           errmsg("training %s from the partial sums of %lld workers on %lld games and %lld players needs about "
                  "%.0f MB on the coordinator, more than steam_rec.training_memory_limit (%d MB)",
                  rec::algorithm_name(params.algorithm), static_cast<long long>(workers),
                  static_cast<long long>(size.games), static_cast<long long>(size.players), need_mb,
                  training_memory_limit_mb),
           errdetail("The coordinator holds every worker's answer, as text and decoded, and their sum; pulling the "
                     "rows needs about %.0f MB.",
                     rows_mb + 1),
           errhint("Raise the limit (SET steam_rec.training_memory_limit = '%.0fMB') if the server has the memory, "
                   "or SET steam_rec.train_from_partial_sums = off to pull the rows instead.",
                   need_mb * 1.1 + 1)));
}

// The jsonb parameters as text, '{}' when NULL.
const char* params_text(Jsonb* params) {
  return params == nullptr ? "{}" : JsonbToCString(nullptr, &params->root, VARSIZE(params));
}

// Raises what a worker's failure means: its own error where its message
// ends with its SQLSTATE (the worker functions add it:
// sqlstate_in_message.hpp), a permission refusal raised before they ran,
// and otherwise the worker lost (08006).
void refuse_worker_failure(const char* node, const char* port, const char* message) {
  size_t length = 0;
  const int sqlstate = sqlstate_at_end(message, &length);
  if (sqlstate != 0) {
    // run_command_on_workers() keeps the worker's "ERROR:  " before it.
    constexpr char kSeverity[] = "ERROR:  ";
    const size_t skip = strncmp(message, kSeverity, sizeof kSeverity - 1) == 0 ? sizeof kSeverity - 1 : 0;
    ereport(ERROR, (errcode(sqlstate),
                    errmsg("worker %s:%s refused the partial sums: %.*s", node, port, static_cast<int>(length - skip),
                           message + skip),
                    errhint("Nothing was stored; the worker's server log has the error's detail and hint.")));
  }
  const bool refused = message != nullptr && strstr(message, "permission denied") != nullptr;
  ereport(ERROR, (errcode(refused ? ERRCODE_INSUFFICIENT_PRIVILEGE : ERRCODE_CONNECTION_FAILURE),
                  errmsg("train() could not get the partial sums of worker %s:%s", node, port),
                  errdetail("The worker answered: %s", message != nullptr ? message : "(nothing)"),
                  errhint("Nothing was stored; run train() again once every worker is up, or SET "
                          "steam_rec.train_from_partial_sums = off to pull the rows instead.")));
}

// Runs `command` (one SELECT of one base64 text) on every worker, in the
// order of their names and ports, and hands each decoded answer to
// each(bytes, size).  Adds the bytes received to out->bytes_received.
template <typename Each>
void on_every_worker(const char* command, GatheredSums* out, Each&& each) {
  Oid types[1] = {TEXTOID};
  Datum values[1] = {CStringGetTextDatum(command)};
  spi_run(
      "SELECT nodename, nodeport, success, pg_catalog.octet_length(result),"
      "       CASE WHEN success THEN pg_catalog.decode(result, 'base64') END,"
      "       CASE WHEN NOT success THEN result END"
      "  FROM pg_catalog.run_command_on_workers($1) ORDER BY nodename, nodeport",
      1, types, values, SPI_OK_SELECT);
  SPITupleTable* table = SPI_tuptable;
  const uint64 rows = SPI_processed;
  for (uint64 r = 0; r < rows; ++r) {
    HeapTuple tuple = table->vals[r];
    bool is_null = true;
    const bool success = DatumGetBool(SPI_getbinval(tuple, table->tupdesc, 3, &is_null));
    if (!success) {
      const char* node = SPI_getvalue(tuple, table->tupdesc, 1);
      const char* port = SPI_getvalue(tuple, table->tupdesc, 2);
      const char* message = SPI_getvalue(tuple, table->tupdesc, 6);
      refuse_worker_failure(node, port, message);
    }
    Datum length = SPI_getbinval(tuple, table->tupdesc, 4, &is_null);
    out->bytes_received += is_null ? 0 : DatumGetInt32(length);
    Datum answer = SPI_getbinval(tuple, table->tupdesc, 5, &is_null);
    // A worker that succeeds always answers; a NULL is refused, not read.
    if (is_null)
      ereport(ERROR, (errcode(ERRCODE_CONNECTION_FAILURE),
                      errmsg("train() got no partial sums from worker %s:%s", SPI_getvalue(tuple, table->tupdesc, 1),
                             SPI_getvalue(tuple, table->tupdesc, 2)),
                      errhint("Nothing was stored; run train() again, or SET steam_rec.train_from_partial_sums = off "
                              "to pull the rows instead.")));
    bytea* bytes = DatumGetByteaPP(answer);
    each(VARDATA_ANY(bytes), static_cast<std::size_t>(VARSIZE_ANY_EXHDR(bytes)));
  }
  out->workers = static_cast<int>(rows);
  SPI_freetuptable(table);
}

}  // namespace

bool train_from_partial_sums_chosen(const rec::TrainParams& params, const rec::DataSize& size,
                                    double* coordinator_bytes) {
  if (train_from_partial_sums == kPartialSumsOff || !rec::trains_from_game_sums(params) || !citus_installed())
    return false;
  // A coordinator whose user_games is sharded, none of its shards here, at
  // an SQL version with the worker functions (1.6 on: the version of a
  // database is the same on every node, ALTER EXTENSION reaching them all;
  // at 1.5 train() pulls the rows, as it did then).
  spi_run(
      "SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_partition"
      "         WHERE logicalrelid = 'steam_rec.user_games'::pg_catalog.regclass AND partmethod = 'h'),"
      "       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_placement AS p"
      "          JOIN pg_catalog.pg_dist_shard AS s ON s.shardid = p.shardid"
      "         WHERE s.logicalrelid = 'steam_rec.user_games'::pg_catalog.regclass"
      "           AND p.groupid = (SELECT groupid FROM pg_catalog.pg_dist_local_group)),"
      "       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_node"
      "         WHERE noderole = 'primary' AND isactive"
      "           AND groupid <> (SELECT groupid FROM pg_catalog.pg_dist_local_group)),"
      "       pg_catalog.to_regprocedure('steam_rec.owned_game_totals(text, jsonb)') IS NOT NULL",
      0, nullptr, nullptr, SPI_OK_SELECT, true);
  bool is_null = true;
  HeapTuple tuple = SPI_tuptable->vals[0];
  const int64 sharded = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &is_null));
  const int64 here = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &is_null));
  const int64 workers = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &is_null));
  const bool worker_functions = DatumGetBool(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 4, &is_null));
  if (sharded == 0 || here > 0 || workers == 0 || !worker_functions) return false;

  // The pairs a worker can send are at most every pair of games and, summed
  // over the workers, at most the pairs within the players' libraries (a
  // distributed count, made only when the first bound does not settle it).
  // Each algorithm sends a multiple of them (sum_entries_per_pair());
  // popularity and content send the totals only, a few numbers per game.
  const bool forced = train_from_partial_sums == kPartialSumsOn;
  const double row_bytes = static_cast<double>(size.interactions) * kBytesPerRow;
  const double games = static_cast<double>(size.games);
  const double per_pair = rec::sum_entries_per_pair(params);
  const double limit = static_cast<double>(training_memory_limit_mb) * 1024 * 1024;
  double pairs = static_cast<double>(workers) * rec::game_pairs(games);
  const auto sum_bytes = [&] {
    return pairs * per_pair * kBytesPerPair + static_cast<double>(workers) * games * kBytesPerTotalsGame;
  };
  const auto memory = [&] {
    return rec::coordinator_sums_memory_bytes(params, size, static_cast<double>(workers), pairs);
  };
  if (per_pair > 0 && ((!forced && sum_bytes() >= row_bytes) || memory() > limit))
    pairs = std::min(pairs, library_pairs());
  ereport(DEBUG1, (errmsg("steam_rec train: at most %.0f bytes of partial sums against %.0f bytes of rows, "
                          "about %.0f bytes on the coordinator",
                          sum_bytes(), row_bytes, memory())));
  // 'auto' takes the rows when the sums would not fit: their own check
  // has passed.
  if (memory() > limit) {
    if (forced) refuse_sums_over_memory_limit(params, size, workers, memory());
    return false;
  }
  *coordinator_bytes = memory();
  return forced || sum_bytes() < row_bytes;
}

void gather_owned_totals(const char* algorithm, Jsonb* params, GatheredSums* out) {
  const char* command = psprintf("SELECT pg_catalog.encode(steam_rec.owned_game_totals(%s, %s::jsonb), 'base64')",
                                 quote_literal_cstr(algorithm), quote_literal_cstr(params_text(params)));
  on_every_worker(command, out, [&](const char* bytes, std::size_t size) {
    check(guard([&] { rec::add_totals(out->totals, rec::decode_totals(bytes, size)); }), "train");
  });
}

void gather_co_ownership(const char* algorithm, Jsonb* params, GatheredSums* out) {
  check(guard([&] { out->encoded_totals = rec::encode_totals(out->totals); }), "train");
  const int size = static_cast<int>(out->encoded_totals.size());
  const int room = pg_b64_enc_len(size) + 1;
  auto* totals = static_cast<char*>(palloc(static_cast<Size>(room)));
  const int length = pg_b64_encode(out->encoded_totals.data(), size, totals, room);
  if (length < 0) elog(ERROR, "steam_rec: could not encode the owned-game totals");
  totals[length] = '\0';
  const char* command = psprintf(
      "SELECT pg_catalog.encode(steam_rec.co_ownership_sums(%s, %s::jsonb, pg_catalog.decode(%s, 'base64')), "
      "'base64')",
      quote_literal_cstr(algorithm), quote_literal_cstr(params_text(params)), quote_literal_cstr(totals));
  on_every_worker(command, out, [&](const char* bytes, std::size_t size) {
    check(guard([&] { out->sums->add_part(bytes, size); }), "train");
  });
}

}  // namespace steam_rec::pg
