//! Where statements run: [`Connection`] (what a builder, a model or the schema builder is
//! told) and `Executor` (the handle it resolves to when a statement runs).

use std::borrow::Cow;

use crate::connection::cache::{get_connection, get_driver};
use crate::connection::{Db, Tx};
use crate::dialect::Dialect;
use crate::driver::ExecResult;
use crate::error::{Error, Result};
use crate::query::Statement;
use crate::row::{Row, RowSink};
use crate::value::Value;

/// Where a builder's statements run (and where a model loaded by it saves itself).
#[derive(Debug, Clone, Default)]
pub enum Connection {
    /// The global driver ([`get_driver`]), resolved when the query runs.
    #[default]
    Global,
    /// An explicit handle.
    Db(Db),
    /// An open transaction.
    Tx(Tx),
    /// A named connection of the configuration ([`get_connection`](crate::get_connection)),
    /// resolved when the query runs.
    Named(String),
}

impl Connection {
    /// Whether `self` and `other` are the same connection: the same handle, transaction or
    /// name (Eloquent's `is` compares connection names).
    pub fn same(&self, other: &Connection) -> bool {
        match (self, other) {
            (Connection::Global, Connection::Global) => true,
            (Connection::Db(a), Connection::Db(b)) => a.same(b),
            (Connection::Tx(a), Connection::Tx(b)) => a.same(b),
            (Connection::Named(a), Connection::Named(b)) => a == b,
            _ => false,
        }
    }
}

impl From<&Db> for Connection {
    fn from(db: &Db) -> Self {
        Connection::Db(db.clone())
    }
}

impl From<Db> for Connection {
    fn from(db: Db) -> Self {
        Connection::Db(db)
    }
}

impl From<&Tx> for Connection {
    fn from(tx: &Tx) -> Self {
        Connection::Tx(tx.clone())
    }
}

impl From<Tx> for Connection {
    fn from(tx: Tx) -> Self {
        Connection::Tx(tx)
    }
}

impl From<String> for Connection {
    /// A named connection.
    fn from(name: String) -> Self {
        Connection::Named(name)
    }
}

impl From<&Connection> for Connection {
    fn from(connection: &Connection) -> Self {
        connection.clone()
    }
}

impl From<&str> for Connection {
    /// A named connection (`"default"` is the main database).
    fn from(name: &str) -> Self {
        Connection::Named(name.to_owned())
    }
}

impl Connection {
    /// What runs the statements when the connection holds its handle (no clone, nothing to
    /// await); `None` for the global or a named connection.
    pub(crate) fn executor_now(&self) -> Option<Executor<'_>> {
        match self {
            Connection::Db(db) => Some(Executor::Db(Cow::Borrowed(db))),
            Connection::Tx(tx) => Some(Executor::Tx(Cow::Borrowed(tx))),
            Connection::Global | Connection::Named(_) => None,
        }
    }

    /// What runs the statements: the handle itself when the connection holds one (no clone).
    pub(crate) async fn executor(&self) -> Result<Executor<'_>> {
        Ok(match self {
            Connection::Global => Executor::Db(Cow::Owned(get_driver().await?)),
            Connection::Named(name) => Executor::Db(Cow::Owned(get_connection(name).await?)),
            Connection::Db(db) => Executor::Db(Cow::Borrowed(db)),
            Connection::Tx(tx) => Executor::Tx(Cow::Borrowed(tx)),
        })
    }
}

