//! The built-in SQLite driver (rusqlite, SQLite bundled: nothing to install).
//!
//! Statements run on the calling task: a short SQLite call costs a few microseconds, far less
//! than handing it to another thread. Connections come from a small pool; prepared statements
//! are cached per connection; file databases use WAL with `synchronous = NORMAL` and a busy
//! timeout; foreign keys are on. Writers are serialised by an async gate (see `pool`), so
//! concurrent tasks never meet "database is locked" inside one process.

mod convert;
mod pool;
mod transaction;

use std::sync::Arc;

use async_trait::async_trait;
use rusqlite::{CachedStatement, Connection};

use crate::config::DatabaseConfig;
use crate::dialect::Dialect;
use crate::driver::{DatabaseDriver, ExecResult, TransactionConnection};
use crate::error::{Error, Result};
use crate::row::{CollectRows, Row, RowSink};
use crate::value::Value;

use self::convert::{query_error, read, Bind, Hint};
use self::pool::Pool;
use self::transaction::SqliteTransaction;

/// The SQLite driver. Build it through the registry ([`Db::connect`](crate::Db::connect)) or
/// directly with [`SqliteDriver::open`].
pub struct SqliteDriver {
    pool: Arc<Pool>,
}

impl SqliteDriver {
    /// Opens the database named by `config.sqlite.path` (created if missing).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] without a `sqlite` block; [`Error::Connection`] when the file
    /// cannot be opened.
    pub fn open(config: &DatabaseConfig) -> Result<Self> {
        let sqlite = config.sqlite.as_ref().ok_or_else(|| Error::InvalidConfig {
            message: "the sqlite driver needs a sqlite block: use DatabaseConfig::sqlite(path)".into(),
        })?;
        if sqlite.path.trim().is_empty() {
            return Err(Error::InvalidConfig {
                message: "sqlite.path is empty; use a file path or \":memory:\"".into(),
            });
        }
        Ok(SqliteDriver { pool: Pool::open(sqlite)? })
    }
}

fn prepare<'c>(conn: &'c Connection, sql: &str) -> Result<CachedStatement<'c>> {
    conn.prepare_cached(sql).map_err(|e| query_error(e, sql))
}

fn bind(stmt: &mut CachedStatement<'_>, sql: &str, params: &[Value]) -> Result<()> {
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(Error::Query {
            sql: sql.to_owned(),
            message: format!("the statement has {expected} placeholders but {} values were bound", params.len()),
            kind: crate::error::DatabaseErrorKind::Other,
            code: None,
        });
    }
    for (i, value) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, Bind(value)).map_err(|e| query_error(e, sql))?;
    }
    Ok(())
}

pub(super) fn run_query(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    collect_rows(prepare(conn, sql)?, sql, params)
}

fn collect_rows(stmt: CachedStatement<'_>, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    let mut collect = CollectRows::default();
    query_statement(stmt, sql, params, &mut collect)?;
    Ok(collect.rows)
}

/// Runs a query, handing each row to `sink` in one reused buffer.
pub(super) fn run_query_into(
    conn: &Connection,
    sql: &str,
    params: &[Value],
    sink: &mut (dyn RowSink + Send),
) -> Result<()> {
    query_statement(prepare(conn, sql)?, sql, params, sink)
}

fn query_statement(
    mut stmt: CachedStatement<'_>,
    sql: &str,
    params: &[Value],
    sink: &mut (dyn RowSink + Send),
) -> Result<()> {
    bind(&mut stmt, sql, params)?;
    let (columns, hints): (Vec<String>, Vec<Hint>) =
        stmt.columns().iter().map(|c| (c.name().to_owned(), Hint::from_decltype(c.decl_type()))).unzip();
    sink.columns(&Arc::from(columns))?;
    let mut values = vec![Value::Null; hints.len()];
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next().map_err(|e| query_error(e, sql))? {
        for (i, hint) in hints.iter().enumerate() {
            values[i] = read(row.get_ref(i).map_err(|e| query_error(e, sql))?, *hint);
        }
        sink.row(&mut values)?;
    }
    Ok(())
}

