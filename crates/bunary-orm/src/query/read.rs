//! Terminal reads: `get`, `first`, `find`, aggregates, `exists`, `pluck`, `value`.

use crate::error::{Error, Result};
use crate::ident::ColumnRef;
use crate::row::{FromRow, Row};
use crate::value::{FromValue, Value};

use super::clause::{Operator, Selection, Where};
use super::grammar::{grammar_for, Aggregate};
use super::{load, Builder, LoadSink};

/// The first column of the one row a statement returns.
async fn scalar<V: FromValue>(exec: &crate::connection::Executor<'_>, statement: &super::Statement) -> Result<V> {
    let row = exec
        .select(statement)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound { what: statement.sql.clone() })?;
    row.get(0)
}

impl<T> Builder<T> {
    /// Runs the query and returns its rows as [`Row`]s, whatever `T` is.
    ///
    /// # Errors
    /// As [`get`](Builder::get).
    pub async fn rows(&self) -> Result<Vec<Row>> {
        let exec = self.executor().await?;
        let statement = grammar_for(exec.dialect()).compile_select(&self.query)?;
        let mut rows =
            if self.reads_primary() { exec.query(&statement).await? } else { exec.select(&statement).await? };
        self.apply_excludes(&mut rows);
        Ok(rows)
    }
}

impl<T: FromRow> Builder<T> {
    /// Runs the query and returns every row (as `T`: a [`Row`], or a model).
    ///
    /// # Examples
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{Db, DatabaseConfig, Direction};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('Ada'), ('Bob');").await?;
    /// let rows = db.table("users").order_by("name", Direction::Desc).get().await?;
    /// assert_eq!(rows[0].get::<String>("name")?, "Bob");
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// A building error (bad identifier, operator, raw fragment), or the database's error.
    pub async fn get(&self) -> Result<Vec<T>> {
        if self.strips_rows() {
            return load(self.rows().await?);
        }
        let exec = match self.executor_now()? {
            Some(exec) => exec,
            None => self.executor().await?,
        };
        match self.plain_select_sql(exec.dialect(), false)? {
            Some(sql) => self.load_compiled(&exec, &sql, &[], None).await,
            None => {
                let statement = grammar_for(exec.dialect()).compile_select(&self.query)?;
                let mut sink = match self.query.limit {
                    Some(limit) => LoadSink::at_most(limit),
                    None => LoadSink::new(),
                };
                if self.reads_primary() {
                    exec.query_into(&statement, &mut sink).await?;
                } else {
                    exec.select_into(&statement, &mut sink).await?;
                }
                Ok(sink.finish())
            }
        }
    }

    /// Every row (the seed's `all()`; the same as [`get`](Builder::get)).
    ///
    /// # Errors
    /// As [`get`](Builder::get).
    pub async fn all(&self) -> Result<Vec<T>> {
        self.get().await
    }

    /// The first row, or `None`.
    ///
    /// # Errors
    /// As [`get`](Builder::get).
    pub async fn first(&self) -> Result<Option<T>> {
        Ok(self.clone().limit(1).get().await?.into_iter().next())
    }

    /// The first row.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none; otherwise as [`get`](Builder::get).
    pub async fn first_or_fail(&self) -> Result<T> {
        self.first().await?.ok_or_else(|| Error::NotFound { what: self.describe() })
    }

    /// The row whose key (default `id`, see [`key`](Builder::key)) equals `id`, or `None`.
    ///
    /// # Errors
    /// As [`get`](Builder::get); a missing row is `Ok(None)`, never an error.
    pub async fn find(&self, id: impl Into<Value>) -> Result<Option<T>> {
        let id = id.into();
        if self.is_plain() && !self.strips_rows() {
            let exec = match self.executor_now()? {
                Some(exec) => exec,
                None => self.executor().await?,
            };
            if let Some(sql) = self.plain_select_sql(exec.dialect(), true)? {
                let found = self.load_compiled(&exec, &sql, std::slice::from_ref(&id), Some(1)).await?;
                return Ok(found.into_iter().next());
            }
        }
        let mut q = self.clone();
        q.query.and_where_all(Where::Basic {
            column: ColumnRef::column(self.key.clone()),
            op: Operator::Eq,
            value: id,
        });
        q.query.limit = Some(1);
        Ok(q.get().await?.into_iter().next())
    }

    /// The row whose `column` equals `value`, or `None`.
    ///
    /// # Errors
    /// As [`get`](Builder::get).
    pub async fn find_by(&self, column: &str, value: impl Into<Value>) -> Result<Option<T>> {
        self.clone().where_(column, value).first().await
    }

    /// Whether result rows are post-processed (excluded columns removed from dynamic rows), so
    /// that they cannot be loaded straight from the driver.
    fn strips_rows(&self) -> bool {
        T::IS_DYNAMIC && !self.excludes.is_empty() && self.query.columns.is_empty()
    }
}

impl<T> Builder<T> {
    pub(crate) fn describe(&self) -> String {
        match &self.query.table {
            Some(t) => format!("a row of `{}`", t.name),
            None => "a row".to_owned(),
        }
    }

