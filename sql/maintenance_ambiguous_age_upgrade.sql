-- A retrain_max_age stored by 1.5 that IntervalStyle sql_standard reads
-- otherwise ('-1 day 25:00:00': +1 hour, or -49 hours there) is kept by the
-- upgrade to 1.6, which warns about it; 1.6 refuses such a value when set.
CREATE EXTENSION steam_rec VERSION '1.5';
SELECT steam_rec.set_maintenance_setting('retrain_max_age', '-1 day 25:00:00');
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT value FROM steam_rec.maintenance_settings() WHERE name = 'retrain_max_age';
-- A value every style reads alike passes the upgrade without a word.
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
CREATE EXTENSION steam_rec VERSION '1.5';
SELECT steam_rec.set_maintenance_setting('retrain_max_age', '3 days');
ALTER EXTENSION steam_rec UPDATE TO '1.6';
DROP EXTENSION steam_rec;
