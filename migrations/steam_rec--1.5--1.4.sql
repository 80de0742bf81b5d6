-- steam_rec 1.5 -> 1.4: undoes every change of 1.5; data of 1.5's tables is stashed for the next upgrade.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.4'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Operations (issue 16): removes maintain() and model governance.  The
-- settings, the maintenance log and the pins and data marks are stashed in
-- steam_rec.migration_stash and restored by the next upgrade.
-- ---------------------------------------------------------------------------
SELECT steam_rec._stash_must_be_empty('1.5',
    '{maintenance_changed_settings,maintenance_log,model_governance,maintenance_log_id_seq}');
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'maintenance_changed_settings', pg_catalog.to_jsonb(s) FROM steam_rec.maintenance_changed_settings AS s;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'maintenance_log', pg_catalog.to_jsonb(l) FROM steam_rec.maintenance_log AS l;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'model_governance', pg_catalog.to_jsonb(g) FROM steam_rec.model_governance AS g;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'maintenance_log_id_seq', pg_catalog.jsonb_build_object('last_value', last_value, 'is_called', is_called)
  FROM steam_rec.maintenance_log_id_seq
 WHERE is_called;
SELECT steam_rec._report_stash('1.5', '{maintenance_changed_settings,maintenance_log,model_governance}');

DROP PROCEDURE steam_rec.maintain();
DROP FUNCTION steam_rec._refuse_in_transaction_block(text);
DROP FUNCTION steam_rec.model_report(bigint, integer);
DROP FUNCTION steam_rec._changed_list_share(jsonb, jsonb);
DROP FUNCTION steam_rec._list_stats(jsonb);
DROP FUNCTION steam_rec._top10_lists(bigint[]);
DROP FUNCTION steam_rec._maintain_finish(bigint, text, text, text);
DROP FUNCTION steam_rec._maintain_skipped(bigint);
DROP FUNCTION steam_rec._maintain_begin();
DROP FUNCTION steam_rec._maintain_step(bigint, text);
DROP FUNCTION steam_rec._maintain_train(bigint);
DROP FUNCTION steam_rec._maintain_evaluate(bigint);
DROP FUNCTION steam_rec._maintenance_measure(text, jsonb, integer);
DROP FUNCTION steam_rec._maintain_decide(bigint);
DROP FUNCTION steam_rec._duration_text(interval);
DROP FUNCTION steam_rec._maintenance_candidate();
DROP FUNCTION steam_rec._model_drift(bigint);
DROP FUNCTION steam_rec.prune_models(integer);
DROP FUNCTION steam_rec.unpin_model(bigint);
DROP FUNCTION steam_rec.pin_model(bigint, text);
DROP FUNCTION steam_rec._existing_model(bigint);
DROP TRIGGER models_mark_data ON steam_rec.models;
DROP TRIGGER models_delete_governance ON steam_rec.models;
DROP TRIGGER models_truncate_governance ON steam_rec.models;
DROP FUNCTION steam_rec._mark_model_data();
DROP FUNCTION steam_rec._delete_model_governance();
DROP FUNCTION steam_rec.set_maintenance_setting(text, text);
DROP FUNCTION steam_rec.maintenance_settings();
DROP FUNCTION steam_rec._maintenance_setting(text);
DROP FUNCTION steam_rec._maintenance_setting_checked(text, text);
ALTER EXTENSION steam_rec DROP TABLE steam_rec.maintenance_log;
ALTER EXTENSION steam_rec DROP SEQUENCE steam_rec.maintenance_log_id_seq;
ALTER EXTENSION steam_rec DROP TABLE steam_rec.model_governance;
ALTER EXTENSION steam_rec DROP TABLE steam_rec.maintenance_changed_settings;
DROP TABLE steam_rec.maintenance_log;
DROP TABLE steam_rec.model_governance;
DROP TABLE steam_rec.maintenance_changed_settings;
DROP FUNCTION steam_rec._maintenance_setting_defaults();

SELECT steam_rec._log_migration('1.5', '1.4');
