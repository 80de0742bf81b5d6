#include "pg/version_check.hpp"

#include <cstring>

#include "pg/postgres.hpp"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "storage/bufmgr.h"
#include "storage/proc.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace steam_rec::pg {
namespace {

// The command in which the versions were last found to match.  The
// subtransaction too: ROLLBACK TO SAVEPOINT undoes a version change without
// a new command, and starts a new subtransaction (its id is never reused).
// And the statement: statements that only read share one command id, and
// another session may commit a newer version between them.
LocalTransactionId matched_in_transaction = InvalidLocalTransactionId;
CommandId matched_in_command = InvalidCommandId;
SubTransactionId matched_in_subtransaction = InvalidSubTransactionId;
TimestampTz matched_in_statement = 0;

// Compares dotted versions numerically ("1.10" > "1.9"); <0, 0 or >0.
int compare_versions(const char* left, const char* right) {
  while (*left != '\0' || *right != '\0') {
    long a = strtol(left, const_cast<char**>(&left), 10);
    long b = strtol(right, const_cast<char**>(&right), 10);
    if (a != b) return a < b ? -1 : 1;
    if (*left == '.') ++left;
    if (*right == '.') ++right;
    if ((*left != '\0' && !isdigit((unsigned char)*left)) || (*right != '\0' && !isdigit((unsigned char)*right)))
      return strcmp(left, right);
  }
  return 0;
}

}  // namespace

namespace {

// Where steam_rec's row of pg_extension lay when it was last found.  The
// check runs once per recommend() call, and the index search for the row
// was most of its cost; fetched from its remembered address, a row still
// visible to the catalog snapshot is the current one (an UPDATE, by ALTER
// EXTENSION or by hand, leaves a new version elsewhere that the old one's
// readers cannot see; a vacuumed slot may hold another extension's row,
// hence the name check).
ItemPointerData remembered_row;
Oid remembered_file = InvalidOid;  // pg_extension's relfilenode then (VACUUM FULL moves rows)

// The extversion of an extension row, palloc'd; NULL when null.
char* version_of(HeapTuple tuple, TupleDesc descriptor) {
  bool is_null = true;
  Datum value = heap_getattr(tuple, Anum_pg_extension_extversion, descriptor, &is_null);
  return is_null ? nullptr : text_to_cstring(DatumGetTextPP(value));
}

// The row at the remembered address, if it is steam_rec's and visible:
// *version is its extversion.  False: search by name.
bool version_at_remembered_row(Relation catalog, char** version) {
  if (!ItemPointerIsValid(&remembered_row) || remembered_file != catalog->rd_node.relNode) return false;
  // A row on a page truncated away since is gone: reading past the end fails.
  if (ItemPointerGetBlockNumber(&remembered_row) >= RelationGetNumberOfBlocks(catalog)) return false;
  HeapTupleData tuple;
  tuple.t_self = remembered_row;
  Buffer buffer = InvalidBuffer;
  if (!heap_fetch(catalog, GetCatalogSnapshot(ExtensionRelationId), &tuple, &buffer, false)) return false;
  const auto* form = reinterpret_cast<Form_pg_extension>(GETSTRUCT(&tuple));
  const bool ours = strcmp(NameStr(form->extname), "steam_rec") == 0;
  if (ours) *version = version_of(&tuple, RelationGetDescr(catalog));
  ReleaseBuffer(buffer);
  return ours;
}

}  // namespace

// Reads steam_rec's row of pg_extension from where it lay last time, else in
// one index search by name: this runs once per recommend() call, and looking
// the OID up first took a second.
char* installed_sql_version() {
  Relation catalog = table_open(ExtensionRelationId, AccessShareLock);
  char* version = nullptr;
  if (version_at_remembered_row(catalog, &version)) {
    table_close(catalog, AccessShareLock);
    return version;
  }
  ScanKeyData key;
  ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ, CStringGetDatum("steam_rec"));
  SysScanDesc scan = systable_beginscan(catalog, ExtensionNameIndexId, true, nullptr, 1, &key);
  HeapTuple tuple = systable_getnext(scan);
  if (HeapTupleIsValid(tuple)) {
    version = version_of(tuple, RelationGetDescr(catalog));
    remembered_row = tuple->t_self;
    remembered_file = catalog->rd_node.relNode;
  }
  systable_endscan(scan);
  table_close(catalog, AccessShareLock);
  return version;
}

void ensure_sql_matches_library() {
  LocalTransactionId transaction = MyProc->lxid;
  CommandId command = GetCurrentCommandId(false);
  SubTransactionId subtransaction = GetCurrentSubTransactionId();
  TimestampTz statement = GetCurrentStatementStartTimestamp();
  if (transaction == matched_in_transaction && command == matched_in_command &&
      subtransaction == matched_in_subtransaction && statement == matched_in_statement)
    return;

  char* installed = installed_sql_version();
  if (installed == nullptr)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("extension \"steam_rec\" is not installed in this database"),
                    errhint("Run CREATE EXTENSION steam_rec.")));

  // An older SQL version is served as it is: every C symbol keeps the
  // behaviour its oldest SQL declaration expects, so a downgraded database
  // keeps working with the newest library.
  int order = compare_versions(installed, kLibraryVersion);
  if (order > 0)
    ereport(ERROR,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("steam_rec SQL version %s is newer than the loaded library version %s", installed, kLibraryVersion),
             errhint("Install the steam_rec %s library and reconnect, or run "
                     "ALTER EXTENSION steam_rec UPDATE TO '%s'; to go back.",
                     installed, kLibraryVersion)));
  pfree(installed);
  matched_in_transaction = transaction;
  matched_in_command = command;
  matched_in_subtransaction = subtransaction;
  matched_in_statement = statement;
}

}  // namespace steam_rec::pg
