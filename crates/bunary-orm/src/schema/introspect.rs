//! Schema introspection (Laravel's `getColumns`, `getIndexes`, `getForeignKeys`, `hasIndex`,
//! …) on all three databases: what a table has, as plain values.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::{DatabaseConfig, Db, schema::Schema};
//! let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
//! let schema = Schema::on(&db);
//! schema.create_table("users", |t| { t.id(); t.string("email", 100).unique(); }).await?;
//! schema.create_table("posts", |t| { t.id(); t.foreign_id("user_id").constrained(); }).await?;
//! let columns = schema.get_columns("posts").await?;
//! assert_eq!(columns[0].name, "id");
//! assert!(columns[0].auto_increment && !columns[1].nullable);
//! assert!(schema.has_index("users", ["email"]).await?);
//! let keys = schema.get_foreign_keys("posts").await?;
//! assert_eq!((keys[0].name.as_deref(), keys[0].foreign_table.as_str()), (Some("posts_user_id_foreign"), "users"));
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```

use crate::dialect::Dialect;
use crate::error::Result;
use crate::row::Row;
use crate::value::Value;

use super::blueprint::{IntoKeyRef, KeyRef};
use super::column::ForeignAction;
use super::grammar::{catalogue, sqlite_catalogue, sqlite_ddl};
use super::SchemaBuilder;

/// A column of a table, as the database reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableColumn {
    /// Its name.
    pub name: String,
    /// Its type as the database writes it (`varchar(100)`, `character varying(100)`,
    /// `VARCHAR(100)`).
    pub type_name: String,
    /// Whether it takes `NULL`.
    pub nullable: bool,
    /// Its default's expression as the database keeps it (`'draft'`, `0`,
    /// `nextval('users_id_seq'::regclass)`), `None` without one.
    pub default: Option<String>,
    /// An auto-incrementing key (SQLite: the `INTEGER` key of a rowid table).
    pub auto_increment: bool,
}

/// An index of a table (the primary key's included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableIndex {
    /// Its name (SQLite's key of a rowid table, which has no index: `primary`).
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// A unique index.
    pub unique: bool,
    /// The primary key.
    pub primary: bool,
}

/// A foreign key of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableForeignKey {
    /// Its name (`None` for a SQLite key made without one).
    pub name: Option<String>,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub foreign_table: String,
    /// The referenced columns.
    pub foreign_columns: Vec<String>,
    /// `ON UPDATE` (`None` for no action).
    pub on_update: Option<ForeignAction>,
    /// `ON DELETE` (`None` for no action).
    pub on_delete: Option<ForeignAction>,
}

fn text(row: &Row, column: &str) -> Result<String> {
    row.get::<String>(column)
}

/// A truth value whichever way the database answers it (PostgreSQL a boolean, SQLite and
/// MySQL 0 or 1).
fn flag(row: &Row, column: &str) -> bool {
    match row.value(column) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Int(i)) => *i != 0,
        _ => false,
    }
}

fn action(words: &str) -> Option<ForeignAction> {
    match words.to_ascii_uppercase().as_str() {
        "CASCADE" => Some(ForeignAction::Cascade),
        "SET NULL" => Some(ForeignAction::SetNull),
        "RESTRICT" => Some(ForeignAction::Restrict),
        _ => None,
    }
}

fn same(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// Runs of rows with the same `name`, in order.
fn grouped(rows: &[Row]) -> Result<Vec<(String, Vec<&Row>)>> {
    let mut out: Vec<(String, Vec<&Row>)> = Vec::new();
    for row in rows {
        let name = text(row, "name")?;
        match out.last_mut() {
            Some((last, group)) if *last == name => group.push(row),
            _ => out.push((name, vec![row])),
        }
    }
    Ok(out)
}

impl SchemaBuilder {
    /// The columns of `table`, in order (empty when there is no such table).
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`](crate::Error::InvalidIdentifier) for a name that is not
    /// one; the database's error.
    pub async fn get_columns(&self, table: &str) -> Result<Vec<TableColumn>> {
        crate::ident::TableRef::parse(table)?;
        let exec = self.connection().executor().await?;
        let rows = exec.query(&catalogue::columns(exec.dialect(), table)).await?;
        rows.iter()
            .map(|r| {
                Ok(TableColumn {
                    name: text(r, "name")?,
                    type_name: text(r, "type")?,
                    nullable: flag(r, "nullable"),
                    default: r.get::<Option<String>>("default")?,
                    auto_increment: flag(r, "auto_increment"),
                })
            })
            .collect()
    }

    /// Whether `table` has every one of `columns`.
    ///
    /// # Errors
    /// As [`get_columns`](Self::get_columns).
    pub async fn has_columns<S: AsRef<str>>(&self, table: &str, columns: impl IntoIterator<Item = S>) -> Result<bool> {
        let have = self.get_columns(table).await?;
        Ok(columns.into_iter().all(|c| have.iter().any(|h| h.name.eq_ignore_ascii_case(c.as_ref()))))
    }

    /// The indexes of `table`, the primary key's included, by name.
    ///
    /// # Errors
    /// As [`get_columns`](Self::get_columns).
    pub async fn get_indexes(&self, table: &str) -> Result<Vec<TableIndex>> {
        crate::ident::TableRef::parse(table)?;
        let exec = self.connection().executor().await?;
        let rows = exec.query(&catalogue::indexes(exec.dialect(), table)).await?;
        grouped(&rows)?
            .into_iter()
            .map(|(name, group)| {
                Ok(TableIndex {
                    columns: group.iter().map(|r| text(r, "column")).collect::<Result<_>>()?,
                    unique: flag(group[0], "unique"),
                    primary: flag(group[0], "primary"),
                    name,
                })
            })
            .collect()
    }

    /// Whether `table` has the index `index`: by name (`"users_email_unique"`), or by its
    /// columns in order (`["email"]`), whatever its name.
    ///
    /// # Errors
    /// As [`get_columns`](Self::get_columns).
    pub async fn has_index(&self, table: &str, index: impl IntoKeyRef) -> Result<bool> {
        let indexes = self.get_indexes(table).await?;
        Ok(match index.into_key_ref() {
            KeyRef::Name(name) => indexes.iter().any(|i| i.name.eq_ignore_ascii_case(&name)),
            KeyRef::Columns(columns) => indexes.iter().any(|i| same(&i.columns, &columns)),
        })
    }

    /// The foreign keys of `table`.
    ///
    /// # Errors
    /// As [`get_columns`](Self::get_columns).
    pub async fn get_foreign_keys(&self, table: &str) -> Result<Vec<TableForeignKey>> {
        crate::ident::TableRef::parse(table)?;
        let exec = self.connection().executor().await?;
        let dialect = exec.dialect();
        let rows = exec.query(&catalogue::foreign_keys(dialect, table)).await?;
        let mut keys = grouped(&rows)?
            .into_iter()
            .map(|(name, group)| {
                Ok(TableForeignKey {
                    name: Some(name),
                    columns: group.iter().map(|r| text(r, "column")).collect::<Result<_>>()?,
                    foreign_table: text(group[0], "foreign_table")?,
                    foreign_columns: group.iter().map(|r| text(r, "foreign_column")).collect::<Result<_>>()?,
                    on_update: action(&text(group[0], "on_update")?),
                    on_delete: action(&text(group[0], "on_delete")?),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if dialect == Dialect::Sqlite {
            // SQLite numbers its keys; their names are in the table's definition.
            let statement = sqlite_catalogue::table_sql(table);
            let created = exec.query(&statement).await?;
            let parts = match created.first() {
                Some(row) => sqlite_ddl::parse(table, &text(row, "sql")?)?.parts,
                None => Vec::new(),
            };
            for key in &mut keys {
                key.name = sqlite_ddl::foreign_key_name(&parts, &key.columns);
            }
        }
        Ok(keys)
    }

    /// Whether `table` has the foreign key `key`: by name, or by its columns.
    ///
    /// # Errors
    /// As [`get_columns`](Self::get_columns).
    pub async fn has_foreign_key(&self, table: &str, key: impl IntoKeyRef) -> Result<bool> {
        let keys = self.get_foreign_keys(table).await?;
        Ok(match key.into_key_ref() {
            KeyRef::Name(name) => keys.iter().any(|k| k.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&name))),
            KeyRef::Columns(columns) => keys.iter().any(|k| same(&k.columns, &columns)),
        })
    }
}
