//! New migration files from a name: `create_users_table` → a migration that creates `users`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};

use crate::dialect::Dialect;
use crate::error::{Error, MigrationProblem, Result};
use crate::schema::grammar::schema_grammar_for;
use crate::schema::SchemaBuilder;

const STAMP: &str = "%Y%m%d%H%M%S";

/// Which kind of migration to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationKind {
    /// `<ts>_<name>.up.sql` and `.down.sql`, run by `bunary migrate` with nothing to compile.
    Sql,
    /// `<ts>_<name>.rs`: a [`Migration`](super::Migration) using the schema builder, for an
    /// application's migration crate.
    Rust,
}

/// What the name says about the table: `create_<t>_table` → create `t`; `add_…_to_<t>[_table]`
/// and `…_from_<t>[_table]` → alter `t`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableIntent {
    /// The migration creates this table.
    Create(String),
    /// The migration alters this table.
    Alter(String),
    /// Nothing could be derived.
    Unknown,
}

/// Derives the table from a migration name, as the seed does.
///
/// ```
/// use bunary_orm::migrations::creator::{table_intent, TableIntent};
/// assert_eq!(table_intent("create_users_table"), TableIntent::Create("users".into()));
/// assert_eq!(table_intent("add_phone_to_users"), TableIntent::Alter("users".into()));
/// assert_eq!(table_intent("add_votes_to_blog_posts_table"), TableIntent::Alter("blog_posts".into()));
/// assert_eq!(table_intent("backfill"), TableIntent::Unknown);
/// ```
pub fn table_intent(name: &str) -> TableIntent {
    if let Some(rest) = name.strip_prefix("create_") {
        let table = rest.strip_suffix("_table").unwrap_or(rest);
        if !table.is_empty() {
            return TableIntent::Create(table.to_owned());
        }
    }
    for marker in ["_to_", "_from_", "_in_"] {
        if let Some(i) = name.rfind(marker) {
            let rest = &name[i + marker.len()..];
            let table = rest.strip_suffix("_table").unwrap_or(rest);
            if !table.is_empty() {
                return TableIntent::Alter(table.to_owned());
            }
        }
    }
    TableIntent::Unknown
}

/// The files written for a new migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedMigration {
    /// `<YYYYMMDDHHMMSS>_<name>`.
    pub name: String,
    /// The files, in the order written.
    pub files: Vec<PathBuf>,
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.starts_with(|c: char| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidMigrations { problem: MigrationProblem::BadNewName { name: name.to_owned() } })
    }
}

