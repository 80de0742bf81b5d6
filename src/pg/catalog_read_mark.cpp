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

bool catalog_unchanged_since(const CatalogReadMark& mark) {
  return mark.committed_state && !has_xid() && mark.ended_transactions == ShmemVariableCache->xactCompletionCount;
}

}  // namespace steam_rec::pg
