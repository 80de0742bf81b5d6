// steam_rec.boundary_selftest(fault text): fails on purpose in the requested
// way, to prove that each kind of failure becomes a clean SQL error and never
// a crashed backend.  Faults named glue_* happen in this file, with C++
// objects alive; the others happen in the core (core/fault_injection.hpp).
#include <cstring>
#include <string>
#include <vector>

#include "core/fault_injection.hpp"
#include "pg/entry.hpp"
#include "pg/message_value.hpp"
#include "pg/sql_contracts.hpp"

namespace {

// A PostgreSQL error raised while a std::vector is alive: pg_guard() must
// carry it out as a C++ exception so the vector is freed, then re-raise it.
double raise_server_error_over_cpp_object() {
  std::vector<double> alive(1000, 1.0);
  steam_rec::pg::pg_guard([] {
    ereport(ERROR,
            (errcode(ERRCODE_DIVISION_BY_ZERO), errmsg("selftest: a server error raised over a live C++ object")));
  });
  return alive[0];
}

double throw_sql_error() {
  std::string detail = "raised as steam_rec::pg::SqlError from C++";
  throw steam_rec::pg::SqlError{ERRCODE_INVALID_PARAMETER_VALUE, "selftest: a SQL error thrown from C++", detail,
                                "This fault is raised on purpose."};
}

}  // namespace

STEAM_REC_FUNCTION(steam_rec_boundary_selftest) {
  const steam_rec::pg::Arguments arguments(fcinfo, steam_rec::pg::contracts::boundary_selftest);
  arguments.require("fault");
  const char* fault_name = text_to_cstring(arguments.get<text*>("fault"));
  if (std::strcmp(fault_name, "glue_pg_error") == 0) PG_RETURN_FLOAT8(raise_server_error_over_cpp_object());
  if (std::strcmp(fault_name, "glue_sql_error") == 0) PG_RETURN_FLOAT8(throw_sql_error());

  steam_rec::SelftestFault fault;
  if (!steam_rec::parse_selftest_fault(fault_name, &fault))
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
             errmsg("unknown selftest fault \"%s\"", steam_rec::pg::value_for_message(fault_name)),
             errhint("Valid faults are: glue_pg_error, glue_sql_error, %s.", steam_rec::selftest_fault_names())));

  steam_rec::CancelCheck cancel = steam_rec::pg::server_cancel_check();
  double checksum = 0.0;
  steam_rec::Status status = steam_rec::run_selftest(fault, cancel, &checksum);
  if (!status.ok()) steam_rec::pg::raise_core_failure(status, "boundary_selftest");
  PG_RETURN_FLOAT8(checksum);
}
