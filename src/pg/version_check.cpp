#include "pg/version_check.hpp"

#include <cstring>

#include "pg/postgres.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "storage/proc.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
}

namespace steam_rec::pg {
namespace {

// The command in which the versions were last found to match.
LocalTransactionId matched_in_transaction = InvalidLocalTransactionId;
CommandId matched_in_command = InvalidCommandId;

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

// Reads steam_rec's row of pg_extension in one index search by name: this
// runs once per recommend() call, and looking the OID up first took a second.
char* installed_sql_version() {
  Relation catalog = table_open(ExtensionRelationId, AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ, CStringGetDatum("steam_rec"));
  SysScanDesc scan = systable_beginscan(catalog, ExtensionNameIndexId, true, nullptr, 1, &key);
  char* version = nullptr;
  HeapTuple tuple = systable_getnext(scan);
  if (HeapTupleIsValid(tuple)) {
    bool is_null = true;
    Datum value = heap_getattr(tuple, Anum_pg_extension_extversion, RelationGetDescr(catalog), &is_null);
    if (!is_null) version = text_to_cstring(DatumGetTextPP(value));
  }
  systable_endscan(scan);
  table_close(catalog, AccessShareLock);
  return version;
}

void ensure_sql_matches_library() {
  LocalTransactionId transaction = MyProc->lxid;
  CommandId command = GetCurrentCommandId(false);
  if (transaction == matched_in_transaction && command == matched_in_command) return;

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
}

}  // namespace steam_rec::pg
