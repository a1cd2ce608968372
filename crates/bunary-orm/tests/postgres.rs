//! The conformance suite on PostgreSQL, when `BUNARY_TEST_POSTGRES_URL` is set
//! (`.ci/run` sets it). Each test runs in a schema of its own.

mod conformance;

use bunary_orm::{Db, OrmConfig};
use conformance::{server_url, Harness};

async fn harness() -> Option<Harness> {
    let url = server_url("BUNARY_TEST_POSTGRES_URL", "PostgreSQL")?;
    let admin = Db::connect_url(&url).expect("a PostgreSQL URL");
    let schema = Harness::unique_name();
    admin
        .exec_batch(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
        .await
        .expect("create the test schema");
    let mut config = OrmConfig::from_url(&url).unwrap().database;
    config.postgres.as_mut().unwrap().schema = Some(schema.clone());
    config.postgres.as_mut().unwrap().pool_size = Some(4);
    let db = Db::connect(&config).expect("connect");
    Some(Harness::new(db, config).with_cleanup(admin, format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))
}

every_suite!(harness);

qualified_relations!(
    harness,
    setup: "CREATE SCHEMA IF NOT EXISTS bunary_q",
    users: "bunary_q.q_users",
    posts: "bunary_q.q_posts",
    tags: "bunary_q.q_tags",
    pivot: "bunary_q.q_post_q_tag",
    countries: "bunary_q.q_countries"
);

/// PostgreSQL-only: a real streaming replica (`BUNARY_TEST_POSTGRES_REPLICA_URL`, a hot
/// standby of the primary that `.ci/run` makes with pg_basebackup), and dropped connections.
mod server {
    use super::*;
    use bunary_orm::{params, DatabaseConfig, Error, Model};
    use std::time::Duration;

    /// A primary + standby configuration on a fresh schema, or `None` without a standby.
    async fn split(sticky: bool) -> Option<(Db, Db, DatabaseConfig, String)> {
        let primary_url = server_url("BUNARY_TEST_POSTGRES_URL", "PostgreSQL")?;
        let replica_url = server_url("BUNARY_TEST_POSTGRES_REPLICA_URL", "PostgreSQL read-replica")?;
        let admin = Db::connect_url(&primary_url).unwrap();
        let schema = Harness::unique_name();
        admin
            .exec_batch(&format!(
                "CREATE SCHEMA {schema}; CREATE TABLE {schema}.notes (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)"
            ))
            .await
            .unwrap();
        let with_schema = |url: &str| {
            let mut c = OrmConfig::from_url(url).unwrap().database;
            c.postgres.as_mut().unwrap().schema = Some(schema.clone());
            c
        };
        let mut config = with_schema(&primary_url);
        config.read_replicas = vec![with_schema(&replica_url)];
        config.sticky = sticky;
        let db = Db::connect(&config).unwrap();
        // Wait until the standby has replayed the new schema.
        let replica = Db::connect(&with_schema(&replica_url)).unwrap();
        for _ in 0..100 {
            if replica.query("SELECT 1 FROM notes LIMIT 1", &[]).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some((db, admin, config, schema))
    }

    async fn in_recovery(db: &Db) -> bool {
        db.query_one("SELECT pg_is_in_recovery() AS r", &[]).await.unwrap().get("r").unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_go_to_the_standby_and_writes_to_the_primary() {
        let Some((db, admin, config, schema)) = split(false).await else { return };
        assert!(in_recovery(&db).await, "a plain SELECT is served by the standby");
        db.exec("INSERT INTO notes (body) VALUES ($1)", &params!["hello"]).await.unwrap();
        let locked = db.query_one("SELECT pg_is_in_recovery() AS r FOR SHARE", &[]).await;
        assert!(
            locked.is_err() || !locked.unwrap().get::<bool>("r").unwrap(),
            "a locking read is not sent to the standby"
        );
        let in_tx: bool = db
            .transaction(|tx| async move { tx.query_one("SELECT pg_is_in_recovery() AS r", &[]).await?.get("r") })
            .await
            .unwrap();
        assert!(!in_tx, "everything inside a transaction runs on the primary");
        // The write reaches the standby by replication.
        let mut seen = 0;
        for _ in 0..100 {
            seen = Model::on(&db).table("notes").count().await.unwrap();
            if seen == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(seen, 1);
        let direct = Db::connect(&config.read_replicas[0]).unwrap();
        let refused = direct.exec("INSERT INTO notes (body) VALUES ($1)", &params!["nope"]).await.unwrap_err();
        assert!(
            matches!(&refused, Error::Database { code: Some(c), .. } if c == "25006"),
            "writes are refused on the standby: {refused}"
        );
        admin.exec_batch(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sticky_reads_see_their_own_write_at_once() {
        let Some((db, admin, _config, schema)) = split(true).await else { return };
        assert!(in_recovery(&db).await, "before writing, reads go to the standby");
        let handle = db.clone();
        let other_task = tokio::spawn(async move {
            handle.exec("INSERT INTO notes (body) VALUES ($1)", &params!["mine"]).await.unwrap();
            let count = Model::on(&handle).table("notes").count().await.unwrap();
            let recovery = in_recovery(&handle).await;
            (count, recovery)
        });
        let (count, recovery) = other_task.await.unwrap();
        assert_eq!(count, 1, "the writer reads its own write at once");
        assert!(!recovery, "from the primary");
        assert!(in_recovery(&db).await, "another task still reads from the standby");
        admin.exec_batch(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
    }

    /// The body of `#[tokio::test]` (as of `#[tokio::main]`) runs outside any spawned task.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sticky_reads_hold_outside_spawned_tasks() {
        let Some((db, admin, _config, schema)) = split(true).await else { return };
        assert!(tokio::task::try_id().is_none(), "this body is not a spawned task");
        assert!(in_recovery(&db).await, "before writing, reads go to the standby");
        for n in 0..20 {
            db.exec("INSERT INTO notes (body) VALUES ($1)", &params![format!("note {n}")]).await.unwrap();
            let count = Model::on(&db).table("notes").count().await.unwrap();
            assert_eq!(count, n + 1, "read {n} sees the write just made");
        }
        assert!(!in_recovery(&db).await, "served by the primary");
        let other = tokio::spawn({
            let db = db.clone();
            async move { in_recovery(&db).await }
        });
        assert!(other.await.unwrap(), "a task that did not write still reads from the standby");
        admin.exec_batch(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_killed_connection_is_replaced_and_a_broken_transaction_never_commits() {
        let Some(url) = server_url("BUNARY_TEST_POSTGRES_URL", "PostgreSQL") else { return };
        let admin = Db::connect_url(&url).unwrap();
        let schema = Harness::unique_name();
        admin.exec_batch(&format!("CREATE SCHEMA {schema}; CREATE TABLE {schema}.t (n INT)")).await.unwrap();
        let mut config = OrmConfig::from_url(&url).unwrap().database;
        config.postgres.as_mut().unwrap().schema = Some(schema.clone());
        config.postgres.as_mut().unwrap().pool_size = Some(1);
        let db = Db::connect(&config).unwrap();
        let pid: i32 = db.query_one("SELECT pg_backend_pid() AS pid", &[]).await.unwrap().get("pid").unwrap();
        admin.exec("SELECT pg_terminate_backend($1)", &params![pid]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let again: i32 = db
            .query_one("SELECT pg_backend_pid() AS pid", &[])
            .await
            .expect("the pool replaced the connection")
            .get("pid")
            .unwrap();
        assert_ne!(again, pid);

        let killer = admin.clone();
        let result: Result<(), Error> = db
            .transaction(|tx| async move {
                tx.exec("INSERT INTO t (n) VALUES (1)", &[]).await?;
                let pid: i32 = tx.query_one("SELECT pg_backend_pid() AS pid", &[]).await?.get("pid")?;
                killer.exec("SELECT pg_terminate_backend($1)", &params![pid]).await?;
                tokio::time::sleep(Duration::from_millis(100)).await;
                tx.exec("INSERT INTO t (n) VALUES (2)", &[]).await?;
                Ok(())
            })
            .await;
        let err = result.unwrap_err();
        assert!(err.is_connection_lost(), "a lost connection is its own variant: {err:?}");
        assert_eq!(db.table("t").count().await.unwrap(), 0, "nothing of the broken transaction was committed");
        db.close().await.unwrap();
        admin.exec_batch(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn connection_errors_name_the_server_and_the_cause_and_never_the_password() {
        let Some(url) = server_url("BUNARY_TEST_POSTGRES_URL", "PostgreSQL") else { return };
        let refused = Db::connect_url("postgres://postgres:hunter2@127.0.0.1:1/test").unwrap();
        let err = refused.query("SELECT 1", &[]).await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Connection { .. }), "{err:?}");
        assert!(text.contains("127.0.0.1:1/test") && text.to_lowercase().contains("refused"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let base = url.rsplit_once('/').unwrap().0;
        let missing = Db::connect_url(&format!("{base}/no_such_database_here")).unwrap();
        let text = missing.query("SELECT 1", &[]).await.unwrap_err().to_string();
        assert!(text.contains("does not exist"), "the server's reason is in the message: {text}");
        // A backend the server terminates mid-statement is a lost connection, with its SQLSTATE.
        let db = Db::connect_url(&url).unwrap();
        let admin = Db::connect_url(&url).unwrap();
        let pid: i32 = db.query_one("SELECT pg_backend_pid() AS pid", &[]).await.unwrap().get("pid").unwrap();
        let sleeping = tokio::spawn({
            let db = db.clone();
            async move { db.query("SELECT pg_sleep(5)", &[]).await }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        admin.exec("SELECT pg_terminate_backend($1)", &params![pid]).await.unwrap();
        let err = sleeping.await.unwrap().unwrap_err();
        assert!(
            matches!(&err, Error::ConnectionLost { code: Some(c), .. } if c == "57P01") || err.is_connection_lost(),
            "{err:?}"
        );
        assert!(db.query("SELECT 1", &[]).await.is_ok(), "the pool replaced the connection");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tls_required_encrypts_and_statement_timeouts_cancel() {
        let Some(url) = server_url("BUNARY_TEST_POSTGRES_URL", "PostgreSQL") else { return };
        let ssl = |db: Db| async move {
            db.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
                .await
                .unwrap()
                .get::<bool>("ssl")
                .unwrap()
        };
        let plain = Db::connect_url(&url).unwrap();
        assert!(!ssl(plain).await, "TLS is off by default");
        let separator = if url.contains('?') { '&' } else { '?' };
        let encrypted = Db::connect_url(&format!("{url}{separator}sslmode=require&statement_timeout_ms=200")).unwrap();
        assert!(ssl(encrypted.clone()).await, "tls = required encrypts the connection");
        let slow = encrypted.query("SELECT pg_sleep(2)", &[]).await.unwrap_err();
        assert_eq!(slow.database_kind(), Some(bunary_orm::DatabaseErrorKind::Timeout), "{slow}");
        assert!(encrypted.query("SELECT 1", &[]).await.is_ok(), "the connection is usable after a timeout");
    }
}

/// Server-only conformance: concurrency that SQLite's one writer at a time cannot produce.
mod concurrency {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_real_deadlock_is_retried() {
        if let Some(h) = super::harness().await {
            super::conformance::lifecycle::a_real_deadlock_is_retried(&h).await.unwrap();
            h.cleanup().await;
        }
    }
}
