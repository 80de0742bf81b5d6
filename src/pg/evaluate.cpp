// steam_rec.evaluate(algorithms text[], k, holdout, seed, min_games, target,
//                    params jsonb, validation boolean) RETURNS TABLE(...)
//
// Measures ranking quality offline (core/evaluation.hpp): reads user_games
// and game_tags, splits, trains each algorithm on the training part inside
// the call and scores its lists.  Writes nothing: no stored model and no
// active model changes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/algorithm_registry.hpp"
#include "core/catalog_lending.hpp"
#include "core/evaluation.hpp"
#include "core/guard.hpp"
#include "core/parallel.hpp"
#include "core/thread_scratch.hpp"
#include "pg/catalog_facts_reader.hpp"
#include "pg/core_object.hpp"
#include "pg/entry.hpp"
#include "pg/game_tags_reader.hpp"
#include "pg/message_value.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/sql_contracts.hpp"
#include "pg/sql_version_defaults.hpp"
#include "pg/train_params_json.hpp"
#include "pg/training_data_size.hpp"
#include "pg/user_games_scan.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/jsonb.h"
}

namespace steam_rec::pg {
namespace {

struct Job {
  rec::Evaluation evaluation;
  std::vector<rec::TrainParams> params;
  std::vector<rec::ParamValue> given;
  rec::EvalScore score;
  bool catalog_weights_named = false;  // params give a catalog weight above 0 (catalog_weights_named())
  bool release_years_named = false;    // params give release_years_scale above 0
};

// The algorithms asked for, no repeats, after the registry's first one (the
// baseline, always measured); NULL means every algorithm of the registry.
char** chosen_algorithms(const Arguments& arguments, int* count) {
  const std::vector<rec::AlgorithmSpec>& all = rec::algorithms();
  const int known = static_cast<int>(all.size());
  // Each chosen name is known and listed once: at most every algorithm.
  auto** chosen = static_cast<char**>(palloc(sizeof(char*) * known));
  *count = 0;
  chosen[(*count)++] = pstrdup(all.front().name);
  if (arguments.is_null("algorithms")) {
    for (int i = 1; i < known; ++i) chosen[(*count)++] = pstrdup(all[i].name);
    return chosen;
  }
  // Walked with polls, not deconstructed: a caller may list millions.
  ArrayIterator it = array_create_iterator(arguments.get<ArrayType*>("algorithms"), 0, nullptr);
  Datum value;
  bool is_null = false;
  for (int i = 0; array_iterate(it, &value, &is_null); ++i) {
    if (i % 65536 == 0) CHECK_FOR_INTERRUPTS();
    // Skipped, a NULL made {ease, NULL} measure ease alone without a word.
    if (is_null)
      ereport(ERROR,
              (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("algorithms must not contain NULL (element %d)", i + 1),
               errhint("A NULL array, not a NULL in it, means every algorithm.")));
    char* name = TextDatumGetCString(value);
    if (rec::find_algorithm(name) == nullptr)
      ereport(ERROR,
              (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown algorithm \"%s\"", value_for_message(name)),
               errhint("Valid algorithms are %s; NULL means all of them.", rec::algorithm_names())));
    bool repeated = false;
    for (int j = 0; j < *count; ++j) repeated = repeated || strcmp(chosen[j], name) == 0;
    if (repeated)
      pfree(name);
    else
      chosen[(*count)++] = name;
  }
  array_free_iterator(it);
  return chosen;
}

// The parameters for one algorithm: params ->> algorithm, an object, or none.
RawParam* params_for(Jsonb* params, const char* algorithm, int* count) {
  *count = 0;
  if (params == nullptr) return nullptr;
  JsonbValue* value =
      getKeyJsonValueFromContainer(&params->root, algorithm, static_cast<int>(strlen(algorithm)), nullptr);
  if (value == nullptr) return nullptr;
  if (value->type != jbvBinary || !JsonContainerIsObject(value->val.binary.data))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("params -> '%s' must be a JSON object of that algorithm's parameters", algorithm),
                    errhint("For example: '{\"ease\": {\"lambda\": 100}}'.")));
  return read_params(JsonbValueToJsonb(value), count);
}

