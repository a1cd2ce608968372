//! More ways to write (Laravel's `insertOrIgnore`, `insertUsing`, `updateOrInsert`,
//! `incrementEach`/`decrementEach`), each returning what Laravel returns.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::{record, DatabaseConfig, Db};
//! let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
//! db.exec("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT UNIQUE, uses INTEGER DEFAULT 0)", &[]).await?;
//! let added = db.table("tags").insert_or_ignore(vec![record! { "name" => "rust" }, record! { "name" => "rust" }]).await?;
//! assert_eq!(added, 1);
//! assert!(!db.table("tags").update_or_insert(record! { "name" => "rust" }, record! { "uses" => 3 }).await?, "updated");
//! db.table("tags").where_("name", "rust").increment_each(record! { "uses" => 2 }, record! { "name" => "rust!" }).await?;
//! assert_eq!(db.table("tags").value::<i64>("uses").await?, Some(5));
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```

use crate::error::{Error, QueryProblem, Result};
use crate::ident::Ident;
use crate::value::Value;

use super::grammar::{grammar_for, SetValue};
use super::record::Record;
use super::write::{rows_of, table};
use super::Builder;

impl<T> Builder<T> {
    /// Inserts the rows that collide with no unique key and skips the others (SQLite
    /// `INSERT OR IGNORE`, PostgreSQL `ON CONFLICT DO NOTHING`, MySQL `INSERT IGNORE`); returns
    /// how many were inserted. On MySQL, `INSERT IGNORE` also turns some other errors into
    /// warnings (a value too long is cut), as in Laravel.
    ///
    /// # Errors
    /// As [`insert_many`](Builder::insert_many).
    pub async fn insert_or_ignore(&self, records: Vec<Record>) -> Result<u64> {
        self.check()?;
        let table = table(self)?;
        if records.is_empty() {
            return Ok(0);
        }
        let (columns, values) = rows_of(records)?;
        let exec = self.executor().await?;
        let statement = grammar_for(exec.dialect()).compile_insert_or_ignore(table, &columns, values)?;
        Ok(exec.exec(&statement).await?.rows_affected)
    }

    /// `INSERT INTO table (columns) SELECT …` from `sub`; returns how many rows were inserted.
    ///
    /// # Errors
    /// A building error of either query; the database's error.
    pub async fn insert_using<U>(&self, columns: &[&str], sub: Builder<U>) -> Result<u64> {
        self.check()?;
        let table = table(self)?;
        sub.check()?;
        let columns = columns.iter().map(|c| Ident::new(c, "column")).collect::<Result<Vec<_>>>()?;
        let exec = self.executor().await?;
        let statement = grammar_for(exec.dialect()).compile_insert_using(table, &columns, &sub.query)?;
        Ok(exec.exec(&statement).await?.rows_affected)
    }

    /// Updates the rows matching `attributes` with `values`, or inserts one row of both when
    /// none matches (Laravel's `updateOrInsert`); `true` when it inserted. The check and the
    /// write are two statements: run it in a transaction (with a unique key on `attributes`)
    /// when other writers may race it.
    ///
    /// # Errors
    /// As [`update`](Builder::update) and [`insert`](Builder::insert).
    pub async fn update_or_insert(&self, attributes: Record, values: Record) -> Result<bool> {
        let mut matching = self.clone();
        for (column, value) in attributes.iter() {
            matching = matching.where_(column, value.clone());
        }
        if matching.exists().await? {
            if !values.is_empty() {
                matching.limit(1).update(values).await?;
            }
            return Ok(false);
        }
        let mut row = attributes;
        for (column, value) in values.into_fields() {
            row.insert(column, value);
        }
        self.insert(row).await?;
        Ok(true)
    }

    fn step_each(&self, amounts: Record, extra: Record, down: bool) -> Result<Vec<(Ident, SetValue)>> {
        if amounts.is_empty() {
            return Err(Error::InvalidQuery { problem: QueryProblem::NoColumns { what: "increment_each" } });
        }
        let mut sets = Vec::new();
        for (column, amount) in amounts.into_fields() {
            let amount = match amount {
                Value::Int(i) if down => {
                    Value::Int(i.checked_neg().ok_or(Error::OutOfRange { what: format!("-{i}") })?)
                }
                Value::Float(f) if down => Value::Float(-f),
                Value::Int(_) | Value::Float(_) => amount,
                other => {
                    let action = if down { "decrement" } else { "increment" };
                    return Err(Error::InvalidQuery {
                        problem: QueryProblem::NotNumeric { action, kind: other.kind_name() },
                    });
                }
            };
            sets.push((Ident::new(&column, "column")?, SetValue::Add(amount)));
        }
        for (column, value) in extra.into_fields() {
            sets.push((Ident::new(&column, "column")?, SetValue::Value(value)));
        }
        Ok(sets)
    }

    /// Adds each amount of `amounts` to its column, and sets `extra`, in one statement
    /// (Laravel's `incrementEach`); returns how many rows matched.
    ///
    /// # Errors
    /// [`QueryProblem::NotNumeric`] for an amount that is not a number; as
    /// [`update`](Builder::update).
    pub async fn increment_each(&self, amounts: Record, extra: Record) -> Result<u64> {
        let sets = self.step_each(amounts, extra, false)?;
        self.run_update(sets).await
    }

    /// Subtracts each amount of `amounts` from its column, and sets `extra`, in one statement
    /// (Laravel's `decrementEach`).
    ///
    /// # Errors
    /// As [`increment_each`](Builder::increment_each).
    pub async fn decrement_each(&self, amounts: Record, extra: Record) -> Result<u64> {
        let sets = self.step_each(amounts, extra, true)?;
        self.run_update(sets).await
    }
}
