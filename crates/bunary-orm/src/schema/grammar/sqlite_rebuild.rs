//! The SQL of a SQLite table rebuild, from what the catalogue said of the table: a pure
//! function, unit-tested like the other grammars (the introspection and the run are in
//! `schema/sqlite_rebuild.rs`).
//!
//! SQLite's documented procedure, one statement at a time:
//! 1. `CREATE TABLE "bunary_new_t"` with the new definition; copy the rows;
//! 2. with `legacy_alter_table` on, rename `t` to `bunary_old_t` (child tables keep
//!    referencing `t` by name) and `bunary_new_t` to `t`;
//! 3. drop `bunary_old_t`;
//! 4. recreate the indexes.
//!
//! Kept: rows, column types, `NOT NULL`, defaults, primary and unique keys, foreign keys,
//! indexes, `AUTOINCREMENT`. Not kept: `CHECK` constraints and triggers of the table (SQLite
//! does not report them apart from the original SQL).

use crate::error::{Error, Result, SchemaProblem};
use crate::query::Statement;
use crate::schema::column::ForeignKey;

use super::{SchemaGrammar, SqliteSchemaGrammar};

/// One column as `pragma_table_info` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    /// The column's name.
    pub name: String,
    /// Its declared type, already checked against SQLite's type grammar.
    pub decl: String,
    /// `NOT NULL`.
    pub not_null: bool,
    /// The default expression's text, as SQLite stored it.
    pub default: Option<String>,
    /// Its position in the primary key (from 1), 0 when not in it.
    pub pk: i64,
}

/// An index of the table that is not a constraint's: its columns and the SQL that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    /// The indexed columns.
    pub columns: Vec<String>,
    /// The `CREATE INDEX` statement SQLite kept.
    pub sql: String,
}

/// What the catalogue says of a table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableInfo {
    /// The columns, in order.
    pub columns: Vec<ColumnInfo>,
    /// Its foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// The columns of each unique constraint.
    pub uniques: Vec<Vec<String>>,
    /// Its other indexes.
    pub indexes: Vec<IndexInfo>,
    /// Whether its key is `AUTOINCREMENT`.
    pub autoincrement: bool,
}

/// The changes a rebuild makes.
#[derive(Debug, Clone, Copy, Default)]
pub struct RebuildChanges<'a> {
    /// Columns to drop (with the keys, uniques and indexes that use them).
    pub drops: &'a [String],
    /// Foreign keys to add.
    pub foreign: &'a [ForeignKey],
    /// A primary key to add (the table must have none).
    pub primary: Option<&'a [String]>,
}

fn sql(text: String) -> Statement {
    Statement { sql: text, bindings: Vec::new() }
}

