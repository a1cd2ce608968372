//! The one error type of the crate, and the classification of database errors.

mod build;
mod problems;

use std::fmt;

pub(crate) use self::build::BuildError;
pub use self::problems::{ConfigProblem, MigrationProblem, QueryProblem, SchemaProblem};

/// A boxed error from a driver or from user code, kept as the `source` of an [`Error`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error's message followed by each of its sources' (`a: b: c`), skipping a source whose
/// text the message already holds: drivers often keep the real cause ("connection refused")
/// only in `source()`.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut next = err.source();
    while let Some(source) = next {
        let part = source.to_string();
        if !part.is_empty() && !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = source.source();
    }
    text
}

/// `sql` cut to at most 200 characters, for an error message (an `IN` list of thousands of
/// placeholders is not printed whole).
pub(crate) fn shorten(sql: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 200;
    match sql.char_indices().nth(MAX) {
        None => sql.into(),
        Some((at, _)) => format!("{}… ({} characters in all)", &sql[..at], sql.chars().count()).into(),
    }
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure a database reported, independent of the driver.
///
/// Each driver maps its own error codes onto these kinds, so that application code can react
/// to, say, a duplicate key without knowing which database it runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DatabaseErrorKind {
    /// A `UNIQUE` or `PRIMARY KEY` constraint was violated.
    UniqueViolation,
    /// A `FOREIGN KEY` constraint was violated.
    ForeignKeyViolation,
    /// A `NOT NULL` constraint was violated.
    NotNullViolation,
    /// A `CHECK` constraint was violated.
    CheckViolation,
    /// The database detected a deadlock and aborted this statement.
    Deadlock,
    /// A serialisable (or repeatable-read) transaction could not be ordered with another and
    /// was aborted (PostgreSQL `40001`); run again, it may succeed.
    SerializationFailure,
    /// The database is busy or locked by another connection and the wait timed out.
    Busy,
    /// The statement ran past its time limit (`statement_timeout_ms`) and was cancelled.
    Timeout,
    /// The statement could not be parsed or refers to something that does not exist.
    Syntax,
    /// Anything else.
    Other,
}

impl fmt::Display for DatabaseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            DatabaseErrorKind::UniqueViolation => "unique violation",
            DatabaseErrorKind::ForeignKeyViolation => "foreign key violation",
            DatabaseErrorKind::NotNullViolation => "not null violation",
            DatabaseErrorKind::CheckViolation => "check violation",
            DatabaseErrorKind::Deadlock => "deadlock",
            DatabaseErrorKind::SerializationFailure => "serialization failure",
            DatabaseErrorKind::Busy => "database busy",
            DatabaseErrorKind::Timeout => "statement timeout",
            DatabaseErrorKind::Syntax => "syntax or schema error",
            DatabaseErrorKind::Other => "database error",
        };
        f.write_str(text)
    }
}

