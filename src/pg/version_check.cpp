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

// The extversion of an extension row, palloc'd; NULL when null.
char* version_of(HeapTuple tuple, TupleDesc descriptor) {
  bool is_null = true;
  Datum value = heap_getattr(tuple, Anum_pg_extension_extversion, descriptor, &is_null);
  return is_null ? nullptr : text_to_cstring(DatumGetTextPP(value));
}

// A number of 1 or 2 digits, no leading zero; -1 for anything else.  Moves
// `text` past it.
int small_number(const char** text) {
  const char* c = *text;
  if (!isdigit(static_cast<unsigned char>(c[0])) || (c[0] == '0' && isdigit(static_cast<unsigned char>(c[1]))))
    return -1;
  int number = c[0] - '0';
  ++c;
  if (isdigit(static_cast<unsigned char>(*c))) number = number * 10 + (*c++ - '0');
  if (isdigit(static_cast<unsigned char>(*c))) return -1;
  *text = c;
  return number;
}

}  // namespace

int sql_version_number(const char* version) {
  const int major = small_number(&version);
  if (major < 0 || *version++ != '.') return -1;
  const int minor = small_number(&version);
  if (minor < 0 || *version != '\0') return -1;
  return major * 100 + minor;
}

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

  const int installed_number = sql_version_number(installed);
  if (installed_number < 0)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("steam_rec SQL version \"%s\" is not a version number", installed),
                    errdetail("A version is a major and a minor number (\"1.7\"), as every version the "
                              "extension's scripts install: pg_extension.extversion was changed by hand."),
                    errhint("Set it back to the version of the installed SQL, or DROP EXTENSION steam_rec and "
                            "CREATE EXTENSION steam_rec.")));

  // An older SQL version is served as it is: every C symbol keeps the
  // behaviour its oldest SQL declaration expects, so a downgraded database
  // keeps working with the newest library.
  if (installed_number > sql_version_number(kLibraryVersion))
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
