//! The SQL of a SQLite table rebuild, from what the catalogue said of the table: a pure
//! function, unit-tested like the other grammars (the introspection and the run are in
//! `schema/sqlite_rebuild.rs`).
//!
//! SQLite's documented procedure, one statement at a time:
//! 1. `CREATE TABLE "bunary_new_t"` with the new definition; copy the rows;
//! 2. drop the table's triggers; with `legacy_alter_table` on, rename `t` to `bunary_old_t`
//!    (child tables keep referencing `t` by name) and `bunary_new_t` to `t`;
//! 3. carry the `AUTOINCREMENT` counter over, so deleted keys are never handed out again;
//! 4. drop `bunary_old_t`; recreate the indexes and triggers.
//!
//! The new definition is the table's own `CREATE TABLE` text, taken apart by
//! [`sqlite_ddl`]: every column definition and constraint is kept as
//! written (types, `NOT NULL`, defaults, `CHECK`s, collations, generated columns, keys with
//! their names, `STRICT`/`WITHOUT ROWID`), less what the change removes, plus what it adds.
//! Whatever would be lost instead of carried over is refused before any SQL runs: a dropped
//! column that a `CHECK`, a generated column, a trigger or a view reads
//! ([`SchemaProblem::ColumnInUse`]), a definition the reader cannot take apart
//! ([`SchemaProblem::RebuildRefused`]). Indexes on a dropped column are dropped with it, as
//! are keys and unique constraints that hold it (as PostgreSQL and MySQL do).

use crate::error::{Error, Result, SchemaProblem};
use crate::query::Statement;
use crate::schema::column::{ColumnDefinition, ForeignKey};
use crate::value::Value;

use super::sqlite_ddl::{self, ConstraintKind, Part, PartKind};
use super::{SchemaGrammar, SqliteSchemaGrammar};

/// One column as `pragma_table_xinfo` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    /// The column's name.
    pub name: String,
    /// A generated column (computed: never copied, recomputed by the new table).
    pub generated: bool,
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

/// A trigger or view of the database, as `sqlite_master` keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaObject {
    /// `trigger` or `view`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// The table a trigger is on (a view's own name for a view).
    pub on: String,
    /// The statement that made it.
    pub sql: String,
}

/// What the catalogue says of a table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableInfo {
    /// Its `CREATE TABLE` statement.
    pub sql: String,
    /// The columns, in order (generated ones included).
    pub columns: Vec<ColumnInfo>,
    /// Its indexes (not those behind its constraints).
    pub indexes: Vec<IndexInfo>,
    /// Every trigger and view of the database.
    pub objects: Vec<SchemaObject>,
    /// The foreign keys of every table (this one too) that reference this table: the
    /// referencing table and the referenced column (`None`: the key, unnamed).
    pub referenced_by: Vec<(String, Option<String>)>,
    /// Whether its key is `AUTOINCREMENT`.
    pub autoincrement: bool,
}

/// The changes a rebuild makes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RebuildChanges {
    /// Columns to change: each replaces the definition of the column of its name.
    pub columns: Vec<ColumnDefinition>,
    /// Columns to drop (with the keys, uniques and indexes that use them).
    pub drops: Vec<String>,
    /// Foreign keys to add.
    pub foreign: Vec<ForeignKey>,
    /// A primary key to add (the table must have none).
    pub primary: Option<Vec<String>>,
    /// Foreign keys to drop: by name, and by columns when the drop named them.
    pub drop_foreign: Vec<(String, Option<Vec<String>>)>,
    /// Drop the primary key (written as a table constraint; one written in a column's
    /// definition is refused).
    pub drop_primary: bool,
}

fn sql(text: String) -> Statement {
    Statement { sql: text, bindings: Vec::new() }
}

