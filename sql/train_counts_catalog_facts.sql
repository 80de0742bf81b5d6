-- The catalog's facts count in the training memory estimate.  A name of many
-- short words holds far more than its bytes (each word a string, a number
-- table entry and row entries): 4,000 names of 250 words each made train()
-- hold 54 MB more (peak RSS) that steam_rec.training_memory_limit never saw.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 40) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p + g) % 9 FROM generate_series(1, 40) AS p, generate_series(1, 60) AS g
 WHERE (p * 31 + g * 17) % 5 = 0;
-- 4,000 catalog rows, each named by 250 words of its own (about 1.5 kB).
INSERT INTO steam_rec.catalog_cache (appid, name, developer, publisher)
SELECT g, (SELECT string_agg('w' || (g * 1000 + w), ' ') FROM generate_series(1, 250) AS w),
       'Studio ' || (g % 10), 'Publisher ' || (g % 10)
  FROM generate_series(1, 4000) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, 'tag_' || (g % 7), 1 FROM generate_series(1, 60) AS g;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;

-- 1. Over the limit with the catalog: refused before training, the detail
-- naming the catalog's share; nothing stored.
SET steam_rec.training_memory_limit = '64MB';
CREATE TEMP TABLE refused AS SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease')$$);
SELECT code, message ~ '^training ease on 60 games and 40 players needs about \d+ MB, more than '
                       'steam_rec.training_memory_limit \(64 MB\)$' AS message_as_expected,
       detail ~ '^The facts of steam_rec.catalog_cache take about \d+ MB of it\.$' AS detail_as_expected,
       (regexp_match(detail, '(\d+) MB'))[1]::int > 64 AS catalog_over_limit
  FROM refused;
SELECT count(*) AS models FROM steam_rec.models;

-- 2. The refusal names the whole catalog's size, not what was held when the
-- limit was passed: the same need at a limit half as high again.
SET steam_rec.training_memory_limit = '96MB';
SELECT (regexp_match(r.message, 'needs about (\d+) MB'))[1] = (regexp_match(f.message, 'needs about (\d+) MB'))[1]
       AS same_need
  FROM regress.refusal($$SELECT steam_rec.train('ease')$$) AS r, refused AS f;

-- 3. Without the catalog's facts the same training fits, as does one that
-- never reads them.
SET steam_rec.training_memory_limit = '64MB';
SELECT steam_rec.train('ease', '{"catalog_name_weight": 0, "catalog_studio_weight": 0, "catalog_series_weight": 0}')
       > 0 AS trained_without_catalog;
SELECT steam_rec.train('itemknn') > 0 AS trained_itemknn;

-- 4. evaluate() counts them as well, and evaluates without them.
SELECT code, detail ~ '^The facts of steam_rec.catalog_cache take about \d+ MB of it\.$' AS detail_as_expected
  FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(algorithms => ARRAY['ease'], seed => 1)$$);
SELECT algorithm, players > 0 AS evaluated
  FROM steam_rec.evaluate(algorithms => ARRAY['ease'], seed => 1,
                          params => '{"ease": {"catalog_name_weight": 0, "catalog_studio_weight": 0,
                                               "catalog_series_weight": 0}}');

-- 5. Under the default limit it trains with the facts.
RESET steam_rec.training_memory_limit;
SELECT steam_rec.train('ease') > 0 AS trained_with_catalog;
SELECT count(*) AS models FROM steam_rec.models;

-- 6. Where the role may not read release_date, a hybrid whose only catalog
-- weight is the default release_years_scale turns that off: nothing else
-- reads the catalog, so it is not read (held and built, it would count in no
-- estimate).  Scans of catalog_cache as by a training that never uses it.
CREATE ROLE regress_catalog_undated NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_catalog_undated;
GRANT EXECUTE ON FUNCTION steam_rec.train(text, jsonb) TO regress_catalog_undated;
GRANT SELECT ON steam_rec.users, steam_rec.game_tags, steam_rec.user_games TO regress_catalog_undated;
GRANT SELECT (appid, developer, publisher, name) ON steam_rec.catalog_cache TO regress_catalog_undated;
GRANT SELECT, INSERT, UPDATE ON steam_rec.models TO regress_catalog_undated;
GRANT SELECT, INSERT ON steam_rec.model_games, steam_rec.model_tags, steam_rec.model_governance
   TO regress_catalog_undated;
CREATE FUNCTION pg_temp.catalog_scans() RETURNS bigint LANGUAGE sql
  AS $$SELECT seq_scan + COALESCE(idx_scan, 0) FROM pg_stat_xact_user_tables
         WHERE relid = 'steam_rec.catalog_cache'::regclass$$;
BEGIN;
CREATE TEMP TABLE scans (training text, scans bigint);
INSERT INTO scans VALUES ('before', pg_temp.catalog_scans());
SET LOCAL ROLE regress_catalog_undated;
SELECT steam_rec.train('hybrid', '{"base": "itemknn", "studio_weight": 0, "series_weight": 0,
                                   "name_word_weight": 0, "release_years_scale": 0}') > 0 AS trained_without_catalog;
RESET ROLE;
INSERT INTO scans VALUES ('without catalog', pg_temp.catalog_scans());
SET LOCAL ROLE regress_catalog_undated;
SELECT steam_rec.train('hybrid', '{"base": "itemknn", "studio_weight": 0, "series_weight": 0,
                                   "name_word_weight": 0}') > 0 AS trained_dates_off;
RESET ROLE;
INSERT INTO scans VALUES ('dates turned off', pg_temp.catalog_scans());
SELECT (SELECT scans FROM scans WHERE training = 'dates turned off')
       - 2 * (SELECT scans FROM scans WHERE training = 'without catalog')
       + (SELECT scans FROM scans WHERE training = 'before') AS scans_more_than_without_catalog;
ROLLBACK;
DROP OWNED BY regress_catalog_undated;
DROP ROLE regress_catalog_undated;

DROP EXTENSION steam_rec;
