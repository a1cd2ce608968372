//! The migration lock of each dialect (SQLite needs none: its write transaction excludes
//! other writers), and running a migration run under it.

use std::future::Future;
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::time::Duration;

use futures_util::FutureExt;

use crate::dialect::Dialect;

use crate::connection::Tx;
use crate::error::{Error, Result};
use crate::params;

/// Runs `f` in the schema transaction `tx` under the migration lock of `table`.
///
/// The lock is let go on every path: with the transaction on SQLite and PostgreSQL (a dropped
/// future closes or rolls back its connection); on MySQL, whose `GET_LOCK` belongs to the
/// session and outlives a transaction, it is released after `f` returns or panics, and by a
/// spawned task when the run's future is dropped (see [`MySqlLock`]).
pub(super) async fn run_locked<T, F, Fut>(tx: &Tx, table: &str, timeout: Duration, f: F) -> Result<T>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    match tx.dialect() {
        // BEGIN IMMEDIATE (and the driver's write gate) already excludes other writers.
        Dialect::Sqlite => f().await,
        Dialect::Postgres => {
            postgres(tx, table, timeout).await?;
            f().await
        }
        Dialect::MySql => {
            let held = MySqlLock::acquire(tx, table, timeout).await?;
            // Leave the transaction: MySQL commits DDL anyway, and every migration is recorded
            // (and committed) as soon as it succeeds.
            tx.exec_batch("COMMIT").await?;
            let out = AssertUnwindSafe(f()).catch_unwind().await;
            held.release().await;
            match out {
                Ok(out) => out,
                Err(panic) => resume_unwind(panic),
            }
        }
    }
}

/// PostgreSQL: a transaction-scoped advisory lock (let go with the transaction, whatever ends
/// it), waited for at most `timeout`.
async fn postgres(tx: &Tx, table: &str, timeout: Duration) -> Result<()> {
    let millis = timeout.as_millis().clamp(1, i32::MAX as u128);
    tx.exec_batch(&format!("SET LOCAL lock_timeout = {millis}")).await?;
    let locked = tx.exec("SELECT pg_advisory_xact_lock(hashtext($1)::bigint)", &params![lock_name(table)]).await;
    match locked {
        Err(Error::Database { code: Some(code), .. }) if code == "55P03" => {
            Err(Error::MigrationLockTimeout { waited: timeout })
        }
        other => other.map(|_| ()),
    }?;
    tx.exec_batch("SET LOCAL lock_timeout TO DEFAULT").await
}

fn lock_name(table: &str) -> String {
    format!("bunary_migrations:{table}")
}

/// MySQL/MariaDB: a `GET_LOCK` named for the database and the migrations table (two databases
/// on one server migrate independently). The name is hashed, as MySQL takes at most 64
/// characters.
struct MySqlLock {
    tx: Option<Tx>,
    table: String,
}

const MYSQL_NAME: &str = "CONCAT('bunary_migrations:', SHA1(CONCAT(DATABASE(), '.', ?)))";

impl MySqlLock {
    /// Takes the lock on `tx`'s session, waiting at most `timeout`.
    async fn acquire(tx: &Tx, table: &str, timeout: Duration) -> Result<MySqlLock> {
        let seconds = timeout.as_secs().max(1) as i64;
        // Armed before GET_LOCK is sent: a future dropped while it is in flight still releases.
        let lock = MySqlLock { tx: Some(tx.clone()), table: table.to_owned() };
        let sql = format!("SELECT GET_LOCK({MYSQL_NAME}, ?) AS got");
        let got = tx.query_one(&sql, &params![table, seconds]).await?;
        if got.get::<Option<i64>>("got")? != Some(1) {
            let mut lock = lock;
            lock.tx = None; // not ours to release
            return Err(Error::MigrationLockTimeout { waited: timeout });
        }
        Ok(lock)
    }

    /// Releases the lock now.
    async fn release(mut self) {
        if let Some(tx) = self.tx.take() {
            release_on(&tx, &self.table).await;
        }
    }
}

async fn release_on(tx: &Tx, table: &str) {
    // A failure means the session is gone, and the server let go of the lock with it.
    let _ = tx.query(&format!("SELECT RELEASE_LOCK({MYSQL_NAME})"), &params![table]).await;
}

impl Drop for MySqlLock {
    fn drop(&mut self) {
        // The run's future was dropped while holding the lock: release it on a task of its
        // own, which keeps the session (and so the lock) until RELEASE_LOCK has run, and only
        // then gives the connection back to the pool.
        if let Some(tx) = self.tx.take() {
            let table = std::mem::take(&mut self.table);
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move { release_on(&tx, &table).await });
            }
        }
    }
}
