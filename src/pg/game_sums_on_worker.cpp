// steam_rec.owned_game_totals(algorithm text, params jsonb) RETURNS bytea
// steam_rec.co_ownership_sums(algorithm text, params jsonb, totals bytea) RETURNS bytea
//
// The worker's half of training from partial sums on a Citus cluster
// (core/game_sums.hpp): train() on the coordinator calls them on every
// worker through run_command_on_workers, so each reads only the shards of
// user_games placed on its own node, all of them in one call, and sends back
// games- and pairs-sized sums instead of its rows (co_ownership_sums()
// answers with the sections the algorithm needs: rec::game_sums_part()).
// Per worker, not per shard: the pairs of two shards of one worker are
// added here.
#include <string>

#include "core/game_sums.hpp"
#include "core/guard.hpp"
#include "core/partial_sums_memory.hpp"
#include "pg/core_object.hpp"
#include "pg/direct_read.hpp"
#include "pg/entry.hpp"
#include "pg/owned_games_reader.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/sql_contracts.hpp"
#include "pg/sql_version_defaults.hpp"
#include "pg/sqlstate_in_message.hpp"
#include "pg/train_params_json.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/jsonb.h"
}

namespace steam_rec::pg {
namespace {

struct WorkerPart {
  rec::TrainParams params;
  rec::TrainingSet data;
  rec::OwnedTotals totals;
  std::string bytes;
};

// Refuses where there are no Citus shards to read.
void refuse_without_citus(const char* function) {
  if (!citus_installed())
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("steam_rec.%s() reads the shards of user_games on a Citus worker", function),
                    errdetail("Citus is not installed in this database."),
                    errhint("train() on the coordinator calls it on each worker; call train() instead.")));
}

// Reads the algorithm and parameters the coordinator's train() was given,
// resolved as it resolves them.
void resolve(const Arguments& arguments, WorkerPart* part) {
  const TrainArguments asked = read_train_arguments(arguments);
  const rec::Defaults defaults = defaults_of_installed_sql();
  check(guard([&] {
          part->params =
              rec::resolve_params(asked.algorithm, to_param_values(asked.params, asked.param_count), defaults);
        }),
        "train");
}

// Adds the rows of every shard of user_games placed on this node to `data`.
void read_local_shards(rec::TrainingSet* data) {
  spi_run(
      "SELECT pg_catalog.shard_name(s.logicalrelid, s.shardid)"
      "  FROM pg_catalog.pg_dist_shard AS s JOIN pg_catalog.pg_dist_placement AS p ON p.shardid = s.shardid"
      " WHERE s.logicalrelid = 'steam_rec.user_games'::pg_catalog.regclass"
      "   AND p.groupid = (SELECT groupid FROM pg_catalog.pg_dist_local_group)"
      " ORDER BY s.shardid",
      0, nullptr, nullptr, SPI_OK_SELECT, true);
  const uint64 shards = SPI_processed;
  auto** names = static_cast<char**>(palloc(sizeof(char*) * (shards + 1)));
  for (uint64 i = 0; i < shards; ++i) names[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
  for (uint64 i = 0; i < shards; ++i) {
    const char* sql = psprintf("%s%s", kOwnedGamesColumns, names[i]);
    read_owned_games("steam_rec_shard_owned", sql, data);
  }
}

// Refuses to build this worker's part when it needs more than
// steam_rec.training_memory_limit, this node's setting: the caller's SET
// does not reach the workers.
void refuse_part_over_memory_limit(const rec::TrainParams& params, const rec::TrainingSet& data, double need_bytes) {
  if (need_bytes <= static_cast<double>(training_memory_limit_mb) * 1024 * 1024) return;
  const double need_mb = need_bytes / (1024 * 1024);
  ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                  errmsg("the partial sums of %s over this worker's %lld games and %lld players need about %.0f MB, "
                         "more than its steam_rec.training_memory_limit (%d MB)",
                         rec::algorithm_name(params.algorithm), static_cast<long long>(data.games()),
                         static_cast<long long>(data.players()), need_mb, training_memory_limit_mb),
                  errhint("Raise the limit on the workers (ALTER SYSTEM SET steam_rec.training_memory_limit = "
                          "'%.0fMB') if they have the memory, or SET steam_rec.train_from_partial_sums = off on the "
                          "coordinator to pull the rows instead.",
                          need_mb * 1.1 + 1)));
}