fn starts_with_insert(sql: &str) -> bool {
    let head = sql.trim_start();
    let word: String = head.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    word.eq_ignore_ascii_case("insert") || word.eq_ignore_ascii_case("replace")
}

pub(super) fn run_exec(conn: &Connection, sql: &str, params: &[Value]) -> Result<ExecResult> {
    exec_statement(conn, prepare(conn, sql)?, sql, params)
}

fn exec_statement(conn: &Connection, mut stmt: CachedStatement<'_>, sql: &str, params: &[Value]) -> Result<ExecResult> {
    bind(&mut stmt, sql, params)?;
    let before = conn.last_insert_rowid();
    let rows_affected = if stmt.column_count() == 0 {
        stmt.raw_execute().map_err(|e| query_error(e, sql))? as u64
    } else {
        // A statement with RETURNING (or a SELECT) run for its effect: step through it.
        let mut rows = stmt.raw_query();
        while rows.next().map_err(|e| query_error(e, sql))?.is_some() {}
        conn.changes()
    };
    let after = conn.last_insert_rowid();
    let last_insert_id = (after != before || (starts_with_insert(sql) && rows_affected > 0)).then_some(after);
    Ok(ExecResult { rows_affected, last_insert_id })
}

pub(super) fn run_batch(conn: &Connection, sql: &str) -> Result<()> {
    conn.execute_batch(sql).map_err(|e| query_error(e, sql))
}

impl SqliteDriver {
    async fn begin_on_own_connection(&self, schema_change: bool) -> Result<Box<dyn TransactionConnection>> {
        let gate = Arc::clone(&self.pool.gate).lock_owned().await;
        let conn = self.pool.acquire().await?;
        Ok(Box::new(SqliteTransaction::begin(conn, gate, schema_change)?))
    }

    /// Runs `work` on a pooled connection: directly when `sql` only reads, behind the write
    /// gate otherwise.
    async fn run<T>(
        &self,
        sql: &str,
        work: impl for<'c> FnOnce(&'c Connection, CachedStatement<'c>) -> Result<T>,
    ) -> Result<T> {
        {
            let conn = self.pool.acquire().await?;
            let stmt = prepare(&conn, sql)?;
            if stmt.readonly() {
                return work(&conn, stmt);
            }
            // Give the connection back before waiting: the gate is always taken before a
            // connection, never after, so a transaction holding the gate can always get one.
        }
        let _gate = self.pool.gate.lock().await;
        let conn = self.pool.acquire().await?;
        let stmt = prepare(&conn, sql)?;
        work(&conn, stmt)
    }
}

#[async_trait]
impl DatabaseDriver for SqliteDriver {
    fn name(&self) -> &str {
        "sqlite"
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        self.run(sql, |_, stmt| collect_rows(stmt, sql, params)).await
    }

    async fn query_into(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        self.run(sql, |_, stmt| query_statement(stmt, sql, params, sink)).await
    }

    async fn exec(&self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        self.run(sql, |conn, stmt| exec_statement(conn, stmt, sql, params)).await
    }

    async fn exec_batch(&self, sql: &str) -> Result<()> {
        let _gate = self.pool.gate.lock().await;
        let conn = self.pool.acquire().await?;
        run_batch(&conn, sql)
    }

    async fn begin(&self) -> Result<Box<dyn TransactionConnection>> {
        self.begin_on_own_connection(false).await
    }

    async fn begin_schema_change(&self) -> Result<Box<dyn TransactionConnection>> {
        self.begin_on_own_connection(true).await
    }

    async fn close(&self) -> Result<()> {
        if !self.pool.is_closed() {
            self.pool.close();
        }
        Ok(())
    }
}
