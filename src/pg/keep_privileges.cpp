// Privileges kept over migrations: steam_rec._keep_privileges(), an event
// trigger on ddl_command_start and ddl_command_end of ALTER EXTENSION.
//
// A downgrade drops tables, columns and functions that the next upgrade
// creates again: the new objects have the privileges, comments, row-security
// flags and policies a fresh install gives them, not the ones the DBA set.
// So, when ALTER EXTENSION steam_rec UPDATE starts, this trigger writes the
// privileges (as aclexplode() rows, with role names, beside the scripts' own
// from pg_init_privs), comment, row-security flags, policies and storage
// parameters of every member of the extension the DBA changed to
// steam_rec.migration_stash (item 'privileges', with each object's OID).
// When the command ends, it looks at every stashed object that exists again:
//   - the same OID: the object survived the command and its state stands;
//   - another OID: the command created it again, and the trigger makes the
//     DBA's changes again with GRANT, REVOKE, COMMENT, ALTER TABLE (row
//     security, storage parameters) and CREATE POLICY, so the role
//     dependencies are recorded as for any grant (the privileges the new
//     scripts give stay; their comments and storage parameters win over the
//     DBA's, which come back where the scripts set none);
// and deletes those stash rows.  Objects that do not exist at the new version
// keep their rows until an upgrade brings them back.  A stashed object whose
// restore did not happen (the trigger was disabled) keeps its row too; the
// next ALTER EXTENSION steam_rec UPDATE, even one with nothing to do, puts
// it back, and migration_status() warns about it meanwhile.
//
// The restore runs after the update script, not inside it: grants made by an
// extension script are recorded in pg_init_privs as the extension's own, and
// pg_dump would then leave them out of a dump.
//
// It works at every SQL version, so it skips the SQL/library version check.
#include "pg/entry.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "nodes/parsenodes.h"
}

namespace {

// One JSON document per member of the extension (and per column of its
// tables) describing what a recreation would lose.  The object is named by
// its address (type, names, args) so it can be found again after it is
// recreated with another OID.
constexpr const char* kMembersNow = R"sql(
    SELECT jsonb_build_object(
               'type', a.type, 'names', to_jsonb(a.object_names), 'args', to_jsonb(a.object_args),
               'oid', m.objid, 'subid', m.objsubid, 'owner', pg_get_userbyid(m.owner),
               'acl', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                  'grantor', pg_get_userbyid(x.grantor),
                                  'grantee', CASE WHEN x.grantee = 0 THEN NULL ELSE pg_get_userbyid(x.grantee) END,
                                  'privilege', x.privilege_type, 'grantable', x.is_grantable)
                              ORDER BY x.grantor, x.grantee, x.privilege_type), '[]')
                         FROM aclexplode(coalesce(m.acl, m.default_acl)) AS x),
               -- What the scripts gave the object (pg_init_privs): the DBA's
               -- changes are the difference between the two.
               'initial_acl', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                  'grantor', pg_get_userbyid(x.grantor),
                                  'grantee', CASE WHEN x.grantee = 0 THEN NULL ELSE pg_get_userbyid(x.grantee) END,
                                  'privilege', x.privilege_type, 'grantable', x.is_grantable)
                              ORDER BY x.grantor, x.grantee, x.privilege_type), '[]')
                         FROM aclexplode(coalesce((SELECT i.initprivs FROM pg_init_privs AS i
                                                    WHERE i.objoid = m.objid AND i.classoid = m.classid
                                                      AND i.objsubid = m.objsubid AND i.privtype = 'e'),
                                                  m.default_acl)) AS x),
               'comment', (SELECT d.description FROM pg_description AS d
                            WHERE d.classoid = m.classid AND d.objoid = m.objid AND d.objsubid = m.objsubid),
               'row_security', m.row_security, 'force_row_security', m.force_row_security,
               'reloptions', to_jsonb(m.reloptions),
               'policies', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                       'name', p.polname, 'permissive', p.polpermissive, 'command', p.polcmd,
                                       'roles', ARRAY(SELECT CASE WHEN r = 0 THEN NULL ELSE pg_get_userbyid(r) END
                                                        FROM unnest(p.polroles) AS r),
                                       'using', pg_get_expr(p.polqual, p.polrelid),
                                       'check', pg_get_expr(p.polwithcheck, p.polrelid))
                                   ORDER BY p.polname), '[]')
                              FROM pg_policy AS p WHERE m.row_security IS NOT NULL AND p.polrelid = m.objid)) AS payload
      FROM (SELECT 'pg_class'::regclass AS classid, c.oid AS objid, 0 AS objsubid, c.relowner AS owner,
                   c.relacl AS acl,
                   acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner) AS default_acl,
                   c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security,
                   -- The TOAST table's parameters, as ALTER TABLE names them.
                   nullif(coalesce(c.reloptions, '{}') ||
                          ARRAY(SELECT 'toast.' || o
                                  FROM pg_class AS t, unnest(t.reloptions) AS o
                                 WHERE t.oid = c.reltoastrelid), '{}') AS reloptions
              FROM pg_class AS c
             WHERE c.oid IN (SELECT objid FROM members WHERE classid = 'pg_class'::regclass)
            UNION ALL
            SELECT 'pg_class'::regclass, at.attrelid, at.attnum, c.relowner, at.attacl, NULL, NULL, NULL, NULL
              FROM pg_class AS c JOIN pg_attribute AS at ON at.attrelid = c.oid AND at.attnum > 0 AND NOT at.attisdropped
             WHERE c.oid IN (SELECT objid FROM members WHERE classid = 'pg_class'::regclass) AND c.relkind IN ('r', 'p')
            UNION ALL
            SELECT 'pg_proc'::regclass, p.oid, 0, p.proowner, p.proacl, acldefault('f', p.proowner), NULL, NULL, NULL
              FROM pg_proc AS p
             WHERE p.oid IN (SELECT objid FROM members WHERE classid = 'pg_proc'::regclass)) AS m,
           LATERAL pg_identify_object_as_address(m.classid, m.objid, m.objsubid) AS a
)sql";