// Refuses an answer PostgreSQL cannot carry: a bytea, then its base64 text,
// each at most 1 GB.
void refuse_answer_over_value_limit(std::size_t bytes) {
  if (rec::answer_fits_one_value(bytes)) return;
  ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                  errmsg("the partial sums of this worker are %zu bytes, %zu as base64 text, over the 1 GB PostgreSQL "
                         "allows in one value",
                         bytes, rec::base64_text_bytes(bytes)),
                  errhint("SET steam_rec.train_from_partial_sums = off on the coordinator to pull the rows instead.")));
}

bytea* to_bytea(const std::string& bytes) {
  auto* result = static_cast<bytea*>(palloc(VARHDRSZ + bytes.size()));
  SET_VARSIZE(result, VARHDRSZ + bytes.size());
  memcpy(VARDATA(result), bytes.data(), bytes.size());
  return result;
}

}  // namespace
}  // namespace steam_rec::pg

// The first pass on this worker: its players' owned-game totals, encoded.
static Datum owned_game_totals_here(FunctionCallInfo fcinfo) {
  using namespace steam_rec::pg;
  using steam_rec::guard;
  namespace rec = steam_rec::rec;
  const Arguments arguments(fcinfo, contracts::owned_game_totals);
  MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "steam_rec owned totals", ALLOCSET_DEFAULT_SIZES);
  auto* part = new_in_context<WorkerPart>(work);
  resolve(arguments, part);
  SpiSession spi;
  read_local_shards(&part->data);
  steam_rec::CancelCheck cancel = server_cancel_check();
  check(guard([&] {
          part->data.finish(cancel);
          part->bytes =
              rec::encode_totals(rec::owned_totals(part->data, rec::InteractionWeight{part->params.engagement_weight}));
        }),
        "train");
  spi.finish();
  bytea* result = to_bytea(part->bytes);
  MemoryContextDelete(work);
  PG_RETURN_BYTEA_P(result);
}

// The second pass on this worker: its part of the sums, encoded.
static Datum co_ownership_sums_here(FunctionCallInfo fcinfo) {
  using namespace steam_rec::pg;
  using steam_rec::guard;
  namespace rec = steam_rec::rec;
  const Arguments arguments(fcinfo, contracts::co_ownership_sums);
  if (arguments.is_null("totals"))
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("totals must not be NULL"),
                    errhint("Pass the added-up results of steam_rec.owned_game_totals() of every worker.")));
  bytea* totals = arguments.bytes("totals");
  MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "steam_rec co-ownership", ALLOCSET_DEFAULT_SIZES);
  auto* part = new_in_context<WorkerPart>(work);
  resolve(arguments, part);
  check(guard([&] { part->totals = rec::decode_totals(VARDATA_ANY(totals), VARSIZE_ANY_EXHDR(totals)); }), "train");
  SpiSession spi;
  read_local_shards(&part->data);
  steam_rec::CancelCheck cancel = server_cancel_check();
  double need_bytes = 0;
  check(guard([&] {
          part->data.finish(cancel);
          need_bytes = rec::worker_sums_memory_bytes(part->params, part->data);
        }),
        "train");
  refuse_part_over_memory_limit(part->params, part->data, need_bytes);
  check(guard([&] { part->bytes = rec::game_sums_part(part->data, part->params, part->totals, cancel); }), "train");
  refuse_answer_over_value_limit(part->bytes.size());
  spi.finish();
  bytea* result = to_bytea(part->bytes);
  MemoryContextDelete(work);
  PG_RETURN_BYTEA_P(result);
}

// The worker's errors end with their SQLSTATE: the coordinator sees only
// their first line (sqlstate_in_message.hpp).
STEAM_REC_FUNCTION(steam_rec_owned_game_totals) {
  steam_rec::pg::refuse_without_citus("owned_game_totals");
  return steam_rec::pg::with_sqlstate_in_message(owned_game_totals_here, fcinfo);
}

STEAM_REC_FUNCTION(steam_rec_co_ownership_sums) {
  steam_rec::pg::refuse_without_citus("co_ownership_sums");
  return steam_rec::pg::with_sqlstate_in_message(co_ownership_sums_here, fcinfo);
}
