#include "pg/model_cache.hpp"

#include <memory>

#include "core/guard.hpp"
#include "core/model_assembler.hpp"
#include "pg/catalog_names.hpp"
#include "pg/catalog_names_file.hpp"
#include "pg/column_types.hpp"
#include "pg/core_object.hpp"
#include "pg/direct_read.hpp"
#include "pg/entry.hpp"
#include "pg/message_value.hpp"
#include "pg/model_games_table.hpp"
#include "pg/model_image_file.hpp"
#include "pg/model_reranker_rows.hpp"
#include "pg/spi.hpp"
#include "pg/train_params_json.hpp"

extern "C" {
#include "access/detoast.h"
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "pgstat.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/rls.h"
#include "utils/timestamp.h"
}

namespace steam_rec::pg {

// The model this backend serves from; one per backend, replaced when another
// model becomes active.  Its Recommender reads the model's image, mapped from
// the server's image file (model_image_file.hpp) or, when the file cannot be
// written, held in this backend's memory.  Shared: a call that serves from it
// holds a pin (pin_for_call), so replacing it frees it (and unmaps the image)
// only when the last call using it is over, whatever ran in between (a trigger
// or a policy that activates and serves another model).  The key includes the
// database and the models table's OID: after DROP and CREATE EXTENSION in one
// transaction, or a restore, an id and trained_at can repeat.
struct CachedModel {
  Oid models_table = InvalidOid;
  int64 id = 0;
  TimestampTz trained_at = 0;
  uint64 rules = 0;  // ImageKey::rules of the row it was built from
  std::shared_ptr<rec::Recommender> recommender;
  bool mapped = false;  // from the image file, else from memory
  // Built from every row of model_games and model_tags, else from the rows
  // a caller under row-level security saw (never served again).
  bool whole = false;
  FileIdentity identity;  // of the mapped file, to notice it changed
  int held = -1;          // the mapped file, kept open: checking it is one fstat()
  char image_name[MAXPGPATH] = {};
};

namespace {
CachedModel cache;
}  // namespace

namespace {

// A model being loaded: owned by a memory context until it is complete.
struct Loading {
  rec::ModelAssembler assembler;
  std::shared_ptr<std::vector<unsigned char>> image = std::make_shared<std::vector<unsigned char>>();
};

constexpr const char* kLoading = "loading the active model";  // names the operation in core failures

// The elements of a non-null one-dimensional array column, or none.
template <typename T>
const T* array_elements(HeapTuple tuple, TupleDesc descriptor, int column, Oid element_type, int32* count) {
  bool is_null = true;
  Datum value = SPI_getbinval(tuple, descriptor, column, &is_null);
  *count = 0;
  if (is_null) return nullptr;
  ArrayType* array = DatumGetArrayTypeP(value);
  if (ARR_ELEMTYPE(array) != element_type || ARR_HASNULL(array) || ARR_NDIM(array) > 1)
    ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("steam_rec.model_games holds a malformed array"),
                    errhint("Train a new model: SELECT steam_rec.train();")));
  *count = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
  return reinterpret_cast<const T*>(ARR_DATA_PTR(array));
}

// Whether the caller may read every row and column of model_games and
// model_tags: it may select them (the tables, or each of their columns) and
// no row-level security applies to it.
bool reads_every_model_row() {
  for (const char* name : {"model_games", "model_tags"}) {
    const Oid relation = steam_rec_relation(name);
    if (!OidIsValid(relation)) return false;
    if (pg_class_aclcheck(relation, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
        pg_attribute_aclcheck_all(relation, GetUserId(), ACL_SELECT, ACLMASK_ALL) != ACLCHECK_OK)
      return false;
    if (check_enable_rls(relation, InvalidOid, true) == RLS_ENABLED) return false;
  }
  return true;
}

// Raises the error of a failed step of assembling the stored model.  The
// core refuses what it is given as its caller's mistake (22023); here what
// it is given is the stored rows: rows changed by hand, or, for a caller
// under a policy, the part of them it may see.
void check_stored(const Status& status) {
  if (status.code == StatusCode::invalid_argument) {
    const char* refusal = message_text(status.message, sizeof status.message);
    if (!reads_every_model_row())
      ereport(ERROR,
              (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
               errmsg("steam_rec: the rows of the active model this role may read do not form the whole model: %s",
                      refusal),
               errhint("A row-level security policy on steam_rec.model_games or model_tags hides part of the "
                       "model; let the role read all of it, or none.")));
    ereport(ERROR,
            (errcode(ERRCODE_DATA_CORRUPTED), errmsg("steam_rec: the active model's rows are malformed: %s", refusal),
             errhint("Train a new model: SELECT steam_rec.train();")));
  }
  check(status, kLoading);
}

// How many games the models row of model `id` says train() stored.
int64 stored_games(int64 id) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(id)};
  if (spi_run("SELECT games::pg_catalog.int8 FROM steam_rec.models WHERE id OPERATOR(pg_catalog.=) $1", 1, types,
              values, SPI_OK_SELECT, true) == 0)
    return 0;
  bool is_null = true;
  const Datum games = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null);
  return is_null ? 0 : DatumGetInt64(games);
}

