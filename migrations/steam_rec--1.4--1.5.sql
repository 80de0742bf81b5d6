-- steam_rec 1.4 -> 1.5: the fixes of the 1.5 review (serialised writers, a
-- DROP guard that reads what is dropped, privileges kept over migrations).
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.5'" to load this file. \quit

-- #4 activate_model() serialised with itself and with train()'s activation.
-- Both take an EXCLUSIVE lock on steam_rec.models before changing which model
-- is active: it conflicts with every writer of the table and with itself, not
-- with plain SELECTs, so recommend() never waits.  Each statement of a
-- plpgsql function takes a new snapshot in READ COMMITTED, so the statements
-- after the LOCK see an activation that committed while this one waited, and
-- replace it: the later activation wins.  (In REPEATABLE READ the snapshot
-- predates the wait, and the UPDATE of the row the other one changed fails
-- with a serialization error: retry the transaction.)  CREATE OR REPLACE keeps
-- the function's grants and comment; PostgreSQL only lets an extension script
-- replace a function that is already a member of the extension.
CREATE OR REPLACE FUNCTION steam_rec.activate_model(id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'model id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- Waits for any other activation or training's activation to commit.
    LOCK TABLE steam_rec.models IN EXCLUSIVE MODE;
    IF NOT EXISTS (SELECT FROM steam_rec.models AS m WHERE m.id = activate_model.id) THEN
        RAISE EXCEPTION 'model % does not exist', id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT id, algorithm, trained_at, active FROM steam_rec.models lists the models.';
    END IF;
    UPDATE steam_rec.models AS m SET active = false WHERE m.active AND m.id <> activate_model.id;
    UPDATE steam_rec.models AS m SET active = true WHERE m.id = activate_model.id AND NOT m.active;
END
$$;

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.4', '1.5');
