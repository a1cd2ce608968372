//! The conformance suite on SQLite (always runs), then SQLite-only tests.

mod conformance;

use bunary_orm::{params, DatabaseConfig, Db, Error, Result};
use conformance::Harness;

/// Each test gets a file database of its own in a temporary folder (file databases exercise
/// WAL and the connection pool; in-memory ones are covered below).
async fn harness() -> Option<Harness> {
    let dir = tempfile::tempdir().expect("a temporary folder").keep();
    let path = dir.join("test.sqlite").to_string_lossy().into_owned();
    let config = DatabaseConfig::sqlite(&path);
    let db = Db::connect(&config).expect("open SQLite");
    Some(Harness::new(db, config, format!("sqlite://{path}")))
}

every_suite!(harness);

mod in_memory {
    use super::*;

    async fn memory_harness() -> Option<Harness> {
        let config = DatabaseConfig::sqlite(":memory:");
        Some(Harness::new(Db::connect(&config).unwrap(), config, "sqlite::memory:"))
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
    let second = Db::connect_url(&h.url)?; // a second driver on the same file
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
    let other = Db::connect_url(&h.url)?;
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
