//! Where migrations come from: the [`Migration`] trait (Rust migrations compiled into an
//! application) and SQL files found at run time.
//!
//! SQL files live in one folder as `<YYYYMMDDHHMMSS>_<name>.up.sql` with an optional
//! `<YYYYMMDDHHMMSS>_<name>.down.sql`; the migration's name is the part before `.up.sql`.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;

use crate::connection::Db;
use crate::error::{Error, MigrationProblem, Result};

/// One migration. Implement it for Rust migrations; SQL files become [`SqlMigration`]s.
///
/// `up` and `down` get the database they run on; on SQLite and PostgreSQL that handle is inside
/// the migrator's transaction (statements through it join the transaction), so a failure leaves
/// nothing behind.
///
/// ```
/// use bunary_orm::migrations::Migration;
/// use bunary_orm::schema::Schema;
/// use bunary_orm::{Db, Result};
///
/// struct CreateUsers;
///
/// #[async_trait::async_trait]
/// impl Migration for CreateUsers {
///     fn name(&self) -> &str { "20260101000000_create_users_table" }
///     async fn up(&self, db: &Db) -> Result<()> {
///         Schema::on(db).create_table("users", |t| { t.id(); t.string("name", 255); t.timestamps(); }).await
///     }
///     async fn down(&self, db: &Db) -> Result<()> {
///         Schema::on(db).drop_table("users").await
///     }
/// }
/// ```
#[async_trait]
pub trait Migration: Send + Sync {
    /// The name, `<YYYYMMDDHHMMSS>_<what>`: migrations run in the order of their names.
    fn name(&self) -> &str;
    /// Applies the change.
    async fn up(&self, db: &Db) -> Result<()>;
    /// Reverts it.
    async fn down(&self, db: &Db) -> Result<()>;

    /// Whether it runs at all (Laravel's `shouldRun`): a migration that says no is skipped,
    /// not recorded, and a [`MigrationEvent::Skipped`](super::MigrationEvent) is sent; it
    /// stays pending and runs once it says yes.
    fn should_run(&self) -> bool {
        true
    }

    /// A digest of what the migration runs, recorded when it runs: a migration whose
    /// checksum later differs changed after it ran (`migrate:status` marks it, `migrate` warns
    /// or, with `--strict`, refuses). SQL migrations hash their files; `None` (the default for
    /// Rust migrations, whose compiled code has no text to hash) is never compared.
    fn checksum(&self) -> Option<String> {
        None
    }
}