[[noreturn]] void malformed(int32 appid) {
  ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("steam_rec.model_games row of game %d is malformed", appid),
                  errhint("Train a new model: SELECT steam_rec.train();")));
}

// Two array columns: neighbor appids and their weights.
rec::StoredNeighbors stored_neighbors(HeapTuple tuple, TupleDesc descriptor, int appids_column, int weights_column,
                                      int32 appid) {
  rec::StoredNeighbors stored;
  int32 weights = 0;
  stored.appids = array_elements<int32>(tuple, descriptor, appids_column, INT4OID, &stored.count);
  stored.weights = array_elements<float>(tuple, descriptor, weights_column, FLOAT4OID, &weights);
  if (stored.count != weights) malformed(appid);
  return stored;
}

void load_tags(Loading* loading, int64 id) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(id)};
  uint64 rows = spi_run(
      "SELECT tag_name FROM steam_rec.model_tags WHERE model_id OPERATOR(pg_catalog.=) $1"
      " ORDER BY tag",
      1, types, values, SPI_OK_SELECT, true);
  for (uint64 r = 0; r < rows; ++r) {
    const char* name = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
    check_stored(guard([&] { loading->assembler.add_tag(name); }));
  }
}

// The numbers of the fetched model_games columns, looked up once.
struct StoredColumns {
  int appid, popularity, neighbors, weights, content_neighbors, content_weights, factors, tags, tag_weights;
};

// Looks the columns up and refuses any whose type an owner changed.
StoredColumns stored_columns(TupleDesc descriptor) {
  StoredColumns columns;
  const struct {
    int* number;
    const char* name;
    Oid type;
  } kColumns[] = {{&columns.appid, "appid", INT4OID},
                  {&columns.popularity, "popularity", FLOAT4OID},
                  {&columns.neighbors, "neighbors", INT4ARRAYOID},
                  {&columns.weights, "weights", FLOAT4ARRAYOID},
                  {&columns.content_neighbors, "content_neighbors", INT4ARRAYOID},
                  {&columns.content_weights, "content_weights", FLOAT4ARRAYOID},
                  {&columns.factors, "factors", FLOAT4ARRAYOID},
                  {&columns.tags, "tags", INT4ARRAYOID},
                  {&columns.tag_weights, "tag_weights", FLOAT4ARRAYOID}};
  for (const auto& column : kColumns) {
    *column.number = model_games_attribute(descriptor, column.name);
    require_column_type("model_games", column.name, SPI_gettypeid(descriptor, *column.number), column.type);
  }
  return columns;
}

// At most how many elements of `element_bytes` the array in `column` holds:
// its size before any TOAST compression, read without detoasting it.
int64 array_capacity(HeapTuple tuple, TupleDesc descriptor, int column, size_t element_bytes) {
  bool is_null = true;
  const Datum value = SPI_getbinval(tuple, descriptor, column, &is_null);
  return is_null ? 0 : static_cast<int64>(toast_raw_datum_size(value) / element_bytes);
}

