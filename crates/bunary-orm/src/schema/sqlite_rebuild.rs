//! Rebuilding a SQLite table for the changes `ALTER TABLE` cannot make there: adding or
//! dropping a foreign key, adding a primary key to existing columns, and dropping a column
//! that a key or a unique constraint uses. This module reads the catalogue and runs the statements that
//! [`compile_rebuild`](crate::schema::grammar::sqlite_rebuild::compile_rebuild) writes.
//!
//! It runs in a transaction opened with foreign keys off
//! ([`Db::schema_transaction`](crate::Db::schema_transaction): `PRAGMA foreign_keys = OFF`
//! before `BEGIN`, since it is a no-op inside one), and checks them (`PRAGMA
//! foreign_key_check`) before `COMMIT`. Migration runs use such a transaction; a rebuild inside
//! a transaction that enforces foreign keys is refused, since dropping the old table would
//! fire `ON DELETE` actions on child rows.

use crate::connection::Tx;
use crate::error::{Error, Result, SchemaProblem};
use crate::row::Row;
use crate::schema::blueprint::Command;
use crate::schema::grammar::sqlite_catalogue as catalogue;
use crate::schema::grammar::sqlite_rebuild::{
    compile_rebuild, ColumnInfo, IndexInfo, RebuildChanges, SchemaObject, TableInfo, LEGACY_ALTER_OFF,
};
use crate::statement::Statement;

async fn rows(tx: &Tx, statement: Statement) -> Result<Vec<Row>> {
    tx.query(&statement.sql, &statement.bindings).await
}

/// The columns used by the table's primary key, unique constraints and foreign keys.
pub(crate) async fn constrained_columns(tx: &Tx, table: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for r in rows(tx, catalogue::primary_key_columns(table)).await? {
        out.push(r.get::<String>("name")?);
    }
    for r in rows(tx, catalogue::foreign_key_columns(table)).await? {
        out.push(r.get::<String>("name")?);
    }
    for r in rows(tx, catalogue::unique_columns(table)).await? {
        out.push(r.get::<String>("name")?);
    }
    Ok(out)
}

/// Whether these commands need a rebuild on `table`.
pub(crate) async fn needs_rebuild(tx: &Tx, table: &str, commands: &[Command]) -> Result<bool> {
    let rebuilt = |c: &Command| {
        matches!(c, Command::Foreign(_) | Command::Primary(_) | Command::DropForeign { .. } | Command::DropPrimary(_))
    };
    if commands.iter().any(rebuilt) {
        return Ok(true);
    }
    let dropped: Vec<&String> = commands
        .iter()
        .filter_map(|c| match c {
            Command::DropColumn(name) => Some(name),
            _ => None,
        })
        .collect();
    if dropped.is_empty() {
        return Ok(false);
    }
    let constrained = constrained_columns(tx, table).await?;
    Ok(dropped.iter().any(|d| constrained.contains(d)))
}

/// What the catalogue says of `table`: its definition, columns, indexes, and the database's
/// triggers and views.
async fn table_info(tx: &Tx, table: &str) -> Result<TableInfo> {
    let created: Option<String> =
        rows(tx, catalogue::table_sql(table)).await?.first().map(|r| r.get::<String>("sql")).transpose()?;
    let Some(created) = created else {
        return Err(Error::InvalidSchema { problem: SchemaProblem::NoSuchTable { table: table.to_owned() } });
    };
    let mut info = TableInfo {
        autoincrement: created.to_ascii_uppercase().contains("AUTOINCREMENT"),
        sql: created,
        ..Default::default()
    };
    for r in rows(tx, catalogue::columns(table)).await? {
        // `hidden`: 2 and 3 are generated columns (virtual, stored).
        let hidden: i64 = r.get("hidden")?;
        info.columns.push(ColumnInfo { name: r.get("name")?, generated: hidden >= 2, pk: r.get("pk")? });
    }
    for r in rows(tx, catalogue::indexes(table)).await? {
        let name: String = r.get("name")?;
        info.indexes.push(IndexInfo { columns: index_columns(tx, &name).await?, sql: r.get("sql")? });
    }
    for r in rows(tx, catalogue::referencing_keys(table)).await? {
        info.referenced_by.push((r.get("child")?, r.get("col")?));
    }
    for r in rows(tx, catalogue::triggers_and_views()).await? {
        info.objects.push(SchemaObject {
            kind: r.get("type")?,
            name: r.get("name")?,
            on: r.get("tbl_name")?,
            sql: r.get("sql")?,
        });
    }
    Ok(info)
}

/// Renames the index `from` of `table` to `to`: SQLite cannot, so the index is dropped and
/// made again from its own statement under the new name, in the caller's transaction.
pub(crate) async fn rename_index(tx: &Tx, table: &str, from: &str, to: &str) -> Result<()> {
    let missing =
        || Error::InvalidSchema { problem: SchemaProblem::NoSuchIndex { table: table.into(), index: from.into() } };
    let found = rows(tx, catalogue::index_sql(table, from)).await?;
    let sql: String = found.first().ok_or_else(missing)?.get("sql")?;
    let g = crate::schema::grammar::SqliteSchemaGrammar;
    let quoted = crate::schema::grammar::SchemaGrammar::wrap(&g, to, "index")?;
    let renamed = crate::schema::grammar::sqlite_ddl::with_index_name(&sql, &quoted).ok_or_else(missing)?;
    let mut drop = String::from("DROP INDEX ");
    crate::dialect::Dialect::Sqlite.quote_identifier(&mut drop, from);
    tx.exec(&drop, &[]).await?;
    tx.exec(&renamed, &[]).await.map(|_| ())
}

/// The named columns of an index, in order (expressions have no name and are left out).
async fn index_columns(tx: &Tx, index: &str) -> Result<Vec<String>> {
    let found = rows(tx, catalogue::index_columns(index)).await?;
    Ok(found.iter().filter_map(|r| r.get::<Option<String>>("name").ok().flatten()).collect())
}

/// Rebuilds `table` with `changes`: reads the catalogue, compiles the statements
/// ([`compile_rebuild`]) and runs them one at a time (never a script: text read back from
/// the catalogue can end a statement only in an error, not start another), then checks the
/// foreign keys.
pub(crate) async fn rebuild(tx: &Tx, table: &str, changes: &RebuildChanges) -> Result<()> {
    let info = table_info(tx, table).await?;
    let statements = compile_rebuild(table, &info, changes)?;
    for statement in &statements {
        if let Err(e) = tx.exec(&statement.sql, &statement.bindings).await {
            // Not transactional: never left on for the pooled connection.
            let _ = tx.exec(LEGACY_ALTER_OFF, &[]).await;
            return Err(e);
        }
    }
    let check = catalogue::foreign_key_check(table);
    let broken = tx.query(&check.sql, &check.bindings).await?;
    if !broken.is_empty() {
        return Err(Error::Database {
            sql: check.sql,
            message: format!("{} row(s) of `{table}` break a foreign key after the change", broken.len()),
            kind: crate::error::DatabaseErrorKind::ForeignKeyViolation,
            code: None,
        });
    }
    Ok(())
}