/// The statements that rebuild `table`, described by `info`, with `changes` applied.
///
/// # Errors
/// [`Error::InvalidSchema`] for a dropped column the table lacks, dropping every column, or a
/// primary key on a table that has one; [`Error::InvalidIdentifier`] for names that are not
/// identifiers.
pub fn compile_rebuild(table: &str, info: &TableInfo, changes: RebuildChanges<'_>) -> Result<Vec<Statement>> {
    let g = SqliteSchemaGrammar;
    let drops = changes.drops;
    for d in drops {
        if !info.columns.iter().any(|c| &c.name == d) {
            return Err(Error::InvalidSchema {
                problem: SchemaProblem::NoSuchColumn { table: table.to_owned(), column: d.clone() },
            });
        }
    }
    let columns: Vec<&ColumnInfo> = info.columns.iter().filter(|c| !drops.contains(&c.name)).collect();
    if columns.is_empty() {
        return Err(Error::InvalidSchema { problem: SchemaProblem::DropsEveryColumn { table: table.to_owned() } });
    }
    let uses_dropped = |cols: &[String]| cols.iter().any(|c| drops.contains(c));
    let keys = info.foreign_keys.iter().filter(|k| !uses_dropped(&k.columns)).chain(changes.foreign);
    let uniques = info.uniques.iter().filter(|u| !uses_dropped(u));
    let indexes = info.indexes.iter().filter(|i| !uses_dropped(&i.columns));

    let mut pk: Vec<String> = {
        let mut old: Vec<&&ColumnInfo> = columns.iter().filter(|c| c.pk > 0).collect();
        old.sort_by_key(|c| c.pk);
        old.iter().map(|c| c.name.clone()).collect()
    };
    if let Some(primary) = changes.primary {
        if !pk.is_empty() {
            return Err(Error::InvalidSchema { problem: SchemaProblem::PrimaryKeyExists { table: table.to_owned() } });
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
            if info.autoincrement {
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
    for u in uniques {
        parts.push(format!("UNIQUE ({})", g.columnize(u)?));
    }
    for k in keys {
        parts.push(g.foreign_sql(k)?);
    }
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let list = g.columnize(&names)?;
    let quoted = g.wrap_table(table)?;
    let quoted_new = g.wrap_table(&format!("bunary_new_{table}"))?;
    let quoted_old = g.wrap_table(&format!("bunary_old_{table}"))?;
    let mut out = vec![
        sql(format!("CREATE TABLE {quoted_new} ({})", parts.join(", "))),
        sql(format!("INSERT INTO {quoted_new} ({list}) SELECT {list} FROM {quoted}")),
        sql(LEGACY_ALTER_ON.into()),
        sql(format!("ALTER TABLE {quoted} RENAME TO {quoted_old}")),
        sql(format!("ALTER TABLE {quoted_new} RENAME TO {quoted}")),
        sql(LEGACY_ALTER_OFF.into()),
        sql(format!("DROP TABLE {quoted_old}")),
    ];
    out.extend(indexes.map(|i| sql(i.sql.clone())));
    Ok(out)
}

/// Turns on the rename that leaves child tables' references alone (not transactional: the
/// runner turns it off again whatever happens).
pub const LEGACY_ALTER_ON: &str = "PRAGMA legacy_alter_table = ON";
/// Turns it off again.
pub const LEGACY_ALTER_OFF: &str = "PRAGMA legacy_alter_table = OFF";

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, decl: &str, pk: i64) -> ColumnInfo {
        ColumnInfo { name: name.into(), decl: decl.into(), not_null: pk > 0, default: None, pk }
    }

    fn posts() -> TableInfo {
        TableInfo {
            columns: vec![
                column("id", "INTEGER", 1),
                column("user_id", "INTEGER", 0),
                ColumnInfo { default: Some("'draft'".into()), ..column("status", "VARCHAR(20)", 0) },
            ],
            uniques: vec![vec!["user_id".into(), "status".into()]],
            indexes: vec![IndexInfo { columns: vec!["status".into()], sql: "CREATE INDEX s ON posts (status)".into() }],
            autoincrement: true,
            ..TableInfo::default()
        }
    }

    fn sqls(statements: Vec<Statement>) -> Vec<String> {
        statements.into_iter().map(|s| s.sql).collect()
    }

    #[test]
    fn adding_a_foreign_key_keeps_everything_else() {
        let key = ForeignKey {
            columns: vec!["user_id".into()],
            on_table: "users".into(),
            references: vec!["id".into()],
            on_delete: None,
            on_update: None,
        };
        let out =
            sqls(compile_rebuild("posts", &posts(), RebuildChanges { foreign: &[key], ..Default::default() }).unwrap());
        assert_eq!(
            out[0],
            r#"CREATE TABLE "bunary_new_posts" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" INTEGER, "status" VARCHAR(20) DEFAULT 'draft', UNIQUE ("user_id", "status"), FOREIGN KEY ("user_id") REFERENCES "users" ("id"))"#
        );
        assert_eq!(
            out[1],
            r#"INSERT INTO "bunary_new_posts" ("id", "user_id", "status") SELECT "id", "user_id", "status" FROM "posts""#
        );
        assert_eq!(
            &out[2..],
            [
                LEGACY_ALTER_ON,
                r#"ALTER TABLE "posts" RENAME TO "bunary_old_posts""#,
                r#"ALTER TABLE "bunary_new_posts" RENAME TO "posts""#,
                LEGACY_ALTER_OFF,
                r#"DROP TABLE "bunary_old_posts""#,
                "CREATE INDEX s ON posts (status)",
            ]
        );
        assert!(out.iter().all(|s| !s.contains(';')), "one statement each");
    }

    #[test]
    fn dropping_a_column_drops_what_uses_it() {
        let drops = ["status".to_owned()];
        let out =
            sqls(compile_rebuild("posts", &posts(), RebuildChanges { drops: &drops, ..Default::default() }).unwrap());
        assert_eq!(
            out[0],
            r#"CREATE TABLE "bunary_new_posts" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" INTEGER)"#
        );
        assert_eq!(out.len(), 7, "the index on the dropped column is not recreated");
    }

    #[test]
    fn refusals() {
        let info = posts();
        let missing = ["nope".to_owned()];
        assert!(compile_rebuild("posts", &info, RebuildChanges { drops: &missing, ..Default::default() }).is_err());
        let all: Vec<String> = info.columns.iter().map(|c| c.name.clone()).collect();
        assert!(compile_rebuild("posts", &info, RebuildChanges { drops: &all, ..Default::default() }).is_err());
        let pk = ["user_id".to_owned()];
        assert!(compile_rebuild("posts", &info, RebuildChanges { primary: Some(&pk), ..Default::default() }).is_err());
        let mut keyless = posts();
        keyless.columns[0].pk = 0;
        let out = compile_rebuild(
            "posts",
            &keyless,
            RebuildChanges { primary: Some(&["id".into(), "user_id".into()]), ..Default::default() },
        );
        assert!(out.unwrap()[0].sql.contains(r#"PRIMARY KEY ("id", "user_id")"#));
    }
}
