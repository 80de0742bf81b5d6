-- steam_rec 1.4 -> 1.5: the fixes of the 1.5 review (serialised writers, a
-- DROP guard that reads what is dropped, privileges kept over migrations).
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.5'" to load this file. \quit

SELECT steam_rec._log_migration('1.4', '1.5');
