-- Distributes steam_rec 1.5's tables over a Citus cluster.  From 1.6 on,
-- SELECT steam_rec.distribute() on the coordinator does the same (and checks
-- that it can); this recipe is for a cluster still at 1.5, and distribute()
-- after an update to 1.6 finds its form and changes nothing.  Run once with
-- psql on the coordinator, after CREATE EXTENSION citus and steam_rec and
-- citus_add_node for every worker, before loading data:
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

-- 3. Triggers on Citus tables fire on the shards, on every node that holds a
--    placement, where a trigger that writes another Citus table is refused
--    ("cannot execute a distributed query from a query on a shard").  The
--    model tables' triggers do that (they delete a model's rows, and record
--    the user_games mark of a new model): in the distributed form foreign keys
--    with ON DELETE CASCADE, which Citus runs on each placement, take their
--    place.  The user_games mark is not recorded (docs/citus.md).
SELECT pg_catalog.run_command_on_workers(format('DROP TRIGGER %I ON steam_rec.models', t))
  FROM unnest(ARRAY['models_delete_rows', 'models_truncate_rows', 'models_mark_data',
                    'models_delete_governance', 'models_truncate_governance']) AS t;
DROP TRIGGER models_delete_rows ON steam_rec.models;
DROP TRIGGER models_truncate_rows ON steam_rec.models;
DROP TRIGGER models_mark_data ON steam_rec.models;
DROP TRIGGER models_delete_governance ON steam_rec.models;
DROP TRIGGER models_truncate_governance ON steam_rec.models;

-- 4. The identity sequences belong to steam_rec, so each node has its own,
--    all starting at 1, and Citus does not give them the per-node ranges it
--    gives the sequences it distributes: a row written through a worker would
--    take an id the coordinator already gave.  Each worker draws from its own
--    2^48 ids, from its group id times 2^48; the coordinator keeps 1 up.
SELECT pg_catalog.run_command_on_workers($cmd$
    DO $ranges$
    DECLARE
        first bigint := (SELECT groupid FROM pg_catalog.pg_dist_local_group)::bigint * 281474976710656 + 1;
        sequence text;
    BEGIN
        FOREACH sequence IN ARRAY ARRAY['user_games_id_seq', 'game_tags_id_seq', 'models_id_seq'] LOOP
            EXECUTE pg_catalog.format('ALTER SEQUENCE steam_rec.%I MINVALUE %s MAXVALUE %s START %s RESTART',
                                      sequence, first, first + 281474976710655, first);
        END LOOP;
    END
    $ranges$ $cmd$);

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
ALTER TABLE steam_rec.model_games ADD CONSTRAINT model_games_model_id_fkey
    FOREIGN KEY (model_id) REFERENCES steam_rec.models (id) ON DELETE CASCADE;
ALTER TABLE steam_rec.model_tags ADD CONSTRAINT model_tags_model_id_fkey
    FOREIGN KEY (model_id) REFERENCES steam_rec.models (id) ON DELETE CASCADE;
ALTER TABLE steam_rec.model_governance ADD CONSTRAINT model_governance_model_id_fkey
    FOREIGN KEY (model_id) REFERENCES steam_rec.models (id) ON DELETE CASCADE;

-- Per-player tables, colocated with users.  user_games' engagement trigger
-- reads only the row it is given and the reference tables game_stats and
-- engagement_prior, which every node holds: it is safe on a shard, and
-- citus.enable_unsafe_triggers is how Citus lets a table keep such a trigger.
SELECT pg_catalog.create_distributed_table('steam_rec.users', 'steam_id');
SET LOCAL citus.enable_unsafe_triggers = on;
SELECT pg_catalog.create_distributed_table('steam_rec.user_games', 'user_steam_id',
                                           colocate_with => 'steam_rec.users');
SELECT pg_catalog.create_distributed_table('steam_rec.recommendations', 'user_steam_id',
                                           colocate_with => 'steam_rec.users');

-- train() reads user_games from every shard in parallel, then writes the model
-- tables, which foreign keys tie together; Citus allows that in one
-- transaction only over one connection per node.  train() runs its reads
-- that way (a setting of the function, nothing else changes), on every node,
-- since it can be called on any.
SELECT pg_catalog.run_command_on_workers(
    $$ALTER FUNCTION steam_rec.train(text, jsonb) SET citus.multi_shard_modify_mode = 'sequential'$$);
ALTER FUNCTION steam_rec.train(text, jsonb) SET citus.multi_shard_modify_mode = 'sequential';

-- refresh_recommendations() of every player is one query over users that
-- Citus runs on each shard, on the worker that holds it; there it calls
-- refresh_recommendations() for each of the shard's players, whose statements
-- reach only that player's local shard.  Citus calls that nested distributed
-- execution and allows it only when asked, on every node where it runs.
SELECT pg_catalog.run_command_on_workers(
    $$ALTER FUNCTION steam_rec.refresh_recommendations(bigint, integer)
          SET citus.allow_nested_distributed_execution = on$$);
ALTER FUNCTION steam_rec.refresh_recommendations(bigint, integer)
    SET citus.allow_nested_distributed_execution = on;

-- refresh_engagement() of every player measures the rows through Citus,
-- stores the statistics in the reference tables, then rescores each shard's
-- players on its worker in the same way (nested, as above).  On the node it
-- is called on (any) the rescoring query must use the connections that wrote
-- the statistics, one per worker, so that the workers see them.
SELECT pg_catalog.run_command_on_workers(
    $$ALTER FUNCTION steam_rec.refresh_engagement(bigint)
          SET citus.allow_nested_distributed_execution = on$$);
SELECT pg_catalog.run_command_on_workers(
    $$ALTER FUNCTION steam_rec.refresh_engagement(bigint) SET citus.multi_shard_modify_mode = 'sequential'$$);
ALTER FUNCTION steam_rec.refresh_engagement(bigint)
    SET citus.allow_nested_distributed_execution = on;
ALTER FUNCTION steam_rec.refresh_engagement(bigint) SET citus.multi_shard_modify_mode = 'sequential';

-- Serving runs where the player's rows are: a call of recommend() through the
-- coordinator is sent whole to the worker that holds the player's shard, and
-- reads the model from that worker's copy of the reference tables.
SELECT pg_catalog.create_distributed_function(
    'steam_rec.recommend(bigint, integer, boolean, text[], text[], integer[], real)',
    distribution_arg_name => 'steam_id', colocate_with => 'steam_rec.users');
COMMIT;
