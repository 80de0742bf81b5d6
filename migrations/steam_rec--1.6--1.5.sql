-- steam_rec 1.6 -> 1.5: undoes 1.6, later sections first.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.5'" to load this file. \quit

-- distribute() is new in 1.6.  A database it distributed keeps its form: the
-- tables, keys and function settings are not the extension script's to undo.
DROP FUNCTION steam_rec.distribute();

-- catalog_changes is new in 1.6.
-- A catalog_cache that distribute() made a Citus reference table has no
-- trigger, and Citus refuses even DROP TRIGGER IF EXISTS on it.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_trigger WHERE tgrelid = 'steam_rec.catalog_cache'::regclass
                                                   AND tgname = 'catalog_cache_count_changes') THEN
        DROP TRIGGER catalog_cache_count_changes ON steam_rec.catalog_cache;
        DROP TRIGGER catalog_cache_count_replicated_changes ON steam_rec.catalog_cache;
    END IF;
END
$$;
DROP FUNCTION steam_rec._count_catalog_change();
ALTER EXTENSION steam_rec DROP TABLE steam_rec.catalog_changes;
DROP TABLE steam_rec.catalog_changes;

-- migration_plan_sql() is new in 1.6.
DROP FUNCTION steam_rec.migration_plan_sql(text);

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.6', '1.5');
