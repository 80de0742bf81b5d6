#include "pg/spi.hpp"

#include <cstring>

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
}

namespace steam_rec::pg {

SpiSession::SpiSession() {
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "steam_rec: SPI_connect failed");
  connected_ = true;
}

void SpiSession::finish() noexcept {
  if (!connected_) return;
  connected_ = false;
  SPI_finish();  // reports failure by its result, never by ereport
}

uint64 spi_run(const char* sql, int count, const Oid* types, const Datum* values, int expected, bool read_only,
               const char* nulls) {
  int result =
      SPI_execute_with_args(sql, count, const_cast<Oid*>(types), const_cast<Datum*>(values), nulls, read_only, 0);
  if (result != expected) elog(ERROR, "steam_rec: internal query failed (%s): %s", SPI_result_code_string(result), sql);
  return SPI_processed;
}

namespace {

// One array Datum of `count` values of a fixed-width type without nulls,
// laid out as construct_array() lays them out (the same bytes), by copying
// them in one piece: construct_array() turns every value into a Datum and
// copies each back, which was most of writing a model's short arrays.
template <typename T>
Datum flat_array(const T* values, int64 count, Oid type) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8, "a fixed-width element type");
  if (count <= 0) return PointerGetDatum(construct_empty_array(type));
  if (count > static_cast<int64>(MaxArraySize))
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("array size exceeds the maximum allowed (%d)", static_cast<int>(MaxArraySize))));
  const Size header = ARR_OVERHEAD_NONULLS(1);
  const Size bytes = header + sizeof(T) * static_cast<Size>(count);
  auto* array = static_cast<ArrayType*>(palloc(bytes));
  memset(array, 0, header);
  SET_VARSIZE(array, bytes);
  array->ndim = 1;
  array->dataoffset = 0;  // no null bitmap
  array->elemtype = type;
  ARR_DIMS(array)[0] = static_cast<int>(count);
  ARR_LBOUND(array)[0] = 1;
  memcpy(ARR_DATA_PTR(array), values, sizeof(T) * static_cast<Size>(count));
  return PointerGetDatum(array);
}

}  // namespace

Datum int4_array(const int32* values, int count) { return flat_array(values, count, INT4OID); }

Datum int8_array(const int64* values, int count) { return flat_array(values, count, INT8OID); }

Datum float4_array(const float* values, int64 count) { return flat_array(values, count, FLOAT4OID); }

Datum float8_array(const double* values, int count) { return flat_array(values, count, FLOAT8OID); }

}  // namespace steam_rec::pg

namespace steam_rec::pg {

SPIPlanPtr saved_plan(SPIPlanPtr* slot, const char* sql, int count, const Oid* types) {
  if (*slot == nullptr) {
    // Always the generic plan: these queries are simple, and a custom plan
    // would be planned again on every call.
    SPIPlanPtr plan = SPI_prepare_cursor(sql, count, const_cast<Oid*>(types), CURSOR_OPT_GENERIC_PLAN);
    if (plan == nullptr) elog(ERROR, "steam_rec: cannot prepare %s: %s", sql, SPI_result_code_string(SPI_result));
    if (SPI_keepplan(plan) != 0) elog(ERROR, "steam_rec: cannot keep the plan of %s", sql);
    *slot = plan;
  }
  return *slot;
}

uint64 run_saved(SPIPlanPtr plan, const Datum* values) {
  int result = SPI_execute_plan(plan, const_cast<Datum*>(values), nullptr, true, 0);
  if (result != SPI_OK_SELECT) elog(ERROR, "steam_rec: internal query failed (%s)", SPI_result_code_string(result));
  return SPI_processed;
}

}  // namespace steam_rec::pg
