#include "pg/model_cache.hpp"

#include <memory>

#include "core/guard.hpp"
#include "core/model_assembler.hpp"
#include "pg/core_object.hpp"
#include "pg/entry.hpp"
#include "pg/spi.hpp"
#include "pg/train_params_json.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
}

namespace steam_rec::pg {

// The model this backend serves from; one per backend, replaced when another
// model becomes active.
struct CachedModel {
  int64 id = 0;
  TimestampTz trained_at = 0;
  rec::Recommender* recommender = nullptr;
};
CachedModel cache;

namespace {

// A model being loaded: owned by a memory context until it is complete.
struct Loading {
  rec::ModelAssembler assembler;
  std::unique_ptr<rec::Recommender> recommender;
};

void check(const Status& status) {
  if (!status.ok()) raise_core_failure(status, "loading the active model");
}

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

void load_tags(Loading* loading, int64 id) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(id)};
  uint64 rows = spi_run("SELECT tag_name FROM steam_rec.model_tags WHERE model_id OPERATOR(pg_catalog.=) $1"
                        " ORDER BY tag",
                        1, types, values, SPI_OK_SELECT, true);
  for (uint64 r = 0; r < rows; ++r) {
    const char* name = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
    check(guard([&] { loading->assembler.add_tag(name); }));
  }
}

void load_games(Loading* loading, int64 id) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(id)};
  uint64 rows = spi_run("SELECT appid, popularity, neighbors, weights, factors, tags, tag_weights"
                        "  FROM steam_rec.model_games WHERE model_id OPERATOR(pg_catalog.=) $1 ORDER BY appid",
                        1, types, values, SPI_OK_SELECT, true);
  for (uint64 r = 0; r < rows; ++r) {
    HeapTuple tuple = SPI_tuptable->vals[r];
    TupleDesc descriptor = SPI_tuptable->tupdesc;
    bool is_null = true;
    const int32 appid = DatumGetInt32(SPI_getbinval(tuple, descriptor, 1, &is_null));
    const float popularity = DatumGetFloat4(SPI_getbinval(tuple, descriptor, 2, &is_null));
    int32 neighbours = 0, weights = 0, factors = 0, tags = 0, tag_weights = 0;
    const int32* neighbour_appids = array_elements<int32>(tuple, descriptor, 3, INT4OID, &neighbours);
    const float* weight_values = array_elements<float>(tuple, descriptor, 4, FLOAT4OID, &weights);
    const float* factor_values = array_elements<float>(tuple, descriptor, 5, FLOAT4OID, &factors);
    const int32* tag_numbers = array_elements<int32>(tuple, descriptor, 6, INT4OID, &tags);
    const float* tag_values = array_elements<float>(tuple, descriptor, 7, FLOAT4OID, &tag_weights);
    if (neighbours != weights || tags != tag_weights)
      ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("steam_rec.model_games row of game %d is malformed", appid)));
    check(guard([&] {
      loading->assembler.add_game(appid, popularity, neighbour_appids, weight_values, neighbours, factor_values,
                                  factors, tag_numbers, tag_values, tags);
    }));
  }
}

void load(int64 id, TimestampTz trained_at, const char* algorithm, Jsonb* params) {
  int param_count = 0;
  RawParam* raw = read_params(params, &param_count);
  MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "steam_rec model load", ALLOCSET_DEFAULT_SIZES);
  auto* loading = new_in_context<Loading>(work);
  load_tags(loading, id);
  load_games(loading, id);
  check(guard([&] {
    rec::TrainParams resolved = rec::resolve_params(algorithm, to_param_values(raw, param_count));
    loading->recommender = std::make_unique<rec::Recommender>(loading->assembler.finish(resolved));
    delete cache.recommender;
    cache.recommender = loading->recommender.release();
  }));
  cache.id = id;
  cache.trained_at = trained_at;
  MemoryContextDelete(work);
}

}  // namespace

ActiveModel active_model() {
  static SPIPlanPtr plan = nullptr;
  if (plan == nullptr) {
    SPIPlanPtr prepared = SPI_prepare("SELECT id, trained_at, algorithm, params FROM steam_rec.models WHERE active",
                                      0, nullptr);
    if (prepared == nullptr || SPI_keepplan(prepared) != 0) elog(ERROR, "steam_rec: cannot prepare the model lookup");
    plan = prepared;
  }
  if (SPI_execute_plan(plan, nullptr, nullptr, true, 1) != SPI_OK_SELECT)
    elog(ERROR, "steam_rec: the active model lookup failed");
  if (SPI_processed == 0)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE), errmsg("no trained model is active"),
                    errhint("Train one first: SELECT steam_rec.train();")));
  HeapTuple tuple = SPI_tuptable->vals[0];
  TupleDesc descriptor = SPI_tuptable->tupdesc;
  bool is_null = true;
  ActiveModel active;
  active.id = DatumGetInt64(SPI_getbinval(tuple, descriptor, 1, &is_null));
  const TimestampTz trained_at = DatumGetTimestampTz(SPI_getbinval(tuple, descriptor, 2, &is_null));
  active.algorithm = SPI_getvalue(tuple, descriptor, 3);
  if (cache.recommender == nullptr || cache.id != active.id || cache.trained_at != trained_at) {
    Jsonb* params = DatumGetJsonbP(SPI_getbinval(tuple, descriptor, 4, &is_null));
    load(active.id, trained_at, active.algorithm, params);
  }
  active.recommender = cache.recommender;
  return active;
}

}  // namespace steam_rec::pg

// steam_rec.model_cache_bytes() RETURNS bigint: what this backend holds for
// the model it serves from (0 before its first recommend()).
STEAM_REC_FUNCTION(steam_rec_model_cache_bytes) {
  using steam_rec::pg::cache;
  PG_RETURN_INT64(cache.recommender == nullptr ? 0 : static_cast<int64>(cache.recommender->memory_bytes()));
}
