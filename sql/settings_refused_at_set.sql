-- Defect 12: SET steam_rec.training_memory_limit = '1MB' was accepted and
-- only warned about at train().  Once the library is loaded, the steam_rec.
-- prefix is reserved: invalid values and unknown names fail at SET.
CREATE EXTENSION steam_rec;
SELECT steam_rec.version() IS NOT NULL AS library_loaded;

SELECT * FROM regress.refusal($$SET steam_rec.training_memory_limit = '1MB'$$);
SELECT * FROM regress.refusal($$SET steam_rec.training_memory_limt = '64MB'$$);
SELECT * FROM regress.refusal($$SET steam_rec.allow_drop = 'maybe'$$);
SELECT * FROM regress.refusal($$SET steam_rec.player = 'alice'$$);
SELECT * FROM regress.refusal($$SET steam_rec.player = '-5'$$);
SHOW steam_rec.training_memory_limit;

-- Valid values are taken, and each setting says what it is for.
SET steam_rec.training_memory_limit = '64MB';
SET steam_rec.player = '76561197960287930';
SET steam_rec.allow_drop = on;
SET steam_rec.max_threads = 2;
SELECT name, setting, unit, context, short_desc FROM pg_settings WHERE name LIKE 'steam\_rec.%' ORDER BY name;
RESET steam_rec.training_memory_limit;
RESET steam_rec.player;
RESET steam_rec.allow_drop;
RESET steam_rec.max_threads;
-- The row-level-security idiom of the README reads an unset player as NULL.
SELECT nullif(current_setting('steam_rec.player', true), '')::bigint AS no_player;

DROP EXTENSION steam_rec;
