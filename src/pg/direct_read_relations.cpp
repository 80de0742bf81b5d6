// steam_rec_relation(): the OIDs of steam_rec's tables and indexes, kept per
// backend between calls.
//
// A recommend() call looks up six relations by name; each lookup searches the
// schema and the relation by name in the system caches and checks the schema
// privilege.  The OID a name resolved to is kept here and forgotten when the
// relation is changed in any way (dropped, renamed, moved to another schema:
// a relcache invalidation of its OID) or when a schema is (renamed or
// dropped: a pg_namespace invalidation), so a kept OID always names what the
// lookup would find.  Missing relations are not kept: they are looked up
// again every time.
#include "pg/direct_read.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace steam_rec::pg {
namespace {

// A name looked up, the OID it resolved to and the schema it lies in.
struct KeptRelation {
  char name[NAMEDATALEN];
  Oid relation;
  Oid schema;
};

// Serving looks up fewer names than this; others are looked up every time.
constexpr int kMaxKept = 24;
KeptRelation kept[kMaxKept];
int kept_count = 0;
bool callbacks_registered = false;

// Forgets the kept OID of `relation`, or every kept OID when it is
// InvalidOid (the backend missed invalidations and must assume any change).
void forget_relation(Datum, Oid relation) {
  for (int i = 0; i < kept_count; ++i)
    if (relation == InvalidOid || kept[i].relation == relation) kept[i].relation = InvalidOid;
}

// Forgets every kept OID when any schema changes: a rename or drop of
// steam_rec changes what every name resolves to without touching pg_class.
void forget_all(Datum, int, uint32) { forget_relation(0, InvalidOid); }

// The entry kept for `name`, or nullptr.
KeptRelation* find_kept(const char* name) {
  for (int i = 0; i < kept_count; ++i)
    if (strncmp(kept[i].name, name, NAMEDATALEN) == 0) return &kept[i];
  return nullptr;
}

// Remembers what `name` resolved to (the lock is already held).
void keep(const char* name, Oid relation) {
  if (!callbacks_registered) {
    CacheRegisterRelcacheCallback(forget_relation, 0);
    CacheRegisterSyscacheCallback(NAMESPACEOID, forget_all, 0);
    callbacks_registered = true;
  }
  KeptRelation* entry = find_kept(name);
  if (entry == nullptr) {
    if (kept_count == kMaxKept) return;
    entry = &kept[kept_count++];
    strlcpy(entry->name, name, sizeof(entry->name));
  }
  entry->relation = relation;
  entry->schema = get_rel_namespace(relation);
}

// The kept OID of `name`, locked for reading, if it still names the relation:
// the lock processes the invalidations committed before it was granted, so a
// relation dropped or renamed meanwhile is forgotten by then.  Else
// InvalidOid, holding no new lock, and the caller looks the name up, which
// also reports a missing schema privilege.
Oid kept_relation(const char* name) {
  KeptRelation* entry = find_kept(name);
  if (entry == nullptr || !OidIsValid(entry->relation)) return InvalidOid;
  const Oid relation = entry->relation;
  LockRelationOid(relation, AccessShareLock);
  // Checked once the lock is held: the schema then still exists.  It is the
  // privilege the name lookup checks, for the current user.
  if (entry->relation == relation && pg_namespace_aclcheck(entry->schema, GetUserId(), ACL_USAGE) == ACLCHECK_OK)
    return relation;
  UnlockRelationOid(relation, AccessShareLock);
  return InvalidOid;
}

}  // namespace

// Resolves the name and locks what it found in one step: a relation dropped
// by a transaction that commits while we wait for the lock is looked up again
// and reported missing, never opened by a stale OID.  The lock is the one
// reading takes, held to the end of the transaction.
Oid steam_rec_relation(const char* name) {
  const Oid known = kept_relation(name);
  if (OidIsValid(known)) return known;
  RangeVar* relation = makeRangeVar(const_cast<char*>("steam_rec"), const_cast<char*>(name), -1);
  const Oid found = RangeVarGetRelidExtended(relation, AccessShareLock, RVR_MISSING_OK, nullptr, nullptr);
  if (OidIsValid(found)) keep(name, found);
  return found;
}

int64 estimated_rows(const char* name) {
  const Oid relation = steam_rec_relation(name);
  if (!OidIsValid(relation)) return 0;
  HeapTuple row = SearchSysCache1(RELOID, ObjectIdGetDatum(relation));
  if (!HeapTupleIsValid(row)) return 0;
  const float4 rows = reinterpret_cast<Form_pg_class>(GETSTRUCT(row))->reltuples;
  ReleaseSysCache(row);
  return rows > 0 ? static_cast<int64>(rows) : 0;
}

}  // namespace steam_rec::pg
