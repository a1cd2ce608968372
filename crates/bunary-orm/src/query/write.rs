//! Terminal writes: `insert`, `insert_many`, `insert_get_id`, `update`, `increment`,
//! `decrement`, `delete`, `upsert`, `truncate`.

use crate::error::{Error, QueryProblem, Result};
use crate::ident::{Ident, TableRef};
use crate::value::Value;

use super::grammar::{grammar_for, SetValue};
use super::record::Record;
use super::{Builder, IntoColumns};

pub(super) fn table<T>(builder: &Builder<T>) -> Result<&TableRef> {
    builder.query.table.as_ref().ok_or_else(|| Error::InvalidQuery { problem: QueryProblem::NoTable })
}

/// Splits records into one column list and their values, row after row; every record must
/// name the same columns (in any order).
pub(super) fn rows_of(records: Vec<Record>) -> Result<(Vec<Ident>, Vec<Value>)> {
    let mut records = records.into_iter();
    let Some(first) = records.next() else { return Ok((Vec::new(), Vec::new())) };
    let (columns, mut values) = first.into_columns_and_values()?;
    values.reserve(records.len() * columns.len());
    for (i, record) in records.enumerate() {
        let mismatch = || Error::MismatchedRecords { record: i + 2 };
        if record.len() != columns.len() {
            return Err(mismatch());
        }
        let same_order = record.columns().zip(&columns).all(|(a, b)| a == b.as_str());
        let mut fields = record.into_fields();
        if same_order {
            values.extend(fields.into_iter().map(|(_, v)| v));
        } else {
            for c in &columns {
                let at = fields.iter().position(|(name, _)| name == c.as_str()).ok_or_else(mismatch)?;
                values.push(fields.swap_remove(at).1);
            }
        }
    }
    Ok((columns, values))
}

pub(super) fn idents(columns: impl IntoColumns) -> Result<Vec<Ident>> {
    columns.into_columns().iter().map(|c| Ident::new(c, "column")).collect()
}