/// Every error this crate returns.
///
/// Bound values never appear in an error: they may be secrets. The SQL text does, so that a
/// failing query can be found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// [`get_orm_config`](crate::get_orm_config) (or anything that needs the global database) was
    /// called before a configuration was set. Call [`set_orm_config`](crate::set_orm_config)
    /// first, or pass an explicit [`Db`](crate::Db) handle.
    #[error(
        "no ORM configuration is set: call bunary_orm::set_orm_config(OrmConfig::sqlite(\"./database.sqlite\")) \
         (or OrmConfig::from_env() with DATABASE_URL set) before using the global database"
    )]
    ConfigMissing,

    /// A configuration is incomplete or contradicts itself (for example `type = "sqlite"`
    /// without a `sqlite` block, or an empty path).
    #[error("invalid ORM configuration: {problem}")]
    InvalidConfig {
        /// What is wrong.
        problem: ConfigProblem,
    },

    /// A database URL could not be understood.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL as given (with any password replaced by `***`).
        url: String,
        /// Why it was refused.
        reason: String,
    },

    /// A connection was asked for by a name the configuration does not have
    /// (`Model::on("analytics")`, `get_connection`). A URL given where a name goes is said to
    /// be one: connect to it with `Db::connect_url` and pass the handle instead.
    #[error(
        "no connection named `{name}`{}; configured: {}",
        if *looks_like_url { " (that is a database URL, not a connection name: open it with Db::connect_url(url) and pass the handle, or name it with OrmConfig::with_connection)" } else { "" },
        known.join(", ")
    )]
    UnknownConnection {
        /// The name asked for (a URL's password replaced by `***`).
        name: String,
        /// Whether it looks like a database URL rather than a name.
        looks_like_url: bool,
        /// The configured names (`default` first).
        known: Vec<String>,
    },

    /// The configuration names a driver type that is neither built in nor registered.
    /// Register one with [`register_driver`](crate::register_driver).
    #[error(
        "unknown database driver `{name}`{}; known drivers: {}; register another with bunary_orm::register_driver(\"{name}\", factory)",
        suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(),
        known.join(", ")
    )]
    UnknownDriver {
        /// The requested type.
        name: String,
        /// A known driver whose name is one or two letters away (`postgress` → `postgres`).
        suggestion: Option<String>,
        /// The types that are available (built in and registered), sorted.
        known: Vec<String>,
    },

    /// The database could not be opened or connected to. `message` names the server
    /// (`host:port/database`, never the password) and carries the root cause
    /// ("connection refused", "the database system is starting up", …).
    #[error("could not connect to the {driver} database: {message}")]
    Connection {
        /// The driver type (`sqlite`, `postgres`, ...).
        driver: String,
        /// The reason given by the driver.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<BoxError>,
    },

    /// An open connection was lost: the server closed or terminated it (a restart, an
    /// administrator's `pg_terminate_backend`/`KILL`, a network failure) while it was in use.
    /// What was in flight may or may not have run; an open transaction did not commit. The
    /// pool replaces the connection on the next use: code that retries can branch on this
    /// variant (see [`Error::is_connection_lost`]).
    #[error("the connection to the {driver} database was lost: {message}")]
    ConnectionLost {
        /// The driver type.
        driver: String,
        /// The cause, as the driver and the server gave it.
        message: String,
        /// The database's own code, when it sent one (SQLSTATE `57P01`, MySQL `1927`).
        code: Option<String>,
    },

    /// The database refused or failed a statement. `kind` classifies it; `code` is the
    /// database's own code when it has one.
    #[error("{kind}: {message} (SQL: {})", shorten(sql))]
    Database {
        /// The SQL text (never the bound values); whole here, cut to 200 characters in `Display`.
        sql: String,
        /// The database's message.
        message: String,
        /// The classified kind.
        kind: DatabaseErrorKind,
        /// The database's own error code (SQLSTATE, MySQL error number, SQLite extended code).
        code: Option<String>,
    },

    /// A row was required but the query returned none.
    #[error("no row found: {what}")]
    NotFound {
        /// What was looked for.
        what: String,
    },

    /// `find_or_fail` (or `refresh`, `save` of a row that is gone) found no row with that
    /// key, or `first_or_fail` on a model's query found no row at all.
    #[error("no {model} {}", match key { Some(key) => format!("with key {key}"), None => "matches the query".to_owned() })]
    ModelNotFound {
        /// The model's type name.
        model: &'static str,
        /// The key that was looked for, as its value prints (`1`, `"ada"`); `None` for
        /// `first_or_fail`.
        key: Option<String>,
    },

    /// `find_many_or_fail` found none for some of the keys it was given.
    #[error("no {model} with key {}", missing.join(", "))]
    ModelsNotFound {
        /// The model's type name.
        model: &'static str,
        /// The keys that were looked for and not found, as they print, in the order given.
        missing: Vec<String>,
    },

    /// `sole` found more than one matching row.
    #[error("{count} {model} rows match the query; sole wants exactly one")]
    MultipleRecordsFound {
        /// The model's type name.
        model: &'static str,
        /// How many rows match.
        count: u64,
    },

    /// `update`, `delete`, `force_delete` or `restore` was called on a model that was never
    /// saved (nor loaded): there is no row to write, and nothing was sent. (Laravel returns
    /// `false` here; save it first with `save`, or create it with `create`.)
    #[error("this {model} was never saved: there is no row to {action}")]
    ModelNotSaved {
        /// The model's type name.
        model: &'static str,
        /// What was asked (`update`, `delete`, …).
        action: &'static str,
    },

    /// The original value of a changed column was asked of a model that does not keep its
    /// original values (only hashes of them, for dirty tracking). Add `#[orm(keep_original)]`
    /// to the model.
    #[error("{model} does not keep original values and `{column}` has changed: add #[orm(keep_original)] to {model}")]
    OriginalNotKept {
        /// The model's type name.
        model: &'static str,
        /// The changed column.
        column: &'static str,
    },

    /// An observer's "-ing" hook cancelled a save, delete, restore or force delete
    /// ([`Flow::Cancel`](crate::model::Flow::Cancel)): nothing was written.
    #[error("an observer of {model} cancelled the operation at `{event}`; nothing was written")]
    EventCancelled {
        /// The model's type name.
        model: &'static str,
        /// The event whose hook cancelled, by its Laravel name (`"saving"`, `"deleting"`,
        /// `"forceDeleting"`, …: `model::Event::name`).
        event: &'static str,
    },

    /// A typed model's query whose `select` leaves out, or whose `exclude` removes, one of the
    /// model's columns: a model is loaded whole, with every field. Nothing was sent. Read
    /// chosen columns with `.rows()` (dynamic rows), `pluck` or `value`; select `table.*` for
    /// a model from a join; load partial models with `select_partial` or `with("rel:cols")`.
    /// Also: a column-limited load leaving out a column whose type has no empty value (nothing
    /// was sent), a relation matching on a column such a load left out, and the save of a
    /// model such a load made (nothing was written; `refresh` loads it whole).
    #[error(
        "a {model} is loaded whole unless asked (select_partial, with(\"rel:cols\")), and a partial one is read-only; `{column}` is left out (select/exclude, a type with no empty value, a relation's key, or a save)"
    )]
    PartialModel {
        /// The model's type name.
        model: &'static str,
        /// The first of its columns the query leaves out.
        column: &'static str,
    },

    /// `with("…")` (or another eager load) names a relation the model does not have. Nothing was
    /// sent to the database.
    #[error("{model} has no relation `{relation}`; its relations: {}", if known.is_empty() { "none".to_owned() } else { known.join(", ") })]
    UnknownRelation {
        /// The model's type name.
        model: &'static str,
        /// The name asked for.
        relation: String,
        /// The relations the model has.
        known: &'static [&'static str],
    },

    /// A relation whose key column is not a column of its model (a typo in `foreign_key`,
    /// or a convention that does not fit): an error at its first use, never an empty result.
    #[error("relation `{relation}` of {model} uses `{column}`, which is not a column of {owner}")]
    InvalidRelation {
        /// The model that declares the relation.
        model: &'static str,
        /// The relation.
        relation: &'static str,
        /// The key column that is missing.
        column: String,
        /// The model that should have it.
        owner: &'static str,
    },

    /// A table, column, alias or other name is not a legal identifier. Nothing was sent to the
    /// database. Legal identifiers are ASCII letters, digits and `_`, not starting with a digit,
    /// at most 64 characters (see [`ident`](crate::ident)).
    #[error("invalid {kind} `{value}`: {reason}")]
    InvalidIdentifier {
        /// What the name was for (`table`, `column`, `alias`, ...).
        kind: &'static str,
        /// The rejected text.
        value: String,
        /// Why it was rejected.
        reason: String,
    },

    /// A comparison operator is not on the allow-list. Nothing was sent to the database.
    #[error("invalid operator `{operator}`; allowed: =, !=, <>, <, <=, >, >=, like, not like, ilike, not ilike")]
    InvalidOperator {
        /// The rejected operator.
        operator: String,
    },

    /// A query was put together in a way that cannot be compiled (no table, an empty column
    /// list, `chunk` on an ordered query, …). Nothing was sent to the database.
    #[error("invalid query: {problem}")]
    InvalidQuery {
        /// What is wrong.
        problem: QueryProblem,
    },

    /// A schema change that cannot run as described (a table without columns, two primary
    /// keys, a column to drop that does not exist). Nothing was changed.
    #[error("invalid schema change: {problem}")]
    InvalidSchema {
        /// What is wrong.
        problem: SchemaProblem,
    },

    /// A raw SQL fragment (`where_raw`, `select_raw`, …) holds what cannot be counted safely
    /// on its dialect: an unclosed string, quoted name or comment, or the database's own
    /// parameter syntax (`$1`, `?1`, `:name`, MySQL's `/*! */`). Nothing was sent.
    #[error("raw SQL `{}` on {dialect}: {reason}", shorten(sql))]
    RawSql {
        /// The fragment.
        sql: String,
        /// The dialect it was scanned as.
        dialect: crate::dialect::Dialect,
        /// What was found.
        reason: String,
    },

    /// A raw SQL fragment's placeholders and bindings differ in number. Nothing was sent.
    #[error("raw SQL `{}` has {placeholders} `?` placeholder(s) but {bindings} binding(s)", shorten(sql))]
    RawPlaceholders {
        /// The fragment.
        sql: String,
        /// The placeholders the database would see.
        placeholders: usize,
        /// The values given.
        bindings: usize,
    },

    /// A statement would bind more values than the database takes
    /// ([`Dialect::max_bindings`](crate::dialect::Dialect::max_bindings)). Nothing was sent.
    #[error("the statement binds {count} values; {dialect} takes at most {max} (split the list, or chunk the insert): {sql}")]
    TooManyBindings {
        /// The values bound.
        count: usize,
        /// The most the database takes.
        max: usize,
        /// The dialect.
        dialect: crate::dialect::Dialect,
        /// The statement, cut to 200 characters.
        sql: String,
    },

    /// A limit, offset or page past the largest one every database takes (`i64::MAX`).
    /// Nothing was sent.
    #[error("{what} is past the largest one databases take (9223372036854775807)")]
    OutOfRange {
        /// What overflowed, with its value (`limit 18446744073709551615`, `page 3 of
        /// 18446744073709551615 rows`).
        what: String,
    },

    /// A size that must be at least 1 was 0 (`per_page`, a chunk or cursor batch). Nothing was
    /// sent.
    #[error("{what} must be at least 1")]
    ZeroSize {
        /// What was 0.
        what: &'static str,
    },

    /// `NULL` compared with an operator other than `=` and `<>` (which become `IS NULL` and
    /// `IS NOT NULL`): it would match nothing. Nothing was sent.
    #[error("`{operator}` cannot compare with NULL (only `=` and `<>` can: IS NULL, IS NOT NULL)")]
    NullComparison {
        /// The operator.
        operator: String,
    },

    /// The records of one insert name different columns. Nothing was sent.
    #[error("record {record} of the insert has other columns than the first record")]
    MismatchedRecords {
        /// The first record (from 1) whose columns differ.
        record: usize,
    },

    /// A column asked for by name is not in the row.
    #[error("no column `{column}` in the row (columns: {})", available.join(", "))]
    ColumnNotFound {
        /// The requested name.
        column: String,
        /// The row's columns.
        available: Vec<String>,
    },

    /// A column asked for by position is past the end of the row.
    #[error("column index {index} is out of bounds for a row of {len} columns")]
    ColumnIndexOutOfBounds {
        /// The requested index.
        index: usize,
        /// The number of columns.
        len: usize,
    },

    /// A value could not be converted to the requested Rust type.
    #[error("cannot read column `{column}` as {expected}: found {found}")]
    Decode {
        /// The column name (or index).
        column: String,
        /// The Rust type that was asked for.
        expected: &'static str,
        /// What the value was.
        found: String,
    },

    /// A transaction handle was used after its transaction committed or rolled back.
    #[error("the transaction is already finished (committed or rolled back)")]
    TransactionClosed,

    /// A nested transaction (a savepoint) was cancelled part-way, or could not be rolled
    /// back: what of its work happened is unknown, so the transaction refuses further
    /// statements and rolls back instead of committing.
    #[error(
        "the transaction is broken (a nested transaction was cancelled or failed to roll back): it can only roll back"
    )]
    TransactionBroken,

    /// A driver was used after [`close`](crate::DatabaseDriver::close).
    #[error("the {driver} driver is closed")]
    DriverClosed {
        /// The driver type.
        driver: String,
    },

    /// The dialect cannot do what was asked (see [`Capabilities`](crate::dialect::Capabilities)).
    /// Nothing was sent.
    #[error("{feature} is not supported by {dialect}")]
    Unsupported {
        /// The dialect.
        dialect: crate::dialect::Dialect,
        /// What was asked for.
        feature: String,
    },

    /// A migration failed; `source` is why. On SQLite and PostgreSQL nothing of its run was
    /// kept; on MySQL the migrations before it in the run stay applied (MySQL cannot roll
    /// back DDL).
    #[error("migration {name} failed: {source}")]
    Migration {
        /// The migration's name.
        name: String,
        /// The cause.
        #[source]
        source: Box<Error>,
    },

    /// `down` (rollback) found no batch to roll back.
    #[error("nothing to roll back: no migration has been applied")]
    NothingToRollback,

    /// Another migrator held the migration lock for longer than
    /// [`MigratorOptions::lock_timeout`](crate::migrations::MigratorOptions::lock_timeout).
    /// Nothing was run.
    #[error("another migrator held the migration lock for more than {waited:?}: nothing was run")]
    MigrationLockTimeout {
        /// How long this migrator waited.
        waited: std::time::Duration,
    },

    /// The migrations found are not usable as they are (a badly named file, a name used
    /// twice, an applied migration whose source is gone).
    #[error("invalid migrations: {problem}")]
    InvalidMigrations {
        /// What is wrong.
        problem: MigrationProblem,
    },

    /// Any other error, for example one returned by user code inside a transaction.
    #[error(transparent)]
    Other(BoxError),
}