void refuse_unknown_algorithms_in(Jsonb* params, char** algorithms, int count) {
  if (params == nullptr) return;
  if (!JB_ROOT_IS_OBJECT(params) || JB_ROOT_IS_SCALAR(params))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("params must be a JSON object keyed by algorithm"),
                    errhint("For example: '{\"ease\": {\"lambda\": 100}}'.")));
  JsonbIterator* it = JsonbIteratorInit(&params->root);
  JsonbValue value;
  JsonbIteratorToken token;
  while ((token = JsonbIteratorNext(&it, &value, true)) != WJB_DONE) {
    if (token != WJB_KEY) continue;
    bool evaluated = false;
    for (int i = 0; i < count; ++i)
      evaluated = evaluated || (strlen(algorithms[i]) == static_cast<size_t>(value.val.string.len) &&
                                strncmp(algorithms[i], value.val.string.val, value.val.string.len) == 0);
    if (!evaluated)
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("params names \"%s\", which is not an algorithm being evaluated",
                             value_for_message(pnstrdup(value.val.string.val, value.val.string.len))),
                      errhint("Keys of params are algorithms (%s).", rec::algorithm_names())));
  }
}

rec::EvalOptions read_options(const Arguments& arguments) {
  // Every argument but algorithms and params must be given.
  for (const char* name : {"k", "holdout", "seed", "min_games", "target", "validation"}) arguments.require(name);
  rec::EvalOptions options;
  options.k = arguments.get<int32>("k");
  if (options.k < 1 || options.k > 1000)
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("k must be between 1 and 1000, not %d", options.k)));
  const float holdout = arguments.get<float4>("holdout");
  if (!(holdout > 0 && holdout < 1))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("holdout must be above 0 and below 1, not %g", static_cast<double>(holdout)),
                    errhint("It is the share of each player's games held out for testing; 0.2 is usual.")));
  options.holdout = holdout;
  options.seed = static_cast<std::uint32_t>(arguments.get<int32>("seed"));
  options.min_games = arguments.get<int32>("min_games");
  if (options.min_games < 1 || options.min_games > 10000)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("min_games must be between 1 and 10000, not %d", options.min_games)));
  const char* target = text_to_cstring(arguments.get<text*>("target"));
  if (strcmp(target, "owned") != 0 && strcmp(target, "engaged") != 0 && strcmp(target, "new_games") != 0)
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown target \"%s\"", value_for_message(target)),
             errhint("'owned' counts every held-out game; 'engaged' only those played at least 2 hours; "
                     "'new_games' holds out 10%% of the games entirely and ranks them among themselves.")));
  options.engaged_only = strcmp(target, "engaged") == 0;
  options.new_games = strcmp(target, "new_games") == 0;
  options.validation = arguments.get<bool>("validation");
  return options;
}

// Besides the training, evaluate() keeps every play as read and again split
// per player (counted as two EvalPlays each), its own copy of the tag rows
// and, counted as they are read, `held_bytes` more: the distinct tag names
// and the catalog's rows (whatever algorithm it evaluates).  It ranks on
// several threads.
double bytes_besides_training(const rec::TrainParams& params, const rec::DataSize& size, double held_bytes) {
  const double held_plays = 2.0 * sizeof(rec::EvalPlay) * static_cast<double>(size.interactions);
  const double held_tags = rec::Evaluation::held_tag_row_bytes() * static_cast<double>(size.tag_entries);
  return held_plays + held_tags + held_bytes + rec::thread_scratch_bytes(params, size, steam_rec::max_threads(), true);
}

// Refuses an evaluation of `params` over steam_rec.training_memory_limit,
// from the counts of what it will read (before reading any of it, as train()
// does; the tag names and the catalog's facts are counted as they are read).
void refuse_if_too_large(const rec::TrainParams& params, const rec::DataSize& size, double held_bytes = 0) {
  refuse_over_training_memory_limit("evaluating", params, size, bytes_besides_training(params, size, held_bytes));
}

