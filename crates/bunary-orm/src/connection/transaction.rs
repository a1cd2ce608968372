//! [`Tx`]: an open transaction, with nested transactions as savepoints.

use std::fmt;
use std::future::Future;
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use futures_util::FutureExt;
use tokio::sync::Mutex;

use super::callbacks::{Callbacks, When};
use crate::dialect::Dialect;
use crate::driver::{ExecResult, TransactionConnection};
use crate::error::{Error, Result};
use crate::row::{Row, RowSink};
use crate::value::Value;

/// A handle on an open transaction, handed to the closure of
/// [`Db::transaction`](crate::Db::transaction). Cheap to clone; every clone uses the one
/// connection the transaction is pinned to. Once the transaction has committed or rolled
/// back, using a leftover handle fails with [`Error::TransactionClosed`].
#[derive(Clone)]
pub struct Tx {
    inner: Arc<TxInner>,
}

impl Tx {
    /// Whether `self` and `other` are handles of the same transaction.
    pub fn same(&self, other: &Tx) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Runs `callback` once the outermost transaction has committed (Eloquent's `afterCommit`);
    /// registered inside a nested transaction that rolls back, or in a transaction that
    /// rolls back, fails or is dropped, it never runs. Callbacks run in the order they were
    /// registered, outside the transaction.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use std::sync::{Arc, Mutex};
    /// use bunary_orm::{DatabaseConfig, Db, Error};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// let sent = Arc::new(Mutex::new(Vec::new()));
    /// let log = sent.clone();
    /// db.transaction(|tx| async move {
    ///     let mail = log.clone();
    ///     tx.after_commit(move || mail.lock().unwrap().push("welcome mail"));
    ///     assert!(log.lock().unwrap().is_empty(), "not before the commit");
    ///     Ok::<_, Error>(())
    /// })
    /// .await?;
    /// assert_eq!(*sent.lock().unwrap(), ["welcome mail"]);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    pub fn after_commit(&self, callback: impl FnOnce() + Send + 'static) {
        self.inner.callbacks.add(self.inner.depth.load(Ordering::Acquire), When::Commit, Box::new(callback));
    }

    /// Runs `callback` once the transaction level it was registered in rolls back: a nested
    /// transaction (savepoint) that rolls back, or the outermost transaction when it rolls
    /// back, fails to commit or is dropped unfinished. After a commit it never runs.
    pub fn after_rollback(&self, callback: impl FnOnce() + Send + 'static) {
        self.inner.callbacks.add(self.inner.depth.load(Ordering::Acquire), When::Rollback, Box::new(callback));
    }

    /// How deep the transaction is nested: 1 in the outermost transaction, one more inside each
    /// open nested transaction (savepoint). Laravel's `transactionLevel`.
    pub fn level(&self) -> u32 {
        1 + self.inner.depth.load(Ordering::Acquire)
    }
}

/// Counts a nested transaction open while it lives.
struct Depth<'a>(&'a AtomicU32);

impl<'a> Depth<'a> {
    fn enter(depth: &'a AtomicU32) -> Self {
        depth.fetch_add(1, Ordering::AcqRel);
        Depth(depth)
    }
}

impl Drop for Depth<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

struct TxInner {
    conn: Mutex<Option<Box<dyn TransactionConnection>>>,
    dialect: Dialect,
    savepoints: AtomicU32,
    /// How many nested transactions (savepoints) are open.
    depth: AtomicU32,
    /// What runs when the transaction ends.
    callbacks: Callbacks,
    /// A nested transaction was dropped part-way (a cancelled future): whether its savepoint
    /// exists, and what of its work happened, is unknown, so the transaction can only roll back.
    broken: AtomicBool,
}

type ConnSlot = Option<Box<dyn TransactionConnection>>;

impl Drop for TxInner {
    /// A transaction dropped unfinished (its future cancelled) rolled back: what waits for a
    /// rollback runs, what waits for a commit is dropped. After a normal end nothing is left.
    fn drop(&mut self) {
        self.callbacks.ended(false);
    }
}

impl TxInner {
    /// The open connection, or why there is none to use.
    fn open<'a>(&self, slot: &'a mut ConnSlot) -> Result<&'a mut Box<dyn TransactionConnection>> {
        if self.broken.load(Ordering::Acquire) {
            return Err(Error::TransactionBroken);
        }
        slot.as_mut().ok_or(Error::TransactionClosed)
    }
}

