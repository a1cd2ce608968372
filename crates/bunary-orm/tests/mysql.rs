//! The conformance suite on MySQL/MariaDB, when `BUNARY_TEST_MYSQL_URL` is set
//! (`.ci/run` sets it). Each test runs in a database of its own.

mod conformance;

use bunary_orm::{Db, OrmConfig};
use conformance::{server_url, Harness};

async fn harness() -> Option<Harness> {
    let url = server_url("BUNARY_TEST_MYSQL_URL", "MySQL")?;
    let admin = Db::connect_url(&url).expect("a MySQL URL");
    let database = Harness::unique_name();
    admin
        .exec_batch(&format!("DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database}"))
        .await
        .expect("create the test database");
    let mut config = OrmConfig::from_url(&url).unwrap().database;
    config.mysql.as_mut().unwrap().database = database.clone();
    config.mysql.as_mut().unwrap().pool_size = Some(4);
    let db = Db::connect(&config).expect("connect");
    Some(Harness::new(db, config).with_cleanup(admin, format!("DROP DATABASE IF EXISTS {database}")))
}

every_suite!(harness);

qualified_relations!(
    harness,
    setup: "CREATE DATABASE IF NOT EXISTS bunary_q",
    users: "bunary_q.q_users",
    posts: "bunary_q.q_posts",
    tags: "bunary_q.q_tags",
    pivot: "bunary_q.q_post_q_tag",
    countries: "bunary_q.q_countries"
);

/// MySQL-only: statement timeouts, TLS required, and a killed connection.
mod server {
    use super::*;
    use bunary_orm::{DatabaseErrorKind, Error};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn statement_timeouts_cancel() {
        let Some(url) = server_url("BUNARY_TEST_MYSQL_URL", "MySQL") else { return };
        let separator = if url.contains('?') { '&' } else { '?' };
        let db = Db::connect_url(&format!("{url}{separator}statement_timeout_ms=200")).unwrap();
        let result = db.query("SELECT SLEEP(2) AS s", &[]).await;
        match result {
            Err(e) => assert_eq!(e.database_kind(), Some(DatabaseErrorKind::Timeout), "{e}"),
            // MySQL's max_execution_time interrupts SLEEP, which then returns 1 instead of 0.
            Ok(rows) => assert_eq!(rows[0].get::<i64>("s").unwrap(), 1),
        }
        assert!(db.query("SELECT 1", &[]).await.is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tls_required_refuses_a_server_without_tls_or_encrypts() {
        let Some(url) = server_url("BUNARY_TEST_MYSQL_URL", "MySQL") else { return };
        let admin = Db::connect_url(&url).unwrap();
        let have_ssl: String = admin.query_one("SHOW VARIABLES LIKE 'have_ssl'", &[]).await.unwrap().get(1).unwrap();
        let separator = if url.contains('?') { '&' } else { '?' };
        let db = Db::connect_url(&format!("{url}{separator}tls=required")).unwrap();
        let result = db.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'", &[]).await;
        if have_ssl == "YES" {
            let cipher: String = result.unwrap()[0].get(1).unwrap();
            assert!(!cipher.is_empty(), "the connection is encrypted");
        } else {
            let err = result.unwrap_err();
            assert!(matches!(err, Error::Connection { .. }), "a server without TLS is refused: {err}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_killed_connection_is_replaced() {
        let Some(url) = server_url("BUNARY_TEST_MYSQL_URL", "MySQL") else { return };
        let admin = Db::connect_url(&url).unwrap();
        let mut config = OrmConfig::from_url(&url).unwrap().database;
        config.mysql.as_mut().unwrap().pool_size = Some(1);
        let db = Db::connect(&config).unwrap();
        let id: i64 = db.query_one("SELECT CONNECTION_ID() AS id", &[]).await.unwrap().get("id").unwrap();
        let same: i64 = db.query_one("SELECT CONNECTION_ID() AS id", &[]).await.unwrap().get("id").unwrap();
        assert_eq!(same, id, "an idle connection is kept in the pool and reused");
        admin.exec_batch(&format!("KILL {id}")).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        // The first use may report the dead connection; the pool then hands out a new one.
        let first = db.query_one("SELECT CONNECTION_ID() AS id", &[]).await;
        let again: i64 = match first {
            Ok(row) => row.get("id").unwrap(),
            Err(_) => {
                db.query_one("SELECT CONNECTION_ID() AS id", &[]).await.expect("a fresh connection").get("id").unwrap()
            }
        };
        assert_ne!(again, id);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn connection_errors_name_the_server_and_a_killed_query_is_a_lost_connection() {
        let Some(url) = server_url("BUNARY_TEST_MYSQL_URL", "MySQL") else { return };
        let refused = Db::connect_url("mysql://root:hunter2@127.0.0.1:1/test").unwrap();
        let err = refused.query("SELECT 1", &[]).await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Connection { .. }), "{err:?}");
        assert!(text.contains("127.0.0.1:1/test") && text.to_lowercase().contains("refused"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        // One pooled connection, so that the sleeping query runs on the connection killed.
        let mut config = OrmConfig::from_url(&url).unwrap().database;
        config.mysql.as_mut().unwrap().pool_size = Some(1);
        let db = Db::connect(&config).unwrap();
        let admin = Db::connect_url(&url).unwrap();
        let id: i64 = db.query_one("SELECT CONNECTION_ID() AS id", &[]).await.unwrap().get("id").unwrap();
        let sleeping = tokio::spawn({
            let db = db.clone();
            async move { db.query("SELECT SLEEP(5)", &[]).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        admin.exec_batch(&format!("KILL {id}")).await.unwrap();
        let err = sleeping.await.unwrap().unwrap_err();
        assert!(err.is_connection_lost(), "a killed connection is its own variant: {err:?}");
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
