-- steam_rec 1.4 -> 1.3: removes evaluate(); it keeps no data.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.3'" to load this file. \quit

DROP FUNCTION steam_rec.evaluate(text[], integer, real, integer, integer, text, jsonb, boolean);

SELECT steam_rec._log_migration('1.4', '1.3');