/// The SHA-256 (hex) of `parts`, each with its line endings made `\n` and the trailing ones
/// dropped, so that a checkout with CRLF line endings (Git on Windows) or a final newline
/// added by an editor does not count as a change.
pub fn checksum_of(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hash.update(b"\0");
        }
        let normal = part.replace("\r\n", "\n").replace('\r', "\n");
        hash.update(normal.trim_end_matches('\n').as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A migration made of SQL files.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlMigration {
    name: String,
    up: String,
    down: Option<String>,
}

impl SqlMigration {
    /// A migration from SQL text.
    pub fn new(name: impl Into<String>, up: impl Into<String>, down: Option<String>) -> Self {
        SqlMigration { name: name.into(), up: up.into(), down }
    }
}

#[async_trait]
impl Migration for SqlMigration {
    fn name(&self) -> &str {
        &self.name
    }

    async fn up(&self, db: &Db) -> Result<()> {
        db.exec_batch(&self.up).await
    }

    async fn down(&self, db: &Db) -> Result<()> {
        match &self.down {
            Some(sql) => db.exec_batch(sql).await,
            None => Err(Error::InvalidMigrations { problem: MigrationProblem::NoDown { name: self.name.clone() } }),
        }
    }

    /// The hash of the `.up.sql` file (and the `.down.sql`, when there is one).
    fn checksum(&self) -> Option<String> {
        Some(match &self.down {
            Some(down) => checksum_of(&[&self.up, down]),
            None => checksum_of(&[&self.up]),
        })
    }
}

/// Whether `name` is `<14 digits>_<letters, digits, _>`.
pub(crate) fn is_migration_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() > 15
        && bytes[..14].iter().all(u8::is_ascii_digit)
        && bytes[14] == b'_'
        && name[15..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The SQL migrations in `dir`, sorted by name. A missing folder holds none.
///
/// # Errors
/// [`Error::InvalidMigrations`] for a `.sql` file not named `<YYYYMMDDHHMMSS>_<name>.up.sql`
/// or `.down.sql`, or a `.down.sql` without its `.up.sql`; I/O errors as [`Error::Other`].
pub fn discover_sql(dir: &Path) -> Result<Vec<Arc<dyn Migration>>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut ups = std::collections::BTreeMap::new();
    let mut downs = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(Error::other)? {
        let path = entry.map_err(Error::other)?.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()).map(str::to_owned) else { continue };
        if !file.ends_with(".sql") {
            continue;
        }
        let (name, up) = if let Some(n) = file.strip_suffix(".up.sql") {
            (n.to_owned(), true)
        } else if let Some(n) = file.strip_suffix(".down.sql") {
            (n.to_owned(), false)
        } else {
            return Err(Error::InvalidMigrations { problem: MigrationProblem::BadName { name: file.to_owned() } });
        };
        if !is_migration_name(&name) {
            return Err(Error::InvalidMigrations { problem: MigrationProblem::BadName { name: file.to_owned() } });
        }
        let sql = std::fs::read_to_string(&path).map_err(Error::other)?;
        if up {
            ups.insert(name, sql);
        } else {
            downs.insert(name, sql);
        }
    }
    if let Some(orphan) = downs.keys().find(|n| !ups.contains_key(*n)) {
        return Err(Error::InvalidMigrations { problem: MigrationProblem::OrphanDown { name: orphan.clone() } });
    }
    Ok(ups
        .into_iter()
        .map(|(name, up)| {
            let down = downs.remove(&name);
            Arc::new(SqlMigration { name, up, down }) as Arc<dyn Migration>
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_ignore_line_endings_but_not_content() {
        let lf = checksum_of(&["CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\n", "DROP TABLE a;"]);
        assert_eq!(lf.len(), 64);
        let crlf =
            checksum_of(&["CREATE TABLE a (id INTEGER);\r\nINSERT INTO a VALUES (1);\r\n\r\n", "DROP TABLE a;\r\n"]);
        assert_eq!(lf, crlf);
        assert_ne!(lf, checksum_of(&["CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (2);\n", "DROP TABLE a;"]));
        assert_ne!(checksum_of(&["ab", "c"]), checksum_of(&["a", "bc"]), "parts stay apart");
    }

    #[test]
    fn migration_names() {
        assert!(is_migration_name("20260101000000_create_users_table"));
        assert!(!is_migration_name("2026010100000_short"));
        assert!(!is_migration_name("20260101000000_"));
        assert!(!is_migration_name("20260101000000-create"));
        assert!(!is_migration_name("20260101000000_bad name"));
    }

    #[test]
    fn discovery_pairs_files_and_refuses_strays() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("20260102000000_b.up.sql"), "B").unwrap();
        std::fs::write(dir.path().join("20260101000000_a.up.sql"), "A").unwrap();
        std::fs::write(dir.path().join("20260101000000_a.down.sql"), "a").unwrap();
        std::fs::write(dir.path().join("README.md"), "ignored").unwrap();
        let found = discover_sql(dir.path()).unwrap();
        assert_eq!(found.iter().map(|m| m.name()).collect::<Vec<_>>(), ["20260101000000_a", "20260102000000_b"]);
        std::fs::write(dir.path().join("20260103000000_c.down.sql"), "c").unwrap();
        assert!(matches!(discover_sql(dir.path()), Err(Error::InvalidMigrations { .. })));
        std::fs::remove_file(dir.path().join("20260103000000_c.down.sql")).unwrap();
        std::fs::write(dir.path().join("create_users.sql"), "x").unwrap();
        assert!(matches!(discover_sql(dir.path()), Err(Error::InvalidMigrations { .. })));
        assert!(discover_sql(&dir.path().join("missing")).unwrap().is_empty());
    }
}
