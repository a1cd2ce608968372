//! Rebuilding a SQLite table for the changes `ALTER TABLE` cannot make there: adding a foreign
//! key or a primary key to existing columns, and dropping a column that a key or a unique
//! constraint uses.
//!
//! It follows SQLite's documented procedure, in a transaction opened with foreign keys off
//! ([`Db::schema_transaction`](crate::Db::schema_transaction): `PRAGMA foreign_keys = OFF`
//! before `BEGIN`, since it is a no-op inside one, and `PRAGMA foreign_key_check` before
//! `COMMIT`). Migration runs use such a transaction; a rebuild inside a transaction that
//! enforces foreign keys is refused, since dropping the old table would fire `ON DELETE`
//! actions on child rows.
//!
//! 1. `CREATE TABLE "bunary_new_t"` with the new definition; copy the rows;
//! 2. with `legacy_alter_table` on, rename `t` to `bunary_old_t` (child tables keep
//!    referencing `t` by name) and `bunary_new_t` to `t`;
//! 3. drop `bunary_old_t`;
//! 4. recreate the indexes; `PRAGMA foreign_key_check` fails the change (and so rolls it back)
//!    if any row breaks a key.
//!
//! Kept: rows, column types, `NOT NULL`, defaults, primary and unique keys, foreign keys,
//! indexes, `AUTOINCREMENT`. Not kept: `CHECK` constraints and triggers of the table (SQLite
//! does not report them apart from the original SQL).

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::row::Row;
use crate::schema::blueprint::Command;
use crate::schema::column::ForeignKey;
use crate::schema::grammar::schema_grammar_for;
use crate::transaction::Tx;
use crate::value::Value;

struct ColumnInfo {
    name: String,
    decl: String,
    not_null: bool,
    default: Option<String>,
    pk: i64,
}

async fn rows(tx: &Tx, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    tx.query(sql, params).await
}

