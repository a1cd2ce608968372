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
mod compound;
mod cursor_page;
mod dates;
pub mod grammar;
mod joins;
mod json;
mod page_json;
mod paginate;
mod plain;
mod read;
pub mod record;
mod select;
mod streams;
mod subquery;
mod to_sql;
mod upsert;
mod wheres;
mod write;
mod write_forms;

use std::fmt;
use std::marker::PhantomData;

pub use crate::connection::Connection;
use crate::connection::Executor;
use crate::dialect::Dialect;
use crate::error::{BuildError, Error, QueryProblem, Result};
use crate::ident::{Ident, TableRef};
use crate::row::{Columns, FromRow, Layout, Row, RowSink};
use crate::value::Value;

pub use self::clause::{Boolean, Direction, IntoOperator, Lock, Operator, Query};

use self::clause::Where;
pub use self::cursor_page::CursorPaginated;
pub use self::grammar::{grammar_for, Grammar, Statement};
pub use self::joins::JoinClause;
pub use self::page_json::PageLink;
pub use self::paginate::{Page, Paginated, PerPage, SimplePaginated};
pub use self::record::Record;
pub use self::to_sql::SqlFor;
pub use self::upsert::OnConflict;

/// A fluent query on one table. `T` is what its reads return: [`Row`] for
/// [`Model::table`](crate::Model::table), or any [`FromRow`] type. A typed model's query
/// ([`ModelQuery`](crate::model::ModelQuery), from `User::query()`) holds one of these and adds
/// the model's policy (scopes, hidden columns, timestamps) on top. See the [module docs](self)
/// and [`Model::table`](crate::Model::table) for a tour.
#[must_use = "a query builder runs nothing until a terminal method (get, first, insert, update, …) is awaited"]
pub struct Builder<T = Row> {
    pub(crate) query: Query,
    /// Columns removed from `SELECT *` results (ignored once `select` names columns).
    pub(crate) excludes: Vec<String>,
    /// The key column used by `find`, `chunk` and `insert_get_id` (default `id`).
    pub(crate) key: Ident,
    pub(crate) target: Connection,
    /// The first error met while building, returned by the terminal call.
    pub(crate) error: Option<BuildError>,
    _returns: PhantomData<fn() -> T>,
}

impl<T> Clone for Builder<T> {
    fn clone(&self) -> Self {
        Builder {
            query: self.query.clone(),
            excludes: self.excludes.clone(),
            key: self.key.clone(),
            target: self.target.clone(),
            error: self.error.clone(),
            _returns: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Builder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("query", &self.query)
            .field("key", &self.key)
            .field("target", &self.target)
            .field("error", &self.error)
            .finish()
    }
}

impl Builder<Row> {
    /// A query on `table` that runs on the global driver and returns [`Row`]s.
    pub fn new(table: &str) -> Self {
        Builder::typed(table)
    }
}

impl<T> Builder<T> {
    /// A query on `table` whose reads return `T`.
    pub fn typed(table: &str) -> Self {
        let mut builder = Builder {
            query: Query::default(),
            excludes: Vec::new(),
            key: Ident::id(),
            target: Connection::Global,
            error: None,
            _returns: PhantomData,
        };
        match TableRef::parse(table) {
            Ok(t) => builder.query.table = Some(t),
            Err(e) => builder.fail(e),
        }
        builder
    }

    /// The same query, returning `U` instead of `T`.
    pub fn cast<U>(self) -> Builder<U> {
        Builder {
            query: self.query,
            excludes: self.excludes,
            key: self.key,
            target: self.target,
            error: self.error,
            _returns: PhantomData,
        }
    }

    /// A query on an already validated table and key column (a model's, parsed once).
    pub(crate) fn from_names(table: TableRef, key: Ident, target: Connection) -> Self {
        Builder {
            query: Query { table: Some(table), ..Query::default() },
            excludes: Vec::new(),
            key,
            target,
            error: None,
            _returns: PhantomData,
        }
    }

