//! Rebuilding a SQLite table for the changes `ALTER TABLE` cannot make there: adding a foreign
//! key or a primary key to existing columns, and dropping a column that a key or a unique
//! constraint uses. This module reads the catalogue and runs the statements that
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
use crate::schema::column::ForeignKey;
use crate::schema::grammar::sqlite_catalogue as catalogue;
use crate::schema::grammar::sqlite_rebuild::{
    compile_rebuild, ColumnInfo, IndexInfo, RebuildChanges, TableInfo, LEGACY_ALTER_OFF,
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
    if commands.iter().any(|c| matches!(c, Command::Foreign(_) | Command::Primary(_))) {
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

/// What the catalogue says of `table`: its columns (each declared type checked), keys,
/// unique constraints and indexes.
async fn table_info(tx: &Tx, table: &str) -> Result<TableInfo> {
    let created: Option<String> =
        rows(tx, catalogue::table_sql(table)).await?.first().map(|r| r.get::<String>("sql")).transpose()?;
    let Some(created) = created else {
        return Err(Error::InvalidSchema { problem: SchemaProblem::NoSuchTable { table: table.to_owned() } });
    };
    let mut info =
        TableInfo { autoincrement: created.to_ascii_uppercase().contains("AUTOINCREMENT"), ..Default::default() };
    for r in rows(tx, catalogue::columns(table)).await? {
        let decl: String = r.get("type")?;
        check_declared_type(table, &decl)?;
        info.columns.push(ColumnInfo {
            name: r.get("name")?,
            decl,
            not_null: r.get::<i64>("nn")? != 0,
            default: r.get("dflt_value")?,
            pk: r.get("pk")?,
        });
    }
    // Foreign keys: one row per column pair, grouped by id.
    let mut last_id = None;
    for r in rows(tx, catalogue::foreign_keys(table)).await? {
        let id: i64 = r.get("id")?;
        if last_id != Some(id) {
            last_id = Some(id);
            info.foreign_keys.push(ForeignKey {
                columns: Vec::new(),
                on_table: r.get("parent")?,
                references: Vec::new(),
                on_delete: action(&r.get::<String>("on_delete")?),
                on_update: action(&r.get::<String>("on_update")?),
            });
        }
        let key = info.foreign_keys.last_mut().expect("pushed above");
        key.columns.push(r.get("col")?);
        key.references.push(r.get::<Option<String>>("target")?.unwrap_or_else(|| "rowid".into()));
    }
    for r in rows(tx, catalogue::unique_indexes(table)).await? {
        let index: String = r.get("name")?;
        info.uniques.push(index_columns(tx, &index).await?);
    }
    for r in rows(tx, catalogue::indexes(table)).await? {
        let name: String = r.get("name")?;
        info.indexes.push(IndexInfo { columns: index_columns(tx, &name).await?, sql: r.get("sql")? });
    }
    Ok(info)
}

/// The named columns of an index, in order (expressions have no name and are left out).
async fn index_columns(tx: &Tx, index: &str) -> Result<Vec<String>> {
    let found = rows(tx, catalogue::index_columns(index)).await?;
    Ok(found.iter().filter_map(|r| r.get::<Option<String>>("name").ok().flatten()).collect())
}

/// Rebuilds `table` applying `drops`, `foreign` keys and a new `primary` key: reads the
/// catalogue, compiles the statements ([`compile_rebuild`]) and runs them one at a time (never
/// a script: text read back from the catalogue can end a statement only in an error, not
/// start another), then checks the foreign keys.
pub(crate) async fn rebuild(
    tx: &Tx,
    table: &str,
    drops: &[String],
    foreign: &[ForeignKey],
    primary: Option<&[String]>,
) -> Result<()> {
    let info = table_info(tx, table).await?;
    let statements = compile_rebuild(table, &info, RebuildChanges { drops, foreign, primary })?;
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

/// Checks a column's declared type, as `pragma_table_info` reports it, against SQLite's type
/// grammar: empty, or one or more names (`UNSIGNED BIG INT`, `VARCHAR`) with at most one
/// `(n)` or `(n, m)` of signed numbers. Anything else (a type declared through a quoted name
/// by another tool, say `"TEXT); DROP TABLE posts; --"`) is refused before any SQL runs:
/// it is pasted into the rebuilt table's definition.
///
/// # Errors
/// [`Error::InvalidIdentifier`] with kind `column type`.
pub(crate) fn check_declared_type(table: &str, decl: &str) -> Result<()> {
    if is_type_name(decl) {
        return Ok(());
    }
    Err(Error::InvalidIdentifier {
        kind: "column type",
        value: decl.to_owned(),
        reason: format!(
            "a column of `{table}` has a declared type outside SQLite's type grammar (names and at most one (n) or (n, m)); the table cannot be rebuilt and was not changed"
        ),
    })
}

const CONSTRAINT_WORDS: [&str; 12] = [
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
    "KEY",
];

fn is_type_name(decl: &str) -> bool {
    let (names, args) = match decl.find('(') {
        Some(open) => (&decl[..open], Some(&decl[open..])),
        None => (decl, None),
    };
    let words_ok = names.split(' ').filter(|w| !w.is_empty()).all(|w| {
        w.len() <= 64
            && w.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    }) && names.bytes().all(|b| b == b' ' || b.is_ascii_alphanumeric() || b == b'_')
        // A constraint keyword would change the column, not name its type.
        && !names.split(' ').any(|w| CONSTRAINT_WORDS.iter().any(|k| w.eq_ignore_ascii_case(k)));
    if !words_ok || (names.trim().is_empty() && args.is_some()) {
        return false;
    }
    let Some(args) = args else { return true };
    let Some(inner) = args.strip_prefix('(').and_then(|a| a.trim_end().strip_suffix(')')) else { return false };
    let numbers: Vec<&str> = inner.split(',').map(str::trim).collect();
    numbers.len() <= 2
        && numbers.iter().all(|n| {
            let digits = n.strip_prefix(['+', '-']).unwrap_or(n);
            !digits.is_empty() && digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit())
        })
}

fn action(text: &str) -> Option<crate::schema::column::ForeignAction> {
    use crate::schema::column::ForeignAction;
    match text.to_ascii_uppercase().as_str() {
        "CASCADE" => Some(ForeignAction::Cascade),
        "SET NULL" => Some(ForeignAction::SetNull),
        "RESTRICT" => Some(ForeignAction::Restrict),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::is_type_name;
    use proptest::prelude::*;

    proptest! {
        /// A type the grammar accepts is at most one type name to SQLite: pasted into a column
        /// definition, it makes exactly that one column and nothing else, or SQLite refuses the
        /// statement (a keyword such as `TO` is no type name) and nothing is made.
        #[test]
        fn an_accepted_type_makes_exactly_one_column(
            decl in prop_oneof![
                "[A-Za-z_][A-Za-z0-9_]{0,8}( [A-Za-z_][A-Za-z0-9_]{0,8}){0,2}( ?\\( ?[+-]?[0-9]{1,3}( ?, ?[0-9]{1,3})? ?\\))?",
                "[A-Za-z0-9_ (),;'\"-]{0,24}",
                any::<String>(),
            ]
        ) {
            if is_type_name(&decl) {
                let conn = rusqlite::Connection::open_in_memory().unwrap();
                let sql = format!("CREATE TABLE t (c {decl})");
                if conn.prepare(&sql).and_then(|mut s| s.raw_execute()).is_err() {
                    let tables: i64 = conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
                    prop_assert_eq!(tables, 0);
                    return Ok(());
                }
                let columns: Vec<(String, String, bool)> = conn
                    .prepare("SELECT name, type, \"notnull\" FROM pragma_table_info('t')")
                    .unwrap()
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                prop_assert_eq!(columns.len(), 1);
                prop_assert_eq!(columns[0].0.as_str(), "c");
                prop_assert!(!columns[0].2, "no constraint slipped in");
                let tables: i64 = conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
                prop_assert_eq!(tables, 1);
            }
        }
    }

    #[test]
    fn declared_types_follow_the_type_grammar() {
        for ok in ["", "INTEGER", "TEXT", "VARCHAR(255)", "DECIMAL(8, 2)", "UNSIGNED BIG INT", "NUMERIC(-3)", "x"] {
            assert!(is_type_name(ok), "{ok:?}");
        }
        for bad in [
            "TEXT); DROP TABLE posts; --",
            "TEXT DEFAULT 1",
            "TEXT DEFAULT x",
            "INT PRIMARY KEY",
            "VARCHAR(255) NOT NULL",
            "INT(1, 2, 3)",
            "INT(a)",
            "(5)",
            "TEXT\nDROP",
            "\"TEXT\"",
            "INT)",
            "INT(5",
            "ТЕХТ",
        ] {
            assert!(!is_type_name(bad), "{bad:?}");
        }
    }
}
