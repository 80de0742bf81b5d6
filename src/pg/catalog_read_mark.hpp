// Whether an earlier read of a catalog (pg_extension) can stand for a new
// one, in a later transaction too.
//
// Such a catalog is read under a catalog snapshot taken for that read (the
// reader drops the transaction's catalog snapshot first: pg_extension has a
// syscache, so a scan of it may otherwise reuse an older one), so it sees
// every transaction that had ended when the read began.  A transaction
// that has no xid has changed nothing, so what it read is the committed
// state; that state changes only when a transaction with an xid ends, which
// moves the server's count of ended transactions (the same test lets the
// server reuse a snapshot, on a primary and on a hot standby alike).
#pragma once

#include "pg/postgres.hpp"

namespace steam_rec::pg {

struct CatalogReadMark {
  uint64 ended_transactions = 0;
  bool committed_state = false;  // taken by a transaction without an xid
};

// Taken just before the read it marks (read_installed_extensions() does).
CatalogReadMark mark_catalog_read();

// Whether a read marked by `mark` would find the same rows now: it read the
// committed state, no transaction with an xid has ended since, and the
// current transaction has none either (its own changes would not be seen by
// others' count).
bool catalog_unchanged_since(const CatalogReadMark& mark);

// Whether no transaction with an xid has ended server-wide since `mark` was
// taken: the part of catalog_unchanged_since() that holds for a caller with
// an xid too, as long as it has made no change since the read (the version
// check's reuse within one command).
bool no_transaction_ended_since(const CatalogReadMark& mark);

}  // namespace steam_rec::pg
