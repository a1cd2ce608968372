//! The query builder: [`Builder`], reached through [`Model::table`](crate::Model::table),
//! [`Db::table`](crate::Db::table) or [`Tx::table`](crate::Tx::table).
//!
//! A builder is a value: every method takes it and hands it back, and `clone()` gives an
//! independent copy to extend. It never writes SQL itself: [`grammar`] does, for the dialect
//! of the database it runs on. A bad identifier or operator is remembered and returned as a
//! typed error by the terminal call, before any SQL runs.
//!
//! The methods live in one file per concern: `wheres.rs` (conditions), `select.rs` (columns,
//! joins, grouping, ordering, limits), `read.rs` (get, first, find, aggregates, pluck),
//! `write.rs` (insert, update, delete, upsert), `paginate.rs` (paginate, chunk, cursor).

pub mod clause;
pub mod grammar;
mod paginate;
mod read;
pub mod record;
mod select;
mod wheres;
mod write;

use std::sync::Arc;

use crate::db::Db;
use crate::dialect::Dialect;
use crate::driver::cache::get_driver;
use crate::driver::ExecResult;
use crate::error::{Error, Result};
use crate::ident::TableRef;
use crate::row::Row;
use crate::transaction::Tx;
use crate::value::Value;

pub use self::clause::{Boolean, Direction, IntoOperator, Operator, Query};
pub use self::grammar::{grammar_for, Grammar, Statement};
pub use self::paginate::Paginated;
pub use self::record::Record;

/// Where a builder's statements run.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// The global driver ([`get_driver`]), resolved when the query runs.
    Global,
    /// An explicit handle.
    Db(Db),
    /// An open transaction.
    Tx(Tx),
}

/// A resolved target: something that runs statements.
pub(crate) enum Executor {
    Db(Db),
    Tx(Tx),
}

impl Executor {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Executor::Db(db) => db.dialect(),
            Executor::Tx(tx) => tx.dialect(),
        }
    }

    pub(crate) async fn query(&self, statement: &Statement) -> Result<Vec<Row>> {
        match self {
            Executor::Db(db) => db.query(&statement.sql, &statement.bindings).await,
            Executor::Tx(tx) => tx.query(&statement.sql, &statement.bindings).await,
        }
    }

    pub(crate) async fn exec(&self, statement: &Statement) -> Result<ExecResult> {
        match self {
            Executor::Db(db) => db.exec(&statement.sql, &statement.bindings).await,
            Executor::Tx(tx) => tx.exec(&statement.sql, &statement.bindings).await,
        }
    }
}

/// A fluent query on one table. See the [module docs](self) and
/// [`Model::table`](crate::Model::table) for a tour.
#[derive(Debug, Clone)]
pub struct Builder {
    pub(crate) query: Query,
    /// Columns removed from `SELECT *` results (ignored once `select` names columns).
    pub(crate) excludes: Vec<String>,
    /// The key column used by `find`, `chunk` and `insert_get_id` (default `id`).
    pub(crate) key: String,
    pub(crate) target: Target,
    /// The first error met while building, returned by the terminal call.
    pub(crate) error: Option<Arc<Error>>,
}

impl Builder {
    /// A query on `table` that runs on the global driver.
    pub fn new(table: &str) -> Self {
        let mut builder = Builder {
            query: Query::default(),
            excludes: Vec::new(),
            key: "id".to_owned(),
            target: Target::Global,
            error: None,
        };
        match TableRef::parse(table) {
            Ok(t) => builder.query.table = Some(t),
            Err(e) => builder.fail(e),
        }
        builder
    }

    pub(crate) fn with_target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// Runs the query on `db` instead of the global driver.
    pub fn on(self, db: &Db) -> Self {
        self.with_target(Target::Db(db.clone()))
    }

    /// Runs the query inside the transaction `tx`.
    pub fn in_transaction(self, tx: &Tx) -> Self {
        self.with_target(Target::Tx(tx.clone()))
    }

