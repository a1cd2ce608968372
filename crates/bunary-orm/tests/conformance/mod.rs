//! The conformance suite: tests written once against the public API and instantiated per
//! driver by `conformance_suite!` in `tests/sqlite.rs` (and the server drivers' files).

pub mod attributes;
pub mod cancellation;
pub mod column_types;
pub mod correctness;
pub mod driver;
pub mod events;
pub mod introspection;
pub mod json;
pub mod lifecycle;
pub mod migration_events;
pub mod migrations;
pub mod model;
pub mod ordering;
pub mod query;
pub mod query_depth;
pub mod relations;
pub mod schema;
pub mod schema_keys;
pub mod serialization;
pub mod transactions;

use std::sync::atomic::{AtomicU32, Ordering};

use bunary_orm::{DatabaseConfig, Db, Dialect, Result};

/// What a suite test gets: a database of its own driver, and unique table names so that
/// tests sharing one server database can run in parallel.
pub struct Harness {
    pub db: Db,
    /// The configuration of `db`: `Db::connect(&h.config)` opens a second handle on the same
    /// database (and schema).
    pub config: DatabaseConfig,
    unique: String,
    /// What drops the test's own schema or database afterwards: a handle and the SQL.
    cleanup: Option<(Db, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl Harness {
    pub fn new(db: Db, config: DatabaseConfig) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Harness { db, config, unique: format!("{}_{n}", std::process::id()), cleanup: None }
    }

    /// A name for a schema or database of this test alone.
    #[allow(dead_code)] // the server suites' (the SQLite suite makes a file per test instead)
    pub fn unique_name() -> String {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        format!("bunary_test_{}_{n}", std::process::id())
    }

    /// Runs `sql` on `admin` when the test has passed (dropping its schema or database).
    #[allow(dead_code)] // the server suites'
    pub fn with_cleanup(mut self, admin: Db, sql: String) -> Self {
        self.cleanup = Some((admin, sql));
        self
    }

    pub async fn cleanup(self) {
        let _ = self.db.close().await;
        if let Some((admin, sql)) = self.cleanup {
            admin.exec_batch(&sql).await.expect("dropping the test's schema");
            let _ = admin.close().await;
        }
    }

    /// A table name no other test uses.
    pub fn table(&self, base: &str) -> String {
        format!("{base}_{}", self.unique)
    }

    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// The placeholder for the `n`-th (1-based) parameter.
    pub fn p(&self, n: usize) -> String {
        match self.dialect() {
            Dialect::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        }
    }

    /// `CREATE TABLE <t> (id <auto-increment key>, <columns>)` in the harness's dialect.
    pub async fn create_table(&self, table: &str, columns: &str) -> Result<()> {
        let id = match self.dialect() {
            Dialect::Sqlite => "id INTEGER PRIMARY KEY AUTOINCREMENT",
            Dialect::Postgres => "id BIGSERIAL PRIMARY KEY",
            Dialect::MySql => "id BIGINT AUTO_INCREMENT PRIMARY KEY",
        };
        self.db.exec(&format!("CREATE TABLE {table} ({id}, {columns})"), &[]).await?;
        Ok(())
    }

    /// The rows of `SELECT COUNT(*)` on `table`.
    pub async fn count(&self, table: &str) -> Result<i64> {
        self.db.query_one(&format!("SELECT COUNT(*) AS n FROM {table}"), &[]).await?.get("n")
    }
}

/// The URL of a server suite from `var`, or `None` (the suite is skipped, and the run says so
/// once, on the terminal). With `CI=true` a missing URL fails the test instead.
#[allow(dead_code)] // the server suites'
pub fn server_url(var: &str, suite: &str) -> Option<String> {
    use std::io::Write;
    static SAID: std::sync::Once = std::sync::Once::new();
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("CI=true but {var} is not set: the {suite} suite must run in CI (see .ci/run)");
            }
            SAID.call_once(|| {
                // Written straight to stderr, past the test harness's capture, so that it shows.
                let _ = writeln!(
                    std::io::stderr(),
                    "\nSKIPPED: the {suite} suite: {var} is not set (see README, \"Server suites\"); its tests pass without running\n"
                );
            });
            None
        }
    }
}