// The extension's members, as the CTE kMembersNow reads.
constexpr const char* kMembers = R"sql(
    members AS (SELECT d.classid, d.objid FROM pg_depend AS d
                 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
                   AND d.refobjid = (SELECT e.oid FROM pg_extension AS e WHERE e.extname = 'steam_rec'))
)sql";

// Stashes the state of every member the DBA changed (privileges other than
// the scripts', row security, policies), except objects that still wait for
// an earlier restore (stashed with another OID than they have now).  Objects
// as the scripts made them need nothing kept.
constexpr const char* kStash = R"sql(
    , now AS (%s)
    , stale AS (DELETE FROM steam_rec.migration_stash AS s USING now AS n
                 WHERE s.item = 'privileges'
                   AND (s.payload -> 'type', s.payload -> 'names', s.payload -> 'args')
                       = (n.payload -> 'type', n.payload -> 'names', n.payload -> 'args')
                   AND (s.payload -> 'oid', s.payload -> 'subid') = (n.payload -> 'oid', n.payload -> 'subid'))
    INSERT INTO steam_rec.migration_stash (item, payload)
    SELECT 'privileges', n.payload FROM now AS n
     WHERE (n.payload -> 'acl' <> n.payload -> 'initial_acl' OR n.payload -> 'policies' <> '[]'
            OR (n.payload ->> 'row_security')::boolean OR (n.payload ->> 'force_row_security')::boolean
            OR jsonb_typeof(n.payload -> 'reloptions') = 'array')
       AND NOT EXISTS (SELECT FROM steam_rec.migration_stash AS s
                        WHERE s.item = 'privileges'
                          AND (s.payload -> 'type', s.payload -> 'names', s.payload -> 'args')
                              = (n.payload -> 'type', n.payload -> 'names', n.payload -> 'args')
                          AND (s.payload -> 'oid', s.payload -> 'subid') <> (n.payload -> 'oid', n.payload -> 'subid'))
)sql";