// Reads the plays, the tags and, when an algorithm uses them, the catalog's
// facts; `size` counts the tables (count_training_data()).
void read_data(Job* job, rec::DataSize size) {
  const TimestampTz as_of = engagement_as_of();
  for_each_batch("steam_rec_evaluate_plays",
                 // Cast to the types read below, whatever an owner retyped a column to.
                 "SELECT user_steam_id::pg_catalog.int8, appid::pg_catalog.int4,"
                 "       engagement_score::pg_catalog.float4, playtime_hours::pg_catalog.float8,"
                 "       playtime_2weeks_hours::pg_catalog.float8, last_played::pg_catalog.timestamptz"
                 "  FROM steam_rec.user_games",
                 0, nullptr, nullptr, [&](SPITupleTable* table, uint64 rows) {
                   auto* plays = static_cast<rec::EvalPlay*>(palloc(sizeof(rec::EvalPlay) * rows));
                   for (uint64 r = 0; r < rows; ++r) {
                     bool is_null = true;
                     HeapTuple tuple = table->vals[r];
                     plays[r].player = DatumGetInt64(SPI_getbinval(tuple, table->tupdesc, 1, &is_null));
                     plays[r].appid = DatumGetInt32(SPI_getbinval(tuple, table->tupdesc, 2, &is_null));
                     Datum score = SPI_getbinval(tuple, table->tupdesc, 3, &is_null);
                     plays[r].engagement = is_null ? NAN : DatumGetFloat4(score);
                     plays[r].hours = DatumGetFloat8(SPI_getbinval(tuple, table->tupdesc, 4, &is_null));
                     Datum recent = SPI_getbinval(tuple, table->tupdesc, 5, &is_null);
                     plays[r].recent_hours = is_null ? 0 : DatumGetFloat8(recent);
                     Datum last_played = SPI_getbinval(tuple, table->tupdesc, 6, &is_null);
                     plays[r].days_since_last_played =
                         is_null ? -1 : days_since(DatumGetTimestampTz(last_played), as_of);
                   }
                   check(guard([&] {
                           for (uint64 r = 0; r < rows; ++r) job->evaluation.add_play(plays[r]);
                         }),
                         "evaluate");
                   pfree(plays);
                 });

  // The tags' distinct names count as they are read (millions of names of
  // 100 characters are far more than their rows' estimate): held here, and
  // again by each training.  Past the room the algorithms leave, the rows
  // are only counted, and the evaluation is refused.
  double tags_room = std::numeric_limits<double>::infinity();
  for (const rec::TrainParams& p : job->params)
    tags_room = std::min(tags_room, static_cast<double>(training_memory_limit_mb) * 1024 * 1024 -
                                        rec::training_memory_bytes(p, size) - bytes_besides_training(p, size, 0));
  const rec::Evaluation& evaluation = job->evaluation;
  const TagsNotHeld not_held = read_game_tags_within(
      job->evaluation, tags_room, [&] { return 2 * evaluation.tag_name_bytes(); }, "evaluate");
  const double held_names = evaluation.tag_name_bytes() + not_held.name_bytes;
  size.tag_name_bytes = held_names;
  // Counted before the read (by SQL, in another snapshot): never below what was read.
  size.tag_entries = std::max(size.tag_entries, evaluation.tag_rows() + not_held.rows);
  for (const rec::TrainParams& p : job->params) refuse_if_too_large(p, size, held_names);
  // EASE's Gram and a hybrid's weights lent into new games take the
  // catalog's facts; a role that may not read them evaluates without them
  // unless it asked for them.
  bool catalog_used = false;
  for (const rec::TrainParams& p : job->params) catalog_used = catalog_used || rec::uses_catalog(p);
  if (!catalog_used) return;
  if (!job->catalog_weights_named && !catalog_facts_readable()) {
    ereport(NOTICE, (errmsg("evaluate: the catalog's facts are left out: this role cannot read "
                            "appid, developer, publisher and name of steam_rec.catalog_cache"),
                     errhint("Grant it SELECT on steam_rec.catalog_cache.")));
    return;
  }
  bool dates_used = false;
  for (const rec::TrainParams& p : job->params) dates_used = dates_used || rec::uses_release_dates(p);
  if (dates_used && !job->release_years_named && !release_dates_readable()) {
    ereport(NOTICE, (errmsg("evaluate: new games' lent weights are not weighed by release dates: this role cannot "
                            "read release_date of steam_rec.catalog_cache"),
                     errhint("Grant it SELECT on steam_rec.catalog_cache.")));
    dates_used = false;
  }
  // The facts count in the memory estimate as they are read, as train()
  // counts them: the copy held here for every algorithm, and what the
  // training of one that reads them builds.  Past the room the algorithms
  // leave, the rest are only counted, and the evaluation is refused with the
  // whole size.
  double room_held = std::numeric_limits<double>::infinity(), room_built = room_held;
  for (const rec::TrainParams& p : job->params) {
    const double room = static_cast<double>(training_memory_limit_mb) * 1024 * 1024 -
                        rec::training_memory_bytes(p, size) - bytes_besides_training(p, size, held_names);
    room_held = std::min(room_held, room);
    if (rec::uses_catalog(p)) room_built = std::min(room_built, room);
  }
  double held_not_kept = 0, built_not_kept = 0;
  read_catalog_facts(dates_used, [&](int32 appid, std::string_view developers, std::string_view publishers,
                                     std::string_view name, std::optional<int32> release_day) {
    check(
        guard([&] {
          const rec::Evaluation& e = job->evaluation;
          if (e.catalog_held_bytes() > room_held || e.catalog_held_bytes() + e.catalog_training_bytes() > room_built) {
            held_not_kept += rec::Evaluation::held_row_bytes(developers, publishers, name);
            built_not_kept += rec::TrainingSet::catalog_row_bytes(developers, publishers, name);
          } else {
            job->evaluation.add_catalog(appid, developers, publishers, name, release_day);
          }
        }),
        "evaluate");
  });
  rec::DataSize with_catalog = size;
  with_catalog.catalog_bytes = job->evaluation.catalog_training_bytes() + built_not_kept;
  const double held = held_names + job->evaluation.catalog_held_bytes() + held_not_kept;
  for (const rec::TrainParams& p : job->params) refuse_if_too_large(p, with_catalog, held);
}

}  // namespace
}  // namespace steam_rec::pg