/// Any name as a quoted SQLite name: for names read back from the catalogue, which need not
/// follow the rules of names this library writes.
fn quote_any(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn in_use(table: &str, column: &str, by: String) -> Error {
    Error::InvalidSchema { problem: SchemaProblem::ColumnInUse { table: table.into(), column: column.into(), by } }
}

/// Refuses a dropped column that a kept part of the table, a trigger or a view reads.
fn check_unused(table: &str, info: &TableInfo, parts: &[Part], dropped: &str) -> Result<()> {
    let lower = dropped.to_lowercase();
    for part in parts {
        match &part.kind {
            PartKind::Column(name) if name.eq_ignore_ascii_case(dropped) => {}
            PartKind::Column(name) if part.mentions.contains(&lower) => {
                return Err(in_use(table, dropped, format!("the column `{name}` ({})", part.text)));
            }
            PartKind::Constraint { kind: ConstraintKind::Check, .. } if part.mentions.contains(&lower) => {
                return Err(in_use(table, dropped, format!("the constraint {}", part.text)));
            }
            _ => {}
        }
    }
    let is_key = info.columns.iter().any(|c| c.pk > 0 && c.name.eq_ignore_ascii_case(dropped));
    for (child, column) in &info.referenced_by {
        let referenced = match column {
            Some(c) => c.eq_ignore_ascii_case(dropped),
            None => is_key,
        };
        if referenced {
            return Err(in_use(table, dropped, format!("a foreign key of `{child}`")));
        }
    }
    for o in &info.objects {
        let on_table = o.on.eq_ignore_ascii_case(table) || sqlite_ddl::mentions(&o.sql, table);
        if on_table && sqlite_ddl::mentions(&o.sql, dropped) {
            return Err(in_use(table, dropped, format!("the {} `{}`", o.kind, o.name)));
        }
    }
    Ok(())
}

/// Whether `part` goes with the change: a dropped column, or a key holding one.
fn removed(part: &Part, changes: &RebuildChanges) -> bool {
    let dropped = |c: &String| changes.drops.iter().any(|d| d.eq_ignore_ascii_case(c));
    match &part.kind {
        PartKind::Column(name) => dropped(name),
        PartKind::Constraint { kind, .. } => match kind {
            ConstraintKind::PrimaryKey(_) if changes.drop_primary => true,
            ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) | ConstraintKind::ForeignKey(cols) => {
                cols.iter().any(dropped)
            }
            ConstraintKind::Check => false,
        },
    }
}

/// Where the foreign key to drop is: a table constraint, or a column's own clause (the index
/// of its part, and whether it is inline). By name first, else by its columns.
fn foreign_to_drop(table: &str, parts: &[Part], name: &str, columns: Option<&Vec<String>>) -> Result<(usize, bool)> {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let by_name = parts.iter().enumerate().find_map(|(i, p)| match (&p.kind, &p.inline_foreign) {
        (PartKind::Constraint { name: Some(n), kind: ConstraintKind::ForeignKey(_) }, _) if same(n, name) => {
            Some((i, false))
        }
        (PartKind::Column(_), Some(f)) if f.name.as_deref().is_some_and(|n| same(n, name)) => Some((i, true)),
        _ => None,
    });
    let by_columns = || {
        let columns = columns?;
        parts.iter().enumerate().find_map(|(i, p)| match (&p.kind, &p.inline_foreign) {
            (PartKind::Constraint { kind: ConstraintKind::ForeignKey(cols), .. }, _)
                if cols.len() == columns.len() && cols.iter().zip(columns).all(|(a, b)| same(a, b)) =>
            {
                Some((i, false))
            }
            (PartKind::Column(c), Some(_)) if columns.len() == 1 && same(c, &columns[0]) => Some((i, true)),
            _ => None,
        })
    };
    by_name.or_else(by_columns).ok_or_else(|| Error::InvalidSchema {
        problem: SchemaProblem::NoSuchForeignKey { table: table.to_owned(), key: name.to_owned() },
    })
}

