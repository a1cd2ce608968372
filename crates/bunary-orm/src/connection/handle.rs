//! [`Db`]: an explicit, cheaply cloned handle on one database.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::config::{DatabaseConfig, OrmConfig};
use crate::connection::transaction::{active_transaction, Tx};
use crate::dialect::Dialect;
use crate::driver::registry::create_driver;
use crate::driver::{DatabaseDriver, ExecResult};
use crate::error::{Error, Result};
use crate::row::{Row, RowSink};
use crate::value::Value;

/// A handle on one database: a shared driver plus transactions and typed helpers.
///
/// Clone it freely (it is an `Arc`). [`get_driver`](crate::get_driver) hands out the global one;
/// [`Db::connect`] makes one of your own, for applications that pass their database around and
/// tests that must not share global state.
///
/// While a task is inside [`Db::transaction`], the statements it runs through this handle
/// (and through the query builder on it) join that transaction; other tasks are unaffected.
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::{params, Db, DatabaseConfig};
///
/// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
/// db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)", &[]).await?;
/// let done = db.exec("INSERT INTO users (name) VALUES (?), (?)", &params!["Alice", "Bob"]).await?;
/// assert_eq!(done.rows_affected, 2);
/// let rows = db.query("SELECT id, name FROM users WHERE name = ?", &params!["Bob"]).await?;
/// assert_eq!(rows[0].get::<String>("name")?, "Bob");
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
#[derive(Clone)]
pub struct Db {
    driver: Arc<dyn DatabaseDriver>,
}

impl fmt::Debug for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Db").field("driver", &self.driver.name()).finish()
    }
}

impl Db {
    /// Builds a driver for `config` (through the registry) and wraps it.
    ///
    /// # Errors
    /// As [`create_driver`].
    pub fn connect(config: &DatabaseConfig) -> Result<Self> {
        Ok(Db { driver: create_driver(config)? })
    }

    /// Parses `url` ([`OrmConfig::from_url`]) and connects.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] and the errors of [`Db::connect`].
    pub fn connect_url(url: &str) -> Result<Self> {
        Self::connect(&OrmConfig::from_url(url)?.database)
    }

    /// Wraps a driver built elsewhere.
    pub fn from_driver(driver: Arc<dyn DatabaseDriver>) -> Self {
        Db { driver }
    }

    /// The driver behind the handle.
    pub fn driver(&self) -> &Arc<dyn DatabaseDriver> {
        &self.driver
    }

    /// The SQL dialect of the database.
    pub fn dialect(&self) -> Dialect {
        self.driver.dialect()
    }

    /// `true` when both handles share one driver instance.
    pub fn same(&self, other: &Db) -> bool {
        self.key() == other.key()
    }

    pub(crate) fn key(&self) -> usize {
        Arc::as_ptr(&self.driver) as *const () as usize
    }

