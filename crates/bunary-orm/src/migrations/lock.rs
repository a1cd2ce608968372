//! Running a migration run under the migration lock. What the lock is, and its statements,
//! are the schema grammar's ([`MigrationLock`]); here is only how each kind is held and let go.

use std::future::Future;
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::time::Duration;

use futures_util::FutureExt;

use crate::connection::Tx;
use crate::error::{Error, Result};
use crate::schema::grammar::{schema_grammar_for, MigrationLock};
use crate::statement::Statement;

/// Runs `f` in the schema transaction `tx` under the migration lock of `table`.
///
/// The lock is let go on every path: with the transaction for a transaction-scoped lock (a
/// dropped future closes or rolls back its connection); a session lock, which outlives a
/// transaction, is released after `f` returns or panics, and by a spawned task when the run's
/// future is dropped (see [`SessionLock`]).
pub(super) async fn run_locked<T, F, Fut>(tx: &Tx, table: &str, timeout: Duration, f: F) -> Result<T>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    match schema_grammar_for(tx.dialect()).compile_migration_lock(table, timeout) {
        MigrationLock::Transaction => f().await,
        MigrationLock::TransactionScoped { acquire, timeout_code, after } => {
            for statement in &acquire {
                match run(tx, statement).await {
                    Err(Error::Database { code: Some(code), .. }) if code == timeout_code => {
                        return Err(Error::MigrationLockTimeout { waited: timeout });
                    }
                    other => other?,
                }
            }
            for statement in &after {
                run(tx, statement).await?;
            }
            f().await
        }
        MigrationLock::Session { acquire, release, leave } => {
            let held = SessionLock::acquire(tx, acquire, release, timeout).await?;
            run(tx, &leave).await?;
            let out = AssertUnwindSafe(f()).catch_unwind().await;
            held.release().await;
            match out {
                Ok(out) => out,
                Err(panic) => resume_unwind(panic),
            }
        }
    }
}

/// Runs one lock statement: as a script when it binds nothing, with its bindings otherwise.
async fn run(tx: &Tx, statement: &Statement) -> Result<()> {
    if statement.bindings.is_empty() {
        tx.exec_batch(&statement.sql).await
    } else {
        tx.exec(&statement.sql, &statement.bindings).await.map(|_| ())
    }
}

/// A held session lock (MySQL's `GET_LOCK`), released when dropped.
struct SessionLock {
    tx: Option<Tx>,
    release: Statement,
}

impl SessionLock {
    /// Takes the lock on `tx`'s session, waiting at most `timeout`.
    async fn acquire(tx: &Tx, acquire: Statement, release: Statement, timeout: Duration) -> Result<SessionLock> {
        // Armed before the lock is asked for: a future dropped while it is in flight still
        // releases.
        let mut lock = SessionLock { tx: Some(tx.clone()), release };
        let got = tx.query_one(&acquire.sql, &acquire.bindings).await?;
        if got.get::<Option<i64>>(0)? != Some(1) {
            lock.tx = None; // not ours to release
            return Err(Error::MigrationLockTimeout { waited: timeout });
        }
        Ok(lock)
    }

    /// Releases the lock now.
    async fn release(mut self) {
        if let Some(tx) = self.tx.take() {
            release_on(&tx, &self.release).await;
        }
    }
}

async fn release_on(tx: &Tx, release: &Statement) {
    // A failure means the session is gone, and the server let go of the lock with it.
    let _ = tx.query(&release.sql, &release.bindings).await;
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        // The run's future was dropped while holding the lock: release it on a task of its
        // own, which keeps the session (and so the lock) until the release has run, and only
        // then gives the connection back to the pool.
        if let Some(tx) = self.tx.take() {
            let release = self.release.clone();
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move { release_on(&tx, &release).await });
            }
        }
    }
}
