//! `upsert`: insert rows, and say what happens to those that collide.

use crate::error::{Error, QueryProblem, Result};
use crate::ident::Ident;

use super::grammar::grammar_for;
use super::record::Record;
use super::write::{idents, rows_of, table};
use super::{Builder, IntoColumns};

/// What an [`upsert`](Builder::upsert) does to a row that collides with one already stored.
///
/// Laravel's `upsert($values, $uniqueBy)` updates every column; here each choice is spelled
/// out, and an empty list of columns to update is refused rather than read as "nothing".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnConflict {
    /// Update every inserted column but the `unique_by` ones (Laravel's default).
    UpdateAll,
    /// Update these columns only.
    Update(Vec<String>),
    /// Leave the stored row as it is (`ON CONFLICT DO NOTHING`).
    DoNothing,
}

impl OnConflict {
    /// Update these columns only: `OnConflict::update(["name", "votes"])`.
    pub fn update(columns: impl IntoColumns) -> Self {
        OnConflict::Update(columns.into_columns())
    }
}

impl<S: AsRef<str>, const N: usize> From<[S; N]> for OnConflict {
    /// A list of columns: [`OnConflict::Update`].
    fn from(columns: [S; N]) -> Self {
        OnConflict::update(columns)
    }
}

impl<T> Builder<T> {
    /// Inserts rows in one statement; a row that collides on the `unique_by` columns is
    /// updated or left alone as `on_conflict` says. On MySQL any unique key counts as a
    /// collision (MySQL has no conflict target).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{record, Db, DatabaseConfig, OnConflict};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE users (email TEXT PRIMARY KEY, name TEXT, votes INTEGER)", &[]).await?;
    /// let users = || db.table("users");
    /// users().insert(record! { "email" => "ada@example.com", "name" => "Ada", "votes" => 1 }).await?;
    /// let again = || vec![record! { "email" => "ada@example.com", "name" => "Ada L.", "votes" => 2 }];
    /// users().upsert(again(), "email", OnConflict::DoNothing).await?;
    /// assert_eq!(users().value::<String>("name").await?.as_deref(), Some("Ada"));
    /// users().upsert(again(), "email", ["votes"]).await?;
    /// assert_eq!(users().value::<String>("name").await?.as_deref(), Some("Ada"));
    /// users().upsert(again(), "email", OnConflict::UpdateAll).await?;
    /// assert_eq!(users().value::<String>("name").await?.as_deref(), Some("Ada L."));
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidQuery`] without `unique_by`, with an empty [`OnConflict::Update`] list,
    /// or with records whose columns differ; the database's error (a PostgreSQL/SQLite
    /// conflict target needs a unique index on `unique_by`).
    pub async fn upsert(
        &self,
        records: Vec<Record>,
        unique_by: impl IntoColumns,
        on_conflict: impl Into<OnConflict>,
    ) -> Result<u64> {
        let Some(prepared) = self.prepare_upsert(records, unique_by, on_conflict.into())? else { return Ok(0) };
        let exec = self.executor().await?;
        let statement = prepared.compile(exec.dialect(), table(self)?)?;
        Ok(exec.exec(&statement).await?.rows_affected)
    }
}

/// An upsert's parts, checked: its columns, rows, conflict target and the columns to update.
pub(super) struct PreparedUpsert {
    columns: Vec<Ident>,
    rows: Vec<crate::value::Value>,
    unique_by: Vec<Ident>,
    update: Vec<Ident>,
}

impl PreparedUpsert {
    pub(super) fn compile(
        self,
        dialect: crate::dialect::Dialect,
        table: &crate::ident::TableRef,
    ) -> Result<super::Statement> {
        grammar_for(dialect).compile_upsert(table, &self.columns, self.rows, &self.unique_by, &self.update)
    }
}

impl<T> Builder<T> {
    /// Checks an upsert before any SQL; `None` for no records.
    pub(super) fn prepare_upsert(
        &self,
        records: Vec<Record>,
        unique_by: impl IntoColumns,
        on_conflict: OnConflict,
    ) -> Result<Option<PreparedUpsert>> {
        let unique_by = idents(unique_by)?;
        if unique_by.is_empty() {
            return Err(Error::InvalidQuery { problem: QueryProblem::NoColumns { what: "an upsert's unique key" } });
        }
        // The columns to update, checked before any SQL; `None`: every inserted column.
        let update: Option<Vec<Ident>> = match on_conflict {
            OnConflict::Update(columns) if columns.is_empty() => {
                let what = "an upsert's OnConflict::Update (say OnConflict::DoNothing or UpdateAll)";
                return Err(Error::InvalidQuery { problem: QueryProblem::NoColumns { what } });
            }
            OnConflict::Update(columns) => Some(idents(columns)?),
            OnConflict::DoNothing => Some(Vec::new()),
            OnConflict::UpdateAll => None,
        };
        self.check()?;
        if records.is_empty() {
            return Ok(None);
        }
        let (columns, rows) = rows_of(records)?;
        let update = update.unwrap_or_else(|| columns.iter().filter(|c| !unique_by.contains(c)).cloned().collect());
        Ok(Some(PreparedUpsert { columns, rows, unique_by, update }))
    }
}
