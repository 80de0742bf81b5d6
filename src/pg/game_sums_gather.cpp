#include "pg/game_sums_gather.hpp"

#include <string>

#include "core/algorithm_registry.hpp"
#include "core/guard.hpp"
#include "pg/direct_read.hpp"
#include "pg/entry.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "common/base64.h"
#include "utils/builtins.h"
}

namespace steam_rec::pg {
namespace {

// Bytes per co-owned pair in a worker's answer (appid and a double, as base64
// text) and per row pulled by the row path (player, game, engagement score,
// measured with Citus's EXPLAIN ANALYZE counters: bench/results/citus-*.md).
constexpr double kBytesPerPair = 12.0 * 4 / 3;
constexpr double kBytesPerRow = 16.0;
// Bytes per game of a worker's totals (appid, three counts and a sum, base64).
constexpr double kBytesPerTotalsGame = 28.0 * 4 / 3;

// How many entries per co-owned pair the algorithm's second pass sends
// (rec::game_sums_part()): itemknn's and ease's upper triangles one, the
// walk sums of rp3beta two (both directions); 0 for the totals alone.  ease
// counts its blends; the pairs outside its covered games are not taken off.
double sections_per_pair(const rec::TrainParams& params) {
  if (!rec::needs_co_ownership_sums(params)) return 0;
  const rec::AlgorithmSpec* part = params.algorithm->default_base != nullptr ? params.base : params.algorithm;
  const std::string name = rec::algorithm_name(part);
  if (name == "itemknn") return 1;
  if (name == "rp3beta") return 2;
  return 1 + (params.knn_weight > 0 ? 1 : 0) + (params.rp3_weight > 0 ? 2 : 0);
}

// The jsonb parameters as text, '{}' when NULL.
const char* params_text(Jsonb* params) {
  return params == nullptr ? "{}" : JsonbToCString(nullptr, &params->root, VARSIZE(params));
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
      // run_command_on_workers() passes on the worker's message, not its
      // SQLSTATE: a refusal there is the caller's privileges, anything else
      // is taken as the worker lost.
      const bool refused = message != nullptr && strstr(message, "permission denied") != nullptr;
      ereport(ERROR, (errcode(refused ? ERRCODE_INSUFFICIENT_PRIVILEGE : ERRCODE_CONNECTION_FAILURE),
                      errmsg("train() could not get the partial sums of worker %s:%s", node, port),
                      errdetail("The worker answered: %s", message != nullptr ? message : "(nothing)"),
                      errhint("Nothing was stored; run train() again once every worker is up, or SET "
                              "steam_rec.train_from_partial_sums = off to pull the rows instead.")));
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

bool train_from_partial_sums_chosen(const rec::TrainParams& params, const rec::DataSize& size) {
  if (train_from_partial_sums == kPartialSumsOff || !rec::trains_from_game_sums(params) || !citus_installed())
    return false;
  // A coordinator whose user_games is sharded, none of its shards here.
  spi_run(
      "SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_partition"
      "         WHERE logicalrelid = 'steam_rec.user_games'::pg_catalog.regclass AND partmethod = 'h'),"
      "       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_placement AS p"
      "          JOIN pg_catalog.pg_dist_shard AS s ON s.shardid = p.shardid"
      "         WHERE s.logicalrelid = 'steam_rec.user_games'::pg_catalog.regclass"
      "           AND p.groupid = (SELECT groupid FROM pg_catalog.pg_dist_local_group)),"
      "       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_node"
      "         WHERE noderole = 'primary' AND isactive"
      "           AND groupid <> (SELECT groupid FROM pg_catalog.pg_dist_local_group))",
      0, nullptr, nullptr, SPI_OK_SELECT, true);
  bool is_null = true;
  HeapTuple tuple = SPI_tuptable->vals[0];
  const int64 sharded = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &is_null));
  const int64 here = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &is_null));
  const int64 workers = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &is_null));
  if (sharded == 0 || here > 0 || workers == 0) return false;
  if (train_from_partial_sums == kPartialSumsOn) return true;

  // 'auto': the pairs a worker can send are at most every pair of games
  // (games (games + 1) / 2) and at most the pairs within its players'
  // libraries; the rows are `interactions`.  Each algorithm sends a multiple
  // of them (sections_per_pair()); popularity and content send the totals
  // only, a few numbers per game.
  const double row_bytes = static_cast<double>(size.interactions) * kBytesPerRow;
  const double games = static_cast<double>(size.games);
  const double per_pair = sections_per_pair(params);
  double pairs = static_cast<double>(workers) * games * (games + 1) / 2;
  if (per_pair > 0 && pairs * per_pair * kBytesPerPair >= row_bytes) {
    spi_run(
        "SELECT pg_catalog.coalesce(pg_catalog.sum(n * (n + 1) / 2), 0)::float8"
        "  FROM (SELECT pg_catalog.count(*) AS n FROM steam_rec.user_games GROUP BY user_steam_id) AS per_player",
        0, nullptr, nullptr, SPI_OK_SELECT, true);
    const double library_pairs =
        DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
    if (library_pairs < pairs) pairs = library_pairs;
  }
  const double sum_bytes =
      pairs * per_pair * kBytesPerPair + static_cast<double>(workers) * games * kBytesPerTotalsGame;
  ereport(DEBUG1, (errmsg("steam_rec train: at most %.0f bytes of partial sums against %.0f bytes of rows", sum_bytes,
                          row_bytes)));
  return sum_bytes < row_bytes;
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
