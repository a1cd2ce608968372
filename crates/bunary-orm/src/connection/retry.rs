//! Transactions retried after a concurrency failure (Eloquent's `DB::transaction($fn,
//! $attempts)`): a deadlock, a serialisation failure or a busy database aborts the whole
//! transaction, so the closure runs again from the start, after a pause that doubles each
//! time; any other error is returned at once.

use std::future::Future;
use std::time::Duration;

use crate::error::{DatabaseErrorKind, Error, Result};

use super::handle::Db;
use super::transaction::active_transaction;
use super::Tx;

/// The pause before the second attempt; it doubles for each one after, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(10);
/// The longest pause between attempts.
const MAX_PAUSE: Duration = Duration::from_millis(640);

impl Error {
    /// Whether the database aborted the statement for a concurrency failure that a new
    /// attempt of the whole transaction may not meet: a deadlock (PostgreSQL `40P01`, MySQL
    /// 1213), a serialisation failure (PostgreSQL `40001`), a busy or locked database
    /// (SQLite `SQLITE_BUSY`, a lock wait that timed out).
    pub fn is_concurrency_failure(&self) -> bool {
        matches!(
            self,
            Error::Database {
                kind: DatabaseErrorKind::Deadlock | DatabaseErrorKind::SerializationFailure | DatabaseErrorKind::Busy,
                ..
            }
        )
    }
}

/// Waits `pause` whatever the runtime (one needs no timer driver): a thread sleeps and wakes
/// the task. Retries are rare, so a thread each is cheap; if none can be started, no pause.
async fn pause(pause: Duration) {
    let (done, wait) = tokio::sync::oneshot::channel::<()>();
    let slept = std::thread::Builder::new().name("bunary-retry".into()).spawn(move || {
        std::thread::sleep(pause);
        let _ = done.send(());
    });
    if slept.is_ok() {
        let _ = wait.await;
    }
}

impl Db {
    /// [`transaction`](Db::transaction), run again, up to `attempts` times in all, when the
    /// database aborts it for a concurrency failure ([`Error::is_concurrency_failure`]: a
    /// deadlock, a serialisation failure, a busy database), after a pause of 10 ms that
    /// doubles each time (at most 640 ms). Any other error, and the last attempt's, is
    /// returned as it came. `f` runs once per attempt, so it must not keep what an aborted
    /// attempt did outside the database. Inside another transaction it runs once, as a
    /// savepoint: a deadlock aborts the outer transaction, which is the one to retry.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{params, DatabaseConfig, Db};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER)", &[]).await?;
    /// db.exec("INSERT INTO accounts (balance) VALUES (100), (0)", &[]).await?;
    /// db.transaction_with_retries(3, |tx| async move {
    ///     tx.exec("UPDATE accounts SET balance = balance - 10 WHERE id = ?", &params![1]).await?;
    ///     tx.exec("UPDATE accounts SET balance = balance + 10 WHERE id = ?", &params![2]).await?;
    ///     Ok(())
    /// })
    /// .await?;
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`transaction`](Db::transaction), from the last attempt.
    pub async fn transaction_with_retries<T, F, Fut>(&self, attempts: u32, mut f: F) -> Result<T>
    where
        F: FnMut(Tx) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if active_transaction(self.key()).is_some() {
            return self.transaction(f).await;
        }
        let mut wait = FIRST_PAUSE;
        let mut attempt = 1;
        loop {
            match self.transaction(&mut f).await {
                Err(e) if attempt < attempts && e.is_concurrency_failure() => {
                    pause(wait).await;
                    wait = (wait * 2).min(MAX_PAUSE);
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }
}
