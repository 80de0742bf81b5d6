-- Distributes steam_rec's tables over a Citus cluster.  Run once with psql on
-- the coordinator, after CREATE EXTENSION citus and steam_rec and
-- citus_add_node for every worker, before loading data (it works on loaded
-- tables too, copying their rows to the shards):
--
--     psql -v ON_ERROR_STOP=1 -d steam_rec -f docs/citus_distribute.sql
--
-- Per-player tables are sharded by player and colocated, so a player's rows
-- and their foreign keys live on one worker; per-game tables and the models
-- are reference tables, a full copy on every node.  See docs/citus.md for
-- why each step is as it is.
\set ON_ERROR_STOP 1
BEGIN;

-- The tables belong to steam_rec, so CREATE EXTENSION made them on every
-- worker and Citus uses those as the workers' shell tables: a change of their
-- constraints is made on the workers first, then here.
--
-- 1. game_tags' foreign key would make Citus convert game_tags into a
--    "Citus local table" before catalog_cache becomes a reference table; that
--    conversion drops and recreates the identity sequence, which the
--    extension owns, so it fails.  Distribute both without the key, then add
--    it back between the two reference tables.
SELECT pg_catalog.run_command_on_workers(
    $$ALTER TABLE steam_rec.game_tags DROP CONSTRAINT game_tags_appid_fkey$$);
ALTER TABLE steam_rec.game_tags DROP CONSTRAINT game_tags_appid_fkey;

-- 2. A distributed table's primary key must contain the distribution column:
--    user_games' key becomes (user_steam_id, id).  id stays an identity.
SELECT pg_catalog.run_command_on_workers(
    $$ALTER TABLE steam_rec.user_games DROP CONSTRAINT user_games_pkey,
          ADD CONSTRAINT user_games_pkey PRIMARY KEY (user_steam_id, id)$$);
ALTER TABLE steam_rec.user_games DROP CONSTRAINT user_games_pkey,
    ADD CONSTRAINT user_games_pkey PRIMARY KEY (user_steam_id, id);

-- Triggers on Citus tables fire on the shards, on the node that holds the
-- row; Citus refuses to distribute a table with triggers unless told they are
-- safe there.  steam_rec's are (see docs/citus.md): user_games' engagement
-- trigger reads only its row and the reference tables game_stats and
-- engagement_prior, which every node holds; the models' triggers keep the
-- other model tables in step and run where train() and prune_models() run.
SET LOCAL citus.enable_unsafe_triggers = on;

-- Reference tables: what every node reads to score and to serve.
SELECT pg_catalog.create_reference_table('steam_rec.catalog_cache');
SELECT pg_catalog.create_reference_table('steam_rec.game_tags');
ALTER TABLE steam_rec.game_tags ADD CONSTRAINT game_tags_appid_fkey
    FOREIGN KEY (appid) REFERENCES steam_rec.catalog_cache (appid) ON DELETE CASCADE;
SELECT pg_catalog.create_reference_table('steam_rec.game_stats');
SELECT pg_catalog.create_reference_table('steam_rec.engagement_prior');
SELECT pg_catalog.create_reference_table('steam_rec.models');
SELECT pg_catalog.create_reference_table('steam_rec.model_games');
SELECT pg_catalog.create_reference_table('steam_rec.model_tags');
SELECT pg_catalog.create_reference_table('steam_rec.model_governance');

-- Per-player tables, colocated with users.
SELECT pg_catalog.create_distributed_table('steam_rec.users', 'steam_id');
SELECT pg_catalog.create_distributed_table('steam_rec.user_games', 'user_steam_id',
                                           colocate_with => 'steam_rec.users');
SELECT pg_catalog.create_distributed_table('steam_rec.recommendations', 'user_steam_id',
                                           colocate_with => 'steam_rec.users');
COMMIT;