/// Declares one `#[tokio::test]` per suite function, grouped by module, each given a fresh
/// harness from `$make` (an async fn returning `Option<Harness>`; `None` skips).
#[macro_export]
macro_rules! conformance_suite {
    ($make:ident; $($module:ident { $($test:ident),* $(,)? })*) => {
        $(
            mod $module {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $test() {
                        if let Some(h) = super::$make().await {
                            super::conformance::$module::$test(&h).await.unwrap();
                            h.cleanup().await;
                        }
                    }
                )*
            }
        )*
    };
}

/// The whole suite, for one driver: `every_suite!(harness);`. The one list of suite tests.
#[macro_export]
macro_rules! every_suite {
    ($make:ident) => {
        $crate::conformance_suite!($make;
            cancellation {
                cancelled_transactions_and_writes_lose_nothing_reported_ok,
            }
            correctness {
                limit_offset_and_order_pick_the_rows_a_write_touches,
                names_with_whitespace_around_them_are_refused_not_trimmed,
                conditions_take_plain_column_references_only,
                null_in_a_condition_is_is_null,
                raw_fragments_count_placeholders_as_the_database_does,
                very_long_in_lists_run_or_fail_typed_before_sending,
                page_and_limit_overflow_are_typed_errors,
                nan_is_refused_or_kept_never_stored_as_null,
                reads_survive_a_table_recreated_with_other_types,
                uuid_columns_keep_text_and_current_defaults_fit_their_column,
            }
            driver {
                exec_reports_real_rows_affected_and_insert_ids,
                query_binds_parameters_and_keeps_column_order,
                every_value_kind_round_trips,
                rows_serialise_to_json_objects,
                errors_are_classified_and_carry_the_sql,
                exec_batch_runs_every_statement,
            }
            query {
                find_returns_the_row_or_none,
                where_with_every_operator,
                or_groups_and_raw_conditions,
                where_in_with_an_empty_list_matches_nothing,
                limit_offset_and_order_combinations,
                select_and_exclude,
                count_ignores_select_limit_offset_and_order,
                aggregates_exists_pluck_and_value,
                joins_and_grouping,
                paginate_reports_totals,
                chunk_visits_every_row_once_even_while_deleting,
                chunk_stops_when_asked_and_cursor_streams_everything,
                inserts_updates_increments_and_deletes,
                upsert_inserts_and_updates_in_one_statement,
                insert_many_refuses_records_with_different_columns,
                truncate_empties_the_table_and_resets_keys,
                hostile_identifiers_are_rejected_before_any_sql_runs,
                builders_run_inside_transactions,
            a_column_that_does_not_exist_is_an_error_not_a_string,
            }
            model {
            save_inserts_then_find_loads_every_cast,
            find_or_fail_is_a_typed_not_found,
            a_model_never_saved_is_neither_updated_nor_deleted,
            partial_selects_of_a_model_are_refused_not_ignored,
            save_updates_only_dirty_columns,
            models_loaded_together_track_changes_apart,
            numbers_of_every_width_bytes_and_nulls_load_into_their_fields,
            timestamps_are_set_and_advance,
            hidden_fields_stay_out_of_json_and_rows,
            uuid_keys_are_generated_as_v7_and_kept,
            insert_models_is_one_statement_with_timestamps_and_keys,
            soft_deletes_hide_restore_and_force_delete,
            model_queries_keep_their_scope_and_touch_updated_at,
            mass_assignment_respects_fillable,
            typed_queries_scopes_pagination_and_chunks,
            models_loaded_in_a_transaction_save_inside_it,
        }
        events {
            save_and_delete_fire_in_laravels_order_and_ing_hooks_cancel,
            a_failing_hook_rolls_the_write_back_with_what_hooks_wrote,
            observers_see_soft_deletes_restores_and_force_deletes,
            quiet_writes_fire_nothing_and_destroy_skips_cancelled,
            a_hooked_save_dropped_at_any_point_leaves_no_half_save,
        }
        query_depth {
            subqueries_filter_compute_and_join,
            negated_groups_columns_and_dates,
            joins_unions_and_locks,
            write_forms_and_pages,
            sql_of_every_statement_raw_sql_and_explain,
            null_safe_and_bitwise_operators,
            model_queries_take_the_same_conditions,
            streams_by_key_and_by_offset,
            cursor_pages_with_mixed_directions,
            model_streams_take_an_order_and_a_limit,
            model_pages_without_a_count,
        }
        ordering {
            latest_and_oldest_follow_the_models_created_at,
            cursor_pages_over_timestamps_with_ties,
            pages_serialise_with_laravels_fields,
        }
        json {
            json_paths_read_compare_and_match,
            an_update_sets_json_paths_and_keeps_the_rest,
        }
        attributes {
            originals_previous_values_discard_and_sync,
            pretend_returns_the_statements_and_runs_none,
        }
        serialization {
            models_serialise_as_their_attributes_and_serde_say,
        }
        lifecycle {
            finding_and_creating,
            a_model_refreshes_copies_touches_and_increments_itself,
            transactions_retry_concurrency_failures_only_and_know_their_level,
            global_scopes_apply_to_every_query_and_come_off_by_name,
            callbacks_run_after_the_outermost_commit_or_at_a_rollback,
            mass_assignment_guards_strictly_when_asked,
            save_or_fail_commits_as_one_unit_or_leaves_the_model_as_it_was,
            timestamps_turn_off_for_a_block_and_dirty_checks_name_columns,
            push_saves_the_model_and_its_loaded_relations,
        }
        relations {
            eager_loading_runs_a_fixed_number_of_queries,
            relations_are_queries_that_write_keys_and_keep_scopes,
            loaded_relations_serialise_and_missing_ones_are_none,
            relation_errors_are_typed_and_come_before_sql,
            uuid_keys_and_keys_named_by_hand,
            load_onto_models_in_hand_and_associate,
            many_to_many_attach_detach_sync_toggle_and_eager_load,
            querying_by_relations_with_exists_subqueries,
            relation_aggregates_load_in_one_query_each,
            constrained_eager_loads_keep_their_keys_and_scopes,
            has_many_and_has_one_through_an_intermediate_model,
            pivot_columns_are_written_and_read_back,
            a_child_that_touches_updates_its_parent,
            polymorphic_has_many_and_has_one,
            self_referencing_relations_query_and_load,
            morph_to_loads_nested_paths_and_constraints,
            querying_by_a_morph_to,
            column_limited_loads_and_eager_loads,
        }
        schema {
            create_table_with_every_type_and_read_it_back,
            string_defaults_are_stored_literally,
            unique_indexes_and_foreign_keys_are_enforced,
            alter_adds_renames_and_drops_columns_keeping_rows,
            a_failing_create_leaves_no_table,
            drop_rename_and_list_tables,
        }
        column_types {
            further_types_store_and_read_back,
        }
        introspection {
            columns_indexes_and_foreign_keys_read_back,
        }
        schema_keys {
            foreign_key_modifiers_hold_in_any_order,
            foreign_keys_drop_by_columns_or_name,
            indexes_take_names_and_drop_by_columns,
            columns_change_type_length_nullability_and_default,
            indexes_rename_fulltext_primary_and_views,
            renamed_columns_stay_in_their_foreign_keys,
        }
        migration_events {
            folders_should_run_and_events,
            checksums_catch_a_changed_migration,
            refresh_by_steps_and_when_each_ran,
        }
        migrations {
            repository_records_batches_in_order,
            the_table_name_is_honoured,
            up_runs_pending_migrations_as_one_batch,
            down_rolls_back_whole_batches_newest_first,
            rollback_by_migrations_or_by_batch_and_up_step,
            a_failing_migration_is_named_and_leaves_no_trace,
            rollback_with_nothing_applied_is_a_typed_error,
            reset_refresh_and_fresh,
            pretend_shows_the_sql_and_runs_nothing,
            two_migrators_at_once_apply_each_migration_once,
            the_lock_is_let_go_after_a_panic_or_a_cancelled_run,
            a_held_lock_times_out_with_its_own_error,
        }
        transactions {
                commits_when_the_closure_returns_ok,
                rolls_back_when_the_closure_returns_err,
                rolls_back_when_a_statement_fails,
                rolls_back_on_panic_and_the_panic_continues,
                nested_transactions_commit_with_the_outer_one,
                a_failed_inner_block_handled_by_the_outer_keeps_the_outer_work,
                an_outer_rollback_undoes_released_savepoints,
                statements_through_db_in_the_same_task_join_the_transaction,
                other_tasks_neither_see_nor_join_an_open_transaction,
                a_leftover_handle_fails_after_the_transaction_ends,
            }
        );
    };
}
