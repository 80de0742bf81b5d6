-- steam_rec 1.5 -> 1.4: undoes every change of 1.5; it keeps no data of its own.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.4'" to load this file. \quit

SELECT steam_rec._log_migration('1.5', '1.4');
