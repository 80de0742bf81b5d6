#include "pg/catalog_read_mark.hpp"

extern "C" {
#include "access/transam.h"
#include "access/xact.h"
}

namespace steam_rec::pg {

namespace {

bool has_xid() { return TransactionIdIsValid(GetTopTransactionIdIfAny()); }

}  // namespace

CatalogReadMark mark_catalog_read() {
  CatalogReadMark mark;
  // Read before the catalog is: a transaction ending after this load moves
  // the count, and the next test reads again.
  mark.ended_transactions = ShmemVariableCache->xactCompletionCount;
  mark.committed_state = !has_xid();
  return mark;
}

bool no_transaction_ended_since(const CatalogReadMark& mark) {
  return mark.ended_transactions == ShmemVariableCache->xactCompletionCount;
}

bool catalog_unchanged_since(const CatalogReadMark& mark) {
  return mark.committed_state && !has_xid() && no_transaction_ended_since(mark);
}

}  // namespace steam_rec::pg
