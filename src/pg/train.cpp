// steam_rec.train(algorithm text DEFAULT 'hybrid', params jsonb DEFAULT '{}') RETURNS bigint
//
// Reads user_games and game_tags, trains in the core, stores the model and
// makes it the active one.  Trainings are serialised by an advisory lock, and
// their activation with activate_model() by a lock on steam_rec.models; the
// memory a training needs is estimated from row counts (counted while the
// owned games are read, where a heap scan reads them), and a training over
// steam_rec.training_memory_limit is refused before it trains.  Where heap
// scans read the tables, the owned games and the tag entries are counted
// while they are read instead.
#include <algorithm>
#include <chrono>

#include "core/catalog_lending.hpp"
#include "core/guard.hpp"
#include "core/parallel.hpp"
#include "core/staged_training.hpp"
#include "core/thread_scratch.hpp"
#include "core/trainer.hpp"
#include "pg/catalog_facts_reader.hpp"
#include "pg/core_object.hpp"
#include "pg/direct_read.hpp"
#include "pg/entry.hpp"
#include "pg/game_sums_gather.hpp"
#include "pg/game_tags_reader.hpp"
#include "pg/message_value.hpp"
#include "pg/model_reranker_rows.hpp"
#include "pg/model_store.hpp"
#include "pg/owned_games_reader.hpp"
#include "pg/owned_games_scan.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/sql_contracts.hpp"
#include "pg/sql_version_defaults.hpp"
#include "pg/train_params_json.hpp"
#include "pg/training_data_size.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/jsonb.h"
}