/// The statements that rebuild `table`, described by `info`, with `changes` applied.
///
/// # Errors
/// [`Error::InvalidSchema`] for a dropped column the table lacks or that something reads,
/// dropping every column, a primary key on a table that has one, a foreign key to drop that
/// it lacks, a definition that cannot be read; [`Error::InvalidIdentifier`] for names that are
/// not identifiers. Nothing has run when it fails.
pub fn compile_rebuild(table: &str, info: &TableInfo, changes: &RebuildChanges) -> Result<Vec<Statement>> {
    let g = SqliteSchemaGrammar;
    let definition = sqlite_ddl::parse(table, &info.sql)?;
    let declared: Vec<&str> = definition
        .parts
        .iter()
        .filter_map(|p| match &p.kind {
            PartKind::Column(name) => Some(name.as_str()),
            PartKind::Constraint { .. } => None,
        })
        .collect();
    let in_step = declared.len() == info.columns.len()
        && declared.iter().zip(&info.columns).all(|(a, b)| a.eq_ignore_ascii_case(&b.name));
    if !in_step {
        return Err(Error::InvalidSchema {
            problem: SchemaProblem::RebuildRefused {
                table: table.to_owned(),
                reason: "its CREATE TABLE statement does not list the columns SQLite reports; nothing was changed"
                    .into(),
            },
        });
    }
    for d in &changes.drops {
        if !info.columns.iter().any(|c| c.name.eq_ignore_ascii_case(d)) {
            return Err(Error::InvalidSchema {
                problem: SchemaProblem::NoSuchColumn { table: table.to_owned(), column: d.clone() },
            });
        }
        check_unused(table, info, &definition.parts, d)?;
    }
    for c in &changes.columns {
        super::refuse_in_change(crate::dialect::Dialect::Sqlite, c)?;
        if !info.columns.iter().any(|i| i.name.eq_ignore_ascii_case(&c.name)) {
            return Err(Error::InvalidSchema {
                problem: SchemaProblem::NoSuchColumn { table: table.to_owned(), column: c.name.clone() },
            });
        }
    }
    let mut dropped_keys = Vec::new();
    for (name, columns) in &changes.drop_foreign {
        dropped_keys.push(foreign_to_drop(table, &definition.parts, name, columns.as_ref())?);
    }
    if changes.drop_primary {
        let as_constraint = definition
            .parts
            .iter()
            .any(|p| matches!(p.kind, PartKind::Constraint { kind: ConstraintKind::PrimaryKey(_), .. }));
        if !as_constraint {
            let reason = match info.columns.iter().find(|c| c.pk > 0) {
                Some(c) => format!(
                    "its primary key is written in the definition of `{}` (a rowid key): it cannot be dropped apart from the column; nothing was changed",
                    c.name
                ),
                None => "it has no primary key to drop; nothing was changed".to_owned(),
            };
            return Err(Error::InvalidSchema {
                problem: SchemaProblem::RebuildRefused { table: table.to_owned(), reason },
            });
        }
    }
    if changes.primary.is_some() && !changes.drop_primary && info.columns.iter().any(|c| c.pk > 0) {
        return Err(Error::InvalidSchema { problem: SchemaProblem::PrimaryKeyExists { table: table.to_owned() } });
    }
    let dropped = |name: &str| changes.drops.iter().any(|d| d.eq_ignore_ascii_case(name));
    let kept: Vec<(usize, &Part)> = definition
        .parts
        .iter()
        .enumerate()
        .filter(|(i, p)| !dropped_keys.contains(&(*i, false)) && !removed(p, changes))
        .collect();
    if !kept.iter().any(|(_, p)| matches!(p.kind, PartKind::Column(_))) {
        return Err(Error::InvalidSchema { problem: SchemaProblem::DropsEveryColumn { table: table.to_owned() } });
    }
    let changed = |p: &Part| match &p.kind {
        PartKind::Column(name) => changes.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name)),
        PartKind::Constraint { .. } => None,
    };
    let mut parts = Vec::new();
    for (i, p) in &kept {
        parts.push(match changed(p) {
            // Restated whole, as Laravel does.
            Some(column) => {
                let mut sql = g.column_sql(column)?;
                // Its own key stays unless the change names one or drops it.
                if let (Some(f), None, false) = (&p.inline_foreign, &column.foreign, dropped_keys.contains(&(*i, true)))
                {
                    sql.push(' ');
                    sql.push_str(&p.text[f.span.clone()]);
                }
                sql
            }
            None if dropped_keys.contains(&(*i, true)) => p.without_inline_foreign(),
            None => p.text.clone(),
        });
    }
    if let Some(primary) = &changes.primary {
        parts.push(format!("PRIMARY KEY ({})", g.columnize(primary)?));
    }
    for key in &changes.foreign {
        parts.push(g.foreign_sql(table, key)?);
    }
    let copied: Vec<String> =
        info.columns.iter().filter(|c| !c.generated && !dropped(&c.name)).map(|c| c.name.clone()).collect();
    let list = copied.iter().map(|c| quote_any(c)).collect::<Vec<_>>().join(", ");
    let quoted = g.wrap_table(table)?;
    let (new, old) = (format!("bunary_new_{table}"), format!("bunary_old_{table}"));
    let (quoted_new, quoted_old) = (g.wrap_table(&new)?, g.wrap_table(&old)?);
    let options = if definition.options.is_empty() { String::new() } else { format!(" {}", definition.options) };
    let triggers: Vec<&SchemaObject> =
        info.objects.iter().filter(|o| o.kind == "trigger" && o.on.eq_ignore_ascii_case(table)).collect();
    let mut out = vec![
        sql(format!("CREATE TABLE {quoted_new} ({}){options}", parts.join(", "))),
        sql(format!("INSERT INTO {quoted_new} ({list}) SELECT {list} FROM {quoted}")),
    ];
    out.extend(triggers.iter().map(|t| sql(format!("DROP TRIGGER {}", quote_any(&t.name)))));
    out.extend([
        sql(LEGACY_ALTER_ON.into()),
        sql(format!("ALTER TABLE {quoted} RENAME TO {quoted_old}")),
        sql(format!("ALTER TABLE {quoted_new} RENAME TO {quoted}")),
        sql(LEGACY_ALTER_OFF.into()),
    ]);
    if info.autoincrement {
        out.push(Statement::with_bindings("DELETE FROM sqlite_sequence WHERE name = ?", vec![Value::from(table)]));
        out.push(Statement::with_bindings(
            "UPDATE sqlite_sequence SET name = ? WHERE name = ?",
            vec![Value::from(table), Value::from(old.as_str())],
        ));
    }
    out.push(sql(format!("DROP TABLE {quoted_old}")));
    let index_kept = |i: &&IndexInfo| {
        !i.columns.iter().any(|c| dropped(c)) && !changes.drops.iter().any(|d| sqlite_ddl::mentions(&i.sql, d))
    };
    out.extend(info.indexes.iter().filter(index_kept).map(|i| sql(i.sql.clone())));
    out.extend(triggers.iter().map(|t| sql(t.sql.clone())));
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

    const POSTS: &str = r#"CREATE TABLE "posts" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" INTEGER, "status" VARCHAR(20) NOT NULL DEFAULT 'draft' CHECK ("status" IN ('draft', 'live')), "title" TEXT COLLATE NOCASE, "slug" TEXT GENERATED ALWAYS AS (lower("title")) VIRTUAL, "note" TEXT, CONSTRAINT "posts_user_id_foreign" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, UNIQUE ("user_id", "note"), CHECK (length("title") > 0)) STRICT"#;

    fn column(name: &str, pk: i64) -> ColumnInfo {
        ColumnInfo { name: name.into(), generated: name == "slug", pk }
    }

    fn posts() -> TableInfo {
        TableInfo {
            sql: POSTS.into(),
            columns: ["id", "user_id", "status", "title", "slug", "note"]
                .iter()
                .map(|c| column(c, i64::from(*c == "id")))
                .collect(),
            indexes: vec![
                IndexInfo { columns: vec!["note".into()], sql: "CREATE INDEX n ON posts (note)".into() },
                IndexInfo { columns: vec!["status".into()], sql: "CREATE INDEX s ON posts (status)".into() },
            ],
            objects: vec![
                SchemaObject {
                    kind: "trigger".into(),
                    name: "posts_touch".into(),
                    on: "posts".into(),
                    sql: "CREATE TRIGGER posts_touch AFTER UPDATE OF title ON posts BEGIN UPDATE posts SET status = 'draft' WHERE id = new.id; END".into(),
                },
                SchemaObject {
                    kind: "view".into(),
                    name: "live_posts".into(),
                    on: "live_posts".into(),
                    sql: "CREATE VIEW live_posts AS SELECT id, title FROM posts WHERE status = 'live'".into(),
                },
            ],
            autoincrement: true,
            referenced_by: Vec::new(),
        }
    }

    fn sqls(statements: Vec<Statement>) -> Vec<String> {
        statements.into_iter().map(|s| s.sql).collect()
    }

    fn key() -> ForeignKey {
        ForeignKey {
            references: vec!["id".into()],
            on_table: "notes".into(),
            ..ForeignKey::on_columns(vec!["note".into()])
        }
    }

    #[test]
    fn adding_a_foreign_key_keeps_everything_the_table_has() {
        let changes = RebuildChanges { foreign: vec![key()], ..Default::default() };
        let out = compile_rebuild("posts", &posts(), &changes).unwrap();
        let out = sqls(out);
        let body = POSTS.strip_prefix(r#"CREATE TABLE "posts" ("#).unwrap().strip_suffix(") STRICT").unwrap();
        assert_eq!(
            out[0],
            format!(
                r#"CREATE TABLE "bunary_new_posts" ({body}, CONSTRAINT "posts_note_foreign" FOREIGN KEY ("note") REFERENCES "notes" ("id")) STRICT"#
            )
        );
        assert_eq!(
            out[1],
            r#"INSERT INTO "bunary_new_posts" ("id", "user_id", "status", "title", "note") SELECT "id", "user_id", "status", "title", "note" FROM "posts""#,
            "the generated column is recomputed, not copied"
        );
        assert_eq!(
            &out[2..],
            [
                r#"DROP TRIGGER "posts_touch""#,
                LEGACY_ALTER_ON,
                r#"ALTER TABLE "posts" RENAME TO "bunary_old_posts""#,
                r#"ALTER TABLE "bunary_new_posts" RENAME TO "posts""#,
                LEGACY_ALTER_OFF,
                "DELETE FROM sqlite_sequence WHERE name = ?",
                "UPDATE sqlite_sequence SET name = ? WHERE name = ?",
                r#"DROP TABLE "bunary_old_posts""#,
                "CREATE INDEX n ON posts (note)",
                "CREATE INDEX s ON posts (status)",
                posts().objects[0].sql.as_str(),
            ]
        );
    }

    #[test]
    fn a_dropped_column_takes_its_keys_and_indexes_along() {
        let changes = RebuildChanges { drops: vec!["note".into()], ..Default::default() };
        let out = sqls(compile_rebuild("posts", &posts(), &changes).unwrap());
        assert!(!out[0].contains("\"note\"") && !out[0].contains("UNIQUE"), "{}", out[0]);
        assert!(out[0].contains("CHECK (length(\"title\") > 0)") && out[0].contains("posts_user_id_foreign"));
        assert!(!out.iter().any(|s| s.contains("INDEX n ")), "the index on note goes with it");
        assert!(out.iter().any(|s| s.contains("INDEX s ")));
    }

    #[test]
    fn a_dropped_column_another_table_references_is_refused() {
        let mut info = posts();
        info.objects.clear();
        info.referenced_by = vec![("notes".into(), Some("note".into()))];
        let changes = RebuildChanges { drops: vec!["note".into()], ..Default::default() };
        assert!(matches!(
            compile_rebuild("posts", &info, &changes),
            Err(Error::InvalidSchema { problem: SchemaProblem::ColumnInUse { by, .. } }) if by.contains("`notes`")
        ));
        // A key naming no column references the primary key.
        info.referenced_by = vec![("comments".into(), None)];
        let changes = RebuildChanges { drops: vec!["id".into()], ..Default::default() };
        assert!(compile_rebuild("posts", &info, &changes).is_err());
        let changes = RebuildChanges { drops: vec!["note".into()], ..Default::default() };
        assert!(compile_rebuild("posts", &info, &changes).is_ok());
    }

    #[test]
    fn a_dropped_column_that_something_reads_is_refused() {
        for (column, by) in [("title", "the column `slug`"), ("status", "the trigger `posts_touch`")] {
            let changes = RebuildChanges { drops: vec![column.into()], ..Default::default() };
            match compile_rebuild("posts", &posts(), &changes) {
                Err(Error::InvalidSchema { problem: SchemaProblem::ColumnInUse { by: b, .. } }) => {
                    assert!(b.starts_with(by), "{column}: {b}")
                }
                other => panic!("{column}: {other:?}"),
            }
        }
        let mut info = posts();
        info.objects.remove(0);
        let changes = RebuildChanges { drops: vec!["status".into()], ..Default::default() };
        assert!(
            matches!(compile_rebuild("posts", &info, &changes), Err(Error::InvalidSchema { problem: SchemaProblem::ColumnInUse { by, .. } }) if by.contains("CHECK") || by.contains("view")),
            "its CHECK and the view read it"
        );
    }

    #[test]
    fn a_columns_own_foreign_key_drops_too() {
        let info = TableInfo {
            sql: r#"CREATE TABLE t (a INTEGER NOT NULL CONSTRAINT "t_a_foreign" REFERENCES u (id) ON DELETE CASCADE, b INT)"#.into(),
            columns: vec![ColumnInfo { name: "a".into(), generated: false, pk: 0 }, ColumnInfo { name: "b".into(), generated: false, pk: 0 }],
            ..Default::default()
        };
        for (name, columns) in [("t_a_foreign", None), ("x", Some(vec!["a".to_owned()]))] {
            let changes = RebuildChanges { drop_foreign: vec![(name.into(), columns)], ..Default::default() };
            assert_eq!(
                compile_rebuild("t", &info, &changes).unwrap()[0].sql,
                r#"CREATE TABLE "bunary_new_t" (a INTEGER NOT NULL, b INT)"#
            );
        }
    }

    #[test]
    fn a_changed_column_is_restated_and_keeps_its_own_key() {
        use crate::schema::column::ColumnType;
        let info = TableInfo {
            sql:
                r#"CREATE TABLE t (a INTEGER NOT NULL CONSTRAINT "t_a_foreign" REFERENCES u (id), b INT CHECK (b > 0))"#
                    .into(),
            columns: vec![
                ColumnInfo { name: "a".into(), generated: false, pk: 0 },
                ColumnInfo { name: "b".into(), generated: false, pk: 0 },
            ],
            ..Default::default()
        };
        let mut a = ColumnDefinition::new("a", ColumnType::BigInteger);
        a.nullable().change();
        let mut b = ColumnDefinition::new("b", ColumnType::String(10));
        b.default("x").change();
        let changes = RebuildChanges { columns: vec![a, b], ..Default::default() };
        assert_eq!(
            compile_rebuild("t", &info, &changes).unwrap()[0].sql,
            r#"CREATE TABLE "bunary_new_t" ("a" INTEGER NULL CONSTRAINT "t_a_foreign" REFERENCES u (id), "b" VARCHAR(10) NOT NULL DEFAULT 'x')"#
        );
        let mut missing = ColumnDefinition::new("c", ColumnType::Text);
        missing.change();
        let changes = RebuildChanges { columns: vec![missing], ..Default::default() };
        assert!(matches!(
            compile_rebuild("t", &info, &changes),
            Err(Error::InvalidSchema { problem: SchemaProblem::NoSuchColumn { .. } })
        ));
    }

    #[test]
    fn foreign_keys_drop_by_name_or_columns() {
        for (name, columns) in
            [("posts_user_id_foreign", None), ("whatever_default_name", Some(vec!["user_id".to_owned()]))]
        {
            let changes = RebuildChanges { drop_foreign: vec![(name.into(), columns)], ..Default::default() };
            let out = sqls(compile_rebuild("posts", &posts(), &changes).unwrap());
            assert!(!out[0].contains("FOREIGN KEY") && out[0].contains("\"user_id\" INTEGER"), "{}", out[0]);
        }
        let changes = RebuildChanges { drop_foreign: vec![("nope".into(), None)], ..Default::default() };
        assert!(matches!(
            compile_rebuild("posts", &posts(), &changes),
            Err(Error::InvalidSchema { problem: SchemaProblem::NoSuchForeignKey { .. } })
        ));
    }

    #[test]
    fn a_primary_key_drops_only_as_a_table_constraint() {
        let changes = RebuildChanges { drop_primary: true, ..Default::default() };
        assert!(matches!(
            compile_rebuild("posts", &posts(), &changes),
            Err(Error::InvalidSchema { problem: SchemaProblem::RebuildRefused { reason, .. } }) if reason.contains("`id`")
        ));
        let keyed = TableInfo {
            sql: "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b))".into(),
            columns: vec![
                ColumnInfo { name: "a".into(), generated: false, pk: 1 },
                ColumnInfo { name: "b".into(), generated: false, pk: 2 },
            ],
            ..Default::default()
        };
        assert_eq!(
            compile_rebuild("t", &keyed, &changes).unwrap()[0].sql,
            r#"CREATE TABLE "bunary_new_t" (a INT, b INT)"#
        );
    }

    #[test]
    fn refusals() {
        let info = posts();
        let refuse = |changes: RebuildChanges| compile_rebuild("posts", &info, &changes).is_err();
        assert!(refuse(RebuildChanges { drops: vec!["nope".into()], ..Default::default() }));
        assert!(refuse(RebuildChanges { primary: Some(vec!["note".into()]), ..Default::default() }));
        let mut out_of_step = posts();
        out_of_step.columns.pop();
        let changes = RebuildChanges { foreign: vec![key()], ..Default::default() };
        assert!(matches!(
            compile_rebuild("posts", &out_of_step, &changes),
            Err(Error::InvalidSchema { problem: SchemaProblem::RebuildRefused { .. } })
        ));
        let lone = TableInfo {
            sql: "CREATE TABLE t (a INTEGER)".into(),
            columns: vec![ColumnInfo { name: "a".into(), generated: false, pk: 0 }],
            ..Default::default()
        };
        let all = RebuildChanges { drops: vec!["a".into()], ..Default::default() };
        assert!(matches!(
            compile_rebuild("t", &lone, &all),
            Err(Error::InvalidSchema { problem: SchemaProblem::DropsEveryColumn { .. } })
        ));
        let keyed = RebuildChanges { primary: Some(vec!["a".into()]), ..Default::default() };
        assert!(sqls(compile_rebuild("t", &lone, &keyed).unwrap())[0].ends_with(r#"(a INTEGER, PRIMARY KEY ("a"))"#));
    }
}
