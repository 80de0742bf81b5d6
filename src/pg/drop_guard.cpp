// The DROP guard: steam_rec._guard_drop(), an event trigger on
// ddl_command_start for DROP EXTENSION, DROP SCHEMA, DROP OWNED and the other
// DROP commands (whose CASCADE can take steam_rec along).
//
// Dropping the extension deletes every row of its tables.  The guard refuses
// a command that would drop it while those tables hold rows, unless
// steam_rec.allow_drop is on.  It reads what the command drops from its parse
// tree, so comments, odd spelling, quoting and dynamic SQL (EXECUTE in DO or
// in a function) make no difference.  It must run at the start of the
// command: an extension's own event triggers do not fire for the sql_drop of
// the command that drops the extension.
//
// When the caller may not run the command at all (not the owner of the
// extension or the schema, not a member of the role in DROP OWNED), the guard
// stays silent and lets the server refuse in its own words.  It reads the
// tables by a plain heap scan that stops at the first row, so it needs no
// privilege on them and no row-level-security policy hides a row from it.
// On a Citus cluster a distributed or reference table's rows live in shards
// on the workers and the node's own heap is empty: such a table is asked
// through Citus, in SQL, with the caller's rights (a caller who may not read
// it is refused by the server), only in a READ COMMITTED transaction and,
// for a table with row-level security, only by a superuser.
//
// It works at every SQL version that declares it and while the extension is
// being dropped, so it skips the SQL/library version check.
#include "pg/entry.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

namespace {

constexpr const char* kExtension = "steam_rec";

// Tables whose rows are not data the user would lose: the migration log
// describes the schema, catalog_changes counts writes to catalog_cache,
// maintenance_training_checks orders checks of two settings.
bool holds_no_user_data(const char* table) {
  return strcmp(table, "applied_migrations") == 0 || strcmp(table, "catalog_changes") == 0 ||
         strcmp(table, "maintenance_training_checks") == 0;
}

// True when a name list of DROP EXTENSION / DROP SCHEMA names steam_rec.
bool names_steam_rec(List* names) {
  ListCell* cell;
  foreach (cell, names) {
    if (strcmp(strVal(lfirst(cell)), kExtension) == 0) return true;
  }
  return false;
}

// The owner of the installed extension, or InvalidOid.
Oid extension_owner(Oid extension_oid) {
  Relation catalog = table_open(ExtensionRelationId, AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(extension_oid));
  SysScanDesc scan = systable_beginscan(catalog, ExtensionOidIndexId, true, nullptr, 1, &key);
  Oid owner = InvalidOid;
  HeapTuple tuple = systable_getnext(scan);
  if (HeapTupleIsValid(tuple)) owner = reinterpret_cast<Form_pg_extension>(GETSTRUCT(tuple))->extowner;
  systable_endscan(scan);
  table_close(catalog, AccessShareLock);
  return owner;
}

// The owner of the steam_rec schema, or InvalidOid.
Oid schema_owner(Oid namespace_oid) {
  HeapTuple tuple = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(namespace_oid));
  if (!HeapTupleIsValid(tuple)) return InvalidOid;
  Oid owner = reinterpret_cast<Form_pg_namespace>(GETSTRUCT(tuple))->nspowner;
  ReleaseSysCache(tuple);
  return owner;
}

// True when `owner` owns a table of the steam_rec schema.
bool owns_a_table(Oid owner, Oid namespace_oid) {
  Relation catalog = table_open(RelationRelationId, AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, Anum_pg_class_relnamespace, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(namespace_oid));
  SysScanDesc scan = systable_beginscan(catalog, InvalidOid, false, nullptr, 1, &key);
  bool owns = false;
  HeapTuple tuple;
  while (!owns && HeapTupleIsValid(tuple = systable_getnext(scan))) {
    auto relation = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
    owns = relation->relowner == owner &&
           (relation->relkind == RELKIND_RELATION || relation->relkind == RELKIND_PARTITIONED_TABLE);
  }
  systable_endscan(scan);
  table_close(catalog, AccessShareLock);
  return owns;
}

