#include "pg/spi.hpp"

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

uint64 spi_run(const char* sql, int count, const Oid* types, const Datum* values, int expected, bool read_only) {
  int result =
      SPI_execute_with_args(sql, count, const_cast<Oid*>(types), const_cast<Datum*>(values), nullptr, read_only, 0);
  if (result != expected) elog(ERROR, "steam_rec: internal query failed (%s): %s", SPI_result_code_string(result), sql);
  return SPI_processed;
}

namespace {

// One array Datum of `count` values, each turned into a Datum by `to_datum`.
template <typename T, typename ToDatum>
Datum build_array(const T* values, int64 count, Oid type, int16 width, bool by_value, char align, ToDatum to_datum) {
  Datum* datums = static_cast<Datum*>(palloc(sizeof(Datum) * (count > 0 ? count : 1)));
  for (int64 i = 0; i < count; ++i) datums[i] = to_datum(values[i]);
  Datum array = PointerGetDatum(construct_array(datums, static_cast<int>(count), type, width, by_value, align));
  pfree(datums);
  return array;
}

}  // namespace

Datum int4_array(const int32* values, int count) {
  return build_array(values, count, INT4OID, sizeof(int32), true, TYPALIGN_INT,
                     [](int32 v) { return Int32GetDatum(v); });
}

Datum int8_array(const int64* values, int count) {
  return build_array(values, count, INT8OID, sizeof(int64), true, TYPALIGN_DOUBLE,
                     [](int64 v) { return Int64GetDatum(v); });
}

Datum float4_array(const float* values, int64 count) {
  return build_array(values, count, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT,
                     [](float v) { return Float4GetDatum(v); });
}

Datum float8_array(const double* values, int count) {
  return build_array(values, count, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
                     [](double v) { return Float8GetDatum(v); });
}

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
