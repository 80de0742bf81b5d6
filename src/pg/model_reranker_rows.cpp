#include "pg/model_reranker_rows.hpp"

#include <algorithm>

#include "core/guard.hpp"
#include "pg/core_object.hpp"
#include "pg/direct_read.hpp"
#include "pg/entry.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

namespace steam_rec::pg {
namespace {

Oid rerankers_table() { return steam_rec_relation("model_rerankers"); }

Oid owner_of(Oid relation) {
  HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relation));
  if (!HeapTupleIsValid(tuple)) elog(ERROR, "steam_rec: cache lookup failed for relation %u", relation);
  const Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
  ReleaseSysCache(tuple);
  return owner;
}

// Runs one SPI statement as the owner of model_rerankers, as a foreign key's
// cascade runs as its table's owner: whatever the statement runs (a trigger,
// a rule or a policy of the owner's) cannot change the caller's session,
// and it sees the search path of a SECURITY DEFINER function of ours, not
// the caller's.  The caller's user and path come back whatever happens, also
// to code that catches the error.
uint64 run_as_owner(const char* sql, int count, const Oid* types, const Datum* values, int expected) {
  Oid caller = InvalidOid;
  int context = 0;
  GetUserIdAndSecContext(&caller, &context);
  const int path_level = NewGUCNestLevel();
  set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
  SetUserIdAndSecContext(owner_of(rerankers_table()),
                         context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
  volatile uint64 rows = 0;
  PG_TRY();
  { rows = spi_run(sql, count, types, values, expected, expected == SPI_OK_SELECT); }
  PG_FINALLY();
  {
    SetUserIdAndSecContext(caller, context);
    AtEOXact_GUC(true, path_level);
  }
  PG_END_TRY();
  return rows;
}

[[noreturn]] void malformed_row(int64 id, const char* what) {
  ereport(ERROR,
          (errcode(ERRCODE_DATA_CORRUPTED),
           errmsg("steam_rec.model_rerankers row of model %lld is malformed: %s", static_cast<long long>(id), what),
           errhint("Train a new model: SELECT steam_rec.train();")));
}

// The elements of a one-dimensional real[] without NULLs.
const float* reals(Datum value, int64 id, int32* count) {
  ArrayType* array = DatumGetArrayTypeP(value);
  if (ARR_ELEMTYPE(array) != FLOAT4OID || ARR_HASNULL(array) || ARR_NDIM(array) > 1)
    malformed_row(id, "an array is not one-dimensional real[] without NULLs");
  *count = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
  return reinterpret_cast<const float*>(ARR_DATA_PTR(array));
}

}  // namespace

bool model_rerankers_stored() { return OidIsValid(rerankers_table()); }

bool model_rerankers_in_snapshot() {
  const Oid table = rerankers_table();
  if (!OidIsValid(table)) return true;
  HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(table));
  if (!HeapTupleIsValid(tuple)) return false;
  // The catalog shows only committed rows (or this transaction's): the row
  // is the snapshot's unless its transaction was still running for it.
  const TransactionId xmin = HeapTupleHeaderGetXmin(tuple->t_data);
  ReleaseSysCache(tuple);
  if (!TransactionIdIsNormal(xmin) || TransactionIdIsCurrentTransactionId(xmin)) return true;
  return !XidInMVCCSnapshot(xmin, ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot());
}

void refuse_unstorable_rerank(int32 rerank_candidates, const char* caller) {
  if (rerank_candidates <= 0) return;
  if (!model_rerankers_stored())
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s: rerank_candidates %d needs steam_rec 1.7, which stores the re-ranker", caller,
                           rerank_candidates),
                    errdetail("The SQL installed in this database has no steam_rec.model_rerankers."),
                    errhint("ALTER EXTENSION steam_rec UPDATE; or pass rerank_candidates 0 (evaluate() measures "
                            "the re-ranker at any version).")));
  if (citus_installed())
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("%s: rerank_candidates %d: a Citus cluster does not store the re-ranker", caller,
                           rerank_candidates),
                    errdetail("steam_rec.model_rerankers is not one of the reference tables distribute() makes."),
                    errhint("Pass rerank_candidates 0.")));
}

void store_model_reranker(int64 id, const rec::GameModel& model) {
  if (!model.reranks()) return;
  const Oid games_table = steam_rec_relation("model_games");
  if (pg_class_aclcheck(games_table, GetUserId(), ACL_INSERT) != ACLCHECK_OK)
    aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, "model_games");
  float* fitted = nullptr;
  int fitted_count = 0;
  check(guard([&] {
          const std::vector<float> numbers = model.reranker.stored();
          fitted_count = static_cast<int>(numbers.size());
          fitted = static_cast<float*>(palloc(sizeof(float) * numbers.size()));
          std::copy(numbers.begin(), numbers.end(), fitted);
        }),
        "train");
  Oid types[3] = {INT8OID, FLOAT4ARRAYOID, FLOAT4ARRAYOID};
  Datum values[3] = {Int64GetDatum(id), float4_array(fitted, fitted_count),
                     float4_array(model.rerank_facts.data(), static_cast<int64>(model.rerank_facts.size()))};
  run_as_owner("INSERT INTO steam_rec.model_rerankers (model_id, fitted, game_facts) VALUES ($1, $2, $3)", 3, types,
               values, SPI_OK_INSERT);
}

StoredReranker read_model_reranker(int64 id) {
  StoredReranker stored;
  // On a cluster the table is each node's own, not a reference table: a row
  // kept from before distribute() would be served by one node and not by the
  // others, so none serves it.
  if (!model_rerankers_stored() || citus_installed()) return stored;
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(id)};
  const uint64 rows =
      run_as_owner("SELECT fitted, game_facts FROM steam_rec.model_rerankers WHERE model_id OPERATOR(pg_catalog.=) $1",
                   1, types, values, SPI_OK_SELECT);
  if (rows == 0) return stored;
  HeapTuple tuple = SPI_tuptable->vals[0];
  TupleDesc descriptor = SPI_tuptable->tupdesc;
  if (SPI_gettypeid(descriptor, 1) != FLOAT4ARRAYOID || SPI_gettypeid(descriptor, 2) != FLOAT4ARRAYOID)
    malformed_row(id, "its columns are not real[]");
  bool fitted_null = true, facts_null = true;
  const Datum fitted = SPI_getbinval(tuple, descriptor, 1, &fitted_null);
  const Datum facts = SPI_getbinval(tuple, descriptor, 2, &facts_null);
  if (fitted_null || facts_null) malformed_row(id, "a column is NULL");
  stored.found = true;
  stored.fitted = reals(fitted, id, &stored.fitted_count);
  stored.facts = reals(facts, id, &stored.fact_count);
  return stored;
}

}  // namespace steam_rec::pg
