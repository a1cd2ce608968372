//! The conformance suite on SQLite (always runs), then SQLite-only tests.

mod conformance;
mod sqlite_only;

use std::sync::Arc;

use bunary_orm::{params, DatabaseConfig, Db, Error, Result};
use conformance::Harness;

/// Each test gets a file database of its own in a temporary folder (file databases exercise
/// WAL and the connection pool; in-memory ones are covered below).
async fn harness() -> Option<Harness> {
    let dir = tempfile::tempdir().expect("a temporary folder").keep();
    let path = dir.join("test.sqlite").to_string_lossy().into_owned();
    let config = DatabaseConfig::sqlite(&path);
    let db = Db::connect(&config).expect("open SQLite");
    Some(Harness::new(db, config))
}

every_suite!(harness);

qualified_relations!(
    harness,
    setup: "",
    users: "main.q_users",
    posts: "main.q_posts",
    tags: "main.q_tags",
    pivot: "main.q_post_q_tag",
    countries: "main.q_countries"
);

mod in_memory {
    use super::*;

    async fn memory_harness() -> Option<Harness> {
        let config = DatabaseConfig::sqlite(":memory:");
        Some(Harness::new(Db::connect(&config).unwrap(), config))
    }

    #[tokio::test]
    async fn transactions_are_isolated_on_the_single_connection() {
        let h = memory_harness().await.unwrap();
        conformance::transactions::other_tasks_neither_see_nor_join_an_open_transaction(&h).await.unwrap();
    }

    #[tokio::test]
    async fn panics_roll_back_on_a_current_thread_runtime() {
        let h = memory_harness().await.unwrap();
        conformance::transactions::rolls_back_on_panic_and_the_panic_continues(&h).await.unwrap();
    }