// Upper bounds of what the fetched model_games rows hold.
rec::StoredCapacity stored_capacity(uint64 rows, const StoredColumns& columns) {
  rec::StoredCapacity capacity;
  capacity.games = static_cast<int64>(rows);
  TupleDesc descriptor = SPI_tuptable->tupdesc;
  for (uint64 r = 0; r < rows; ++r) {
    CHECK_FOR_INTERRUPTS();
    HeapTuple tuple = SPI_tuptable->vals[r];
    capacity.neighbors += array_capacity(tuple, descriptor, columns.neighbors, sizeof(int32));
    capacity.content_neighbors += array_capacity(tuple, descriptor, columns.content_neighbors, sizeof(int32));
    capacity.factors += array_capacity(tuple, descriptor, columns.factors, sizeof(float4));
    capacity.tags += array_capacity(tuple, descriptor, columns.tags, sizeof(int32));
  }
  return capacity;
}

void load_games(Loading* loading, int64 id) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(id)};
  const char* query = psprintf(
      "SELECT %s FROM steam_rec.model_games WHERE model_id OPERATOR(pg_catalog.=) $1"
      " ORDER BY appid",
      model_games_column_list());
  uint64 rows = spi_run(query, 1, types, values, SPI_OK_SELECT, true);
  if (rows == 0) {
    // A model of tables with no games has no rows (its lists are empty).  One
    // whose row counts games, read whole, had them deleted by hand: it would
    // serve empty lists to everyone.
    if (reads_every_model_row() && stored_games(id) > 0)
      ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                      errmsg("steam_rec: the active model %lld has no rows in steam_rec.model_games",
                             static_cast<long long>(id)),
                      errhint("Train a new model: SELECT steam_rec.train();")));
    return;
  }
  TupleDesc descriptor = SPI_tuptable->tupdesc;
  const StoredColumns columns = stored_columns(descriptor);
  const rec::StoredCapacity capacity = stored_capacity(rows, columns);
  check(guard([&] { loading->assembler.reserve(capacity); }), kLoading);
  for (uint64 r = 0; r < rows; ++r) {
    CHECK_FOR_INTERRUPTS();  // nothing C++ lives on this frame; the assembler belongs to a memory context
    HeapTuple tuple = SPI_tuptable->vals[r];
    bool is_null = true;
    rec::StoredGame game;
    game.appid = DatumGetInt32(SPI_getbinval(tuple, descriptor, columns.appid, &is_null));
    game.popularity = DatumGetFloat4(SPI_getbinval(tuple, descriptor, columns.popularity, &is_null));
    game.neighbors = stored_neighbors(tuple, descriptor, columns.neighbors, columns.weights, game.appid);
    game.content_neighbors =
        stored_neighbors(tuple, descriptor, columns.content_neighbors, columns.content_weights, game.appid);
    game.factors = array_elements<float>(tuple, descriptor, columns.factors, FLOAT4OID, &game.factor_count);
    int32 tag_weight_count = 0;
    game.tags = array_elements<int32>(tuple, descriptor, columns.tags, INT4OID, &game.tag_count);
    game.tag_weights = array_elements<float>(tuple, descriptor, columns.tag_weights, FLOAT4OID, &tag_weight_count);
    if (game.tag_count != tag_weight_count) malformed(game.appid);
    check_stored(guard([&] { loading->assembler.add_game(game); }));
  }
}

// Whether this transaction, still open, wrote rows of `relation` (inserted,
// updated, deleted or truncated it, or gave it new files: a rewrite counts
// its rows under another relation): its snapshot then sees rows no other
// does, which may yet be rolled back.  The server counts a transaction's
// writes per table only with track_counts on; with it off, a transaction that
// wrote anything at all (it has a transaction id) is taken to have written.
bool written_in_this_transaction(Oid relation) {
  if (!pgstat_track_counts) return TransactionIdIsValid(GetTopTransactionIdIfAny());
  Relation opened = RelationIdGetRelation(relation);
  if (opened == nullptr) return true;
  const bool new_files = opened->rd_firstRelfilenodeSubid != InvalidSubTransactionId;
  RelationClose(opened);
  if (new_files) return true;
  const PgStat_TableStatus* status = find_tabstat_entry(relation);
  if (status == nullptr) return false;
  for (const PgStat_TableXactStatus* level = status->trans; level != nullptr; level = level->upper)
    if (level->tuples_inserted > 0 || level->tuples_updated > 0 || level->tuples_deleted > 0 || level->truncdropped)
      return true;
  return false;
}