// True when DROP OWNED BY these roles would drop the extension, its schema
// or one of its tables, and the caller may run it (else the server refuses).
bool drop_owned_reaches_steam_rec(DropOwnedStmt* statement, Oid extension_oid, Oid namespace_oid) {
  Oid owner_of_extension = extension_owner(extension_oid);
  Oid owner_of_schema = schema_owner(namespace_oid);
  ListCell* cell;
  foreach (cell, statement->roles) {
    Oid role = get_rolespec_oid(lfirst_node(RoleSpec, cell), true);
    if (!OidIsValid(role)) continue;
    if (!has_privs_of_role(GetUserId(), role)) return false;  // "permission denied to drop objects"
    if (role == owner_of_extension || role == owner_of_schema || owns_a_table(role, namespace_oid)) return true;
  }
  return false;
}

// True when `table` is a Citus table (distributed or reference) that holds a
// row in its shards.  Without Citus its catalog does not exist.  The names and
// operators are qualified, as the caller's search_path is in force.
bool citus_table_holds_rows(Relation table) {
  if (!OidIsValid(get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE))) return false;
  constexpr const char* kIsCitusTable =
      "SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_partition "
      "WHERE logicalrelid OPERATOR(pg_catalog.=) $1::pg_catalog.regclass)";
  Oid types[1] = {OIDOID};
  Datum values[1] = {ObjectIdGetDatum(RelationGetRelid(table))};
  steam_rec::pg::SpiSession spi;
  bool is_null = true;
  if (SPI_execute_with_args(kIsCitusTable, 1, types, values, nullptr, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "steam_rec: the DROP guard could not read pg_dist_partition");
  bool holds = false;
  if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null))) {
    // The shards are read under the transaction's snapshot, on the worker
    // transactions Citus keeps: above READ COMMITTED that may predate rows
    // committed since, which the heap scan's latest snapshot would see.
    if (IsolationUsesXactSnapshot())
      ereport(ERROR,
              (errcode(ERRCODE_INVALID_TRANSACTION_STATE),
               errmsg("the DROP guard cannot count the rows of Citus table %s in a %s transaction",
                      RelationGetRelationName(table), IsolationIsSerializable() ? "SERIALIZABLE" : "REPEATABLE READ"),
               errdetail("Its snapshot may predate rows committed since in the shards."),
               errhint("Run the command in a READ COMMITTED transaction.")));
    // A policy could hide shard rows from the count, and the drop would
    // delete them.  Whether one applies is decided on each worker, where the
    // caller's role may differ from this node's (BYPASSRLS, memberships), so
    // only a superuser counts a table with row-level security.
    if (table->rd_rel->relrowsecurity && !superuser())
      ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                      errmsg("the DROP guard cannot count the rows of Citus table %s: it has row-level security and "
                             "role %s is not a superuser",
                             RelationGetRelationName(table), GetUserNameFromId(GetUserId(), false)),
                      errdetail("A policy could hide rows of its shards from the count, and the drop would delete "
                                "them."),
                      errhint("Run the command as a superuser.")));
    // "SELECT 1", not an empty select list: Citus plans no "SELECT FROM" of a distributed table.
    const char* query = psprintf(
        "SELECT EXISTS (SELECT 1 FROM %s)",
        quote_qualified_identifier(get_namespace_name(RelationGetNamespace(table)), RelationGetRelationName(table)));
    if (SPI_execute(query, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
      elog(ERROR, "steam_rec: the DROP guard could not run %s", query);
    holds = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
  }
  spi.finish();
  return holds;
}