    /// Sets the key column that [`find`](Builder::find), chunking and
    /// [`insert_get_id`](Builder::insert_get_id) use (default `id`).
    pub fn key(mut self, column: &str) -> Self {
        match crate::ident::Ident::new(column, "column") {
            Ok(_) => self.key = column.to_owned(),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Records the first error met while building.
    pub(crate) fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(Arc::new(error));
        }
    }

    /// Applies `f` when `condition` holds (Laravel's `when`).
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let only_active = true;
    /// let q = Model::table("users").when(only_active, |q| q.where_("active", true));
    /// assert_eq!(q.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT * FROM "users" WHERE "active" = ?"#);
    /// ```
    pub fn when(self, condition: bool, f: impl FnOnce(Self) -> Self) -> Self {
        if condition {
            f(self)
        } else {
            self
        }
    }

    /// The query's state, for inspection.
    pub fn query(&self) -> &Query {
        &self.query
    }

    pub(crate) fn check(&self) -> Result<()> {
        match &self.error {
            Some(e) => Err(e.duplicate()),
            None => Ok(()),
        }
    }

    /// The `SELECT` this builder runs, compiled for `dialect`: SQL text and bindings.
    ///
    /// # Examples
    /// ```
    /// use bunary_orm::{Dialect, Model, Value};
    /// let q = Model::table("users").where_("name", "Ada").limit(1);
    /// let pg = q.to_sql(Dialect::Postgres).unwrap();
    /// assert_eq!(pg.sql, r#"SELECT * FROM "users" WHERE "name" = $1 LIMIT 1"#);
    /// assert_eq!(pg.bindings, [Value::from("Ada")]);
    /// assert_eq!(q.to_sql(Dialect::MySql).unwrap().sql, "SELECT * FROM `users` WHERE `name` = ? LIMIT 1");
    /// ```
    ///
    /// # Errors
    /// The first identifier, operator or raw-fragment error met while building.
    pub fn to_sql(&self, dialect: Dialect) -> Result<Statement> {
        self.check()?;
        grammar_for(dialect).compile_select(&self.query)
    }

    /// Resolves where the query runs.
    pub(crate) async fn executor(&self) -> Result<Executor> {
        self.check()?;
        Ok(match &self.target {
            Target::Global => Executor::Db(get_driver().await?),
            Target::Db(db) => Executor::Db(db.clone()),
            Target::Tx(tx) => Executor::Tx(tx.clone()),
        })
    }

    /// Removes excluded columns from result rows (unless `select` named columns).
    pub(crate) fn apply_excludes(&self, rows: &mut [Row]) {
        if self.excludes.is_empty() || !self.query.columns.is_empty() {
            return;
        }
        for row in rows {
            for name in &self.excludes {
                row.remove(name);
            }
        }
    }
}

/// Turns anything listing column names into owned strings: `"a"`, `["a", "b"]`, `&["a"]`,
/// `vec![String]`.
pub trait IntoColumns {
    /// The names.
    fn into_columns(self) -> Vec<String>;
}

impl IntoColumns for &str {
    fn into_columns(self) -> Vec<String> {
        vec![self.to_owned()]
    }
}

impl IntoColumns for String {
    fn into_columns(self) -> Vec<String> {
        vec![self]
    }
}

impl<S: AsRef<str>, const N: usize> IntoColumns for [S; N] {
    fn into_columns(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }
}

impl<S: AsRef<str>, const N: usize> IntoColumns for &[S; N] {
    fn into_columns(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }
}

impl<S: AsRef<str>> IntoColumns for &[S] {
    fn into_columns(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }
}

impl<S: AsRef<str>> IntoColumns for Vec<S> {
    fn into_columns(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }
}

/// Values for `where_in` and friends. A list of values is only ever accepted where a list is
/// expected, so bindings can never shift.
pub(crate) fn values<V: Into<Value>>(items: impl IntoIterator<Item = V>) -> Vec<Value> {
    items.into_iter().map(Into::into).collect()
}
