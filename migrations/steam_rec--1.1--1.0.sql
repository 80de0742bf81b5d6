-- steam_rec 1.1 -> 1.0: removes users.country and game_tags, keeping their
-- data in steam_rec.migration_stash; the next upgrade to 1.1 restores it.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.0'" to load this file. \quit

-- A stash left by an earlier downgrade would be restored together with this
-- one; refuse instead of guessing which is right.
DO $$
BEGIN
    IF EXISTS (SELECT FROM steam_rec.migration_stash
                WHERE item IN ('game_tags', 'game_tags_id_seq', 'users.country')) THEN
        RAISE EXCEPTION 'steam_rec.migration_stash already holds data stashed by an earlier downgrade from 1.1'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Upgrade to 1.1 first to restore it, or delete those stash rows if they are no longer wanted.';
    END IF;
END
$$;

INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'game_tags', pg_catalog.to_jsonb(t) FROM steam_rec.game_tags AS t;

INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'game_tags_id_seq',
       pg_catalog.jsonb_build_object('last_value', last_value, 'is_called', is_called)
  FROM steam_rec.game_tags_id_seq;

INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'users.country', pg_catalog.jsonb_build_object('steam_id', steam_id, 'country', country)
  FROM steam_rec.users
 WHERE country IS NOT NULL;

DO $$
DECLARE
    tags bigint;
    countries bigint;
BEGIN
    SELECT count(*) INTO tags FROM steam_rec.game_tags;
    SELECT count(*) INTO countries FROM steam_rec.users WHERE country IS NOT NULL;
    IF tags > 0 OR countries > 0 THEN
        RAISE WARNING 'steam_rec: stashed % game tag(s) and % country code(s) in steam_rec.migration_stash', tags, countries
            USING HINT = 'ALTER EXTENSION steam_rec UPDATE TO ''1.1'' restores them.';
    END IF;
END
$$;

ALTER EXTENSION steam_rec DROP TABLE steam_rec.game_tags;
ALTER EXTENSION steam_rec DROP SEQUENCE steam_rec.game_tags_id_seq;
DROP TABLE steam_rec.game_tags;
ALTER TABLE steam_rec.users DROP COLUMN country;
