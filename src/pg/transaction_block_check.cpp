// steam_rec._refuse_in_transaction_block(what text) RETURNS void
//
// Procedures that commit between their steps (maintain()) cannot run inside a
// transaction block: their first COMMIT would fail with the server's terse
// "invalid transaction termination", after work had begun.  SQL cannot ask
// whether it runs inside a block, so this asks the server and refuses up front
// with a message that says what to do.
#include "pg/entry.hpp"
#include "pg/message_value.hpp"
#include "pg/sql_contracts.hpp"

extern "C" {
#include "access/xact.h"
}

STEAM_REC_FUNCTION(steam_rec_refuse_in_transaction_block) {
  // Refuses, naming the caller, when the current command runs inside
  // BEGIN ... COMMIT, a multi-statement query or a subtransaction.
  const steam_rec::pg::Arguments arguments(fcinfo, steam_rec::pg::contracts::refuse_in_transaction_block);
  const char* what = arguments.is_null("what")
                         ? "this command"
                         : steam_rec::pg::value_for_message(text_to_cstring(arguments.get<text*>("what")));
  if (IsTransactionBlock() || IsSubTransaction())
    ereport(ERROR, (errcode(ERRCODE_ACTIVE_SQL_TRANSACTION), errmsg("%s cannot run inside a transaction block", what),
                    errdetail("It commits after each of its steps."),
                    errhint("Run it on its own, in autocommit mode (not after BEGIN, not in a "
                            "multi-statement query).")));
  PG_RETURN_VOID();
}
