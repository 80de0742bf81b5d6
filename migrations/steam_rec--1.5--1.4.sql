-- steam_rec 1.5 -> 1.4: undoes every change of 1.5; it keeps no data of its own.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.4'" to load this file. \quit

-- #4 activate_model() as in 1.4: without the lock that serialises activations.
CREATE OR REPLACE FUNCTION steam_rec.activate_model(id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'model id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
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
SELECT steam_rec._log_migration('1.5', '1.4');
