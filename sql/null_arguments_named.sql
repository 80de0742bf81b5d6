-- A NULL for an argument that has no meaning as NULL is 22004 naming it.
-- Before: model_report()'s sample_players NULL was 22023, migrate() with
-- dry_run NULL ran as a dry run, and adopt_alembic(NULL) looked for a schema
-- "<NULL>" (3F000).
CREATE EXTENSION steam_rec;
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.model_report(NULL, NULL)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.migrate('-1', NULL)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.adopt_alembic(NULL)$$);
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
DROP EXTENSION steam_rec;