fn camel_case(name: &str) -> String {
    name.split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

fn sql_templates(dialect: Dialect, intent: &TableIntent) -> Result<(String, String)> {
    Ok(match intent {
        TableIntent::Create(table) => {
            // Laravel's template: a key and timestamps, no placeholder column to delete.
            let up = SchemaBuilder::create_table_sql(dialect, table, |t| {
                t.id();
                t.timestamps();
            })?;
            let down = schema_grammar_for(dialect).compile_drop(table, false)?;
            let up: Vec<String> = up.into_iter().map(|s| s.sql).collect();
            (up.join(";\n") + ";\n", down.sql + ";\n")
        }
        TableIntent::Alter(table) => {
            let wrapped = schema_grammar_for(dialect).wrap_table(table)?;
            (
                format!("-- Write the change to {table} here, for example:\n-- ALTER TABLE {wrapped} ADD COLUMN phone VARCHAR(20) NULL;\n"),
                format!("-- Undo the change to {table} here, for example:\n-- ALTER TABLE {wrapped} DROP COLUMN phone;\n"),
            )
        }
        TableIntent::Unknown => {
            ("-- Write the migration here.\n".to_owned(), "-- Undo the migration here.\n".to_owned())
        }
    })
}

fn rust_template(full: &str, name: &str, intent: &TableIntent) -> String {
    let type_name = camel_case(name);
    let (up, down) = match intent {
        TableIntent::Create(table) => (
            format!(
                "        Schema::on(db)\n            .create_table(\"{table}\", |t| {{\n                t.id();\n                t.timestamps();\n            }})\n            .await"
            ),
            format!("        Schema::on(db).drop_table(\"{table}\").await"),
        ),
        TableIntent::Alter(table) => (
            format!("        Schema::on(db)\n            .table(\"{table}\", |t| {{\n                // t.string(\"phone\", 20).nullable();\n            }})\n            .await"),
            format!("        Schema::on(db)\n            .table(\"{table}\", |t| {{\n                // t.drop_column(\"phone\");\n            }})\n            .await"),
        ),
        TableIntent::Unknown => ("        Ok(())".to_owned(), "        Ok(())".to_owned()),
    };
    format!(
        "//! Migration {full}.\n\nuse bunary_orm::migrations::Migration;\nuse bunary_orm::schema::Schema;\nuse bunary_orm::{{Db, Result}};\n\n\
         /// Register it with `MigratorOptions {{ migrations: vec![Arc::new({type_name})], .. }}`.\npub struct {type_name};\n\n\
         #[async_trait::async_trait]\nimpl Migration for {type_name} {{\n    fn name(&self) -> &str {{\n        \"{full}\"\n    }}\n\n\
         \x20   async fn up(&self, db: &Db) -> Result<()> {{\n{up}\n    }}\n\n    async fn down(&self, db: &Db) -> Result<()> {{\n{down}\n    }}\n}}\n"
    )
}

/// Writes a new migration named `<now as YYYYMMDDHHMMSS>_<name>` into `dir` (created if
/// missing), for `dialect`. Refuses to overwrite, and refuses a name already used there.
///
/// # Errors
/// [`Error::InvalidMigrations`] for a bad or taken name; I/O errors as [`Error::Other`].
pub fn create_migration(
    dir: &Path,
    name: &str,
    kind: MigrationKind,
    dialect: Dialect,
    now: DateTime<Utc>,
) -> Result<CreatedMigration> {
    create_migration_for(dir, name, kind, dialect, now, table_intent(name))
}

/// [`create_migration`] with the table said instead of guessed from the name (artisan's
/// `make:migration --create=users` / `--table=users`).
///
/// # Errors
/// As [`create_migration`]; [`Error::InvalidIdentifier`] for a table name that is not one.
pub fn create_migration_for(
    dir: &Path,
    name: &str,
    kind: MigrationKind,
    dialect: Dialect,
    now: DateTime<Utc>,
    intent: TableIntent,
) -> Result<CreatedMigration> {
    check_name(name)?;
    if let TableIntent::Create(table) | TableIntent::Alter(table) = &intent {
        crate::ident::TableRef::parse(table)?;
    }
    std::fs::create_dir_all(dir).map_err(Error::other)?;
    let mut latest: Option<NaiveDateTime> = None;
    for entry in std::fs::read_dir(dir).map_err(Error::other)? {
        let file = entry.map_err(Error::other)?.file_name().to_string_lossy().into_owned();
        let stem = file.trim_end_matches(".up.sql").trim_end_matches(".down.sql").trim_end_matches(".rs");
        if stem.len() > 15 && &stem[15..] == name {
            return Err(Error::InvalidMigrations { problem: MigrationProblem::Exists { name: name.to_owned(), file } });
        }
        if let Some(stamp) = stem.get(..14).and_then(|s| NaiveDateTime::parse_from_str(s, STAMP).ok()) {
            latest = latest.max(Some(stamp));
        }
    }
    // Two migrations made in the same second would otherwise sort by name, not by creation.
    let mut stamp = now.naive_utc();
    if let Some(latest) = latest.filter(|l| *l >= stamp.with_nanosecond(0).unwrap_or(stamp)) {
        stamp = latest + chrono::Duration::seconds(1);
    }
    let full = format!("{}_{name}", stamp.format(STAMP));
    let files: Vec<(PathBuf, String)> = match kind {
        MigrationKind::Sql => {
            let (up, down) = sql_templates(dialect, &intent)?;
            vec![(dir.join(format!("{full}.up.sql")), up), (dir.join(format!("{full}.down.sql")), down)]
        }
        MigrationKind::Rust => vec![(dir.join(format!("{full}.rs")), rust_template(&full, name, &intent))],
    };
    for (path, _) in &files {
        if path.exists() {
            return Err(Error::InvalidMigrations {
                problem: MigrationProblem::Exists { name: full.clone(), file: path.display().to_string() },
            });
        }
    }
    for (path, body) in &files {
        std::fs::write(path, body).map_err(Error::other)?;
    }
    Ok(CreatedMigration { name: full, files: files.into_iter().map(|(p, _)| p).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn writes_sql_from_the_schema_grammar_and_refuses_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 30, 0).unwrap();
        let made =
            create_migration(dir.path(), "create_users_table", MigrationKind::Sql, Dialect::Sqlite, now).unwrap();
        assert_eq!(made.name, "20261125103000_create_users_table");
        let up = std::fs::read_to_string(&made.files[0]).unwrap();
        assert_eq!(
            up,
            "CREATE TABLE \"users\" (\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \"created_at\" DATETIME NULL, \"updated_at\" DATETIME NULL);\n",
            "a key and timestamps, no placeholder column"
        );
        assert_eq!(std::fs::read_to_string(&made.files[1]).unwrap(), "DROP TABLE \"users\";\n");
        let again = create_migration(dir.path(), "create_users_table", MigrationKind::Sql, Dialect::Sqlite, now);
        assert!(matches!(again, Err(Error::InvalidMigrations { problem: MigrationProblem::Exists { .. } })));
        assert!(create_migration(dir.path(), "Bad Name", MigrationKind::Sql, Dialect::Sqlite, now).is_err());
        let rust =
            create_migration(dir.path(), "add_phone_to_users", MigrationKind::Rust, Dialect::Postgres, now).unwrap();
        assert_eq!(rust.name, "20261125103001_add_phone_to_users", "made in the same second, it still sorts after");
        let body = std::fs::read_to_string(&rust.files[0]).unwrap();
        assert!(body.contains("pub struct AddPhoneToUsers;") && body.contains(".table(\"users\""), "{body}");
        // The table said, not guessed: `--create=accounts` on any name.
        let said = create_migration_for(
            dir.path(),
            "initial_schema",
            MigrationKind::Sql,
            Dialect::Postgres,
            now,
            TableIntent::Create("accounts".into()),
        )
        .unwrap();
        assert!(std::fs::read_to_string(&said.files[0]).unwrap().starts_with(r#"CREATE TABLE "accounts""#));
        let hostile = TableIntent::Alter("users\"); DROP TABLE x; --".into());
        assert!(
            create_migration_for(dir.path(), "bad_table", MigrationKind::Rust, Dialect::Sqlite, now, hostile).is_err()
        );
    }
}
