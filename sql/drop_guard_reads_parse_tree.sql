-- The DROP guard reads what a command drops, not its text: every spelling of
-- DROP EXTENSION steam_rec, dynamic SQL, DROP SCHEMA steam_rec and DROP OWNED
-- BY its owner are refused while the tables hold rows, and allowed with
-- steam_rec.allow_drop; a role that may not drop gets the server's own
-- refusal; unrelated drops are not affected.
CREATE ROLE regress_guard_owner SUPERUSER NOLOGIN;
CREATE ROLE regress_guard_stranger NOLOGIN;
SET ROLE regress_guard_owner;
CREATE EXTENSION steam_rec;
RESET ROLE;
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one');
SET steam_rec.allow_drop = off;

CREATE FUNCTION pg_temp.drop_it(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP %s steam_rec', what);
END
$$;

-- 1. Refused, whatever the spelling; each names the tables holding rows.
SELECT * FROM regress.refusal($$DROP EXTENSION steam_rec$$);
SELECT code, message FROM regress.refusal($$DROP /* tidy up */ EXTENSION steam_rec$$);
SELECT code, message FROM regress.refusal($$drop   extension
    STEAM_REC   restrict$$);
SELECT code, message FROM regress.refusal($$DROP EXTENSION -- a comment
    "steam_rec"$$);
SELECT code, message FROM regress.refusal($$DROP EXTENSION IF EXISTS regress_no_such_extension, steam_rec CASCADE$$);
SELECT code, message FROM regress.refusal($q$DO $do$ BEGIN EXECUTE format('DROP %s steam_rec', 'EXTENSION'); END $do$ $q$);
SELECT code, message FROM regress.refusal($$SELECT pg_temp.drop_it('EXTENSION')$$);
SELECT code, message FROM regress.refusal($$DROP SCHEMA steam_rec CASCADE$$);
SELECT code, message FROM regress.refusal($$DROP SCHEMA steam_rec$$);
SELECT code, message FROM regress.refusal($$SELECT pg_temp.drop_it('SCHEMA IF EXISTS')$$);
SELECT code, message FROM regress.refusal($$DROP OWNED BY regress_guard_owner$$);
SELECT code, message FROM regress.refusal($$DROP OWNED BY regress_guard_stranger, regress_guard_owner CASCADE$$);
SELECT extversion, (SELECT count(*) FROM steam_rec.users) AS users FROM pg_extension WHERE extname = 'steam_rec';

-- 2. A role that may not drop gets the server's refusal, not the guard's.
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_guard_stranger;
SET ROLE regress_guard_stranger;
SELECT code, message FROM regress.refusal($$DROP EXTENSION steam_rec$$);
SELECT code, message FROM regress.refusal($$DROP SCHEMA steam_rec CASCADE$$);
SELECT code, message FROM regress.refusal($$DROP OWNED BY regress_guard_owner$$);
RESET ROLE;

-- 3. Unrelated drops are not affected.
CREATE SCHEMA regress_other;
CREATE TABLE regress_other.kept (x integer);
INSERT INTO regress_other.kept VALUES (1);
CREATE EXTENSION seg SCHEMA regress_other;
DROP EXTENSION seg;
DROP SCHEMA regress_other CASCADE;
DROP EXTENSION IF EXISTS regress_no_such_extension;
DROP OWNED BY regress_guard_stranger;  -- owns nothing of steam_rec
SELECT has_schema_privilege('regress_guard_stranger', 'steam_rec', 'USAGE') AS stranger_has_usage;

-- 4. Empty tables lose nothing: the drop goes through (the migration log does not count).
DELETE FROM steam_rec.users;
DO $$ BEGIN EXECUTE format('DROP %s steam_rec', 'EXTENSION'); END $$;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'steam_rec';

-- 5. Allowed with steam_rec.allow_drop: by a comment-laden command, by
-- dynamic SQL, by DROP SCHEMA ... CASCADE and by DROP OWNED BY the owner.
SET steam_rec.allow_drop = on;
SET ROLE regress_guard_owner;
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one');
DROP /* tidy up */ EXTENSION steam_rec;
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one');
SELECT pg_temp.drop_it('EXTENSION');
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one');
DROP SCHEMA steam_rec CASCADE;
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one');
RESET ROLE;
DROP OWNED BY regress_guard_owner;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'steam_rec';
RESET steam_rec.allow_drop;

DROP ROLE regress_guard_owner;
DROP ROLE regress_guard_stranger;