namespace steam_rec::pg {
namespace {

constexpr int64 kTrainLockKey = 0x737465616d747261;  // "steamtra"

// Neighbour rows per model_games statement while the rest are computed: a
// few statements per model, each long enough that its fixed cost is small.
constexpr int32 kStoredRowsPerStatement = 256;

struct Training {
  rec::TrainParams params;
  rec::TrainingSet data;
  rec::GameModel model;
  rec::DataSize size;
  rec::Defaults defaults;  // those of the installed SQL
  std::vector<rec::ParamValue> described;
  GatheredSums gathered;        // on a Citus coordinator, from partial sums
  rec::SparseRows stored_rows;  // the neighbour rows of the statement being written
  UserGamesMark mark;           // where user_games stood in the snapshot read
  rec::StagedTraining staged;   // last: its threads stop before anything else here goes
};

// Trains a model whose game x game rows are its last step (the registry's
// staged_rows: StagedTraining::applies()) and stores
// it meanwhile: the core's threads fill the rows while this thread writes the
// rows already final to model_games, and fills rows itself whenever fewer
// than a statement's worth are waiting.  Storing was as long as the parallel
// rows on the real data and ran after them; now the two overlap.  The rows
// stored are the ones store_model() would write.  The models row is inserted
// first, after the activation lock, as in the serial path.  Cancel is polled
// by the core between chunks (while this thread fills rows or waits) and by
// the server inside each statement.  The activation lock is taken before the
// rows are done, so other sessions' activations wait for them too (a fraction
// of a second on the real data); recommend() does not.  Returns the model's id.
int64 train_and_store_overlapped(Training* training, steam_rec::CancelCheck& cancel) {
  rec::StagedTraining* staged = &training->staged;
  check(guard([&] {
          training->data.finish(cancel);
          training->size = rec::data_size(training->data);
          staged->begin(training->data, training->params);  // the rows read the data until finish()
          training->described = rec::describe_params(training->params, training->defaults);
        }),
        "train");
  const rec::GameModel& model = staged->model();
  const int32 games = model.games();
  ModelFacts facts{rec::algorithm_name(training->params.algorithm), params_to_json(training->described),
                   static_cast<int32>(training->size.players), games, training->size.interactions};
  facts.mark = training->mark;
  lock_models_for_activation();
  const int64 id = store_model_head(model, facts);

  MemoryContext statement = AllocSetContextCreate(CurrentMemoryContext, "steam_rec train rows", ALLOCSET_DEFAULT_SIZES);
  ModelGamesWriter* writer = begin_model_games_writer();
  const StoredRows part = staged->rows_are_content_neighbors() ? StoredRows::content_neighbors : StoredRows::neighbors;
  // Writes rows [*stored, last) of the neighbours.
  auto store_rows = [&](int32* stored, int32 last) {
    check(guard([&] { training->stored_rows = staged->rows(*stored, last); }), "train");
    MemoryContext caller = MemoryContextSwitchTo(statement);
    store_model_games(writer, id, model, training->stored_rows, part, *stored, last);
    MemoryContextSwitchTo(caller);
    MemoryContextReset(statement);
    *stored = last;
  };
  int32 stored = 0;
  for (;;) {
    int32 ready = 0;
    bool took_chunk = false;
    check(guard([&] {
            ready = staged->rows_ready();
            if (ready - stored < kStoredRowsPerStatement) took_chunk = staged->run_one(cancel);
          }),
          "train");
    if (ready - stored >= kStoredRowsPerStatement) {
      // One statement's worth at a time, however many are ready: the rule
      // for writing directly is asked again before each statement.
      store_rows(&stored, stored + kStoredRowsPerStatement);
    } else if (!took_chunk) {
      break;  // no chunk left to take: the last ones are on the threads
    }
  }
  check(guard([&] {
          staged->finish(cancel);
          training->data = rec::TrainingSet();
        }),
        "train");
  if (stored < games) store_rows(&stored, games);
  end_model_games_writer(writer);
  MemoryContextDelete(statement);
  return id;
}

// Reads the owned games from `scan` (owned_games_scan.hpp) and counts them
// for the memory estimate in the same pass: the estimate's own heap scan of
// user_games and this read were two scans of the whole table.  `size` holds
// the players and tag entries on entry and all four counts on return.  The
// estimate only grows with the rows, so the check after each batch refuses
// as soon as the rows so far are over the limit, before the rest is read;
// the refusal then names the sizes of the whole table, as the check before
// the read did.  The tag entries are not read yet: they are counted as 0
// here and added to the estimate by read_and_count_tags().  The heap scan
// polls cancel once per page; this loop once per batch.
void read_and_count_training_rows(Training* training, OwnedGamesScan* scan, rec::DataSize* size) {
  const int threads = steam_rec::max_threads();
  auto over_limit = [&] {
    const double limit = static_cast<double>(training_memory_limit_mb) * 1024 * 1024;
    return rec::training_memory_bytes(training->params, *size) +
               rec::thread_scratch_bytes(training->params, *size, threads, false) >
           limit;
  };
  auto* batch = static_cast<OwnedGamesBatch*>(palloc(sizeof(OwnedGamesBatch)));
  bool refused = false;
  while (owned_games_scan_next(scan, batch)) {
    check(guard([&] {
            for (int r = 0; r < batch->rows; ++r)
              training->data.add_owned(batch->players[r], batch->appids[r], batch->engagement[r]);
            size->games = training->data.appids_added();
            size->interactions = training->data.rows_added();
            refused = over_limit();
            if (refused) training->data = rec::TrainingSet();
          }),
          "train");
    if (refused) break;
    CHECK_FOR_INTERRUPTS();
  }
  owned_games_scan_end(scan);
  pfree(batch);
  if (refused) {
    // Counts the whole table for the message (only when refusing).
    const rec::DataSize whole = count_training_data();
    refuse_over_training_memory_limit("training", training->params, whole,
                                      rec::thread_scratch_bytes(training->params, whole, threads, false));
  }
}

// Reads the game tags into the training set and completes `size` with
// them: their distinct names and, when `entries_read`, the tag entries,
// which the owned games' read counted as none (counting them while they are
// read saves a count(*) of game_tags before, a second scan of the table, as
// long as a twentieth of a short training).  The rows are held only while
// what they hold (the names, and the entries when counted here) fits in the
// limit beside `rest_bytes`, what the training needs besides; past it they
// are only counted, so the estimate completed here is over the limit and
// the caller refuses with the sizes of the whole tables.
void read_and_count_tags(Training* training, rec::DataSize* size, bool entries_read, double rest_bytes) {
  const double room = static_cast<double>(training_memory_limit_mb) * 1024 * 1024 - rest_bytes;
  const rec::TrainingSet& data = training->data;
  const double entry_bytes = entries_read ? rec::kBytesPerTagEntry : 0.0;
  const TagsNotHeld not_held = read_game_tags_within(
      training->data, room,
      [&] { return data.tag_name_bytes_added() + entry_bytes * static_cast<double>(data.tag_rows_added()); }, "train");
  size->tag_name_bytes = data.tag_name_bytes_added() + not_held.name_bytes;
  // Counted before the read (by SQL, in another snapshot): never below what was read.
  const int64 entries = data.tag_rows_added() + not_held.rows;
  size->tag_entries = entries_read ? entries : std::max(size->tag_entries, entries);
  // The tags add their games to the owned ones read before.
  if (entries_read) size->new_games = data.appids_added() - size->games;
}

// The catalog's facts, when the training uses them (EASE's Gram, weights
// lent into new games).
// A role that may not read them trains without them if it did not ask for
// them (a catalog weight given above 0), and the stored parameters say so
// (0); asked for, a missing privilege is SQL's error.
// The facts count in the memory estimate as they are read, on top of
// `rest_bytes`, what the rest of the training needs (of data of `size`): a
// name of many short words holds far more than its bytes.  Once over the
// limit the rest of the rows are only counted, not held, and the training
// is refused with the whole catalog's size.
void read_catalog_if_used(Training* training, const RawParam* raw, int count, rec::DataSize size, double rest_bytes) {
  if (!rec::uses_catalog(training->params)) return;
  if (!catalog_weights_named(raw, count) && !catalog_facts_readable()) {
    // Plain storage: the notice is raised with no C++ object alive.
    char weights[Status::kMessageSize] = {};
    check(guard([&] {
            strlcpy(weights, rec::catalog_parameters_above_zero(training->params).c_str(), sizeof weights);
            rec::leave_catalog_out(training->params);
          }),
          "train");
    ereport(NOTICE, (errmsg("train: the catalog's facts are left out: this role cannot read "
                            "appid, developer, publisher and name of steam_rec.catalog_cache"),
                     errhint("Grant it SELECT on steam_rec.catalog_cache, or pass %s 0.", weights)));
    return;
  }
  // The release dates are a column a role granted the four above may lack:
  // the same choice again, for them alone.
  if (rec::uses_release_dates(training->params) && !release_years_named(raw, count) && !release_dates_readable()) {
    ereport(NOTICE, (errmsg("train: new games' lent weights are not weighed by release dates: this role cannot read "
                            "release_date of steam_rec.catalog_cache"),
                     errhint("Grant it SELECT on steam_rec.catalog_cache, or pass release_years_scale 0.")));
    training->params.release_years_scale = 0;
    // The dates may have been its only use of the catalog: read, the facts
    // would be held and built but counted in no estimate (uses_catalog()).
    if (!rec::uses_catalog(training->params)) return;
  }
  const double room = static_cast<double>(training_memory_limit_mb) * 1024 * 1024 - rest_bytes;
  // What the rest needs beyond the rows' estimate (thread scratch, or a
  // coordinator's partial sums), for the refusal.
  const double besides_rows = rest_bytes - rec::training_memory_bytes(training->params, size);
  double counted_not_held = 0;
  read_catalog_facts(rec::uses_release_dates(training->params),
                     [&](int32 appid, std::string_view developers, std::string_view publishers, std::string_view name,
                         std::optional<int32> release_day) {
                       check(guard([&] {
                               if (training->data.catalog_bytes_added() > room)
                                 counted_not_held += rec::TrainingSet::catalog_row_bytes(developers, publishers, name);
                               else
                                 training->data.add_catalog(appid, developers, publishers, name, release_day);
                             }),
                             "train");
                     });
  size.catalog_bytes = training->data.catalog_bytes_added() + counted_not_held;
  refuse_over_training_memory_limit("training", training->params, size, besides_rows);
}

}  // namespace
}  // namespace steam_rec::pg