// The tables of the extension that hold at least one row, as a
// comma-separated list ("" when none).  Members are found through pg_depend,
// not by schema, so a member table moved to another schema still counts.
// Each scan stops at its first row.
char* tables_holding_rows(Oid extension_oid) {
  StringInfoData found;
  initStringInfo(&found);
  Relation depend = table_open(DependRelationId, AccessShareLock);
  ScanKeyData keys[2];
  ScanKeyInit(&keys[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ,
              ObjectIdGetDatum(ExtensionRelationId));
  ScanKeyInit(&keys[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(extension_oid));
  SysScanDesc scan = systable_beginscan(depend, DependReferenceIndexId, true, nullptr, 2, keys);
  List* tables = NIL;
  HeapTuple tuple;
  while (HeapTupleIsValid(tuple = systable_getnext(scan))) {
    auto member = reinterpret_cast<Form_pg_depend>(GETSTRUCT(tuple));
    if (member->classid != RelationRelationId || member->deptype != DEPENDENCY_EXTENSION) continue;
    if (get_rel_relkind(member->objid) != RELKIND_RELATION) continue;
    const char* name = get_rel_name(member->objid);
    if (name != nullptr && !holds_no_user_data(name)) tables = lappend_oid(tables, member->objid);
  }
  systable_endscan(scan);
  table_close(depend, AccessShareLock);

  // The newest committed rows count, and this transaction's own.
  Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
  ListCell* cell;
  foreach (cell, tables) {
    Relation table = table_open(lfirst_oid(cell), AccessShareLock);
    TableScanDesc rows = table_beginscan(table, snapshot, 0, nullptr);
    TupleTableSlot* slot = table_slot_create(table, nullptr);
    bool has_rows = table_scan_getnextslot(rows, ForwardScanDirection, slot);
    ExecDropSingleTupleTableSlot(slot);
    table_endscan(rows);
    if (!has_rows) has_rows = citus_table_holds_rows(table);
    if (has_rows)
      appendStringInfo(&found, "%s%s.%s", found.len > 0 ? ", " : "", get_namespace_name(RelationGetNamespace(table)),
                       RelationGetRelationName(table));
    table_close(table, AccessShareLock);
  }
  UnregisterSnapshot(snapshot);
  return found.data;
}

// Every object a drop of the roots takes along, through pg_depend, and
// whether steam_rec is among them: a dependent goes with what it depends on
// (a normal dependency only with CASCADE), and an object that goes as a
// dependent takes its owner along (the extension of a member, the object an
// internal or partition dependency ties it to), as PostgreSQL's
// findDependentObjects() does.  A column reached drops the column, not its
// table.
constexpr const char* kCascadeReaches = R"sql(
    WITH RECURSIVE reached (classid, objid, objsubid, root) AS (
        SELECT r.classid, r.objid, 0, true
          FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.oid[]))
               AS r (classid, objid)
        UNION
        SELECT next.* FROM reached AS r CROSS JOIN LATERAL (
            SELECT d.classid, d.objid, d.objsubid, false
              FROM pg_catalog.pg_depend AS d
             WHERE d.refclassid OPERATOR(pg_catalog.=) r.classid AND d.refobjid OPERATOR(pg_catalog.=) r.objid
               AND (r.objsubid OPERATOR(pg_catalog.=) 0 OR d.refobjsubid OPERATOR(pg_catalog.=) r.objsubid)
               AND (d.deptype OPERATOR(pg_catalog.<>) 'n' OR $3)
            UNION ALL
            SELECT d.refclassid, d.refobjid, 0, false
              FROM pg_catalog.pg_depend AS d
             WHERE NOT r.root AND d.deptype OPERATOR(pg_catalog.=) ANY ('{i,e,P}'::"char"[])
               AND d.classid OPERATOR(pg_catalog.=) r.classid AND d.objid OPERATOR(pg_catalog.=) r.objid
               AND d.objsubid OPERATOR(pg_catalog.=) r.objsubid) AS next)
    SELECT EXISTS (SELECT FROM reached
                    WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
                      AND objid OPERATOR(pg_catalog.=) $4)
)sql";

// True when the object is a member of some extension: the server refuses to
// drop it by name ("extension ... requires it").
bool extension_member(const ObjectAddress& object) {
  return OidIsValid(getExtensionOfObject(object.classId, object.objectId));
}