// The statements that give each recreated object its stashed state back, in
// order, and the deletion of the stash rows of every object that exists.
// Rows of kind 'warning' are reported, not run.
constexpr const char* kRestore = R"sql(
    , now AS (%s)
    , pairs AS (
        SELECT s.payload AS was, n.payload AS now,
               format('%%I.%%I', n.payload -> 'names' ->> 0, n.payload -> 'names' ->> 1) AS relation,
               quote_ident(n.payload -> 'names' ->> 2) AS column_name,
               format('%%I.%%I(%%s)', n.payload -> 'names' ->> 0, n.payload -> 'names' ->> 1,
                      (SELECT string_agg(arg, ',' ORDER BY i)
                         FROM jsonb_array_elements_text(n.payload -> 'args') WITH ORDINALITY AS args(arg, i)))
                   AS routine
          FROM steam_rec.migration_stash AS s JOIN now AS n
            ON (s.payload -> 'type', s.payload -> 'names', s.payload -> 'args')
               = (n.payload -> 'type', n.payload -> 'names', n.payload -> 'args')
         WHERE s.item = 'privileges')
    , forgotten AS (DELETE FROM steam_rec.migration_stash AS s USING pairs AS p
                     WHERE s.item = 'privileges' AND s.payload = p.was)
    , recreated AS (
        SELECT p.*,
               CASE p.now ->> 'type' WHEN 'table' THEN 'TABLE ' || p.relation
                                     WHEN 'sequence' THEN 'SEQUENCE ' || p.relation
                                     WHEN 'function' THEN 'FUNCTION ' || p.routine
                                     WHEN 'procedure' THEN 'PROCEDURE ' || p.routine
                                     WHEN 'table column' THEN 'TABLE ' || p.relation END AS grant_target,
               CASE p.now ->> 'type' WHEN 'table' THEN 'TABLE ' || p.relation
                                     WHEN 'sequence' THEN 'SEQUENCE ' || p.relation
                                     WHEN 'function' THEN 'FUNCTION ' || p.routine
                                     WHEN 'procedure' THEN 'PROCEDURE ' || p.routine
                                     WHEN 'table column' THEN 'COLUMN ' || p.relation || '.' || p.column_name END
                   AS comment_target,
               CASE WHEN p.now ->> 'type' = 'table column' THEN ' (' || p.column_name || ')' ELSE '' END AS column_list
          FROM pairs AS p
         WHERE (p.was -> 'oid', p.was -> 'subid') <> (p.now -> 'oid', p.now -> 'subid')
           AND p.now ->> 'type' IN ('table', 'sequence', 'function', 'procedure', 'table column'))
    -- What the DBA revoked from the scripts' privileges, and granted beyond
    -- them, is done again to the new object; what the new scripts give it stays.
    , revoked AS (
        SELECT r.*, x.value AS item FROM recreated AS r, jsonb_array_elements(r.now -> 'acl') AS x
         WHERE (r.was -> 'initial_acl') @> jsonb_build_array(x.value)
           AND NOT (r.was -> 'acl') @> jsonb_build_array(x.value))
    , granted AS (
        SELECT r.*, x.value AS item FROM recreated AS r, jsonb_array_elements(r.was -> 'acl') AS x
         WHERE NOT (r.was -> 'initial_acl') @> jsonb_build_array(x.value)
           AND NOT (r.now -> 'acl') @> jsonb_build_array(x.value))
    , policies AS (
        SELECT r.*, x.value AS policy FROM recreated AS r, jsonb_array_elements(r.was -> 'policies') AS x
         WHERE NOT EXISTS (SELECT FROM jsonb_array_elements(r.now -> 'policies') AS y
                            WHERE y.value ->> 'name' = x.value ->> 'name'))
    , policy_roles AS (
        SELECT p.*, (SELECT string_agg(coalesce(quote_ident(role), 'PUBLIC'), ', ')
                       FROM jsonb_array_elements_text(p.policy -> 'roles') AS roles(role)
                      WHERE role IS NULL OR to_regrole(quote_ident(role)) IS NOT NULL) AS roles
          FROM policies AS p)
    , plan (step, statement, kind) AS (
        SELECT 1, format('REVOKE %%s%%s ON %%s FROM %%s', item ->> 'privilege', column_list, grant_target,
                         coalesce(quote_ident(item ->> 'grantee'), 'PUBLIC')), 'run'
          FROM revoked
         WHERE item ->> 'grantee' IS NULL OR to_regrole(quote_ident(item ->> 'grantee')) IS NOT NULL
        UNION ALL
        -- A grant made by another role than the owner is made again by that role.
        SELECT CASE WHEN grantor_kept THEN 3 ELSE 2 END,
               concat(CASE WHEN grantor_kept THEN format('SET LOCAL ROLE %%I; ', item ->> 'grantor') END,
                      format('GRANT %%s%%s ON %%s TO %%s%%s', item ->> 'privilege', column_list, grant_target,
                             coalesce(quote_ident(item ->> 'grantee'), 'PUBLIC'),
                             CASE WHEN (item ->> 'grantable')::boolean THEN ' WITH GRANT OPTION' ELSE '' END),
                      CASE WHEN grantor_kept THEN '; ' || restore_role END), 'run'
          FROM (SELECT g.*,
                       g.item ->> 'grantor' <> g.now ->> 'owner'
                           AND to_regrole(quote_ident(g.item ->> 'grantor')) IS NOT NULL AS grantor_kept,
                       CASE current_setting('role') WHEN 'none' THEN 'SET LOCAL ROLE NONE'
                            ELSE format('SET LOCAL ROLE %%I', current_setting('role')) END AS restore_role
                  FROM granted AS g) AS g
         WHERE item ->> 'grantee' IS NULL OR to_regrole(quote_ident(item ->> 'grantee')) IS NOT NULL
        UNION ALL
        SELECT 4, format('could not give %%s on %%s back to role %%s: the role no longer exists',
                         item ->> 'privilege', grant_target, item ->> 'grantee'), 'warning'
          FROM granted
         WHERE item ->> 'grantee' IS NOT NULL AND to_regrole(quote_ident(item ->> 'grantee')) IS NULL
        UNION ALL
        -- The scripts' own comments win; a comment the DBA gave an object
        -- the scripts leave uncommented comes back.
        SELECT 5, format('COMMENT ON %%s IS %%L', comment_target, was ->> 'comment'), 'run'
          FROM recreated WHERE was ->> 'comment' IS NOT NULL AND now ->> 'comment' IS NULL
        UNION ALL
        -- Row security switched on comes back on (the scripts never switch it on).
        SELECT 6, format('ALTER TABLE %%s ENABLE ROW LEVEL SECURITY', relation), 'run'
          FROM recreated WHERE (was ->> 'row_security')::boolean AND NOT (now ->> 'row_security')::boolean
        UNION ALL
        SELECT 6, format('ALTER TABLE %%s FORCE ROW LEVEL SECURITY', relation), 'run'
          FROM recreated WHERE (was ->> 'force_row_security')::boolean AND NOT (now ->> 'force_row_security')::boolean
        UNION ALL
        SELECT 7, format('CREATE POLICY %%I ON %%s AS %%s FOR %%s TO %%s%%s%%s', policy ->> 'name', relation,
                         CASE WHEN (policy ->> 'permissive')::boolean THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                         CASE policy ->> 'command' WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'
                                                   WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                         roles, ' USING (' || (policy ->> 'using') || ')',
                         ' WITH CHECK (' || (policy ->> 'check') || ')'), 'run'
          FROM policy_roles WHERE roles IS NOT NULL
        UNION ALL
        SELECT 8, format('could not create policy %%s on %%s again: none of its roles exists any more',
                         policy ->> 'name', relation), 'warning'
          FROM policy_roles WHERE roles IS NULL
        UNION ALL
        -- Storage parameters (fillfactor, autovacuum_*, toast.*, ...) come
        -- back, but for one the new scripts set themselves.
        SELECT 9, format('ALTER TABLE %%s SET (%%s)', relation, options), 'run'
          FROM (SELECT r.relation,
                       (SELECT string_agg(format('%%s = %%L',
                                                 CASE WHEN o LIKE 'toast.%%'
                                                      THEN 'toast.' || quote_ident(substr(split_part(o, '=', 1), 7))
                                                      ELSE quote_ident(split_part(o, '=', 1)) END,
                                                 substr(o, strpos(o, '=') + 1)), ', ')
                          FROM jsonb_array_elements_text(r.was -> 'reloptions') AS o
                         WHERE NOT EXISTS (SELECT FROM jsonb_array_elements_text(
                                                           coalesce(nullif(r.now -> 'reloptions', 'null'), '[]')) AS n
                                            WHERE split_part(n, '=', 1) = split_part(o, '=', 1))) AS options
                  FROM recreated AS r
                 WHERE r.now ->> 'type' = 'table' AND jsonb_typeof(r.was -> 'reloptions') = 'array') AS t
         WHERE options IS NOT NULL)
    SELECT kind, statement FROM plan ORDER BY step, statement
)sql";

