-- version_check_refuses_unreadable_version: an installed version that is not
-- a major and a minor number as the scripts install them ("1.7"; only a hand
-- edit of pg_extension writes another) is refused with its value named,
-- never compared as some other version: 'abc' read as 0 was served as an
-- older SQL version, and '1.7.0' or '01.7' as 1.7.  Each edit is rolled back.
CREATE EXTENSION steam_rec;

-- The call's refusal with extversion set to `edited`, the edit undone.
CREATE FUNCTION regress.refusal_at_version(edited text)
RETURNS TABLE (code text, message text, detail text, hint text) LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        UPDATE pg_extension SET extversion = edited WHERE extname = 'steam_rec';
        SELECT r.code, r.message, r.detail, r.hint INTO code, message, detail, hint
          FROM regress.refusal($q$SELECT steam_rec.boundary_selftest('none')$q$) AS r;
        RAISE EXCEPTION 'undo the edit';
    EXCEPTION WHEN raise_exception THEN
        IF SQLERRM <> 'undo the edit' THEN RAISE; END IF;
    END;
    RETURN NEXT;
END
$$;

SELECT format($$%L$$, v) AS edited, r.code, r.message
  FROM unnest(ARRAY['abc', '', '1..7', '.1', '1.', '1.7beta', ' 1.7', '1.7 ', '-1.7', '+1.7', '1.1234567890',
                    '1.99999999999999999999', '1.7.0', '01.7', '1.07', '1.100', '100.1']) AS v,
       regress.refusal_at_version(v) AS r;
-- What it says, and how to get out.
SELECT detail, hint FROM regress.refusal_at_version('abc');

-- The version is back; served.
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'steam_rec') AS restored
  FROM pg_extension WHERE extname = 'steam_rec';
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;

DROP FUNCTION regress.refusal_at_version(text);
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
