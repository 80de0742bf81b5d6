-- steam_rec 1.1 -> 1.0: removes users.country and game_tags, keeping their
-- data in steam_rec.migration_stash; the next upgrade to 1.1 restores it.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.0'" to load this file. \quit

SELECT steam_rec._stash_must_be_empty('1.1', '{game_tags,game_tags_id_seq,users.country}');

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

SELECT steam_rec._report_stash('1.1', '{game_tags,users.country}');

ALTER EXTENSION steam_rec DROP TABLE steam_rec.game_tags;
ALTER EXTENSION steam_rec DROP SEQUENCE steam_rec.game_tags_id_seq;
DROP TABLE steam_rec.game_tags;
ALTER TABLE steam_rec.users DROP COLUMN country;

SELECT steam_rec._log_migration('1.1', '1.0');