// Whether the caller sees every row of model_games and model_tags as every
// other backend does: it may select them (the tables, or each of their
// columns), no row-level security applies to it, its transaction wrote
// neither (nor model_rerankers), and its snapshot sees model_rerankers as the
// catalog does (model_reranker_rows.hpp).  Only such a caller is served a model kept between calls, and
// only a model built whole; a transaction that changed the model's rows by
// hand and rolled back wrote them into the shared image before.  (A change
// to the models row itself names another image: ImageKey::rules.)
bool sees_whole_model() {
  for (const char* name : {"model_games", "model_tags"}) {
    const Oid relation = steam_rec_relation(name);
    if (!OidIsValid(relation) || written_in_this_transaction(relation)) return false;
  }
  // Read with its owner's rights, whoever the caller (model_reranker_rows.hpp).
  const Oid rerankers = steam_rec_relation("model_rerankers");
  if (OidIsValid(rerankers) && written_in_this_transaction(rerankers)) return false;
  if (!model_rerankers_in_snapshot()) return false;
  return reads_every_model_row();
}

// The hash of a models row's algorithm and parameters, and of the table its
// re-ranker is read from (ImageKey::rules).  jsonb keeps an object's keys
// sorted and unique, so equal parameters hash alike however they were
// written.  The table's OID (none before 1.7) tells apart the model served
// at 1.6, its re-ranker stashed, from the same model back at 1.7.
uint64 rules_of(const ModelRow& row) {
  const Jsonb* params = DatumGetJsonbP(row.params);
  const Oid rerankers = steam_rec_relation("model_rerankers");
  const uint64 algorithm = hash_bytes_extended(reinterpret_cast<const unsigned char*>(row.algorithm),
                                               static_cast<int>(strlen(row.algorithm)), rerankers);
  return hash_bytes_extended(reinterpret_cast<const unsigned char*>(VARDATA_ANY(params)),
                             static_cast<int>(VARSIZE_ANY_EXHDR(params)), algorithm);
}

rec::ImageKey image_key(Oid models_table, const ModelRow& row) {
  return rec::ImageKey{MyDatabaseId, models_table, row.id, row.trained_at, rules_of(row)};
}

void remember(const ImageFiles& files, Oid models_table, const ModelRow& row, bool mapped, bool whole) {
  cache.models_table = models_table;
  cache.id = row.id;
  cache.trained_at = row.trained_at;
  cache.rules = files.key.rules;
  cache.mapped = mapped;
  cache.whole = whole;
  snprintf(cache.image_name, sizeof cache.image_name, "%s.img", files.prefix);
}

// Serves the model from its image file if a valid one exists.
bool serve_mapped(const ImageFiles& files, Oid models_table, const ModelRow& row) {
  FileIdentity identity;
  int held = -1;
  if (!map_image_file(files, &cache.recommender, &identity, &held)) return false;
  hold_file(&cache.held, held);
  cache.identity = identity;
  remember(files, models_table, row, true, true);
  return true;
}

// Gives the model its re-ranker (model_rerankers, SQL 1.7), when it has one.
void load_reranker(Loading* loading, int64 id) {
  const StoredReranker stored = read_model_reranker(id);
  if (!stored.found) return;
  check_stored(guard(
      [&] { loading->assembler.set_reranker(stored.fitted, stored.fitted_count, stored.facts, stored.fact_count); }));
}

// Builds the model's image from its rows: steam_rec.model_tags, model_games
// and model_rerankers.
void build_image(Loading* loading, const ImageFiles& files, const ModelRow& row) {
  int param_count = 0;
  RawParam* raw = read_params(DatumGetJsonbP(row.params), &param_count);
  load_tags(loading, row.id);
  load_games(loading, row.id);
  load_reranker(loading, row.id);
  Status built;
  check_stored(guard([&] {
    rec::TrainParams resolved = rec::restore_params(row.algorithm, to_param_values(raw, param_count));
    steam_rec::CancelCheck cancel = server_cancel_check();
    built =
        rec::build_model_image(loading->assembler.finish(resolved, cancel), files.key, loading->image.get(), cancel);
  }));
  check_stored(built);
}

