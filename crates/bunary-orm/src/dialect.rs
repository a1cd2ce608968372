//! [`Dialect`]: which SQL a driver speaks.

use std::fmt;

/// The SQL dialect a driver speaks. Grammars (query and schema) are chosen by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35 or newer.
    Sqlite,
    /// PostgreSQL 12 or newer.
    Postgres,
    /// MySQL 8 or MariaDB 10.5 or newer.
    MySql,
}

impl Dialect {
    /// The dialect's lower-case name: `sqlite`, `postgres` or `mysql`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
        }
    }
}

/// What a dialect can do, so that code (and the conformance suite) branches on a capability,
/// never on a dialect's name.
///
/// ```
/// use bunary_orm::Dialect;
/// assert!(Dialect::Postgres.capabilities().transactional_ddl);
/// assert!(!Dialect::MySql.capabilities().returning);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// DDL runs inside a transaction and rolls back with it (not MySQL: a failed
    /// `create_table` drops what it made instead, and each migration commits on its own).
    pub transactional_ddl: bool,
    /// `INSERT … RETURNING` (MySQL reads `LAST_INSERT_ID()` instead).
    pub returning: bool,
    /// A native case-insensitive `ILIKE` (elsewhere `LOWER(col) LIKE LOWER(?)`).
    pub native_ilike: bool,
    /// An upsert names the unique columns it matches on (MySQL matches any unique key).
    pub conflict_target: bool,
    /// An `UPDATE`/`DELETE` can skip rows (`offset`) before its limit.
    pub offset_in_writes: bool,
    /// A long `IN` list can be bound as one array value.
    pub bound_arrays: bool,
    /// `ALTER TABLE` adds constraints (foreign and primary keys) to existing columns (SQLite
    /// rebuilds the table instead).
    pub alter_constraints: bool,
    /// An insert reports the key it generated ([`ExecResult::last_insert_id`](crate::ExecResult::last_insert_id));
    /// PostgreSQL reports keys through `RETURNING` only.
    pub last_insert_id: bool,
    /// Migrators wait for one another on a lock of their own, at most
    /// [`lock_timeout`](crate::migrations::MigratorOptions::lock_timeout), and a wait that runs
    /// out is [`Error::MigrationLockTimeout`](crate::Error::MigrationLockTimeout). Without it
    /// (SQLite), the schema transaction queues them.
    pub migration_lock: bool,
}

impl Dialect {
    /// The character that quotes identifiers: `"` (SQL standard) or `` ` `` (MySQL).
    pub fn identifier_quote(self) -> char {
        match self {
            Dialect::MySql => '`',
            Dialect::Sqlite | Dialect::Postgres => '"',
        }
    }

    /// Writes `name` quoted as an identifier of this dialect, any quote character inside it
    /// doubled (validated identifiers never hold one; quoting stays safe on its own, for names
    /// read back from a catalogue). The one place identifiers are quoted: query and schema
    /// grammars both write through it.
    ///
    /// ```
    /// use bunary_orm::Dialect;
    /// let mut out = String::new();
    /// Dialect::MySql.quote_identifier(&mut out, "odd`name");
    /// assert_eq!(out, "`odd``name`");
    /// ```
    pub fn quote_identifier(self, out: &mut String, name: &str) {
        let quote = self.identifier_quote();
        out.push(quote);
        if name.contains(quote) {
            for c in name.chars() {
                if c == quote {
                    out.push(quote);
                }
                out.push(c);
            }
        } else {
            out.push_str(name);
        }
        out.push(quote);
    }
}

impl Dialect {
    /// What this dialect can do.
    pub fn capabilities(self) -> Capabilities {
        match self {
            Dialect::Sqlite => Capabilities {
                transactional_ddl: true,
                returning: true,
                native_ilike: false,
                conflict_target: true,
                offset_in_writes: true,
                bound_arrays: true,
                alter_constraints: false,
                last_insert_id: true,
                migration_lock: false,
            },
            Dialect::Postgres => Capabilities {
                transactional_ddl: true,
                returning: true,
                native_ilike: true,
                conflict_target: true,
                offset_in_writes: true,
                bound_arrays: true,
                alter_constraints: true,
                last_insert_id: false,
                migration_lock: true,
            },
            Dialect::MySql => Capabilities {
                transactional_ddl: false,
                returning: false,
                native_ilike: false,
                conflict_target: false,
                offset_in_writes: false,
                bound_arrays: false,
                alter_constraints: true,
                last_insert_id: true,
                migration_lock: true,
            },
        }
    }

    /// The most values one statement can bind: 32 766 on SQLite (its default
    /// `SQLITE_MAX_VARIABLE_NUMBER`), 65 535 on PostgreSQL and MySQL. The query builder refuses
    /// a statement with more, with [`Error::TooManyBindings`](crate::Error::TooManyBindings), before
    /// sending it.
    pub fn max_bindings(self) -> usize {
        match self {
            Dialect::Sqlite => 32_766,
            Dialect::Postgres | Dialect::MySql => 65_535,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
