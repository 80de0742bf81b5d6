// Named SQL contracts: how an entry point reads its arguments.
//
// Each SQL-callable C function has ONE declaration of the arguments it reads
// (name and type, in the order of its SQL signature), kept in
// sql_contracts.cpp.  A body reads arguments by name through Arguments, never
// by position: the position of a name is looked up in the pg_proc row of the
// function actually called, once per call site (cached in fn_extra), because
// one library serves every SQL version and a signature may differ between
// them.  A declared argument that the called function lacks, or declares with
// another type, is refused with a clear error instead of being misread.
// test/integration/sql_contracts_match_catalog_test.sh compares every
// declaration with pg_proc for every installed version.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/jsonb.h"
}

namespace steam_rec::pg {

// One argument an entry point reads.  An optional argument may be missing
// from an older SQL declaration; it then reads as NULL.
struct ArgumentDecl {
  const char* name;
  Oid type;
  bool optional = false;
};

// The SQL side of one C entry point: its symbol, its name in schema
// steam_rec and the input arguments it reads, in SQL order.
struct FunctionContract {
  const char* symbol;
  const char* sql_name;
  const ArgumentDecl* arguments;
  int count;
};

// Every contract of the library (sql_contracts.cpp), for the catalog test.
const FunctionContract* const* all_contracts(int* count);

// The arguments of one call, read by name.  Trivially destructible, so an
// ereport() may jump over it.
class Arguments {
 public:
  // Resolves `contract` against the called function's pg_proc row (cached
  // for the call site); raises 42P13 when the declarations disagree.
  Arguments(FunctionCallInfo fcinfo, const FunctionContract& contract);

  // True when the argument is NULL or the called SQL does not declare it.
  bool is_null(const char* name) const;
  // Raises 22004 naming the argument when it is NULL.
  void require(const char* name) const;
  // The argument's value; call only when it is not NULL.  T must match the
  // declared type (int32, int64, float4, float8, bool, text*, ArrayType*,
  // Jsonb*, or TimestampTz via timestamptz()).
  template <typename T>
  T get(const char* name) const;
  TimestampTz timestamptz(const char* name) const;
  // A bytea argument (text* and bytea* are one C type, so not through get<>).
  bytea* bytes(const char* name) const;

 private:
  int position_of(const char* name, Oid read_as) const;

  FunctionCallInfo fcinfo_;
  const FunctionContract* contract_;
  const int16* positions_;  // per declared argument: its position, or -1 when missing
};

}  // namespace steam_rec::pg