// Serves the model from the image this backend built, kept in its memory
// (from the tables read `whole`, or from the rows a restricted caller saw).
void serve_from_memory(Loading* loading, const ImageFiles& files, Oid models_table, const ModelRow& row, bool whole) {
  Status opened;
  check(guard([&] {
          rec::ModelView view;
          opened = rec::open_model_image(loading->image->data(), loading->image->size(), &files.key, &view);
          if (opened.ok()) cache.recommender = std::make_shared<rec::Recommender>(loading->image, view);
        }),
        kLoading);
  check(opened, kLoading);
  hold_file(&cache.held, -1);
  remember(files, models_table, row, false, whole);
}

// Serves the model of `row`: maps its image file, or builds the file first
// (one backend at a time per model; the others wait and map what it wrote).
// When the file cannot be written the image this backend built is served
// from its own memory.  The file is shared by every backend of the server,
// so only a caller who sees the model tables whole serves from it or writes
// it (and not on Citus, whose tables are read through SQL); a caller under
// row-level security builds from the rows it sees and is served that from
// its own memory, for this call only.
void load(Oid models_table, const ModelRow& row) {
  const ImageFiles files(image_key(models_table, row));
  const bool whole = sees_whole_model();
  const bool shared = whole && !citus_installed();
  if (shared && serve_mapped(files, models_table, row)) return;
  const int lock = shared ? take_build_lock(files) : -1;
  if (shared && serve_mapped(files, models_table, row)) {
    release_build_lock(lock);
    return;
  }
  MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "steam_rec model load", ALLOCSET_DEFAULT_SIZES);
  auto* loading = new_in_context<Loading>(work);
  build_image(loading, files, row);
  const bool written = lock >= 0 && write_image_file(files, loading->image->data(), loading->image->size());
  release_build_lock(lock);
  if (!written || !serve_mapped(files, models_table, row)) serve_from_memory(loading, files, models_table, row, whole);
  MemoryContextDelete(work);
}

}  // namespace

namespace {

[[noreturn]] void no_active_model() {
  ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE), errmsg("no trained model is active"),
                  errhint("Train one first: SELECT steam_rec.train();")));
}

// Keeps the cached model alive until the current memory context goes away
// (the call ends, or its transaction aborts): the context owns a copy of the
// shared pointer.
rec::Recommender* pin_for_call() {
  auto* pin = new_in_context<std::shared_ptr<rec::Recommender>>(CurrentMemoryContext);
  *pin = cache.recommender;
  return pin->get();
}

// Whether the caller may be served the model this backend loaded, as a
// fresh backend would serve it: a model built whole, to a caller who sees
// the tables whole (checked at every call: a SET ROLE in a pooled
// connection, a REVOKE or a policy counts from the next call).  What a
// caller under row-level security sees may depend on anything a policy
// reads (its role's memberships and attributes, other tables, functions,
// settings, its snapshot), so a model built from its rows is built again at
// each call; a caller who may not read the tables at all is refused by SQL
// (42501) when it is.
bool loaded_for_caller() { return cache.whole && sees_whole_model(); }

// Whether this backend holds the model of `row` and, when it maps the model's
// image file, the file it mapped is not rewritten or truncated since: one
// fstat() of the file it holds open per call (a stat() of the path cost a
// path lookup each call).  A file deleted or replaced under its name is
// still intact for whoever maps it, so its backends keep serving from it (a
// backend whose snapshot still sees an older model would otherwise rebuild
// that model's image and remove the newer one, over and over); fresh
// backends rebuild it.
bool holds(Oid models_table, const ModelRow& row) {
  if (cache.recommender == nullptr || cache.models_table != models_table || cache.id != row.id ||
      cache.trained_at != row.trained_at || cache.rules != rules_of(row) || !loaded_for_caller())
    return false;
  return !cache.mapped || held_file_state(cache.held, cache.identity) != HeldFile::changed;
}

