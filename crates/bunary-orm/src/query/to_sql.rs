//! Seeing the SQL: [`Builder::sql_for`] gives the statement (SQL and bindings, in a dialect) of
//! every terminal call without running it; [`Builder::to_raw_sql`] prints a select with its
//! values inlined, for reading only; [`Builder::explain`] runs the database's `EXPLAIN`.
//!
//! ```
//! use bunary_orm::{record, Builder, Dialect, OnConflict, Value};
//! let users = Builder::new("users").where_("id", 7);
//! let update = users.sql_for(Dialect::Postgres).update(record! { "name" => "Ada" }).unwrap();
//! assert_eq!(update.sql, r#"UPDATE "users" SET "name" = $1 WHERE "id" = $2"#);
//! assert_eq!(update.bindings, [Value::from("Ada"), Value::Int(7)]);
//! assert_eq!(users.sql_for(Dialect::MySql).delete().unwrap().sql, "DELETE FROM `users` WHERE `id` = ?");
//! assert_eq!(
//!     users.sql_for(Dialect::Sqlite).count().unwrap().sql,
//!     r#"SELECT COUNT(*) AS "aggregate" FROM "users" WHERE "id" = ?"#
//! );
//! let raw = Builder::new("users").where_("name", "O'Brien").to_raw_sql(Dialect::Postgres).unwrap();
//! assert_eq!(raw, r#"SELECT * FROM "users" WHERE "name" = 'O''Brien'"#);
//! ```

use crate::dialect::Dialect;
use crate::error::Result;
use crate::ident::ColumnRef;
use crate::row::Row;
use crate::value::Value;

use super::grammar::{grammar_for, Aggregate, SetValue, SqlWriter};
use super::record::Record;
use super::upsert::OnConflict;
use super::write::{rows_of, table, update_sets};
use super::{Builder, IntoColumns, Statement};

/// The statements a builder's terminal calls would run, in one dialect
/// ([`Builder::sql_for`]). Each is checked as the call would check it, and nothing is sent.
#[derive(Debug)]
pub struct SqlFor<'b, T> {
    builder: &'b Builder<T>,
    dialect: Dialect,
}