impl<T> Builder<T> {
    /// Inserts one row. Returns the number of rows inserted.
    ///
    /// # Examples
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{record, Db, DatabaseConfig};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)", &[]).await?;
    /// db.table("users").insert(record! { "name" => "Ada", "age" => 36 }).await?;
    /// assert_eq!(db.table("users").count().await?, 1);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`] for a bad column name; the database's error.
    pub async fn insert(&self, record: Record) -> Result<u64> {
        self.insert_many(vec![record]).await
    }

    /// Inserts many rows in one statement. Every record must have the same columns.
    ///
    /// # Errors
    /// [`Error::MismatchedRecords`] when the records' columns differ; as [`insert`](Builder::insert).
    pub async fn insert_many(&self, records: Vec<Record>) -> Result<u64> {
        if records.is_empty() {
            self.check()?;
            return Ok(0);
        }
        let (columns, values) = rows_of(records)?;
        self.insert_values(&columns, values).await
    }

    /// Inserts `values` (rows one after another, `columns.len()` values each) in one statement.
    pub(crate) async fn insert_values(&self, columns: &[Ident], values: Vec<Value>) -> Result<u64> {
        let exec = self.executor().await?;
        let statement = grammar_for(exec.dialect()).compile_insert(table(self)?, columns, values)?;
        Ok(exec.exec(&statement).await?.rows_affected)
    }

    /// Inserts one row and returns its generated integer key (the column named by
    /// [`key`](Builder::key), default `id`).
    ///
    /// # Errors
    /// As [`insert`](Builder::insert); [`Error::NotFound`] when the database reports no key.
    pub async fn insert_get_id(&self, record: Record) -> Result<i64> {
        let exec = self.executor().await?;
        let grammar = grammar_for(exec.dialect());
        let (columns, values) = record.into_columns_and_values()?;
        let key = self.key.clone();
        let statement = grammar.compile_insert_get_id(table(self)?, &columns, values, &key)?;
        let missing = || Error::NotFound { what: format!("the generated `{}` of the insert", self.key) };
        if grammar.supports_returning() {
            let row = exec.query(&statement).await?.into_iter().next().ok_or_else(missing)?;
            row.get(0)
        } else {
            exec.exec(&statement).await?.last_insert_id.ok_or_else(missing)
        }
    }

    /// Updates the matching rows. Returns how many the database changed. A column read at a
    /// JSON path (`"meta->a->b"`) sets that path and keeps the rest of the document (a NULL
    /// column starts as `{}`); several paths into one column are set in one expression.
    ///
    /// ```
    /// use bunary_orm::{record, Dialect, Model};
    /// # let _ = async {
    /// Model::table("users").where_("id", 1).update(record! { "name" => "Ada" }).await?;
    /// # Ok::<(), bunary_orm::Error>(()) };
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidQuery`] for an empty record; [`Error::Unsupported`] with joins; the
    /// database's error.
    pub async fn update(&self, record: Record) -> Result<u64> {
        let sets = update_sets(record)?;
        self.run_update(sets).await
    }

    pub(crate) async fn run_update(&self, sets: Vec<(Ident, SetValue)>) -> Result<u64> {
        let exec = self.executor().await?;
        let statement = grammar_for(exec.dialect()).compile_update(&self.query, &sets)?;
        Ok(exec.exec(&statement).await?.rows_affected)
    }

    /// `column = column + amount` on the matching rows, in one statement (no read-modify-write race).
    ///
    /// # Errors
    /// As [`update`](Builder::update).
    pub async fn increment(&self, column: &str, amount: impl Into<Value>) -> Result<u64> {
        self.increment_with(column, amount, Record::new()).await
    }

    /// `column = column - amount` on the matching rows.
    ///
    /// # Errors
    /// As [`update`](Builder::update); [`Error::InvalidQuery`] for a non-numeric amount.
    pub async fn decrement(&self, column: &str, amount: impl Into<Value>) -> Result<u64> {
        self.decrement_with(column, amount, Record::new()).await
    }

    /// Decrements `column` and sets other columns in the same statement.
    ///
    /// # Errors
    /// As [`decrement`](Builder::decrement).
    pub async fn decrement_with(&self, column: &str, amount: impl Into<Value>, extra: Record) -> Result<u64> {
        let negated = match amount.into() {
            Value::Int(i) => {
                Value::Int(i.checked_neg().ok_or_else(|| Error::OutOfRange { what: format!("decrement by {i}") })?)
            }
            Value::Float(f) => Value::Float(-f),
            other => {
                let problem = QueryProblem::NotNumeric { action: "decrement", kind: other.kind_name() };
                return Err(Error::InvalidQuery { problem });
            }
        };
        self.increment_with(column, negated, extra).await
    }

    /// Increments `column` and sets other columns in the same statement.
    ///
    /// # Errors
    /// As [`update`](Builder::update).
    pub async fn increment_with(&self, column: &str, amount: impl Into<Value>, extra: Record) -> Result<u64> {
        let amount = amount.into();
        if !matches!(amount, Value::Int(_) | Value::Float(_)) {
            let problem = QueryProblem::NotNumeric { action: "increment", kind: amount.kind_name() };
            return Err(Error::InvalidQuery { problem });
        }
        let mut sets = vec![(Ident::new(column, "column")?, SetValue::Add(amount))];
        for (c, v) in extra.into_fields() {
            sets.push((Ident::new(&c, "column")?, SetValue::Value(v)));
        }
        self.run_update(sets).await
    }

    /// Deletes the matching rows. Returns how many.
    ///
    /// # Errors
    /// [`Error::Unsupported`] with joins; the database's error.
    pub async fn delete(&self) -> Result<u64> {
        let exec = self.executor().await?;
        let statement = grammar_for(exec.dialect()).compile_delete(&self.query)?;
        Ok(exec.exec(&statement).await?.rows_affected)
    }

    /// Deletes every row of the table and resets its key sequence.
    ///
    /// # Errors
    /// The database's error.
    pub async fn truncate(&self) -> Result<()> {
        let exec = self.executor().await?;
        let table = table(self)?;
        for statement in grammar_for(exec.dialect()).compile_truncate(table) {
            exec.exec(&statement).await?;
        }
        // A key sequence kept apart from the table (SQLite's `sqlite_sequence`), reset when
        // the probe finds it.
        if let Some((probe, reset)) = grammar_for(exec.dialect()).compile_sequence_reset(table) {
            if !exec.query(&probe).await?.is_empty() {
                exec.exec(&reset).await?;
            }
        }
        Ok(())
    }
}

/// An update's assignments: a column's value, or the JSON paths set inside it (grouped by
/// column, in the record's order).
pub(crate) fn update_sets(record: Record) -> Result<Vec<(Ident, SetValue)>> {
    let mut sets: Vec<(Ident, SetValue)> = Vec::new();
    for (column, value) in record.into_fields() {
        if !column.contains("->") && !column.contains('[') {
            sets.push((Ident::new(&column, "column")?, SetValue::Value(value)));
            continue;
        }
        let parsed = crate::ident::ColumnRef::plain(&column)?;
        let (Some(name), Some(path), None) = (parsed.column, parsed.json, parsed.table) else {
            return Err(Error::InvalidIdentifier {
                kind: "column",
                value: column.into_owned(),
                reason: "an update sets `column` or `column->path`, not a qualified column".into(),
            });
        };
        match sets.iter_mut().find(|(c, _)| *c == name) {
            Some((_, SetValue::Json(paths))) => paths.push((*path, value)),
            Some(_) => {
                return Err(Error::InvalidIdentifier {
                    kind: "column",
                    value: column.into_owned(),
                    reason: "the update sets this column whole and a path inside it".into(),
                })
            }
            None => sets.push((name, SetValue::Json(vec![(*path, value)]))),
        }
    }
    Ok(sets)
}
