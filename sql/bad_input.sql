-- Bad input: each refused with a clear error that names the value, and
-- nothing written.
CREATE EXTENSION steam_rec;

-- Fingerprint of every row of every table, to prove nothing was written.
CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE sql AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM steam_rec.users AS t),
        (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM steam_rec.user_games AS t),
        (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM steam_rec.catalog_cache AS t),
        (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM steam_rec.game_tags AS t),
        (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM steam_rec.recommendations AS t)))
$$;

INSERT INTO steam_rec.users (steam_id, username) VALUES (1001, 'known');
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (10, 'Counter-Strike');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1001, 10, 5);
CREATE TEMP TABLE before AS SELECT pg_temp.fingerprint() AS fingerprint;

-- Playtime: negative, NaN, infinite.
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1001, 20, -1.5)$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1001, 20, 'NaN')$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1001, 20, 'Infinity')$$);
SELECT * FROM regress.refusal($$UPDATE steam_rec.user_games SET playtime_hours = '-Infinity'$$);
SELECT * FROM regress.refusal($$UPDATE steam_rec.user_games SET playtime_hours = NULL$$);
-- Scores and categories outside their range.
SELECT * FROM regress.refusal($$UPDATE steam_rec.user_games SET engagement_score = 1.5$$);
SELECT * FROM regress.refusal($$UPDATE steam_rec.user_games SET engagement_score = 'NaN'$$);
SELECT * FROM regress.refusal($$UPDATE steam_rec.user_games SET playtime_category = 'obsessed'$$);

-- Non-positive ids.
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.users (steam_id, username) VALUES (0, 'zero')$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.users (steam_id, username) VALUES (-76561197960265728, 'negative')$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (-10, 'negative')$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid) VALUES (1001, 0)$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm) VALUES (1001, 20, 0, 0.5, 'popularity')$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.catalog_cache (appid, name, price_cents) VALUES (30, 'Priced', -1)$$);

-- A duplicate (player, game), a game for an unknown player, a duplicate tag.
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1001, 10, 7)$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid) VALUES (424242, 10)$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm) VALUES (424242, 10, 1, 0.5, 'popularity')$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.game_tags (appid, tag_name) VALUES (10, 'FPS'), (10, 'FPS')$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.game_tags (appid, tag_name) VALUES (99999, 'FPS')$$);

-- An over-long username or tag, a bad country code.
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.users (steam_id, username) VALUES (1002, repeat('x', 256))$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.users (steam_id, username) VALUES (1002, NULL)$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.game_tags (appid, tag_name) VALUES (10, repeat('t', 101))$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.users (steam_id, username, country) VALUES (1002, 'lower', 'se')$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.users (steam_id, username, country) VALUES (1002, 'digits', '12')$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.users (steam_id, username, country) VALUES (1002, 'three', 'SWE')$$);
SELECT * FROM regress.refusal($$UPDATE steam_rec.users SET country = 'S' WHERE steam_id = 1001$$);

-- A bulk insert with one bad row writes none of its rows.
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
    SELECT 1001, 100 + n, CASE WHEN n = 500 THEN -1 ELSE n END FROM generate_series(1, 1000) AS n$$);

-- A long value a message quotes is cut at 64 bytes, at a character
-- boundary, not echoed whole.
SELECT code, message, length(message) < 200 AS short FROM regress.refusal(
  $$SELECT * FROM steam_rec.evaluate(algorithms => ARRAY[repeat('ä', 100000)])$$);
SELECT code, message FROM regress.refusal(
  $$SELECT * FROM steam_rec.evaluate(algorithms => ARRAY['ease'], target => repeat('t', 100000))$$);
SELECT code, message FROM regress.refusal(
  $$SELECT steam_rec.train('ease', jsonb_build_object(repeat('k', 100000), true))$$);
SELECT code, message FROM regress.refusal($$SELECT steam_rec._script_text(repeat('s', 100000))$$);
-- Nor where the core quotes it (the valid names after it were cut off with
-- the message), nor as a key of evaluate()'s params, nor as a script name of
-- the right shape that is not installed.
SELECT code, message FROM regress.refusal($$SELECT steam_rec.train(repeat('a', 100000))$$);
SELECT code, message FROM regress.refusal(
  $$SELECT steam_rec.train('itemknn', jsonb_build_object(repeat('k', 100000), 1))$$);
SELECT code, message FROM regress.refusal(
  $$SELECT steam_rec.train('hybrid', jsonb_build_object('base', repeat('b', 100000)))$$);
SELECT code, message FROM regress.refusal(
  $$SELECT * FROM steam_rec.evaluate(algorithms => ARRAY['ease'],
                                    params => jsonb_build_object(repeat('p', 100000), '{}'::jsonb))$$);
SELECT code, regexp_replace(message, '"/[^"]*/extension/', '"<share>/extension/') AS message
  FROM regress.refusal($$SELECT steam_rec._script_text('steam_rec--1.' || repeat('0', 100000) || '.sql')$$);
-- Nor by the SQL functions: an unknown migration target or maintenance
-- setting, a bad setting value, the caller named by the transaction check.
SELECT code, message FROM regress.refusal($$SELECT * FROM steam_rec.migration_plan(repeat('é', 300000))$$);
SELECT code, message FROM regress.refusal($$SELECT steam_rec._maintenance_setting_checked(repeat('n', 100000), 'x')$$);
SELECT code, message FROM regress.refusal(
  $$SELECT steam_rec._maintenance_setting_checked('algorithm', repeat('x', 1000000))$$);
SELECT code, message FROM regress.refusal(
  $$SELECT steam_rec._maintenance_setting_checked('evaluation_k', repeat('9', 100000))$$);
BEGIN;
SELECT code, message FROM regress.refusal($$SELECT steam_rec._refuse_in_transaction_block(repeat('w', 100000))$$);
ROLLBACK;
-- params jsonb cannot hold (\u0000) or nests too deep to parse are the
-- setting's own error, not jsonb's.
SELECT code, message FROM regress.refusal($$SELECT steam_rec._maintenance_setting_checked('params', '{"a":"\u0000"}')$$);
SELECT code, left(message, 80) AS message FROM regress.refusal(
  $$SELECT steam_rec._maintenance_setting_checked('params', repeat('[', 100000))$$);
SELECT code, message FROM regress.refusal($$SELECT steam_rec._maintenance_setting_checked('params', '{"a":1e200000}')$$);
-- A long value the core quotes is cut at a character boundary: cut with the
-- message at its buffer, it ended inside a character (invalid UTF-8).
SELECT code, length(message) < 300 AS cut, right(message, 6) AS message_ends,
       convert_from(convert_to(message, 'UTF8'), 'UTF8') = message AS valid
  FROM regress.refusal($$SELECT steam_rec.train('x' || repeat('ä', 1000))$$);

-- Nothing above changed a row.
SELECT fingerprint = pg_temp.fingerprint() AS unchanged FROM before;

-- Limits that are allowed.
INSERT INTO steam_rec.users (steam_id, username, country)
VALUES (9223372036854775807, repeat('x', 255), 'SE');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
VALUES (9223372036854775807, 2147483647, 1.7976931348623157e308);
INSERT INTO steam_rec.catalog_cache (appid, name, price_cents) VALUES (2147483647, 'Free', 0);
SELECT count(*) AS accepted FROM steam_rec.user_games WHERE user_steam_id = 9223372036854775807;

DROP EXTENSION steam_rec;
