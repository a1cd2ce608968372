//! The conformance suite: tests written once against the public API and instantiated per
//! driver by `conformance_suite!` in `tests/sqlite.rs` (and the server drivers' files).

#![allow(dead_code)]

pub mod driver;
pub mod query;
pub mod transactions;

use std::sync::atomic::{AtomicU32, Ordering};

use bunary_orm::{Db, Dialect, Result};

/// What a suite test gets: a database of its own driver, and unique table names so that
/// tests sharing one server database can run in parallel.
pub struct Harness {
    pub db: Db,
    /// A URL or path from which a second, independent handle on the same database can be made.
    pub url: String,
    unique: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl Harness {
    pub fn new(db: Db, url: impl Into<String>) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Harness { db, url: url.into(), unique: format!("{}_{n}", std::process::id()) }
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
                        }
                    }
                )*
            }
        )*
    };
}
