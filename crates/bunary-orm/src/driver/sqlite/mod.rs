//! The built-in SQLite driver (rusqlite, SQLite bundled: nothing to install).
//!
//! Statements run on the calling task: a short SQLite call costs a few microseconds, far less
//! than handing it to another thread. Connections come from a small pool; prepared statements
//! are cached per connection; file databases use WAL with `synchronous = NORMAL` and a busy
//! timeout; foreign keys are on. Writers are serialised by an async gate (see `pool`), so
//! concurrent tasks never meet "database is locked" inside one process.

mod conn;
mod convert;
mod pool;
mod transaction;

use std::sync::Arc;

use async_trait::async_trait;
use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::CachedStatement;

use crate::config::DatabaseConfig;
use crate::dialect::Dialect;
use crate::driver::{DatabaseDriver, ExecResult, TransactionConnection};
use crate::error::{ConfigProblem, Error, Result};
use crate::row::{CollectRows, Row, RowSink};
use crate::value::Value;

use self::conn::Conn;
use self::convert::{query_error, Bind};
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
            problem: ConfigProblem::MissingBlock { driver: "sqlite".into(), hint: "DatabaseConfig::sqlite(path)" },
        })?;
        if sqlite.path.trim().is_empty() {
            return Err(Error::InvalidConfig { problem: ConfigProblem::EmptySqlitePath });
        }
        Ok(SqliteDriver { pool: Pool::open(sqlite)? })
    }
}

fn prepare<'c>(conn: &'c Conn, sql: &str) -> Result<CachedStatement<'c>> {
    conn.prepare(sql).map_err(|e| query_error(e, sql))
}

fn bind(stmt: &mut CachedStatement<'_>, sql: &str, params: &[Value]) -> Result<()> {
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(Error::Database {
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

fn run_query(conn: &Conn, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    collect_rows(conn, prepare(conn, sql)?, sql, params)
}

fn collect_rows(conn: &Conn, stmt: CachedStatement<'_>, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    let mut collect = CollectRows::default();
    query_statement(conn, stmt, sql, params, &mut collect)?;
    Ok(collect.rows)
}

/// Runs a query, handing each row to `sink` in one reused buffer.
fn run_query_into(conn: &Conn, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
    query_statement(conn, prepare(conn, sql)?, sql, params, sink)
}

fn query_statement(
    conn: &Conn,
    mut stmt: CachedStatement<'_>,
    sql: &str,
    params: &[Value],
    sink: &mut (dyn RowSink + Send),
) -> Result<()> {
    bind(&mut stmt, sql, params)?;
    let mut rows = stmt.raw_query();
    let Some(first) = rows.next().map_err(|e| query_error(e, sql))? else {
        drop(rows);
        // Stepped to the end: the statement's metadata is current (see `conn`).
        return sink.columns(&conn.shape(sql, &stmt).columns);
    };
    let shape = conn.shape(sql, first.as_ref());
    sink.columns(&shape.columns)?;
    read_columns(rows, sql, &shape.hints, sink)
}

/// Hands the rows of a query already stepped to its first row to `sink`, each read in
/// SQLite's own buffer.
fn read_columns(
    mut rows: rusqlite::Rows<'_>,
    sql: &str,
    hints: &[convert::Hint],
    sink: &mut (dyn RowSink + Send),
) -> Result<()> {
    while let Some(row) = rows.get() {
        sink.row(&convert::Columns { row, hints, sql })?;
        if sink.is_full() {
            // Dropping `rows` resets the statement: no step past the last row wanted.
            break;
        }
        rows.advance().map_err(|e| query_error(e, sql))?;
    }
    Ok(())
}

fn starts_with_insert(sql: &str) -> bool {
    let head = sql.trim_start();
    let end = head.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(head.len());
    let word = &head[..end];
    word.eq_ignore_ascii_case("insert") || word.eq_ignore_ascii_case("replace")
}

fn run_exec(conn: &Conn, sql: &str, params: &[Value]) -> Result<ExecResult> {
    exec_statement(conn, prepare(conn, sql)?, sql, params)
}

fn exec_statement(conn: &Conn, mut stmt: CachedStatement<'_>, sql: &str, params: &[Value]) -> Result<ExecResult> {
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

fn run_batch(conn: &Conn, sql: &str) -> Result<()> {
    conn.execute_batch(sql).map_err(|e| query_error(e, sql))
}

impl SqliteDriver {
    async fn begin_on_own_connection(&self, schema_change: bool) -> Result<Box<dyn TransactionConnection>> {
        let gate = Arc::clone(&self.pool.gate).lock_owned().await;
        let conn = self.pool.acquire().await?;
        Ok(Box::new(SqliteTransaction::begin(conn, gate, schema_change)?))
    }

    /// Runs `work` on `conn` when `sql` only reads or the write gate is free at once (never
    /// waiting while holding a connection); hands `work` back, having run nothing, otherwise.
    fn run_on<'c, T, W>(&self, conn: &'c Conn, sql: &str, work: W) -> std::result::Result<Result<T>, W>
    where
        W: FnOnce(&'c Conn, CachedStatement<'c>) -> Result<T>,
    {
        let stmt = match prepare(conn, sql) {
            Ok(stmt) => stmt,
            Err(e) => return Ok(Err(e)),
        };
        if stmt.readonly() {
            return Ok(work(conn, stmt));
        }
        match self.pool.gate.try_lock() {
            Ok(_gate) => Ok(work(conn, stmt)),
            Err(_) => Err(work),
        }
    }

    /// Runs `work` at once when a connection is free and, for a write, the write gate too;
    /// `None`, having run nothing, otherwise.
    fn run_now<T>(
        &self,
        sql: &str,
        work: impl for<'c> FnOnce(&'c Conn, CachedStatement<'c>) -> Result<T>,
    ) -> Option<Result<T>> {
        let conn = match self.pool.try_acquire()? {
            Ok(conn) => conn,
            Err(e) => return Some(Err(e)),
        };
        self.run_on(&conn, sql, work).ok()
    }

    /// Runs `work` on a pooled connection: directly when `sql` only reads, behind the write
    /// gate otherwise.
    async fn run<T>(
        &self,
        sql: &str,
        work: impl for<'c> FnOnce(&'c Conn, CachedStatement<'c>) -> Result<T>,
    ) -> Result<T> {
        let work = {
            let conn = self.pool.acquire().await?;
            match self.run_on(&conn, sql, work) {
                Ok(done) => return done,
                // A write whose gate is taken: give the connection back before waiting. The gate
                // is always awaited before a connection, never after, so a transaction holding
                // the gate can always get one.
                Err(work) => work,
            }
        };
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

    async fn query_into(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        self.run(sql, |conn, stmt| query_statement(conn, stmt, sql, params, sink)).await
    }

    fn query_into_now(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Option<Result<()>> {
        self.run_now(sql, |conn, stmt| query_statement(conn, stmt, sql, params, sink))
    }

    fn exec_now(&self, sql: &str, params: &[Value]) -> Option<Result<ExecResult>> {
        self.run_now(sql, |conn, stmt| exec_statement(conn, stmt, sql, params))
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