STEAM_REC_FUNCTION(steam_rec_evaluate) {
  using namespace steam_rec::pg;
  using steam_rec::guard;
  namespace rec = steam_rec::rec;
  const Arguments arguments(fcinfo, contracts::evaluate);
  const rec::EvalOptions options = read_options(arguments);
  int algorithm_count = 0;
  char** algorithms = chosen_algorithms(arguments, &algorithm_count);
  Jsonb* params = arguments.is_null("params") ? nullptr : arguments.get<Jsonb*>("params");
  refuse_unknown_algorithms_in(params, algorithms, algorithm_count);

  InitMaterializedSRF(fcinfo, 0);
  MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "steam_rec evaluate", ALLOCSET_DEFAULT_SIZES);
  Job* job = new_in_context<Job>(work);
  const rec::Defaults defaults = defaults_of_installed_sql();
  for (int a = 0; a < algorithm_count; ++a) {
    int count = 0;
    RawParam* raw = params_for(params, algorithms[a], &count);
    job->catalog_weights_named = job->catalog_weights_named || catalog_weights_named(raw, count);
    job->release_years_named = job->release_years_named || release_years_named(raw, count);
    check(guard([&] {
            job->params.push_back(rec::resolve_params(algorithms[a], to_param_values(raw, count), defaults));
          }),
          "evaluate");
  }

  SpiSession spi;
  const rec::DataSize size = count_training_data();
  for (const rec::TrainParams& p : job->params) refuse_if_too_large(p, size);
  read_data(job, size);
  steam_rec::CancelCheck cancel = server_cancel_check();
  check(guard([&] { job->evaluation.prepare(options, cancel); }), "evaluate");
  ereport(NOTICE, (errmsg("evaluate: %d players, %d games, %lld training plays", job->evaluation.players(),
                          job->evaluation.games(), static_cast<long long>(job->evaluation.training_plays()))));

  auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  for (int a = 0; a < algorithm_count; ++a) {
    // For new games the floor is popularity by tags: a game nobody owns has
    // no popularity of its own.
    const bool tag_floor = options.new_games && a == 0;
    if (tag_floor) algorithms[a] = pstrdup("popularity by tags");
    check(guard([&] {
            job->score = tag_floor ? job->evaluation.evaluate_tag_popularity(cancel)
                                   : job->evaluation.evaluate(job->params[static_cast<std::size_t>(a)], cancel);
          }),
          "evaluate");
    const rec::EvalScore& s = job->score;
    ereport(NOTICE, (errmsg("evaluate: %s (%d of %d): recall@%d %.4f, ndcg@%d %.4f, trained in %.1f s", algorithms[a],
                            a + 1, algorithm_count, options.k, s.recall, options.k, s.ndcg, s.train_seconds)));
    Datum values[7] = {CStringGetTextDatum(algorithms[a]),
                       Float4GetDatum(static_cast<float>(s.recall)),
                       Float4GetDatum(static_cast<float>(s.ndcg)),
                       Float4GetDatum(static_cast<float>(s.hit_rate)),
                       Float4GetDatum(static_cast<float>(s.coverage)),
                       Int32GetDatum(s.players),
                       Float4GetDatum(static_cast<float>(s.train_seconds))};
    bool nulls[7] = {false, false, false, false, false, false, false};
    tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
  }
  spi.finish();
  MemoryContextDelete(work);
  return (Datum)0;
}
