#include "pg/version_check.hpp"

#include <cstring>

#include "pg/catalog_read_mark.hpp"
#include "pg/direct_read.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "storage/proc.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace steam_rec::pg {
namespace {

// The command in which the versions were last found to match.  The
// subtransaction too: ROLLBACK TO SAVEPOINT undoes a version change without
// a new command, and starts a new subtransaction (its id is never reused).
// And the statement: statements that only read share one command id, and
// another session may commit a newer version between them.  Statements sent
// in one simple-protocol message share their start time too, so the number
// of transactions ended server-wide is also kept: another session's version
// change reaches this one only through a commit, which moves that number.
// A match read by a transaction that had changed nothing holds for later
// transactions too, while they change nothing and that number stays
// (catalog_read_mark.hpp): a call per transaction does not read pg_extension
// each time.
LocalTransactionId matched_in_transaction = InvalidLocalTransactionId;
CommandId matched_in_command = InvalidCommandId;
SubTransactionId matched_in_subtransaction = InvalidSubTransactionId;
TimestampTz matched_in_statement = 0;
CatalogReadMark matched_read;

// Whether `version` is numbers of 1 to 9 digits joined by single dots
// ("1.7"), the form of every version the extension's scripts install;
// anything else in extversion was written by hand.
bool readable_version(const char* version) {
  int digits = 0;
  for (const char* c = version;; ++c) {
    if (isdigit(static_cast<unsigned char>(*c))) {
      if (++digits > 9) return false;
      continue;
    }
    if (digits == 0) return false;  // empty, or a dot with no number before it
    if (*c == '\0') return true;
    if (*c != '.') return false;
    digits = 0;
  }
}

// Compares two readable versions numerically ("1.10" > "1.9"); <0, 0 or >0.
int compare_versions(const char* left, const char* right) {
  while (*left != '\0' || *right != '\0') {
    long a = strtol(left, const_cast<char**>(&left), 10);
    long b = strtol(right, const_cast<char**>(&right), 10);
    if (a != b) return a < b ? -1 : 1;
    if (*left == '.') ++left;
    if (*right == '.') ++right;
  }
  return 0;
}

}  // namespace

namespace {

// The extversion of an extension row, palloc'd; NULL when null.
char* version_of(HeapTuple tuple, TupleDesc descriptor) {
  bool is_null = true;
  Datum value = heap_getattr(tuple, Anum_pg_extension_extversion, descriptor, &is_null);
  return is_null ? nullptr : text_to_cstring(DatumGetTextPP(value));
}

}  // namespace

// Reads pg_extension in one pass over its heap (a page or two: one row per
// installed extension) under a catalog snapshot taken for this read.  Every
// call needs both steam_rec's version and whether Citus is installed; one
// open and one scan cost less than the two index searches by name they
// replace.  pg_extension has a syscache (EXTENSIONOID, since 15.x), so its
// scans may reuse the transaction's catalog snapshot, which is not renewed
// while no invalidation is read (a lock on pg_extension already held
// accepts none) and, under REPEATABLE READ, not between statements: that
// snapshot would miss a version committed since, and the read would be
// kept (catalog_read_mark.hpp).  It is dropped first.
InstalledExtensions read_installed_extensions() {
  InstalledExtensions found;
  found.read = mark_catalog_read();
  Relation catalog = table_open(ExtensionRelationId, AccessShareLock);
  InvalidateCatalogSnapshot();
  SysScanDesc scan = systable_beginscan(catalog, InvalidOid, false, nullptr, 0, nullptr);
  for (HeapTuple tuple = systable_getnext(scan); HeapTupleIsValid(tuple); tuple = systable_getnext(scan)) {
    const char* name = NameStr(reinterpret_cast<Form_pg_extension>(GETSTRUCT(tuple))->extname);
    if (strcmp(name, "steam_rec") == 0) {
      found.steam_rec_version = version_of(tuple, RelationGetDescr(catalog));
    } else if (strcmp(name, "citus") == 0) {
      found.citus = true;
    }
  }
  systable_endscan(scan);
  table_close(catalog, AccessShareLock);
  return found;
}

void ensure_sql_matches_library() {
  LocalTransactionId transaction = MyProc->lxid;
  CommandId command = GetCurrentCommandId(false);
  SubTransactionId subtransaction = GetCurrentSubTransactionId();
  TimestampTz statement = GetCurrentStatementStartTimestamp();
  if (catalog_unchanged_since(matched_read)) return;
  if (transaction == matched_in_transaction && command == matched_in_command &&
      subtransaction == matched_in_subtransaction && statement == matched_in_statement &&
      no_transaction_ended_since(matched_read))
    return;

  InstalledExtensions extensions = read_installed_extensions();
  // The recommend() path asks whether Citus is installed next: answered from
  // this same read of pg_extension.
  note_citus_installed(extensions.citus, extensions.read);
  char* installed = extensions.steam_rec_version;
  if (installed == nullptr)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("extension \"steam_rec\" is not installed in this database"),
                    errhint("Run CREATE EXTENSION steam_rec.")));

  if (!readable_version(installed))
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("steam_rec SQL version \"%s\" is not a version number", installed),
                    errdetail("A version is numbers of at most 9 digits joined by dots, as every version the "
                              "extension's scripts install: pg_extension.extversion was changed by hand."),
                    errhint("Set it back to the version of the installed SQL, or DROP EXTENSION steam_rec and "
                            "CREATE EXTENSION steam_rec.")));

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
  matched_read = extensions.read;
}

}  // namespace steam_rec::pg
