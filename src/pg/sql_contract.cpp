#include "pg/sql_contract.hpp"

#include <cstring>

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "funcapi.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
}

namespace steam_rec::pg {
namespace {

// A contract resolved against one called function, kept in fn_extra.
struct Resolved {
  const FunctionContract* contract;
  Oid function;
  int16 positions[FLEXIBLE_ARRAY_MEMBER];
};

[[noreturn]] void refuse(Oid function, const FunctionContract& contract, const char* detail) {
  ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                  errmsg("function %s does not match the steam_rec library's declaration of steam_rec.%s",
                         format_procedure(function), contract.sql_name),
                  errdetail("%s", detail),
                  errhint("Run ALTER EXTENSION steam_rec UPDATE; a function of your own must declare the "
                          "arguments as the extension script does.")));
  pg_unreachable();
}

// Finds each declared argument's position in the called function's pg_proc
// row: by name, or, when the SQL names no argument (internal functions), by
// declared order.  Checks the types.
void resolve_positions(Oid function, const FunctionContract& contract, int16* positions) {
  HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
  if (!HeapTupleIsValid(tuple)) elog(ERROR, "steam_rec: cache lookup failed for function %u", function);
  auto* proc = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
  const int input_count = proc->pronargs;
  bool no_names = true;
  Datum names = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_proargnames, &no_names);
  bool no_modes = true;
  Datum modes = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_proargmodes, &no_modes);
  char** input_names = nullptr;
  const int named = no_names ? 0 : get_func_input_arg_names(names, no_modes ? (Datum)0 : modes, &input_names);
  bool any_name = false;
  for (int i = 0; i < named; ++i) any_name = any_name || (input_names[i] != nullptr && input_names[i][0] != '\0');

  for (int a = 0; a < contract.count; ++a) {
    const ArgumentDecl& declared = contract.arguments[a];
    int position = -1;
    if (any_name) {
      for (int i = 0; i < named && position < 0; ++i)
        if (input_names[i] != nullptr && strcmp(input_names[i], declared.name) == 0) position = i;
    } else if (a < input_count) {
      position = a;
    }
    if (position < 0) {
      if (declared.optional) {
        positions[a] = -1;
        continue;
      }
      ReleaseSysCache(tuple);
      refuse(function, contract,
             psprintf("It has no argument \"%s\" of type %s.", declared.name, format_type_be(declared.type)));
    }
    const Oid actual = proc->proargtypes.values[position];
    if (actual != declared.type) {
      ReleaseSysCache(tuple);
      refuse(function, contract,
             psprintf("Its argument \"%s\" is of type %s, the library reads %s.", declared.name, format_type_be(actual),
                      format_type_be(declared.type)));
    }
    positions[a] = static_cast<int16>(position);
  }
  ReleaseSysCache(tuple);
}

// The contract resolved for this call site, computed on its first call.
const Resolved* resolved_for(FunctionCallInfo fcinfo, const FunctionContract& contract) {
  FmgrInfo* flinfo = fcinfo->flinfo;
  const bool cacheable = flinfo != nullptr && OidIsValid(flinfo->fn_oid);
  if (cacheable && flinfo->fn_extra != nullptr) {
    const auto* cached = static_cast<const Resolved*>(flinfo->fn_extra);
    if (cached->contract == &contract && cached->function == flinfo->fn_oid) return cached;
  }
  MemoryContext context = cacheable ? flinfo->fn_mcxt : CurrentMemoryContext;
  auto* resolved = static_cast<Resolved*>(
      MemoryContextAllocZero(context, offsetof(Resolved, positions) + sizeof(int16) * (contract.count + 1)));
  resolved->contract = &contract;
  resolved->function = cacheable ? flinfo->fn_oid : InvalidOid;
  if (cacheable) {
    resolve_positions(flinfo->fn_oid, contract, resolved->positions);
    flinfo->fn_extra = resolved;
  } else {
    // Called without a pg_proc row (a direct call from C): by declared order.
    for (int a = 0; a < contract.count; ++a) resolved->positions[a] = static_cast<int16>(a);
  }
  return resolved;
}

}  // namespace

Arguments::Arguments(FunctionCallInfo fcinfo, const FunctionContract& contract)
    : fcinfo_(fcinfo), contract_(&contract), positions_(resolved_for(fcinfo, contract)->positions) {}

int Arguments::position_of(const char* name, Oid read_as) const {
  for (int a = 0; a < contract_->count; ++a) {
    const ArgumentDecl& declared = contract_->arguments[a];
    if (strcmp(declared.name, name) != 0) continue;
    if (read_as != InvalidOid && read_as != declared.type)
      elog(ERROR, "steam_rec: %s reads argument \"%s\" as type %u, its contract declares %u", contract_->sql_name, name,
           read_as, declared.type);
    return positions_[a];
  }
  elog(ERROR, "steam_rec: %s reads argument \"%s\", which its contract does not declare", contract_->sql_name, name);
  return -1;
}

bool Arguments::is_null(const char* name) const {
  const int position = position_of(name, InvalidOid);
  return position < 0 || position >= fcinfo_->nargs || fcinfo_->args[position].isnull;
}

void Arguments::require(const char* name) const {
  if (is_null(name)) ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be NULL", name)));
}

namespace {

Datum value_at(FunctionCallInfo fcinfo, int position, const char* name) {
  if (position < 0 || position >= fcinfo->nargs || fcinfo->args[position].isnull)
    elog(ERROR, "steam_rec: argument \"%s\" read while NULL", name);
  return fcinfo->args[position].value;
}

}  // namespace

template <>
int32 Arguments::get<int32>(const char* name) const {
  return DatumGetInt32(value_at(fcinfo_, position_of(name, INT4OID), name));
}
template <>
int64 Arguments::get<int64>(const char* name) const {
  return DatumGetInt64(value_at(fcinfo_, position_of(name, INT8OID), name));
}
template <>
float4 Arguments::get<float4>(const char* name) const {
  return DatumGetFloat4(value_at(fcinfo_, position_of(name, FLOAT4OID), name));
}
template <>
float8 Arguments::get<float8>(const char* name) const {
  return DatumGetFloat8(value_at(fcinfo_, position_of(name, FLOAT8OID), name));
}
template <>
bool Arguments::get<bool>(const char* name) const {
  return DatumGetBool(value_at(fcinfo_, position_of(name, BOOLOID), name));
}
template <>
text* Arguments::get<text*>(const char* name) const {
  return DatumGetTextPP(value_at(fcinfo_, position_of(name, TEXTOID), name));
}
template <>
Jsonb* Arguments::get<Jsonb*>(const char* name) const {
  return DatumGetJsonbP(value_at(fcinfo_, position_of(name, JSONBOID), name));
}
// Arrays of any element type: the declaration says which.
template <>
ArrayType* Arguments::get<ArrayType*>(const char* name) const {
  return DatumGetArrayTypeP(value_at(fcinfo_, position_of(name, InvalidOid), name));
}

TimestampTz Arguments::timestamptz(const char* name) const {
  return DatumGetTimestampTz(value_at(fcinfo_, position_of(name, TIMESTAMPTZOID), name));
}

bytea* Arguments::bytes(const char* name) const {
  return DatumGetByteaPP(value_at(fcinfo_, position_of(name, BYTEAOID), name));
}

}  // namespace steam_rec::pg
