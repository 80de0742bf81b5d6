-- steam_rec.owned_game_totals() and co_ownership_sums() read the shards of a
-- Citus worker.  Without Citus they refuse with 55000 before reading their
-- arguments: a forged totals value is never decoded here (its decoder's own
-- refusals are unit-tested: test/unit/game_sums_decode_refuses_forged_test).
-- PUBLIC cannot run them.
CREATE EXTENSION steam_rec;

SELECT * FROM regress.refusal($$SELECT steam_rec.owned_game_totals('itemknn')$$);
-- 'SRT1', 2 players, 3 owned games, 2^62 games: 2^62 values of 8 bytes
-- wrap around to 0 bytes.
SELECT * FROM regress.refusal($$SELECT steam_rec.co_ownership_sums('itemknn', '{}',
  '\x53525431020000000000000003000000000000000000000000000040'::bytea)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.co_ownership_sums('itemknn', '{}', '\x00'::bytea)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.co_ownership_sums(NULL, NULL, NULL)$$);

SELECT p.proname, pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_run
  FROM pg_catalog.pg_proc AS p
 WHERE p.pronamespace = 'steam_rec'::regnamespace AND p.proname IN ('owned_game_totals', 'co_ownership_sums')
 ORDER BY p.proname;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
