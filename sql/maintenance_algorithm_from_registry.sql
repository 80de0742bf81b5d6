-- The maintenance setting "algorithm" accepts every algorithm of the
-- registry (steam_rec.algorithms()), not a list of its own: 1.5 named six, so
-- rp3beta, added to the registry in 1.6, was refused.
CREATE EXTENSION steam_rec;
SELECT steam_rec.set_maintenance_setting('algorithm', 'rp3beta');
SELECT steam_rec.set_maintenance_setting('algorithm', 'active');
-- An unknown name is refused with the registry's names as the hint.
\set SHOW_CONTEXT never
SELECT steam_rec.set_maintenance_setting('algorithm', 'slim');
SELECT value FROM steam_rec.maintenance_settings() WHERE name = 'algorithm';
-- Each name the registry lists is accepted.
SELECT count(*) = (SELECT count(*) FROM steam_rec.algorithms()) AS every_algorithm_accepted
  FROM steam_rec.algorithms() AS a
 WHERE steam_rec.set_maintenance_setting('algorithm', a.name) = a.name;
SELECT steam_rec.set_maintenance_setting('algorithm', NULL);
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