    /// Runs the query on `connection` instead of the global database: a handle
    /// (`.on(&db)`), a transaction (`.on(&tx)`) or a named connection of the configuration
    /// (`.on("analytics")`; a name that is not configured, a URL passed by mistake say, is
    /// [`Error::UnknownConnection`] when the query runs). The one way to say where anything
    /// runs: models, schema and migrations take the same argument.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{record, Builder, DatabaseConfig, Db};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)", &[]).await?;
    /// db.transaction(|tx| async move {
    ///     Builder::new("t").on(&tx).insert(record! { "id" => 1 }).await?;
    ///     assert_eq!(Builder::new("t").on(&tx).count().await?, 1);
    ///     Ok::<_, bunary_orm::Error>(())
    /// }).await?;
    /// assert_eq!(Builder::new("t").on(&db).count().await?, 1);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    pub fn on(mut self, connection: impl Into<Connection>) -> Self {
        self.target = connection.into();
        self
    }

    /// Where the query runs.
    pub fn connection(&self) -> &Connection {
        &self.target
    }

    /// Applies a scope: a plain function from builder to builder (a model's local scope).
    ///
    /// ```
    /// use bunary_orm::{Builder, Dialect, Model};
    /// fn active(q: Builder) -> Builder { q.where_("active", true) }
    /// let q = Model::table("users").scope(active);
    /// assert_eq!(q.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT * FROM "users" WHERE "active" = ?"#);
    /// ```
    pub fn scope(self, f: impl FnOnce(Self) -> Self) -> Self {
        f(self)
    }

    /// Applies a scope whose conditions hold whatever the query's own conditions say: `f` gets
    /// the query without its conditions, and what it adds is joined to them with `AND`, each
    /// side parenthesised, so that an `or_where` on either side cannot escape the other. This is
    /// the hook a model's global scopes (soft deletes) use; anything else `f` sets (order,
    /// limit, joins) is kept as set.
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let q = Model::table("posts")
    ///     .where_("author", "ada")
    ///     .or_where("author", "bob")
    ///     .scoped(|q| q.where_("published", true));
    /// assert_eq!(
    ///     q.to_sql(Dialect::Sqlite).unwrap().sql,
    ///     r#"SELECT * FROM "posts" WHERE ("author" = ? OR "author" = ?) AND "published" = ?"#
    /// );
    /// ```
    pub fn scoped(mut self, f: impl FnOnce(Self) -> Self) -> Self {
        let own = std::mem::take(&mut self.query.wheres);
        let mut scoped = f(self);
        let added = std::mem::replace(&mut scoped.query.wheres, own);
        if !added.is_empty() {
            scoped.query.and_where_all(Where::group(added));
        }
        scoped
    }

    /// Sets the key column that [`find`](Builder::find), chunking and
    /// [`insert_get_id`](Builder::insert_get_id) use (default `id`).
    pub fn key(mut self, column: &str) -> Self {
        if column == self.key.as_str() {
            return self;
        }
        match Ident::new(column, "column") {
            Ok(key) => self.key = key,
            Err(e) => self.fail(e),
        }
        self
    }

    /// Records the first error met while building.
    pub(crate) fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error.into());
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

    /// Applies `f` with the value when `value` is `Some` (Laravel's `when($value, fn ($q, $v) …)`).
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let role: Option<&str> = Some("admin");
    /// let q = Model::table("users").when_some(role, |q, role| q.where_("role", role));
    /// assert_eq!(q.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT * FROM "users" WHERE "role" = ?"#);
    /// ```
    pub fn when_some<V>(self, value: Option<V>, f: impl FnOnce(Self, V) -> Self) -> Self {
        match value {
            Some(v) => f(self, v),
            None => self,
        }
    }

    /// Applies `f` unless `condition` holds (Laravel's `unless`).
    pub fn unless(self, condition: bool, f: impl FnOnce(Self) -> Self) -> Self {
        self.when(!condition, f)
    }

    /// The query's state, for inspection.
    pub fn query(&self) -> &Query {
        &self.query
    }

    pub(crate) fn check(&self) -> Result<()> {
        match &self.error {
            Some(e) => Err(e.clone().into()),
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
    pub(crate) async fn executor(&self) -> Result<Executor<'_>> {
        self.check()?;
        match self.target.executor_now() {
            Some(exec) => Ok(exec),
            None => self.target.executor().await,
        }
    }

    /// Resolves where the query runs without awaiting, when the builder holds its handle.
    pub(crate) fn executor_now(&self) -> Result<Option<Executor<'_>>> {
        self.check()?;
        Ok(self.target.executor_now())
    }

    /// Removes excluded columns (unless `select` named columns) from result rows.
    pub(crate) fn apply_excludes(&self, rows: &mut [Row]) {
        if self.query.columns.is_empty() && !self.excludes.is_empty() {
            crate::row::drop_columns(rows, |c| self.excludes.iter().any(|e| e == c));
        }
    }
}