/// Marks the transaction broken when a nested transaction's future is dropped before it
/// released or rolled back its savepoint.
struct SavepointGuard<'a> {
    inner: &'a TxInner,
    armed: bool,
}

impl Drop for SavepointGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.inner.broken.store(true, Ordering::Release);
        }
    }
}

impl fmt::Debug for Tx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tx").field("dialect", &self.inner.dialect).finish()
    }
}

tokio::task_local! {
    /// The transactions the current task is inside, innermost last, keyed by driver.
    static ACTIVE: Arc<Vec<(usize, Tx)>>;
}

/// How many transaction scopes are open in the process. While there are none, no task can be
/// inside one, and a statement skips the task-local lookup (a task sees its own scope's count,
/// by program order).
static OPEN_SCOPES: AtomicUsize = AtomicUsize::new(0);

/// One open scope, counted in [`OPEN_SCOPES`] until dropped (completed, failed or cancelled).
struct OpenScope;

impl OpenScope {
    fn enter() -> OpenScope {
        OPEN_SCOPES.fetch_add(1, Ordering::Relaxed);
        OpenScope
    }
}

impl Drop for OpenScope {
    fn drop(&mut self) {
        OPEN_SCOPES.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The transaction this task has open on the driver identified by `db_key`, if any.
pub(crate) fn active_transaction(db_key: usize) -> Option<Tx> {
    if OPEN_SCOPES.load(Ordering::Relaxed) == 0 {
        return None;
    }
    ACTIVE.try_with(|list| list.iter().rev().find(|(key, _)| *key == db_key).map(|(_, tx)| tx.clone())).ok().flatten()
}

impl Tx {
    /// Runs `f` as the outermost transaction on `conn` (already begun), then commits or rolls back.
    pub(crate) async fn run_outermost<T, E, F, Fut>(
        conn: Box<dyn TransactionConnection>,
        db_key: usize,
        dialect: Dialect,
        f: F,
    ) -> Result<T, E>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Error>,
    {
        let tx = Tx {
            inner: Arc::new(TxInner {
                conn: Mutex::new(Some(conn)),
                dialect,
                savepoints: AtomicU32::new(0),
                depth: AtomicU32::new(0),
                callbacks: Callbacks::default(),
                broken: AtomicBool::new(false),
            }),
        };
        let mut list: Vec<(usize, Tx)> = ACTIVE.try_with(|l| l.as_ref().clone()).unwrap_or_default();
        list.push((db_key, tx.clone()));
        let handle = tx.clone();
        let _open = OpenScope::enter();
        let body = ACTIVE.scope(Arc::new(list), async move { f(handle).await });
        match AssertUnwindSafe(body).catch_unwind().await {
            Ok(Ok(value)) => {
                let finished = tx.finish(true).await;
                tx.inner.callbacks.ended(finished.is_ok());
                finished?;
                Ok(value)
            }
            Ok(Err(err)) => {
                // The closure's error is what the caller needs to see; a failed rollback
                // still ends the transaction (the connection is dropped, which rolls back).
                let _ = tx.finish(false).await;
                tx.inner.callbacks.ended(false);
                Err(err)
            }
            Err(panic) => {
                let _ = tx.finish(false).await;
                tx.inner.callbacks.ended(false);
                resume_unwind(panic)
            }
        }
    }

    async fn finish(&self, commit: bool) -> Result<()> {
        let Some(mut conn) = self.inner.conn.lock().await.take() else {
            return Err(Error::TransactionClosed);
        };
        if !commit {
            return conn.rollback().await;
        }
        if self.inner.broken.load(Ordering::Acquire) {
            conn.rollback().await?;
            return Err(Error::TransactionBroken);
        }
        match conn.commit().await {
            Ok(()) => Ok(()),
            Err(err) => {
                let _ = conn.rollback().await;
                Err(err)
            }
        }
    }

    /// The SQL dialect of the database.
    pub fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    /// A query builder on `table` that runs inside this transaction.
    pub fn table(&self, table: &str) -> crate::query::Builder {
        crate::query::Builder::new(table).on(self)
    }

    /// Runs a query inside the transaction.
    ///
    /// # Errors
    /// [`Error::Database`]; [`Error::TransactionClosed`] after the transaction ended.
    pub async fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut guard = self.inner.conn.lock().await;
        self.inner.open(&mut guard)?.query(sql, params).await
    }

    /// Runs a query inside the transaction, handing its rows to `sink` one at a time.
    ///
    /// # Errors
    /// As [`Tx::query`], and the sink's errors.
    pub async fn query_into(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        let mut guard = self.inner.conn.lock().await;
        self.inner.open(&mut guard)?.query_into(sql, params, sink).await
    }

    /// Runs a query inside the transaction and returns its first row, or `None`.
    ///
    /// # Errors
    /// As [`Tx::query`].
    pub async fn query_opt(&self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// Runs a query inside the transaction and returns its first row.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none; otherwise as [`Tx::query`].
    pub async fn query_one(&self, sql: &str, params: &[Value]) -> Result<Row> {
        self.query_opt(sql, params).await?.ok_or_else(|| Error::NotFound { what: sql.to_owned() })
    }

    /// Runs a statement inside the transaction.
    ///
    /// # Errors
    /// [`Error::Database`]; [`Error::TransactionClosed`] after the transaction ended.
    pub async fn exec(&self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        let mut guard = self.inner.conn.lock().await;
        self.inner.open(&mut guard)?.exec(sql, params).await
    }

    /// Runs a parameterless script inside the transaction.
    ///
    /// # Errors
    /// [`Error::Database`]; [`Error::TransactionClosed`] after the transaction ended.
    pub async fn exec_batch(&self, sql: &str) -> Result<()> {
        let mut guard = self.inner.conn.lock().await;
        self.inner.open(&mut guard)?.exec_batch(sql).await
    }

    /// Runs `f` in a nested transaction (a `SAVEPOINT`): on `Ok` the savepoint is released
    /// (its work becomes part of the outer transaction), on `Err` or panic only the work done
    /// since the savepoint is rolled back. The outer transaction decides the rest.
    ///
    /// # Examples
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{params, Db, DatabaseConfig, Error};
    ///
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE users (name TEXT)", &[]).await?;
    /// db.transaction(|tx| async move {
    ///     tx.exec("INSERT INTO users (name) VALUES (?)", &params!["Alice"]).await?;
    ///     let inner: Result<(), Error> = tx
    ///         .transaction(|tx2| async move {
    ///             tx2.exec("INSERT INTO users (name) VALUES (?)", &params!["Bob"]).await?;
    ///             Err(Error::other("Bob is not welcome"))
    ///         })
    ///         .await;
    ///     assert!(inner.is_err()); // handled: only Bob is rolled back
    ///     Ok::<_, Error>(())
    /// })
    /// .await?;
    /// let names = db.query("SELECT name FROM users", &[]).await?;
    /// assert_eq!(names.len(), 1);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// The closure's error (after rolling back to the savepoint), or an [`Error`] from the
    /// savepoint statements converted into `E`.
    pub async fn transaction<T, E, F, Fut>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Error>,
    {
        let n = self.inner.savepoints.fetch_add(1, Ordering::Relaxed) + 1;
        let name = format!("bunary_sp_{n}");
        let _depth = Depth::enter(&self.inner.depth);
        let depth = self.inner.depth.load(Ordering::Acquire);
        // Armed before SAVEPOINT is sent, disarmed once the savepoint is released or rolled
        // back: a future dropped anywhere in between leaves the transaction broken.
        let mut guard = SavepointGuard { inner: &self.inner, armed: true };
        self.exec_batch(&format!("SAVEPOINT {name}")).await?;
        let handle = self.clone();
        let body = async move { f(handle).await };
        let outcome = AssertUnwindSafe(body).catch_unwind().await;
        let result = match outcome {
            Ok(Ok(value)) => {
                self.exec_batch(&format!("RELEASE SAVEPOINT {name}")).await?;
                self.inner.callbacks.released(depth);
                Ok(value)
            }
            Ok(Err(err)) => {
                // A failed rollback leaves the guard armed (the transaction broken); the
                // closure's error is still the one returned.
                if self.rollback_to(&name).await.is_err() {
                    return Err(err);
                }
                self.inner.callbacks.rolled_back(depth);
                Err(err)
            }
            Err(panic) => {
                let rolled_back = self.rollback_to(&name).await;
                if rolled_back.is_ok() {
                    self.inner.callbacks.rolled_back(depth);
                }
                guard.armed = rolled_back.is_err();
                drop(guard);
                resume_unwind(panic)
            }
        };
        guard.armed = false;
        result
    }

    async fn rollback_to(&self, name: &str) -> Result<()> {
        self.exec_batch(&format!("ROLLBACK TO SAVEPOINT {name}")).await?;
        self.exec_batch(&format!("RELEASE SAVEPOINT {name}")).await
    }
}
