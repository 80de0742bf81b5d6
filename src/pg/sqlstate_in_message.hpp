// A worker's SQLSTATE carried in its message.  run_command_on_workers()
// hands the coordinator only the first line of a worker's error, without its
// SQLSTATE; the worker functions of train() from partial sums end that line
// with "(SQLSTATE xxxxx)" so the coordinator can raise the worker's own code.
#pragma once

#include "pg/postgres.hpp"

namespace steam_rec::pg {

// Runs body(fcinfo) and returns its result; an error it raises is raised
// again, unchanged but for " (SQLSTATE xxxxx)" at the end of its message.
// `body` must leave no C++ object alive on an error (as any function body).
Datum with_sqlstate_in_message(Datum (*body)(FunctionCallInfo), FunctionCallInfo fcinfo);

// The SQLSTATE a message from with_sqlstate_in_message() ends with, or 0;
// *length is set to the length of the message before it.
int sqlstate_at_end(const char* message, size_t* length);

}  // namespace steam_rec::pg