/// A resolved target: something that runs statements.
pub(crate) enum Executor<'a> {
    Db(Cow<'a, Db>),
    Tx(Cow<'a, Tx>),
}

impl Executor<'_> {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Executor::Db(db) => db.dialect(),
            Executor::Tx(tx) => tx.dialect(),
        }
    }

    /// Refuses a statement with more bindings than the database takes, before it is sent.
    #[inline(always)]
    fn check_bindings(&self, sql: &str, count: usize) -> Result<()> {
        // Every dialect binds at least 32 766 values: a smaller statement needs no look.
        if count <= Dialect::Sqlite.max_bindings() {
            return Ok(());
        }
        self.check_many_bindings(sql, count)
    }

    #[cold]
    #[inline(never)]
    fn check_many_bindings(&self, sql: &str, count: usize) -> Result<()> {
        let dialect = self.dialect();
        if count <= dialect.max_bindings() {
            return Ok(());
        }
        let sql = crate::error::shorten(sql).into_owned();
        Err(Error::TooManyBindings { count, max: dialect.max_bindings(), dialect, sql })
    }

    pub(crate) async fn query(&self, statement: &Statement) -> Result<Vec<Row>> {
        self.check_bindings(&statement.sql, statement.bindings.len())?;
        match self {
            Executor::Db(db) => db.query(&statement.sql, &statement.bindings).await,
            Executor::Tx(tx) => tx.query(&statement.sql, &statement.bindings).await,
        }
    }

    /// Runs a select compiled by the query builder (it locks nothing: a replica configuration
    /// routes it without reading it) and returns its rows.
    pub(crate) async fn select(&self, statement: &Statement) -> Result<Vec<Row>> {
        self.check_bindings(&statement.sql, statement.bindings.len())?;
        match self {
            Executor::Db(db) => db.select(&statement.sql, &statement.bindings).await,
            Executor::Tx(tx) => tx.query(&statement.sql, &statement.bindings).await,
        }
    }

    /// As [`select`](Executor::select), handing the rows to `sink`.
    pub(crate) async fn select_into(&self, statement: &Statement, sink: &mut (dyn RowSink + Send)) -> Result<()> {
        self.select_into_sql(&statement.sql, &statement.bindings, sink).await
    }

    /// Runs a select compiled by the query builder on the calling task if it can be done at
    /// once (see [`DatabaseDriver::query_into_now`](crate::driver::DatabaseDriver::query_into_now));
    /// `None`, having run nothing, when it must be awaited.
    pub(crate) fn select_into_sql_now(
        &self,
        sql: &str,
        params: &[Value],
        sink: &mut (dyn RowSink + Send),
    ) -> Option<Result<()>> {
        if let Err(e) = self.check_bindings(sql, params.len()) {
            return Some(Err(e));
        }
        match self {
            Executor::Db(db) => db.select_into_now(sql, params, sink),
            Executor::Tx(_) => None,
        }
    }

    /// Runs a select on the primary (a locking read), handing its rows to `sink`.
    pub(crate) async fn query_into(&self, statement: &Statement, sink: &mut (dyn RowSink + Send)) -> Result<()> {
        self.check_bindings(&statement.sql, statement.bindings.len())?;
        match self {
            Executor::Db(db) => db.query_into(&statement.sql, &statement.bindings, sink).await,
            Executor::Tx(tx) => tx.query_into(&statement.sql, &statement.bindings, sink).await,
        }
    }

    /// As [`select_into`](Executor::select_into), for SQL and parameters apart.
    pub(crate) async fn select_into_sql(
        &self,
        sql: &str,
        params: &[Value],
        sink: &mut (dyn RowSink + Send),
    ) -> Result<()> {
        self.check_bindings(sql, params.len())?;
        match self {
            Executor::Db(db) => db.select_into(sql, params, sink).await,
            Executor::Tx(tx) => tx.query_into(sql, params, sink).await,
        }
    }

    /// Whether this runs inside an open transaction.
    pub(crate) fn is_transaction(&self) -> bool {
        matches!(self, Executor::Tx(_))
    }

    /// Runs `work` as one unit: a transaction on a handle, a savepoint inside a transaction.
    pub(crate) async fn transaction<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        match self {
            Executor::Db(db) => db.transaction(work).await,
            Executor::Tx(tx) => tx.transaction(work).await,
        }
    }

    /// As [`transaction`](Executor::transaction), for schema changes (see
    /// [`Db::schema_transaction`]).
    pub(crate) async fn schema_transaction<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        match self {
            Executor::Db(db) => db.schema_transaction(work).await,
            Executor::Tx(tx) => tx.transaction(work).await,
        }
    }

    /// Runs a parameterless script.
    pub(crate) async fn exec_batch(&self, sql: &str) -> Result<()> {
        match self {
            Executor::Db(db) => db.exec_batch(sql).await,
            Executor::Tx(tx) => tx.exec_batch(sql).await,
        }
    }

    pub(crate) async fn exec(&self, statement: &Statement) -> Result<ExecResult> {
        self.check_bindings(&statement.sql, statement.bindings.len())?;
        match self {
            Executor::Db(db) => db.exec(&statement.sql, &statement.bindings).await,
            Executor::Tx(tx) => tx.exec(&statement.sql, &statement.bindings).await,
        }
    }
}