STEAM_REC_FUNCTION(steam_rec_train) {
  using namespace steam_rec::pg;
  using steam_rec::guard;
  namespace rec = steam_rec::rec;
  const Arguments arguments(fcinfo, contracts::train);
  const TrainArguments asked = read_train_arguments(arguments);

  MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "steam_rec train", ALLOCSET_DEFAULT_SIZES);
  auto* training = new_in_context<Training>(work);
  training->defaults = defaults_of_installed_sql();
  check(guard([&] {
          training->params = rec::resolve_params(asked.algorithm, to_param_values(asked.params, asked.param_count),
                                                 training->defaults);
        }),
        "train");
  refuse_unstorable_rerank(training->params.rerank_candidates, "train");

  SpiSession spi;
  Oid lock_types[1] = {INT8OID};
  Datum lock_key[1] = {Int64GetDatum(kTrainLockKey)};
  spi_run("SELECT pg_catalog.pg_advisory_xact_lock($1)", 1, lock_types, lock_key, SPI_OK_SELECT);
  // The model's seconds count from here: waiting for another training is not training.
  const auto started = std::chrono::steady_clock::now();
  // Room for the rows about to be read, as the tables' statistics count them,
  // within the training memory limit.
  const int64 owned_expected = estimated_rows("user_games");
  const int64 tags_expected = estimated_rows("game_tags");
  const double limit_bytes = static_cast<double>(training_memory_limit_mb) * 1024 * 1024;
  check(guard([&] { training->data.expect_rows(owned_expected, tags_expected, limit_bytes); }), "train");

  training->mark = read_user_games_mark();
  // Where a heap scan reads what SQL would (never on Citus), the owned games
  // are counted while they are read; elsewhere the memory estimate counts
  // them first, and SQL reads them.
  OwnedGamesScan* scan = owned_games_scan_begin();
  const bool read_by_scan = scan != nullptr;
  rec::DataSize size;
  if (read_by_scan) {
    size = count_players();
    read_and_count_training_rows(training, scan, &size);
  } else {
    size = count_training_data();
    refuse_over_training_memory_limit(
        "training", training->params, size,
        rec::thread_scratch_bytes(training->params, size, steam_rec::max_threads(), false));
  }
  steam_rec::CancelCheck cancel = server_cancel_check();
  Jsonb* params_given = arguments.is_null("params") ? nullptr : arguments.get<Jsonb*>("params");
  double coordinator_bytes = 0;
  if (!read_by_scan && train_from_partial_sums_chosen(training->params, size, &coordinator_bytes)) {
    // Each worker sums over its own shards; only games and pairs travel.
    GatheredSums* gathered = &training->gathered;
    gather_owned_totals(asked.algorithm, params_given, gathered);
    read_and_count_tags(training, &size, false, coordinator_bytes);
    // The coordinator's need with the names, as the refusal reports it.
    refuse_over_training_memory_limit(
        "training", training->params, size,
        coordinator_bytes + size.tag_name_bytes - rec::training_memory_bytes(training->params, size));
    read_catalog_if_used(training, asked.params, asked.param_count, size, coordinator_bytes + size.tag_name_bytes);
    check(guard([&] {
            for (std::int32_t appid : gathered->totals.appids) training->data.add_game(appid);
            training->data.finish(cancel);
            gathered->sums = std::make_unique<rec::GameSums>(training->data.appids());
          }),
          "train");
    if (rec::needs_co_ownership_sums(training->params)) gather_co_ownership(asked.algorithm, params_given, gathered);
    check(guard([&] {
            training->size.players = gathered->totals.players;
            training->size.interactions = gathered->totals.interactions;
            training->size.games = static_cast<std::int64_t>(gathered->totals.appids.size());
            training->size.tag_entries = training->data.tags_by_game().nonzeros();
            training->model =
                rec::train_from_game_sums(training->data, gathered->totals, *gathered->sums, training->params, cancel);
            training->data = rec::TrainingSet();
            gathered->pairs_received = gathered->sums->entries();
            gathered->sums.reset();
            training->described = rec::describe_params(training->params, training->defaults);
          }),
          "train");
    ereport(DEBUG1, (errmsg("steam_rec train: from the partial sums of %d workers, %lld bytes received, %lld pairs",
                            gathered->workers, static_cast<long long>(gathered->bytes_received),
                            static_cast<long long>(gathered->pairs_received))));
  } else {
    if (!read_by_scan)
      read_owned_games("steam_rec_train_owned", psprintf("%ssteam_rec.user_games", kOwnedGamesColumns),
                       &training->data);
    read_and_count_tags(training, &size, read_by_scan,
                        rec::training_memory_bytes(training->params, size) +
                            rec::thread_scratch_bytes(training->params, size, steam_rec::max_threads(), false));
    refuse_over_training_memory_limit(
        "training", training->params, size,
        rec::thread_scratch_bytes(training->params, size, steam_rec::max_threads(), false));
    read_catalog_if_used(training, asked.params, asked.param_count, size,
                         rec::training_memory_bytes(training->params, size) +
                             rec::thread_scratch_bytes(training->params, size, steam_rec::max_threads(), false));
    // On one thread nothing would overlap: the serial path's one store is
    // cheaper.
    if (rec::StagedTraining::applies(training->params) && steam_rec::max_threads() > 1) {
      const int64 id = train_and_store_overlapped(training, cancel);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      finish_and_activate(id, seconds);
      spi.finish();
      MemoryContextDelete(work);
      PG_RETURN_INT64(id);
    }
    check(guard([&] {
            training->data.finish(cancel);
            training->size = rec::data_size(training->data);
            training->model = rec::train(training->data, training->params, cancel);
            training->data = rec::TrainingSet();  // the model is all that is needed now
            training->described = rec::describe_params(training->params, training->defaults);
          }),
          "train");
  }

  ModelFacts facts{rec::algorithm_name(training->params.algorithm), params_to_json(training->described),
                   static_cast<int32>(training->size.players), training->model.games(), training->size.interactions};
  facts.mark = training->mark;
  // Activation is serialised with activate_model() and other trainings; the
  // lock is taken only now, so nobody waits for the training itself.  It comes
  // before the model's INSERT: upgrading that INSERT's ROW EXCLUSIVE lock to
  // EXCLUSIVE later could deadlock with another session doing the same.
  lock_models_for_activation();
  const int64 id = store_model(training->model, facts);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  finish_and_activate(id, seconds);

  spi.finish();
  MemoryContextDelete(work);
  PG_RETURN_INT64(id);
}