// True when the command is ALTER EXTENSION steam_rec UPDATE.
bool updates_steam_rec(Node* command) {
  return command != nullptr && IsA(command, AlterExtensionStmt) &&
         strcmp(castNode(AlterExtensionStmt, command)->extname, "steam_rec") == 0;
}

// Runs a statement built from `format` around the members CTE.
void run_with_members(const char* format, int expected) {
  char* body = psprintf(format, kMembersNow);
  char* sql = psprintf("WITH %s %s", kMembers, body);
  int result = SPI_execute(sql, false, 0);
  if (result != expected) elog(ERROR, "steam_rec: privileges query failed (SPI %d)", result);
}

// Runs the restore plan: every statement in order; warnings as WARNING.
void restore_privileges() {
  run_with_members(kRestore, SPI_OK_SELECT);
  SPITupleTable* plan = SPI_tuptable;
  uint64 count = SPI_processed;
  char** kinds = static_cast<char**>(palloc(sizeof(char*) * (count + 1)));
  char** statements = static_cast<char**>(palloc(sizeof(char*) * (count + 1)));
  for (uint64 i = 0; i < count; ++i) {
    kinds[i] = SPI_getvalue(plan->vals[i], plan->tupdesc, 1);
    statements[i] = SPI_getvalue(plan->vals[i], plan->tupdesc, 2);
  }
  for (uint64 i = 0; i < count; ++i) {
    if (strcmp(kinds[i], "warning") == 0) {
      ereport(WARNING, (errmsg("steam_rec: %s", statements[i])));
      continue;
    }
    int result = SPI_execute(statements[i], false, 0);
    if (result < 0)
      ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                      errmsg("steam_rec could not restore a privilege after ALTER EXTENSION: %s", statements[i])));
  }
}

}  // namespace

// steam_rec._keep_privileges() stashes the state of the extension's objects
// when ALTER EXTENSION steam_rec UPDATE starts and gives recreated objects
// their state back when it ends.
STEAM_REC_FUNCTION_CHECKED(steam_rec_keep_privileges, steam_rec::pg::VersionCheck::skipped) {
  if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("steam_rec._keep_privileges() must be called as an event trigger")));
  auto event = reinterpret_cast<EventTriggerData*>(fcinfo->context);
  // Only superusers can update steam_rec; anyone else is refused by the
  // server in its own words, after this trigger.
  if (!updates_steam_rec(event->parsetree) || !superuser()) PG_RETURN_VOID();

  steam_rec::pg::SpiSession spi;
  if (strcmp(event->event, "ddl_command_start") == 0)
    run_with_members(kStash, SPI_OK_INSERT);
  else
    restore_privileges();
  spi.finish();
  PG_RETURN_VOID();
}
