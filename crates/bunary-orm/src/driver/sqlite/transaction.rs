//! A SQLite transaction: one pooled connection and the write gate, held until it ends.

use async_trait::async_trait;
use tokio::sync::OwnedMutexGuard;

use crate::driver::{ExecResult, TransactionConnection};
use crate::error::{Error, Result};
use crate::row::Row;
use crate::value::Value;

use super::pool::PooledConn;
use super::{run_batch, run_exec, run_query};

pub(super) struct SqliteTransaction {
    /// `None` once committed or rolled back. Declared before `gate` so that the connection
    /// is back in the pool before the next writer is let in.
    conn: Option<PooledConn>,
    _gate: OwnedMutexGuard<()>,
}

impl SqliteTransaction {
    pub(super) fn begin(conn: PooledConn, gate: OwnedMutexGuard<()>) -> Result<Self> {
        // IMMEDIATE takes SQLite's write lock now, so a transaction never fails half-way
        // because another process started writing.
        run_batch(&conn, "BEGIN IMMEDIATE")?;
        Ok(SqliteTransaction { conn: Some(conn), _gate: gate })
    }

    fn conn(&self) -> Result<&PooledConn> {
        self.conn.as_ref().ok_or(Error::TransactionClosed)
    }

    fn end(&mut self, sql: &str) -> Result<()> {
        let conn = self.conn.as_ref().ok_or(Error::TransactionClosed)?;
        run_batch(conn, sql)?;
        self.conn = None;
        Ok(())
    }
}

impl Drop for SqliteTransaction {
    fn drop(&mut self) {
        // Dropped while still open (a cancelled future, or a failed COMMIT): roll back before
        // the connection returns to the pool.
        if let Some(conn) = self.conn.take() {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        }
    }
}

#[async_trait]
impl TransactionConnection for SqliteTransaction {
    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        run_query(self.conn()?, sql, params)
    }

    async fn exec(&mut self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        run_exec(self.conn()?, sql, params)
    }

    async fn exec_batch(&mut self, sql: &str) -> Result<()> {
        run_batch(self.conn()?, sql)
    }

    async fn commit(&mut self) -> Result<()> {
        self.end("COMMIT")
    }

    async fn rollback(&mut self) -> Result<()> {
        self.end("ROLLBACK")
    }
}