    /// Runs a query and returns its rows.
    ///
    /// # Errors
    /// [`Error::Database`] when the database refuses the statement.
    pub async fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        match active_transaction(self.key()) {
            Some(tx) => tx.query(sql, params).await,
            None => self.driver.query(sql, params).await,
        }
    }

    /// Runs a query and hands its rows to `sink` one at a time.
    ///
    /// # Errors
    /// As [`Db::query`], and the sink's errors.
    pub async fn query_into(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        match active_transaction(self.key()) {
            Some(tx) => tx.query_into(sql, params, sink).await,
            None => match self.driver.query_into_now(sql, params, sink) {
                Some(done) => done,
                None => self.driver.query_into(sql, params, sink).await,
            },
        }
    }

    /// The driver a select compiled by the query builder (which locks nothing) runs on: a
    /// read replica's, with a replica configuration, picked without scanning the SQL.
    fn reader(&self) -> &dyn DatabaseDriver {
        self.driver.read_route().unwrap_or(&*self.driver)
    }

    /// [`Db::query`] for a select compiled by the query builder (see [`Db::reader`]).
    pub(crate) async fn select(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        match active_transaction(self.key()) {
            Some(tx) => tx.query(sql, params).await,
            None => self.reader().query(sql, params).await,
        }
    }

    /// [`Db::query_into`] for a select compiled by the query builder.
    pub(crate) async fn select_into(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        match active_transaction(self.key()) {
            Some(tx) => tx.query_into(sql, params, sink).await,
            None => {
                let reader = self.reader();
                match reader.query_into_now(sql, params, sink) {
                    Some(done) => done,
                    None => reader.query_into(sql, params, sink).await,
                }
            }
        }
    }

    /// [`Db::query_into_now`] for a select compiled by the query builder.
    pub(crate) fn select_into_now(
        &self,
        sql: &str,
        params: &[Value],
        sink: &mut (dyn RowSink + Send),
    ) -> Option<Result<()>> {
        if active_transaction(self.key()).is_some() {
            return None;
        }
        self.reader().query_into_now(sql, params, sink)
    }

    /// Runs a query and returns its first row, or `None`.
    ///
    /// # Errors
    /// As [`Db::query`].
    pub async fn query_opt(&self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// Runs a query and returns its first row.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none; otherwise as [`Db::query`].
    pub async fn query_one(&self, sql: &str, params: &[Value]) -> Result<Row> {
        self.query_opt(sql, params).await?.ok_or_else(|| Error::NotFound { what: sql.to_owned() })
    }

    /// Runs a statement for its effect.
    ///
    /// # Errors
    /// [`Error::Database`] when the database refuses the statement.
    pub async fn exec(&self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        match active_transaction(self.key()) {
            Some(tx) => tx.exec(sql, params).await,
            None => match self.driver.exec_now(sql, params) {
                Some(done) => done,
                None => self.driver.exec(sql, params).await,
            },
        }
    }

    /// Runs a script of `;`-separated statements without parameters.
    ///
    /// # Errors
    /// [`Error::Database`] for the first failing statement.
    pub async fn exec_batch(&self, sql: &str) -> Result<()> {
        match active_transaction(self.key()) {
            Some(tx) => tx.exec_batch(sql).await,
            None => self.driver.exec_batch(sql).await,
        }
    }

    /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back when it returns
    /// `Err` or panics (the panic then continues), and returns what `f` returned.
    ///
    /// Inside, use the [`Tx`] handed to `f`; statements run through this `Db` from the same task
    /// join the transaction too. Called while this task is already in a transaction on this
    /// database, it nests as a savepoint (as [`Tx::transaction`]).
    ///
    /// # Examples
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{params, Db, DatabaseConfig, Error};
    ///
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE users (name TEXT)", &[]).await?;
    /// let failed: Result<(), Error> = db
    ///     .transaction(|tx| async move {
    ///         tx.exec("INSERT INTO users (name) VALUES (?)", &params!["Alice"]).await?;
    ///         Err(Error::other("something went wrong"))
    ///     })
    ///     .await;
    /// assert!(failed.is_err());
    /// assert!(db.query("SELECT * FROM users", &[]).await?.is_empty()); // rolled back
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// The closure's error (after the rollback), or a [`Error`] from `BEGIN` or `COMMIT`
    /// converted into `E`.
    pub async fn transaction<T, E, F, Fut>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Error>,
    {
        self.run_transaction(false, f).await
    }

    /// Runs `callback` after the transaction this task has open on this database commits (as
    /// [`Tx::after_commit`]), or at once when there is none (Eloquent's `DB::afterCommit`).
    pub fn after_commit(&self, callback: impl FnOnce() + Send + 'static) {
        match active_transaction(self.key()) {
            Some(tx) => tx.after_commit(callback),
            None => callback(),
        }
    }

    /// How deep this task is in a transaction on this database: 0 outside one, 1 in it, one
    /// more inside each nested transaction (Laravel's `transactionLevel`).
    pub fn transaction_level(&self) -> u32 {
        active_transaction(self.key()).map_or(0, |tx| tx.level())
    }

    /// A query builder on `table` that runs on this handle.
    pub fn table(&self, table: &str) -> crate::query::Builder {
        crate::query::Builder::new(table).on(self)
    }

    /// [`transaction`](Db::transaction) for schema changes: foreign keys are checked once,
    /// at commit, instead of statement by statement (see
    /// [`DatabaseDriver::begin_schema_change`]). Nested in an open transaction, a savepoint.
    ///
    /// # Errors
    /// As [`transaction`](Db::transaction); a foreign key broken at commit is
    /// [`Error::Database`] with [`DatabaseErrorKind::ForeignKeyViolation`](crate::DatabaseErrorKind).
    pub async fn schema_transaction<T, E, F, Fut>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Error>,
    {
        self.run_transaction(true, f).await
    }

    async fn run_transaction<T, E, F, Fut>(&self, schema_change: bool, f: F) -> Result<T, E>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Error>,
    {
        if let Some(tx) = active_transaction(self.key()) {
            return tx.transaction(f).await;
        }
        let conn = if schema_change { self.driver.begin_schema_change().await? } else { self.driver.begin().await? };
        Tx::run_outermost(conn, self.key(), self.dialect(), f).await
    }

    /// Closes the driver. Other handles on the same driver fail afterwards with
    /// [`Error::DriverClosed`].
    ///
    /// # Errors
    /// When a connection fails to close cleanly.
    pub async fn close(&self) -> Result<()> {
        self.driver.close().await
    }
}