// True when a DROP of other objects would take steam_rec along: DROP
// EXTENSION plpgsql CASCADE (steam_rec's functions are written in it), DROP
// SCHEMA public CASCADE after a member was moved there, and the like.  A
// command naming a member itself is refused by the server ("extension
// steam_rec requires it"), as is one by a caller who does not own what it
// names, and one naming a member of another extension; the guard then stays
// silent.
bool drop_cascades_to_steam_rec(DropStmt* drop, Oid extension_oid) {
  List* addresses = NIL;
  ListCell* cell;
  foreach (cell, drop->objects) {
    Relation relation = nullptr;
    ObjectAddress address =
        get_object_address(drop->removeType, static_cast<Node*>(lfirst(cell)), &relation, AccessShareLock, true);
    const bool named_member = OidIsValid(address.objectId) && extension_member(address);
    if (OidIsValid(address.objectId) && !named_member)
      check_object_ownership(GetUserId(), drop->removeType, address, static_cast<Node*>(lfirst(cell)), relation);
    if (relation != nullptr) relation_close(relation, NoLock);
    if (named_member) return false;
    if (!OidIsValid(address.objectId)) continue;
    auto* copy = static_cast<ObjectAddress*>(palloc(sizeof(ObjectAddress)));
    *copy = address;
    addresses = lappend(addresses, copy);
  }
  const int count = list_length(addresses);
  if (count == 0) return false;
  auto* classes = static_cast<Datum*>(palloc(sizeof(Datum) * count));
  auto* objects = static_cast<Datum*>(palloc(sizeof(Datum) * count));
  for (int i = 0; i < count; ++i) {
    auto* address = static_cast<ObjectAddress*>(list_nth(addresses, i));
    classes[i] = ObjectIdGetDatum(address->classId);
    objects[i] = ObjectIdGetDatum(address->objectId);
  }
  Oid types[4] = {OIDARRAYOID, OIDARRAYOID, BOOLOID, OIDOID};
  Datum values[4] = {PointerGetDatum(construct_array(classes, count, OIDOID, sizeof(Oid), true, TYPALIGN_INT)),
                     PointerGetDatum(construct_array(objects, count, OIDOID, sizeof(Oid), true, TYPALIGN_INT)),
                     BoolGetDatum(drop->behavior == DROP_CASCADE), ObjectIdGetDatum(extension_oid)};
  steam_rec::pg::SpiSession spi;
  if (SPI_execute_with_args(kCascadeReaches, 4, types, values, nullptr, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "steam_rec: the DROP guard could not follow the dependencies");
  bool is_null = true;
  const bool reaches = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
  spi.finish();
  return reaches;
}

// True when the command drops steam_rec (or its schema, or its owner's
// objects) and the caller is allowed to run it.
bool command_drops_steam_rec(Node* command, Oid extension_oid, Oid namespace_oid) {
  if (IsA(command, DropStmt)) {
    auto drop = castNode(DropStmt, command);
    if (drop->removeType == OBJECT_EXTENSION && names_steam_rec(drop->objects))
      return pg_extension_ownercheck(extension_oid, GetUserId());  // else "must be owner of extension"
    if (drop->removeType == OBJECT_SCHEMA && names_steam_rec(drop->objects))
      return pg_namespace_ownercheck(namespace_oid, GetUserId());  // else "must be owner of schema"
    // Our own scripts drop and recreate members; another extension's script is checked.
    if (creating_extension && CurrentExtensionObject == extension_oid) return false;
    return drop_cascades_to_steam_rec(drop, extension_oid);
  }
  if (IsA(command, DropOwnedStmt))
    return drop_owned_reaches_steam_rec(castNode(DropOwnedStmt, command), extension_oid, namespace_oid);
  return false;
}

}  // namespace

// steam_rec._guard_drop() refuses a command that would drop steam_rec and its
// rows, unless steam_rec.allow_drop is on.
STEAM_REC_FUNCTION_CHECKED(steam_rec_guard_drop, steam_rec::pg::VersionCheck::skipped) {
  if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("steam_rec._guard_drop() must be called as an event trigger")));
  auto event = reinterpret_cast<EventTriggerData*>(fcinfo->context);
  Oid extension_oid = get_extension_oid(kExtension, true);
  Oid namespace_oid = get_namespace_oid(kExtension, true);
  if (!OidIsValid(extension_oid) || !OidIsValid(namespace_oid)) PG_RETURN_VOID();
  if (!command_drops_steam_rec(event->parsetree, extension_oid, namespace_oid)) PG_RETURN_VOID();
  if (steam_rec::pg::allow_drop) PG_RETURN_VOID();

  char* tables = tables_holding_rows(extension_oid);
  if (tables[0] != '\0')
    ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
                    errmsg("%s would drop extension steam_rec and delete the rows of its tables",
                           GetCommandTagName(event->tag)),
                    errdetail("These tables hold rows: %s.", tables),
                    errhint("Take a dump first (pg_dump -Fc), then SET steam_rec.allow_drop = on; "
                            "and run the command again.")));
  PG_RETURN_VOID();
}
