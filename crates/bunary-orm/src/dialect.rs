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

impl Dialect {
    /// The most values one statement can bind: 32 766 on SQLite (its default
    /// `SQLITE_MAX_VARIABLE_NUMBER`), 65 535 on PostgreSQL and MySQL. The query builder refuses
    /// a statement with more, with [`Error::InvalidQuery`](crate::Error::InvalidQuery), before
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