impl<T> SqlFor<'_, T> {
    fn aggregate(&self, function: Aggregate, column: Option<&str>) -> Result<Statement> {
        self.builder.check()?;
        let column = column.map(ColumnRef::plain).transpose()?;
        grammar_for(self.dialect).compile_aggregate(&self.builder.query, function, column.as_ref())
    }

    /// `get`, `first` (with its limit), `pluck`: the select.
    ///
    /// # Errors
    /// A building error.
    pub fn select(&self) -> Result<Statement> {
        self.builder.to_sql(self.dialect)
    }

    /// `count()`.
    ///
    /// # Errors
    /// A building error.
    pub fn count(&self) -> Result<Statement> {
        self.aggregate(Aggregate::Count, None)
    }

    /// `sum(column)`.
    ///
    /// # Errors
    /// A building error.
    pub fn sum(&self, column: &str) -> Result<Statement> {
        self.aggregate(Aggregate::Sum, Some(column))
    }

    /// `avg(column)`.
    ///
    /// # Errors
    /// A building error.
    pub fn avg(&self, column: &str) -> Result<Statement> {
        self.aggregate(Aggregate::Avg, Some(column))
    }

    /// `min(column)`.
    ///
    /// # Errors
    /// A building error.
    pub fn min(&self, column: &str) -> Result<Statement> {
        self.aggregate(Aggregate::Min, Some(column))
    }

    /// `max(column)`.
    ///
    /// # Errors
    /// A building error.
    pub fn max(&self, column: &str) -> Result<Statement> {
        self.aggregate(Aggregate::Max, Some(column))
    }

    /// `exists()`.
    ///
    /// # Errors
    /// A building error.
    pub fn exists(&self) -> Result<Statement> {
        self.builder.check()?;
        grammar_for(self.dialect).compile_exists(&self.builder.query)
    }

    /// `insert_many(records)` (and `insert` of one).
    ///
    /// # Errors
    /// As [`Builder::insert_many`].
    pub fn insert(&self, records: Vec<Record>) -> Result<Statement> {
        self.builder.check()?;
        let (columns, values) = rows_of(records)?;
        grammar_for(self.dialect).compile_insert(table(self.builder)?, &columns, values)
    }

    /// `insert_or_ignore(records)`.
    ///
    /// # Errors
    /// As [`Builder::insert_or_ignore`].
    pub fn insert_or_ignore(&self, records: Vec<Record>) -> Result<Statement> {
        self.builder.check()?;
        let (columns, values) = rows_of(records)?;
        grammar_for(self.dialect).compile_insert_or_ignore(table(self.builder)?, &columns, values)
    }

    /// `update(record)`, JSON paths included.
    ///
    /// # Errors
    /// As [`Builder::update`].
    pub fn update(&self, record: Record) -> Result<Statement> {
        self.builder.check()?;
        grammar_for(self.dialect).compile_update(&self.builder.query, &update_sets(record)?)
    }

    /// `increment(column, amount)` (a negative amount: `decrement`).
    ///
    /// # Errors
    /// As [`Builder::increment`].
    pub fn increment(&self, column: &str, amount: impl Into<Value>) -> Result<Statement> {
        self.builder.check()?;
        let sets = vec![(crate::ident::Ident::new(column, "column")?, SetValue::Add(amount.into()))];
        grammar_for(self.dialect).compile_update(&self.builder.query, &sets)
    }

    /// `delete()`.
    ///
    /// # Errors
    /// As [`Builder::delete`].
    pub fn delete(&self) -> Result<Statement> {
        self.builder.check()?;
        grammar_for(self.dialect).compile_delete(&self.builder.query)
    }

    /// `upsert(records, unique_by, on_conflict)`; `None` for no records (nothing would run).
    ///
    /// # Errors
    /// As [`Builder::upsert`].
    pub fn upsert(
        &self,
        records: Vec<Record>,
        unique_by: impl IntoColumns,
        on_conflict: impl Into<OnConflict>,
    ) -> Result<Option<Statement>> {
        match self.builder.prepare_upsert(records, unique_by, on_conflict.into())? {
            Some(prepared) => prepared.compile(self.dialect, table(self.builder)?).map(Some),
            None => Ok(None),
        }
    }
}

impl<T> Builder<T> {
    /// The statements this query's terminal calls would run in `dialect`, without running
    /// them: `q.sql_for(Dialect::Postgres).update(record)` (Laravel's `toSql`, for every
    /// statement). [`to_sql`](Builder::to_sql) is `sql_for(d).select()`.
    pub fn sql_for(&self, dialect: Dialect) -> SqlFor<'_, T> {
        SqlFor { builder: self, dialect }
    }

    /// The select with its values written in as `dialect`'s literals (Laravel's `toRawSql`):
    /// **for reading only** (logs, bug reports). Never run it: the statement the library runs
    /// binds every value ([`to_sql`](Builder::to_sql)).
    ///
    /// # Errors
    /// A building error.
    pub fn to_raw_sql(&self, dialect: Dialect) -> Result<String> {
        self.check()?;
        let grammar = grammar_for(dialect);
        let mut w = SqlWriter::inlining(grammar);
        grammar.write_select(&mut w, &self.query)?;
        Ok(w.finish().sql)
    }

    /// The database's plan for this select (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on
    /// PostgreSQL and MySQL), as rows.
    ///
    /// # Errors
    /// A building error; the database's error.
    pub async fn explain(&self) -> Result<Vec<Row>> {
        let exec = self.executor().await?;
        let dialect = exec.dialect();
        let mut statement = grammar_for(dialect).compile_select(&self.query)?;
        let prefix = if dialect == Dialect::Sqlite { "EXPLAIN QUERY PLAN " } else { "EXPLAIN " };
        statement.sql.insert_str(0, prefix);
        exec.query(&statement).await
    }
}