/// Builds `T`s straight from the driver's rows ([`FromRow::from_values`]), no [`Row`] each.
enum LoadLayout {
    Cached(crate::row::CachedLayout),
    Own(Layout),
}

impl LoadLayout {
    fn as_slice(&self) -> &[usize] {
        match self {
            LoadLayout::Cached(crate::row::CachedLayout::First(layout)) => layout,
            LoadLayout::Cached(crate::row::CachedLayout::Shared(layout)) => layout,
            LoadLayout::Own(layout) => layout,
        }
    }
}

pub(crate) struct LoadSink<T> {
    columns: Option<Columns>,
    /// Where each field of `T` is among the columns: shared with `T`'s layout cache, or `T`'s own.
    layout: LoadLayout,
    out: Vec<T>,
    /// At most this many rows are wanted (a find: its SQL has `LIMIT 1` too).
    max_rows: usize,
}

impl<T: FromRow> LoadSink<T> {
    pub(crate) fn new() -> Self {
        LoadSink { columns: None, layout: LoadLayout::Own(Layout::new()), out: Vec::new(), max_rows: usize::MAX }
    }

    /// A sink for at most `rows` rows, for a query whose SQL limits it to as many (`LIMIT`): the
    /// driver may stop reading once they are in, instead of stepping to the end.
    pub(crate) fn at_most(rows: u64) -> Self {
        let rows = usize::try_from(rows).unwrap_or(usize::MAX);
        LoadSink { out: Vec::with_capacity(rows.min(16)), max_rows: rows, ..LoadSink::new() }
    }

    /// The loaded items.
    pub(crate) fn finish(self) -> Vec<T> {
        self.out
    }
}

impl<T: FromRow> RowSink for LoadSink<T> {
    fn columns(&mut self, columns: &Columns) -> Result<()> {
        self.layout = match T::layout_cache() {
            Some(cache) => LoadLayout::Cached(cache.get_or_compute::<T>(columns)?),
            None => LoadLayout::Own(T::layout(columns)?),
        };
        self.columns = Some(std::sync::Arc::clone(columns));
        Ok(())
    }

    fn row(&mut self, row: &dyn crate::row::ColumnSource) -> Result<()> {
        self.push_with(|layout, columns| T::from_source(layout, columns, row))
    }

    fn is_full(&self) -> bool {
        self.out.len() >= self.max_rows
    }
}

impl<T: FromRow> LoadSink<T> {
    /// Builds one item with `build` (from the layout and columns) and keeps it.
    #[inline]
    fn push_with(&mut self, build: impl FnOnce(&[usize], &Columns) -> Result<T>) -> Result<()> {
        let columns =
            self.columns.as_ref().ok_or_else(|| Error::InvalidQuery { problem: QueryProblem::RowBeforeColumns })?;
        let item = build(self.layout.as_slice(), columns)?;
        self.out.push(item);
        Ok(())
    }
}

/// Turns result rows into `T`.
pub(crate) fn load<T: FromRow>(rows: Vec<Row>) -> Result<Vec<T>> {
    rows.into_iter().map(T::from_row).collect()
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