    #[tokio::test]
    async fn two_memory_databases_are_independent() -> Result<()> {
        let a = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
        let b = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
        a.exec("CREATE TABLE t (n INTEGER)", &[]).await?;
        assert!(b.query("SELECT * FROM t", &[]).await.is_err());
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_tasks_inserting_five_hundred_rows_each_lose_none() -> Result<()> {
    let h = harness().await.unwrap();
    h.create_table("events", "task INTEGER NOT NULL, n INTEGER NOT NULL").await?;
    let mut tasks = Vec::new();
    for task in 0..8_i64 {
        let db = h.db.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..500_i64 {
                db.exec("INSERT INTO events (task, n) VALUES (?, ?)", &params![task, n]).await?;
                if n % 50 == 0 {
                    // Readers run beside the writers.
                    db.query("SELECT COUNT(*) FROM events WHERE task = ?", &params![task]).await?;
                }
            }
            Ok::<_, Error>(())
        }));
    }
    for t in tasks {
        t.await.unwrap()?;
    }
    assert_eq!(h.count("events").await?, 4000);
    let distinct = h.db.query_one("SELECT COUNT(DISTINCT task * 1000 + n) AS n FROM events", &[]).await?;
    assert_eq!(distinct.get::<i64>("n")?, 4000);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_transactions_on_one_file_all_commit() -> Result<()> {
    let h = harness().await.unwrap();
    h.create_table("ledger", "amount INTEGER NOT NULL").await?;
    let second = Db::connect(&h.config)?; // a second driver on the same file
    let mut tasks = Vec::new();
    for i in 0..20_i64 {
        let db = if i % 2 == 0 { h.db.clone() } else { second.clone() };
        tasks.push(tokio::spawn(async move {
            db.transaction(|tx| async move {
                tx.exec("INSERT INTO ledger (amount) VALUES (?)", &params![i]).await?;
                tokio::task::yield_now().await;
                tx.exec("INSERT INTO ledger (amount) VALUES (?)", &params![-i]).await?;
                Ok::<_, Error>(())
            })
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap()?;
    }
    assert_eq!(h.count("ledger").await?, 40);
    Ok(())
}

#[tokio::test]
async fn two_drivers_on_one_file_share_the_write_gate_on_a_current_thread_runtime() -> Result<()> {
    // Without a shared gate the second writer would spin in SQLite's busy handler on the only
    // thread, while the transaction it waits for can never run: a "database is locked" error.
    let h = harness().await.unwrap();
    h.create_table("items", "n INTEGER").await?;
    let other = Db::connect(&h.config)?;
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let db = h.db.clone();
    let holder = tokio::spawn(async move {
        db.transaction(|tx| async move {
            tx.exec("INSERT INTO items (n) VALUES (1)", &[]).await?;
            started_tx.send(()).unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            Ok::<_, Error>(())
        })
        .await
    });
    started_rx.await.unwrap();
    other.exec("INSERT INTO items (n) VALUES (2)", &[]).await?;
    holder.await.unwrap()?;
    assert_eq!(h.count("items").await?, 2);
    Ok(())
}

#[tokio::test]
async fn a_cancelled_transaction_rolls_back_and_frees_the_connection() -> Result<()> {
    let h = harness().await.unwrap();
    h.create_table("items", "n INTEGER").await?;
    let db = h.db.clone();
    let cancelled = tokio::time::timeout(
        std::time::Duration::from_millis(50),
        db.transaction(|tx| async move {
            tx.exec("INSERT INTO items (n) VALUES (1)", &[]).await?;
            std::future::pending::<()>().await;
            Ok::<_, Error>(())
        }),
    )
    .await;
    assert!(cancelled.is_err(), "the timeout drops the transaction future");
    h.db.exec("INSERT INTO items (n) VALUES (2)", &[]).await?;
    let rows = h.db.query("SELECT n FROM items", &[]).await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<i64>("n")?, 2);
    Ok(())
}

/// A file database whose pool holds one connection.
fn one_connection_db() -> Result<Db> {
    let dir = tempfile::tempdir().expect("a temporary folder").keep();
    let mut config = DatabaseConfig::sqlite(dir.join("one.sqlite").to_string_lossy());
    config.sqlite.as_mut().unwrap().pool_size = Some(1);
    let db = Db::connect(&config)?;
    Ok(db)
}

/// Holds the pool's only connection in a transaction until `release` fires.
fn hold_the_connection(db: &Db) -> (tokio::task::JoinHandle<Result<()>>, tokio::sync::oneshot::Sender<()>) {
    let (held_tx, held_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let db = db.clone();
    let holder = tokio::spawn(async move {
        db.transaction(|tx| async move {
            tx.exec("INSERT INTO items (n) VALUES (1)", &[]).await?;
            held_tx.send(()).unwrap();
            let _ = release_rx.await;
            Ok::<_, Error>(())
        })
        .await
    });
    // The transaction holds the connection before anything else is tried.
    while held_rx.try_recv().is_err() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    (holder, release_tx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_waits_for_a_pooled_connection_and_a_waiter_that_gives_up_takes_nothing() -> Result<()> {
    let db = one_connection_db()?;
    db.exec("CREATE TABLE items (n INTEGER)", &[]).await?;
    let (holder, release) = hold_the_connection(&db);

    // Every connection is out: a read waits; one that gives up leaves nothing behind.
    let gave_up =
        tokio::time::timeout(std::time::Duration::from_millis(30), db.query("SELECT n FROM items", &[])).await;
    assert!(gave_up.is_err(), "the only connection is held by the transaction");
    let waiting = tokio::spawn({
        let db = db.clone();
        async move { db.query("SELECT COUNT(*) AS n FROM items", &[]).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert!(!waiting.is_finished(), "the read waits for the connection");

    release.send(()).unwrap();
    holder.await.unwrap()?;
    let rows = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
        .await
        .expect("woken by the return")
        .unwrap()?;
    assert_eq!(rows[0].get::<i64>("n")?, 1, "the read ran after the commit, on the returned connection");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_driver_wakes_a_task_waiting_for_a_connection_with_a_typed_error() -> Result<()> {
    let db = one_connection_db()?;
    db.exec("CREATE TABLE items (n INTEGER)", &[]).await?;
    let (holder, release) = hold_the_connection(&db);
    let waiting = tokio::spawn({
        let db = db.clone();
        async move { db.query("SELECT n FROM items", &[]).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    db.close().await?;
    let woken = tokio::time::timeout(std::time::Duration::from_secs(5), waiting).await.expect("woken by the close");
    assert!(matches!(woken.unwrap(), Err(Error::DriverClosed { .. })));
    release.send(()).unwrap();
    let _ = holder.await.unwrap();
    Ok(())
}

#[tokio::test]
async fn a_closed_driver_refuses_work_with_a_typed_error() -> Result<()> {
    let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    let clone = db.clone();
    db.close().await?;
    db.close().await?; // twice is harmless
    assert!(matches!(clone.query("SELECT 1", &[]).await, Err(Error::DriverClosed { .. })));
    Ok(())
}

#[tokio::test]
async fn foreign_keys_are_enforced() -> Result<()> {
    let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    db.exec_batch(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id));",
    )
    .await?;
    let err = db.exec("INSERT INTO posts (user_id) VALUES (?)", &params![42]).await.unwrap_err();
    assert!(err.is_foreign_key_violation(), "{err}");
    Ok(())
}

#[tokio::test]
async fn file_databases_use_wal() -> Result<()> {
    let h = harness().await.unwrap();
    let mode = h.db.query_one("PRAGMA journal_mode", &[]).await?;
    assert_eq!(mode.get::<String>(0)?.to_lowercase(), "wal");
    Ok(())
}

#[test]
fn a_path_that_cannot_be_opened_is_a_connection_error() {
    let err = Db::connect(&DatabaseConfig::sqlite("/nonexistent-dir/sub/db.sqlite")).unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err}");
}

mod schema_on_sqlite {
    use super::*;
    use bunary_orm::record;
    use bunary_orm::schema::{ForeignAction, Schema};

    async fn pragma(db: &Db, sql: &str) -> Vec<bunary_orm::Row> {
        db.query(sql, &[]).await.unwrap()
    }

    #[tokio::test]
    async fn created_tables_have_the_declared_keys_defaults_and_indexes() -> Result<()> {
        let h = harness().await.unwrap();
        let schema = Schema::on(&h.db);
        schema
            .create_table("teams", |t| {
                t.increments("id");
            })
            .await?;
        schema
            .create_table("users", |t| {
                t.increments("id");
                t.text("name");
                t.text("email").unique();
                t.boolean("active").default(true);
                t.integer("team_id").nullable().references("teams", "id").on_delete(ForeignAction::SetNull).index();
                t.timestamps();
            })
            .await?;
        let info = pragma(
            &h.db,
            "SELECT name, \"notnull\" AS nn, dflt_value, pk FROM pragma_table_info('users') ORDER BY cid",
        )
        .await;
        let by = |n: &str| info.iter().find(|r| r.get::<String>("name").unwrap() == n).unwrap().clone();
        assert_eq!(by("id").get::<i64>("pk")?, 1);
        assert_eq!(by("name").get::<i64>("nn")?, 1, "NOT NULL by default");
        assert_eq!(by("created_at").get::<i64>("nn")?, 0);
        assert_eq!(by("active").get::<Option<String>>("dflt_value")?.as_deref(), Some("1"));
        let indexes: Vec<String> = pragma(&h.db, "SELECT name FROM pragma_index_list('users') ORDER BY name")
            .await
            .iter()
            .map(|r| r.get("name").unwrap())
            .collect();
        assert_eq!(indexes, ["users_email_unique", "users_team_id_index"]);
        let fks = pragma(
            &h.db,
            "SELECT \"table\" AS parent, \"from\" AS col, on_delete FROM pragma_foreign_key_list('users')",
        )
        .await;
        assert_eq!(fks[0].get::<String>("parent")?, "teams");
        assert_eq!(fks[0].get::<String>("on_delete")?, "SET NULL");
        Ok(())
    }

    async fn family(h: &Harness) -> Result<()> {
        let schema = Schema::on(&h.db);
        schema
            .create_table("teams", |t| {
                t.increments("id");
                t.string("name", 20);
            })
            .await?;
        schema
            .create_table("users", |t| {
                t.increments("id");
                t.integer("team_id");
                t.string("email", 50).unique();
                t.string("nick", 20).index();
            })
            .await?;
        // A grandchild that cascades from users: a careless rebuild of users would empty it.
        schema
            .create_table("posts", |t| {
                t.increments("id");
                t.integer("user_id").references("users", "id").on_delete(ForeignAction::Cascade);
            })
            .await?;
        h.db.table("teams").insert_many(vec![record! { "name" => "a" }, record! { "name" => "b" }]).await?;
        h.db.table("users")
            .insert_many(vec![
                record! { "team_id" => 1, "email" => "x@a.io", "nick" => "x" },
                record! { "team_id" => 2, "email" => "y@a.io", "nick" => "y" },
            ])
            .await?;
        h.db.table("posts").insert_many(vec![record! { "user_id" => 1 }, record! { "user_id" => 2 }]).await?;
        Ok(())
    }

    #[tokio::test]
    async fn adding_a_foreign_key_rebuilds_the_table_and_keeps_everything() -> Result<()> {
        let h = harness().await.unwrap();
        family(&h).await?;
        Schema::on(&h.db)
            .table("users", |t| {
                t.string("phone", 20).nullable();
                t.foreign("team_id").references("teams", "id").on_delete(ForeignAction::Cascade);
            })
            .await?;
        assert_eq!(h.db.table("users").count().await?, 2, "rows kept");
        assert_eq!(h.db.table("posts").count().await?, 2, "no cascade fired on the grandchild during the rebuild");
        let indexes: Vec<String> =
            pragma(&h.db, "SELECT name FROM pragma_index_list('users') WHERE origin = 'c' ORDER BY name")
                .await
                .iter()
                .map(|r| r.get("name").unwrap())
                .collect();
        assert_eq!(indexes, ["users_email_unique", "users_nick_index"], "indexes kept");
        let orphan =
            h.db.table("users")
                .insert(record! { "team_id" => 99, "email" => "z@a.io", "nick" => "z" })
                .await
                .unwrap_err();
        assert!(orphan.is_foreign_key_violation(), "the new key holds: {orphan}");
        let dup =
            h.db.table("users")
                .insert(record! { "team_id" => 1, "email" => "x@a.io", "nick" => "q" })
                .await
                .unwrap_err();
        assert!(dup.is_unique_violation(), "the unique index holds");
        let id =
            h.db.table("users").insert_get_id(record! { "team_id" => 1, "email" => "n@a.io", "nick" => "n" }).await?;
        assert_eq!(id, 3, "the key sequence continues");
        h.db.table("teams").where_("id", 2).delete().await?;
        assert_eq!(h.db.table("users").count().await?, 2, "the new ON DELETE CASCADE works");
        assert_eq!(h.db.table("posts").count().await?, 1, "and the old one on posts too");
        let fk = pragma(&h.db, "SELECT \"table\" AS parent FROM pragma_foreign_key_list('posts')").await;
        assert_eq!(fk[0].get::<String>("parent")?, "users", "children still reference the rebuilt table by name");
        Ok(())
    }

    #[tokio::test]
    async fn a_rebuild_that_breaks_a_key_changes_nothing() -> Result<()> {
        let h = harness().await.unwrap();
        family(&h).await?;
        let result = Schema::on(&h.db)
            .table("users", |t| {
                t.foreign("nick").references("teams", "name");
            })
            .await;
        assert!(result.is_err(), "existing rows break the new key");
        assert_eq!(h.db.table("users").count().await?, 2);
        assert!(pragma(&h.db, "SELECT * FROM pragma_foreign_key_list('users')").await.is_empty(), "unchanged");
        assert!(!Schema::on(&h.db).has_table("bunary_new_users").await?);
        Ok(())
    }

    #[tokio::test]
    async fn dropping_a_constrained_column_rebuilds_and_keeps_rows() -> Result<()> {
        let h = harness().await.unwrap();
        family(&h).await?;
        Schema::on(&h.db).table("users", |t| t.drop_column("email")).await?;
        assert!(!Schema::on(&h.db).has_column("users", "email").await?);
        assert_eq!(h.db.table("users").count().await?, 2);
        assert_eq!(h.db.table("posts").count().await?, 2);
        Schema::on(&h.db).table("posts", |t| t.drop_column("user_id")).await?;
        assert_eq!(h.db.table("posts").count().await?, 2);
        Ok(())
    }

    #[tokio::test]
    async fn a_rebuild_inside_a_transaction_that_enforces_foreign_keys_is_refused() -> Result<()> {
        let h = harness().await.unwrap();
        family(&h).await?;
        let result: Result<()> =
            h.db.transaction(|tx| async move { Schema::on(&tx).table("posts", |t| t.drop_column("user_id")).await })
                .await;
        assert!(matches!(result, Err(Error::Unsupported { .. })), "{result:?}");
        assert_eq!(h.db.table("posts").count().await?, 2);
        assert!(Schema::on(&h.db).has_column("posts", "user_id").await?);
        Ok(())
    }

    #[tokio::test]
    async fn foreign_keys_are_on_again_after_a_schema_change() -> Result<()> {
        let h = harness().await.unwrap();
        family(&h).await?;
        Schema::on(&h.db)
            .table("users", |t| {
                t.foreign("team_id").references("teams", "id");
            })
            .await?;
        for _ in 0..8 {
            // Every pooled connection enforces keys again.
            let orphan = h.db.table("posts").insert(record! { "user_id" => 999 }).await;
            assert!(orphan.unwrap_err().is_foreign_key_violation());
        }
        Ok(())
    }

    #[tokio::test]
    async fn dropping_every_table_leaves_foreign_keys_on() -> Result<()> {
        let h = harness().await.unwrap();
        family(&h).await?;
        Schema::on(&h.db).drop_all_tables().await?;
        assert!(Schema::on(&h.db).tables().await?.is_empty());
        family(&h).await?;
        for _ in 0..8 {
            let orphan = h.db.table("posts").insert(record! { "user_id" => 999 }).await;
            assert!(orphan.unwrap_err().is_foreign_key_violation());
        }
        Ok(())
    }

    struct AddTeamKey;

    #[async_trait::async_trait]
    impl bunary_orm::migrations::Migration for AddTeamKey {
        fn name(&self) -> &str {
            "20260101000000_add_team_key_to_users"
        }
        async fn up(&self, db: &Db) -> Result<()> {
            Schema::on(db)
                .table("users", |t| {
                    t.foreign("team_id").references("teams", "id").on_delete(ForeignAction::Cascade);
                })
                .await
        }
        async fn down(&self, db: &Db) -> Result<()> {
            Schema::on(db).table("users", |t| t.drop_column("phone")).await
        }
    }

    #[tokio::test]
    async fn a_migration_can_rebuild_a_table_inside_the_run() -> Result<()> {
        let h = harness().await.unwrap();
        family(&h).await?;
        let m = bunary_orm::migrations::create_migrator(bunary_orm::migrations::MigratorOptions {
            migrations_path: None,
            db: Some(h.db.clone()),
            migrations: vec![Arc::new(AddTeamKey)],
            ..Default::default()
        })?;
        m.up().await?;
        assert_eq!(h.db.table("posts").count().await?, 2, "the grandchild kept its rows");
        let fk = pragma(&h.db, "SELECT \"table\" AS parent FROM pragma_foreign_key_list('users')").await;
        assert_eq!(fk.len(), 1);
        Ok(())
    }
}

/// The driver caches each statement's column names and types; a schema change between two
/// runs of the same `SELECT *` must show the new shape, not the cached one.
#[tokio::test]
async fn a_cached_select_sees_schema_changes() -> Result<()> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shape.sqlite");
    let db = Db::connect(&DatabaseConfig::sqlite(path.to_string_lossy()))?;
    db.exec_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('x');").await?;
    assert_eq!(db.table("t").get().await?[0].columns(), ["id", "v"]);
    db.exec("ALTER TABLE t ADD COLUMN flag BOOLEAN NOT NULL DEFAULT 1", &[]).await?;
    let row = db.table("t").get().await?.remove(0);
    assert_eq!(row.columns(), ["id", "v", "flag"]);
    assert!(row.get::<bool>("flag")?);
    // Same names, other declared type: the read-back hint follows the new declaration.
    db.exec_batch(
        "DROP TABLE t; CREATE TABLE t (id INTEGER PRIMARY KEY, v JSON, flag BOOLEAN); \
         INSERT INTO t (v, flag) VALUES ('{\"a\":1}', 0);",
    )
    .await?;
    let row = db.table("t").get().await?.remove(0);
    assert_eq!(row.value("v"), Some(&bunary_orm::Value::Json(serde_json::json!({"a": 1}))));
    // An empty result still reports the current columns.
    db.exec("ALTER TABLE t ADD COLUMN extra INTEGER", &[]).await?;
    assert!(db.table("t").where_("id", 999).get().await?.is_empty());
    let rows = db.query("SELECT * FROM t", &[]).await?;
    assert_eq!(rows[0].columns(), ["id", "v", "flag", "extra"]);
    // More distinct statements than the statement cache holds, then a schema change: the
    // first statement is prepared anew and still shows the current columns.
    for i in 0..300 {
        db.query(&format!("SELECT {i} AS n"), &[]).await?;
    }
    db.exec("ALTER TABLE t RENAME COLUMN extra TO renamed", &[]).await?;
    for i in 0..300 {
        db.query(&format!("SELECT {i} AS n, 1 AS m"), &[]).await?;
    }
    let rows = db.query("SELECT * FROM t", &[]).await?;
    assert_eq!(rows[0].columns(), ["id", "v", "flag", "renamed"]);
    Ok(())
}