/// The columns used by the table's primary key, unique constraints and foreign keys.
pub(crate) async fn constrained_columns(tx: &Tx, table: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for r in rows(tx, "SELECT name FROM pragma_table_info(?) WHERE pk > 0", &[Value::from(table)]).await? {
        out.push(r.get::<String>("name")?);
    }
    for r in rows(tx, "SELECT \"from\" AS name FROM pragma_foreign_key_list(?)", &[Value::from(table)]).await? {
        out.push(r.get::<String>("name")?);
    }
    let uniques = rows(
        tx,
        "SELECT ii.name AS name FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii WHERE il.origin = 'u'",
        &[Value::from(table)],
    )
    .await?;
    for r in uniques {
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

/// Rebuilds `table` applying `drops`, `foreign` keys and a new `primary` key.
pub(crate) async fn rebuild(
    tx: &Tx,
    table: &str,
    drops: &[String],
    foreign: &[ForeignKey],
    primary: Option<&[String]>,
) -> Result<()> {
    let g = schema_grammar_for(Dialect::Sqlite);
    let t = Value::from(table);
    let created: Option<String> =
        rows(tx, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", std::slice::from_ref(&t))
            .await?
            .first()
            .map(|r| r.get::<String>("sql"))
            .transpose()?;
    let Some(created) = created else {
        return Err(Error::InvalidQuery { message: format!("no table `{table}` to alter") });
    };
    let autoincrement = created.to_ascii_uppercase().contains("AUTOINCREMENT");
    let mut columns = Vec::new();
    for r in rows(
        tx,
        "SELECT name, type, \"notnull\" AS nn, dflt_value, pk FROM pragma_table_info(?) ORDER BY cid",
        std::slice::from_ref(&t),
    )
    .await?
    {
        let decl: String = r.get("type")?;
        check_declared_type(table, &decl)?;
        columns.push(ColumnInfo {
            name: r.get("name")?,
            decl,
            not_null: r.get::<i64>("nn")? != 0,
            default: r.get("dflt_value")?,
            pk: r.get("pk")?,
        });
    }
    for d in drops {
        if !columns.iter().any(|c| &c.name == d) {
            return Err(Error::InvalidQuery { message: format!("table `{table}` has no column `{d}` to drop") });
        }
    }
    columns.retain(|c| !drops.contains(&c.name));
    if columns.is_empty() {
        return Err(Error::InvalidQuery { message: format!("dropping every column of `{table}`") });
    }

    // Existing foreign keys (one row per column pair, grouped by id), less the dropped ones.
    let mut keys: Vec<ForeignKey> = Vec::new();
    let mut last_id = None;
    for r in rows(tx, "SELECT id, \"table\" AS parent, \"from\" AS col, \"to\" AS target, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", std::slice::from_ref(&t)).await? {
        let id: i64 = r.get("id")?;
        let target: Option<String> = r.get("target")?;
        if last_id != Some(id) {
            last_id = Some(id);
            keys.push(ForeignKey {
                columns: Vec::new(),
                on_table: r.get("parent")?,
                references: Vec::new(),
                on_delete: action(&r.get::<String>("on_delete")?),
                on_update: action(&r.get::<String>("on_update")?),
            });
        }
        let key = keys.last_mut().expect("pushed above");
        key.columns.push(r.get("col")?);
        key.references.push(target.unwrap_or_else(|| "rowid".into()));
    }
    keys.retain(|k| !k.columns.iter().any(|c| drops.contains(c)));
    keys.extend(foreign.iter().cloned());

    let mut uniques: Vec<Vec<String>> = Vec::new();
    for r in rows(tx, "SELECT name FROM pragma_index_list(?) WHERE origin = 'u'", std::slice::from_ref(&t)).await? {
        let index: String = r.get("name")?;
        let cols: Vec<String> = rows(tx, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", &[Value::from(index)])
            .await?
            .iter()
            .map(|c| c.get::<String>("name"))
            .collect::<Result<_>>()?;
        if !cols.iter().any(|c| drops.contains(c)) {
            uniques.push(cols);
        }
    }
    let indexes: Vec<(String, String)> = rows(
        tx,
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        std::slice::from_ref(&t),
    )
    .await?
    .iter()
    .map(|r| Ok((r.get::<String>("name")?, r.get::<String>("sql")?)))
    .collect::<Result<_>>()?;
    let mut keep_indexes = Vec::new();
    for (name, sql) in indexes {
        let cols: Vec<String> = rows(tx, "SELECT name FROM pragma_index_info(?)", &[Value::from(name.as_str())])
            .await?
            .iter()
            .filter_map(|r| r.get::<Option<String>>("name").ok().flatten())
            .collect();
        if !cols.iter().any(|c| drops.contains(c)) {
            keep_indexes.push(sql);
        }
    }

    let mut pk: Vec<String> = {
        let mut old: Vec<&ColumnInfo> = columns.iter().filter(|c| c.pk > 0).collect();
        old.sort_by_key(|c| c.pk);
        old.iter().map(|c| c.name.clone()).collect()
    };
    if let Some(primary) = primary {
        if !pk.is_empty() {
            return Err(Error::InvalidQuery { message: format!("table `{table}` has a primary key already") });
        }
        pk = primary.to_vec();
    }
    let single_integer_pk =
        pk.len() == 1 && columns.iter().any(|c| c.name == pk[0] && c.decl.eq_ignore_ascii_case("INTEGER"));

    let mut parts = Vec::new();
    for c in &columns {
        let mut def = format!("{} {}", g.wrap(&c.name, "column")?, c.decl);
        if single_integer_pk && c.name == pk[0] {
            def.push_str(" PRIMARY KEY");
            if autoincrement {
                def.push_str(" AUTOINCREMENT");
            }
        }
        if c.not_null {
            def.push_str(" NOT NULL");
        }
        if let Some(d) = &c.default {
            def.push_str(&format!(" DEFAULT {d}"));
        }
        parts.push(def);
    }
    if !pk.is_empty() && !single_integer_pk {
        parts.push(format!("PRIMARY KEY ({})", g.columnize(&pk)?));
    }
    for u in &uniques {
        parts.push(format!("UNIQUE ({})", g.columnize(u)?));
    }
    for k in &keys {
        parts.push(g.foreign_sql(k)?);
    }
    let new_name = format!("bunary_new_{table}");
    let old_name = format!("bunary_old_{table}");
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let list = g.columnize(&names)?;
    let (quoted, quoted_new, quoted_old) = (g.wrap_table(table)?, g.wrap_table(&new_name)?, g.wrap_table(&old_name)?);
    // One statement per call (never a script): text read back from the catalogue can end a
    // statement only in an error, not start another.
    let one = |sql: String| async move { tx.exec(&sql, &[]).await.map(|_| ()) };
    one(format!("CREATE TABLE {quoted_new} ({})", parts.join(", "))).await?;
    one(format!("INSERT INTO {quoted_new} ({list}) SELECT {list} FROM {quoted}")).await?;
    one("PRAGMA legacy_alter_table = ON".into()).await?;
    let renamed = async {
        one(format!("ALTER TABLE {quoted} RENAME TO {quoted_old}")).await?;
        one(format!("ALTER TABLE {quoted_new} RENAME TO {quoted}")).await
    }
    .await;
    one("PRAGMA legacy_alter_table = OFF".into()).await?;
    renamed?;
    one(format!("DROP TABLE {quoted_old}")).await?;
    for sql in keep_indexes {
        one(sql).await?;
    }
    let broken = rows(tx, "SELECT * FROM pragma_foreign_key_check(?)", &[t]).await?;
    if !broken.is_empty() {
        return Err(Error::Query {
            sql: format!("PRAGMA foreign_key_check({table})"),
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
