# PGXS build of the steam_rec extension.
#
# The C++ core (src/core) and the server glue (src/pg) are compiled into one
# shared library.  CMakeLists.txt builds the same core on its own, for the unit
# tests under sanitizers.

EXTENSION   = steam_rec
MODULE_big  = steam_rec
CORE_SRCS   = $(sort $(wildcard src/core/*.cpp))
GLUE_SRCS   = $(sort $(wildcard src/pg/*.cpp))
OBJS        = $(CORE_SRCS:.cpp=.o) $(GLUE_SRCS:.cpp=.o)
DATA        = $(sort $(wildcard migrations/steam_rec--*.sql))

# Regression tests run in this order; each creates and drops the extension.
REGRESS      = setup schema service_queries bad_input boundary engagement recommend evaluate privileges row_level_security search_path migrations migration_tools adopt_alembic
# Regression tests named after the review defects they hold.
REGRESS     += stored_params_round_trip hybrid_refuses_other_base_params settings_refused_at_set
REGRESS     += refresh_engagement_respects_rls
REGRESS     += tag_filters_case_insensitive model_cache_key_survives_reinstall model_in_use_survives_reload
REGRESS     += migration_keeps_privileges drop_guard_reads_parse_tree downgraded_database_serves
REGRESS     += privilege_stash_written_by_superusers_only drop_guard_follows_cascade
# One algorithm registry; the grants of the maintenance and catalog roles.
REGRESS     += algorithm_registry role_maintenance role_catalog maintenance_training_checked_at_commit
REGRESS     += ease_rdlae_parameters stored_model_without_rdlae_keys
REGRESS     += train_at_sql_1_5_keeps_plain_ease_default train_at_sql_1_6_keeps_no_reranker
# Arguments read by name from one declaration per function.
REGRESS     += arguments_read_by_declared_name
# Threads in the core; the shared model image; names read from the catalog.
REGRESS     += max_threads_identical_results refresh_recommendations_plain_insert train_heap_read_keeps_sql_rules
REGRESS     += itemknn_stored_while_computed model_games_written_directly
# The player's games read from the covering index (1.6).
REGRESS     += player_games_index_invalid_not_read player_games_index_descending_not_read recommend_sql_path_games_in_appid_order
REGRESS     += player_games_index_name_taken_by_table
# The version check reads pg_extension (steam_rec's row, and whether Citus is installed) after any change to it.
REGRESS     += version_check_follows_moved_row
# Serving keeps the active row's address and the relations' OIDs between calls.
REGRESS     += recommend_active_row_slot_reused recommend_kept_relations_follow_ddl
REGRESS     += citus_seen_by_next_call
REGRESS     += model_image_not_shared_by_restricted_caller model_served_follows_caller_rights
REGRESS     += training_counts_one_pass game_tags_heap_read_keeps_sql_rules game_tags_null_tag_refused
REGRESS     += model_load_refuses_retyped_columns
REGRESS     += model_load_refuses_malformed_rows serving_reads_retyped_player_games engagement_largest_hours
# The engagement trigger and refresh refuse a retyped user_games column (one crashed the backend).
REGRESS     += engagement_refuses_retyped_columns
REGRESS     += game_tags_cursor_reads_retyped_columns game_tags_long_names_read_whole
REGRESS     += train_reads_owned_games_once train_counts_catalog_facts train_counts_tag_names
REGRESS     += recommend_names_follow_catalog_changes
REGRESS     += recommend_names_kept_per_catalog_change
REGRESS     += recommend_long_name_not_kept recommend_names_kept_table_edges
# New games in lists.
REGRESS     += recommend_surfaces_new_games recommend_new_game_not_called_popular
REGRESS     += new_game_weight_lists new_games_from_the_catalog ease_catalog_gram
# A seventh algorithm (rp3beta) is accepted wherever an algorithm is named.
REGRESS     += maintenance_algorithm_from_registry
# Citus worker functions refuse without Citus before decoding their arguments.
REGRESS     += worker_sums_refused_before_decoding
# A refresh replaces each batch's lists through the primary key.
REGRESS     += refresh_lists_deleted_by_key
# A refresh rewrites lists in place where the table's fillfactor leaves room.
REGRESS     += refresh_lists_rewritten_in_place
# ... only where that ends as the DELETE and the insert would (unique indexes, children, publications).
REGRESS     += refresh_in_place_refused
# 1.6's fillfactor of recommendations leaves one chosen before, and 1.5 only takes off its own.
REGRESS     += migration_keeps_chosen_fillfactor
# Storage parameters of tables a downgrade drops come back with them.
REGRESS     += migration_keeps_storage_parameters
# A retrain_max_age that IntervalStyles read differently, kept over the upgrade with a warning.
REGRESS     += maintenance_ambiguous_age_upgrade
# A NULL argument with no meaning as NULL is 22004 in the operations functions too.
REGRESS     += null_arguments_named
# The re-ranker is stored with its model (1.7).
REGRESS     += model_rerankers_stored
# The version check is redone after ROLLBACK TO SAVEPOINT.
REGRESS     += version_check_after_rollback_to_savepoint
# ... and read once for later transactions while nothing can have changed it.
REGRESS     += version_check_read_once_while_unchanged
# ... and refused, with its value named, when the installed version is no version at all.
REGRESS     += version_check_refuses_unreadable_version
REGRESS_OPTS = --inputdir=. --outputdir=build/regress
# Concurrency tests (pg_isolation_regress), run by installcheck after REGRESS.
ISOLATION      = engagement_concurrency extension_update_concurrency extension_update_readers recommend_concurrency
ISOLATION     += activate_model_serialised refresh_recommendations_overlap recommend_during_downgrade
ISOLATION     += maintain_concurrency
# Maintenance, model governance, the 1.5 operations migration.
REGRESS     += maintenance model_governance operations_migration
ISOLATION     += model_image_activation_orders
ISOLATION     += recommend_names_kept_follow_other_sessions
ISOLATION     += recommend_names_trigger_reenabled_under_old_snapshot
ISOLATION     += recommend_names_old_snapshot_keeps_newer_file
ISOLATION     += recommend_player_games_index_older_than_snapshot
# Found by re-reading the 1.5 change.
ISOLATION     += prune_waits_for_pin refresh_repeatable_read_first_list
# refresh_recommendations() writes its lists without the executor where nothing else acts on them.
REGRESS     += refresh_recommendations_direct_insert
ISOLATION     += refresh_direct_insert_key_held
# Rewriting lists in place meets another writer of the rows.
ISOLATION     += refresh_in_place_meets_other_writer
# The version check sees a newer version committed between two statements of a transaction.
ISOLATION     += version_check_sees_concurrent_commit
ISOLATION     += recommend_kept_relations_changed_elsewhere
# The active row's remembered address past a table VACUUM cut short.
ISOLATION     += recommend_active_address_past_truncated_end
# One direct-insert rule for both direct writers, and the holes found in it.
REGRESS     += model_games_rules_apply direct_insert_column_types_checked direct_insert_volatile_default
REGRESS     += direct_insert_table_changed_midway direct_insert_index_kinds_enforced
# recommend(), similar_games() and evaluate() scale scores by one rule.
REGRESS     += one_score_scale
# The version check also sees a commit between two statements of one simple-protocol message.
ISOLATION     += version_check_two_statements_one_message
# A model's data mark is where its training's snapshot saw user_games end.
ISOLATION     += train_mark_follows_read_snapshot maintenance_training_pair_concurrent
# A downgrade waits for a training reading user_games, without a deadlock.
ISOLATION     += train_meets_downgrade
# maintain() trains what it measured and keeps a model activated by hand meanwhile.
ISOLATION     += maintain_trains_what_it_measured
# A prune under REPEATABLE READ does not delete a model pinned after its snapshot.
ISOLATION     += prune_repeatable_read_meets_first_pin
# The stored re-ranker meets a snapshot older than the update, and a training during a downgrade (1.7).
ISOLATION     += rerankers_stale_snapshot_and_downgrade
ISOLATION_OPTS = --inputdir=test/isolation --outputdir=build/isolation

EIGEN_INCLUDE ?= /usr/include/eigen3
PG_CPPFLAGS   = -I$(CURDIR)/src -isystem $(EIGEN_INCLUDE)
PG_CXXFLAGS   = -std=c++17 -Wno-register -fvisibility=hidden -DEIGEN_NO_DEBUG -pthread
SHLIB_LINK    = -lstdc++ -pthread -Wl,--version-script=$(CURDIR)/src/pg/exports.map

# Debian's server is built with LLVM JIT support, which makes PGXS compile every
# object to bitcode with clang and without PG_CXXFLAGS; C++17 fails there.
# Our functions gain nothing from inlining into JIT-compiled expressions.
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

installcheck: | build/regress build/isolation
build/regress build/isolation:
	mkdir -p $@

# Headers are not tracked by PGXS; rebuild everything when any of them changes.
$(OBJS): $(wildcard src/core/*.hpp src/pg/*.hpp)
$(shlib): src/pg/exports.map
