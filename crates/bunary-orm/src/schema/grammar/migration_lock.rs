//! The statements of each dialect's migration lock, which keeps two migrators of one database
//! (two deploys, two processes) from running the same migrations at once. The migrator runs
//! them (`migrations/lock.rs`); what they are is the grammar's.

use std::time::Duration;

use crate::statement::Statement;
use crate::value::Value;

/// How a dialect keeps migrators apart, and the statements that do it.
#[derive(Debug, Clone, PartialEq)]
pub enum MigrationLock {
    /// No lock is needed: the schema transaction itself excludes other writers (SQLite's
    /// `BEGIN IMMEDIATE`).
    Transaction,
    /// A lock that lasts until the schema transaction ends, whatever ends it (PostgreSQL's
    /// advisory transaction lock). `acquire` runs in order inside the transaction; a database
    /// error whose code is `timeout_code` means the wait ran out; `after` runs once it is held.
    TransactionScoped {
        /// Takes the lock, waiting at most the timeout.
        acquire: Vec<Statement>,
        /// The database error code of a wait that ran out.
        timeout_code: &'static str,
        /// Runs once the lock is held (restores the session's own wait limit).
        after: Vec<Statement>,
    },
    /// A lock of the session, which outlives transactions (MySQL's `GET_LOCK`). `acquire`
    /// returns one row whose first column is 1 when the lock is taken (0 or NULL when the wait
    /// ran out); `release` lets it go. Once it is held, the migrator leaves the schema
    /// transaction (`leave`): such a database commits DDL anyway, and each migration is
    /// recorded as soon as it succeeds.
    Session {
        /// Takes the lock, waiting at most the timeout.
        acquire: Statement,
        /// Lets the lock go.
        release: Statement,
        /// Ends the schema transaction, keeping the session.
        leave: Statement,
    },
}

/// The name of the lock of the migrations table `table`.
pub(crate) fn lock_name(table: &str) -> String {
    format!("bunary_migrations:{table}")
}

/// PostgreSQL: `pg_advisory_xact_lock` on the hashed lock name, under a `lock_timeout` of
/// `timeout` (a number of milliseconds the grammar writes itself; nothing of the caller's is
/// written into the SQL).
pub(crate) fn postgres(table: &str, timeout: Duration) -> MigrationLock {
    let millis = timeout.as_millis().clamp(1, i32::MAX as u128);
    MigrationLock::TransactionScoped {
        acquire: vec![
            Statement::new(format!("SET LOCAL lock_timeout = {millis}")),
            Statement::with_bindings(
                "SELECT pg_advisory_xact_lock(hashtext($1)::bigint)",
                vec![Value::from(lock_name(table))],
            ),
        ],
        timeout_code: "55P03",
        after: vec![Statement::new("SET LOCAL lock_timeout TO DEFAULT")],
    }
}

/// MySQL/MariaDB: a `GET_LOCK` named for the database and the migrations table (two databases
/// on one server migrate independently), hashed, as MySQL takes at most 64 characters.
pub(crate) fn mysql(table: &str, timeout: Duration) -> MigrationLock {
    const NAME: &str = "CONCAT('bunary_migrations:', SHA1(CONCAT(DATABASE(), '.', ?)))";
    let seconds = i64::try_from(timeout.as_secs().max(1)).unwrap_or(i64::MAX);
    MigrationLock::Session {
        acquire: Statement::with_bindings(
            format!("SELECT GET_LOCK({NAME}, ?) AS got"),
            vec![Value::from(table), Value::from(seconds)],
        ),
        release: Statement::with_bindings(format!("SELECT RELEASE_LOCK({NAME})"), vec![Value::from(table)]),
        leave: Statement::new("COMMIT"),
    }
}
