// steam_rec_contracts(): every argument the library's entry points read, one
// row per argument (or one row with NULL name for a function without any).
// No extension script declares it: the catalog test declares it itself, to
// compare the library's contracts with pg_proc of every installed version.
#include "pg/entry.hpp"
#include "pg/sql_contract.hpp"

extern "C" {
#include "funcapi.h"
}

STEAM_REC_FUNCTION_CHECKED(steam_rec_contracts, steam_rec::pg::VersionCheck::skipped) {
  // Returns (symbol text, sql_name text, ordinal int, name text, type regtype, optional bool).
  InitMaterializedSRF(fcinfo, 0);
  auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  int count = 0;
  const steam_rec::pg::FunctionContract* const* every = steam_rec::pg::all_contracts(&count);
  for (int c = 0; c < count; ++c) {
    const steam_rec::pg::FunctionContract& contract = *every[c];
    for (int a = 0; a < (contract.count > 0 ? contract.count : 1); ++a) {
      const bool none = contract.count == 0;
      Datum values[6] = {CStringGetTextDatum(contract.symbol),
                         CStringGetTextDatum(contract.sql_name),
                         Int32GetDatum(a + 1),
                         none ? (Datum)0 : CStringGetTextDatum(contract.arguments[a].name),
                         none ? (Datum)0 : ObjectIdGetDatum(contract.arguments[a].type),
                         BoolGetDatum(!none && contract.arguments[a].optional)};
      bool nulls[6] = {false, false, none, none, none, false};
      tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
    }
  }
  return (Datum)0;
}