    async fn aggregate<V: FromValue>(&self, function: Aggregate, column: Option<&str>) -> Result<V> {
        let exec = self.executor().await?;
        let column = column.map(ColumnRef::plain).transpose()?;
        let statement = grammar_for(exec.dialect()).compile_aggregate(&self.query, function, column.as_ref())?;
        scalar(&exec, &statement).await
    }

    /// The number of matching rows. Ignores the select list, order, limit and offset (a
    /// grouped or distinct query counts its result rows).
    ///
    /// # Errors
    /// As [`get`](Builder::get).
    pub async fn count(&self) -> Result<i64> {
        self.aggregate(Aggregate::Count, None).await
    }

    /// `SUM(column)`; `None` (as `Option<T>`) when no row matches.
    ///
    /// # Errors
    /// As [`get`](Builder::get); [`Error::Decode`] when the sum is not a `T`.
    pub async fn sum<V: FromValue>(&self, column: &str) -> Result<V> {
        self.aggregate(Aggregate::Sum, Some(column)).await
    }

    /// `AVG(column)`, `None` when no row matches.
    ///
    /// # Errors
    /// As [`get`](Builder::get).
    pub async fn avg(&self, column: &str) -> Result<Option<f64>> {
        self.aggregate(Aggregate::Avg, Some(column)).await
    }

    /// `MIN(column)`.
    ///
    /// # Errors
    /// As [`sum`](Builder::sum).
    pub async fn min<V: FromValue>(&self, column: &str) -> Result<V> {
        self.aggregate(Aggregate::Min, Some(column)).await
    }

    /// `MAX(column)`.
    ///
    /// # Errors
    /// As [`sum`](Builder::sum).
    pub async fn max<V: FromValue>(&self, column: &str) -> Result<V> {
        self.aggregate(Aggregate::Max, Some(column)).await
    }

    /// Whether any row matches.
    ///
    /// # Errors
    /// As [`get`](Builder::get).
    pub async fn exists(&self) -> Result<bool> {
        let exec = self.executor().await?;
        let inner = super::Query { orders: Vec::new(), ..self.query.clone() };
        let statement = grammar_for(exec.dialect()).compile_exists(&inner)?;
        scalar(&exec, &statement).await
    }

    /// Whether no row matches.
    ///
    /// # Errors
    /// As [`get`](Builder::get).
    pub async fn doesnt_exist(&self) -> Result<bool> {
        Ok(!self.exists().await?)
    }

    /// One column of every matching row.
    ///
    /// # Examples
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{Db, DatabaseConfig};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('Ada'), ('Bob');").await?;
    /// let names: Vec<String> = db.table("users").oldest_by("id").pluck("name").await?;
    /// assert_eq!(names, ["Ada", "Bob"]);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`get`](Builder::get); [`Error::Decode`] when a value is not a `T`.
    pub async fn pluck<V: FromValue>(&self, column: &str) -> Result<Vec<V>> {
        let mut q = self.clone();
        q.query.columns = vec![Selection::Column(ColumnRef::plain(column)?)];
        let rows = q.rows().await?;
        rows.into_iter().map(|mut r| r.take(0)).collect()
    }

    /// Two columns of the matching rows, `key` to `value`, into any collection of pairs
    /// (Laravel's `pluck('name', 'id')`): a `HashMap` or `BTreeMap` (a later row wins a
    /// repeated key, as in Laravel), or a `Vec<(K, V)>` in row order.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use std::collections::BTreeMap;
    /// use bunary_orm::{Db, DatabaseConfig};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('Ada'), ('Bob');").await?;
    /// let names: BTreeMap<i64, String> = db.table("users").pluck_keyed("name", "id").await?;
    /// assert_eq!(names[&2], "Bob");
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`pluck`](Builder::pluck).
    pub async fn pluck_keyed<K: FromValue, V: FromValue, C: FromIterator<(K, V)>>(
        &self,
        value: &str,
        key: &str,
    ) -> Result<C> {
        let mut q = self.clone();
        q.query.columns = vec![Selection::Column(ColumnRef::plain(key)?), Selection::Column(ColumnRef::plain(value)?)];
        let rows = q.rows().await?;
        rows.into_iter().map(|mut r| Ok((r.take(0)?, r.take(1)?))).collect()
    }

    /// One column of the first matching row, or `None` without a row.
    ///
    /// # Errors
    /// As [`pluck`](Builder::pluck).
    pub async fn value<V: FromValue>(&self, column: &str) -> Result<Option<V>> {
        let mut q = self.clone().limit(1);
        q.query.columns = vec![Selection::Column(ColumnRef::plain(column)?)];
        match q.rows().await?.into_iter().next() {
            Some(mut row) => row.take(0).map(Some),
            None => Ok(None),
        }
    }

    /// Adds `key > after` for keyset iteration (used by chunking).
    pub(crate) fn after_key(&self, after: Option<Value>) -> Result<Builder<T>> {
        let mut q = self.clone();
        if let Some(after) = after {
            let column = ColumnRef::column(self.key.clone());
            q.query.and_where_all(Where::Basic { column, op: Operator::Gt, value: after });
        }
        Ok(q)
    }
}