// Serves the model of `row` of the table `models_table`, loading it if this
// backend does not hold it yet.
ActiveModel serve(Oid models_table, const ModelRow& row) {
  if (!holds(models_table, row)) load(models_table, row);
  return ActiveModel{row.id, row.algorithm, pin_for_call()};
}

// Runs a saved lookup whose first four columns are the active model's id,
// trained_at, algorithm and params; its row is left in *tuple for further
// columns.
ModelRow look_up_active(SPIPlanPtr plan, const Datum* values, HeapTuple* tuple, TupleDesc* descriptor) {
  if (SPI_execute_plan(plan, const_cast<Datum*>(values), nullptr, true, 1) != SPI_OK_SELECT)
    elog(ERROR, "steam_rec: the active model lookup failed");
  if (SPI_processed == 0) no_active_model();
  *tuple = SPI_tuptable->vals[0];
  *descriptor = SPI_tuptable->tupdesc;
  for (const ModelColumn& column : kModelColumns)
    require_column_type("models", column.name, SPI_gettypeid(*descriptor, column.number), column.type);
  bool is_null = true;
  ModelRow row;
  row.id = DatumGetInt64(SPI_getbinval(*tuple, *descriptor, 1, &is_null));
  row.trained_at = DatumGetTimestampTz(SPI_getbinval(*tuple, *descriptor, 2, &is_null));
  row.algorithm = SPI_getvalue(*tuple, *descriptor, 3);
  row.params = SPI_getbinval(*tuple, *descriptor, 4, &is_null);
  return row;
}

// Opens the index that reads the player's games of `user_games`: the
// covering one (1.6), else the unique key, with the table.  An index that may
// lack rows is never read: one not valid (a failed CREATE INDEX
// CONCURRENTLY, or one being built), or one made under that name by hand that
// is partial or orders the rows otherwise (open_player_games_index()).  False,
// nothing left open: none.
bool open_games_index(Oid user_games, PlayerGamesIndex* opened) {
  for (const char* name : {"user_games_player_games", "user_games_user_steam_id_appid_key"}) {
    const Oid index = steam_rec_relation(name);
    if (OidIsValid(index) && open_player_games_index(user_games, index, opened)) return true;
  }
  close_player_games_index(opened);
  return false;
}

// The tables and indexes that serving reads without SQL when the caller may
// read them whole (direct_read.hpp); else every Oid is InvalidOid and nothing
// is open.  With the player's games, user_games and its index are left open
// for read_player_games(): close_games() closes them.
struct DirectReads {
  Oid models = InvalidOid, one_active = InvalidOid, user_games = InvalidOid;
  PlayerGamesIndex games;

  static DirectReads find(bool with_games) {
    DirectReads direct;
    direct.models = directly_readable("models");
    direct.one_active = steam_rec_relation("models_one_active");
    if (!OidIsValid(direct.models) || !OidIsValid(direct.one_active)) return DirectReads{};
    if (with_games) {
      direct.user_games = directly_readable("user_games");
      if (!OidIsValid(direct.user_games) || !open_games_index(direct.user_games, &direct.games)) return DirectReads{};
    }
    return direct;
  }
  bool usable() const { return OidIsValid(models); }
  void close_games() { close_player_games_index(&games); }
};

}  // namespace

ActiveModel active_model() {
  DirectReads direct = DirectReads::find(false);
  if (direct.usable()) {
    ModelRow row;
    if (!read_active_model(direct.models, direct.one_active, &row)) no_active_model();
    return serve(direct.models, row);
  }
  static SPIPlanPtr plan = nullptr;
  HeapTuple tuple = nullptr;
  TupleDesc descriptor = nullptr;
  return serve(
      steam_rec_relation("models"),
      look_up_active(
          saved_plan(&plan, "SELECT id, trained_at, algorithm, params FROM steam_rec.models WHERE active", 0, nullptr),
          nullptr, &tuple, &descriptor));
}