impl Error {
    /// Wraps any error as [`Error::Other`].
    pub fn other(err: impl Into<BoxError>) -> Self {
        Error::Other(err.into())
    }

    /// `true` when an open connection was lost ([`Error::ConnectionLost`]): the statement may
    /// be retried on a new connection (a transaction from its start).
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, Error::ConnectionLost { .. })
    }

    /// The classified database error kind, when this is a [`Error::Database`].
    pub fn database_kind(&self) -> Option<DatabaseErrorKind> {
        match self {
            Error::Database { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// `true` when the database refused a duplicate key.
    pub fn is_unique_violation(&self) -> bool {
        self.database_kind() == Some(DatabaseErrorKind::UniqueViolation)
    }

    /// `true` when the database refused a missing or still-referenced parent row.
    pub fn is_foreign_key_violation(&self) -> bool {
        self.database_kind() == Some(DatabaseErrorKind::ForeignKeyViolation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sql_is_cut_in_messages_and_kept_whole_in_the_error() {
        let sql = format!("SELECT * FROM t WHERE id IN ({})", vec!["?"; 70_000].join(", "));
        let err = Error::Database {
            sql: sql.clone(),
            message: "too many".into(),
            kind: DatabaseErrorKind::Other,
            code: None,
        };
        let text = err.to_string();
        assert!(text.len() < 400, "{} bytes", text.len());
        assert!(text.contains("characters in all"), "{text}");
        assert!(matches!(err, Error::Database { sql: kept, .. } if kept == sql));
    }
}