ActiveModel active_model_and_games(int64 steam_id, PlayerGames* games) {
  DirectReads direct = DirectReads::find(true);
  if (direct.usable()) {
    ModelRow row;
    if (!read_active_model(direct.models, direct.one_active, &row)) no_active_model();
    games->count = read_player_games(direct.games, steam_id, &games->appids, &games->engagement);
    direct.close_games();
    return serve(direct.models, row);
  }
  static SPIPlanPtr plan = nullptr;
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(steam_id)};
  // Through SQL (privileges and row-level security apply), one query for both.
  // The games in appid order, as the direct read gives them: the scores are
  // sums over the games in the order read, so another order (whatever the
  // plan gives) would change them in their last bits, and ties with them.
  // Each column is cast to the type it is read as (an owner may have retyped
  // one: the direct read leaves such a table to this path).
  HeapTuple tuple = nullptr;
  TupleDesc descriptor = nullptr;
  static const char* const query =
      "SELECT m.id, m.trained_at, m.algorithm, m.params, g.appids, g.engagement"
      "  FROM steam_rec.models AS m"
      "  LEFT JOIN LATERAL (SELECT pg_catalog.array_agg(ug.appid::pg_catalog.int4 ORDER BY ug.appid) AS appids,"
      "                            pg_catalog.array_agg(ug.engagement_score::pg_catalog.float4 ORDER BY ug.appid)"
      "                              AS engagement"
      "                       FROM steam_rec.user_games AS ug"
      "                      WHERE ug.user_steam_id OPERATOR(pg_catalog.=) %s) AS g ON true"
      " WHERE m.active";
  // Citus cannot plan this join of a reference and a distributed table with
  // the player as a parameter (a saved, generic plan): there the player goes
  // into the statement as a literal, planned for this call only, which Citus
  // routes to the player's shard.
  SPIPlanPtr lookup = nullptr;
  if (citus_installed()) {
    lookup = SPI_prepare(psprintf(query, psprintf(INT64_FORMAT, steam_id)), 0, nullptr);
    if (lookup == nullptr) elog(ERROR, "steam_rec: the active model lookup failed to plan");
  } else {
    lookup = plan != nullptr ? plan : saved_plan(&plan, psprintf(query, "$1"), 1, types);
  }
  ActiveModel active = serve(steam_rec_relation("models"), look_up_active(lookup, values, &tuple, &descriptor));
  bool no_games = true, is_null = true;
  Datum appids = SPI_getbinval(tuple, descriptor, 5, &no_games);
  games->count = 0;
  if (no_games) return active;
  Datum* appid_values = nullptr;
  Datum* score_values = nullptr;
  bool* score_nulls = nullptr;
  int scores = 0;
  deconstruct_array(DatumGetArrayTypeP(appids), INT4OID, sizeof(int32), true, TYPALIGN_INT, &appid_values, nullptr,
                    &games->count);
  deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(tuple, descriptor, 6, &is_null)), FLOAT4OID, sizeof(float4), true,
                    TYPALIGN_INT, &score_values, &score_nulls, &scores);
  games->appids = static_cast<int32*>(palloc(sizeof(int32) * games->count));
  games->engagement = static_cast<float*>(palloc(sizeof(float) * games->count));
  for (int i = 0; i < games->count; ++i) {
    if (i % 65536 == 0) CHECK_FOR_INTERRUPTS();
    games->appids[i] = DatumGetInt32(appid_values[i]);
    games->engagement[i] = score_nulls[i] ? 0.0f : DatumGetFloat4(score_values[i]);
  }
  return active;
}

ServedModel served_model() {
  ServedModel facts;
  const rec::Recommender* served = cache.recommender.get();
  if (served == nullptr) return facts;
  facts.serving = true;
  facts.mapped = cache.mapped;
  facts.restricted = !cache.whole;
  facts.key = rec::ImageKey{MyDatabaseId, cache.models_table, cache.id, cache.trained_at, cache.rules};
  facts.image_name = cache.image_name;
  const auto image = static_cast<int64>(served->image_bytes());
  facts.image_bytes = image;
  // The names file is read beside the image by every call, shared the same
  // way; names kept when no file could serve are this backend's own.
  facts.shared_bytes = (cache.mapped ? image : 0) + shared_names_bytes();
  facts.private_bytes = static_cast<int64>(served->scratch_bytes()) + (cache.mapped ? 0 : image) + kept_names_bytes();
  return facts;
}

}  // namespace steam_rec::pg
