//! A SQLite transaction: one pooled connection and the write gate, held until it ends.

use async_trait::async_trait;
use tokio::sync::OwnedMutexGuard;

use crate::driver::{ExecResult, TransactionConnection};
use crate::error::{DatabaseErrorKind, Error, Result};
use crate::row::RowSink;
use crate::value::Value;

use super::pool::PooledConn;
use super::{run_batch, run_exec, run_query, run_query_into};

pub(super) struct SqliteTransaction {
    /// `None` once committed or rolled back. Declared before `gate` so that the connection
    /// is back in the pool before the next writer is let in.
    conn: Option<PooledConn>,
    /// Foreign keys are off for this transaction and checked at commit.
    schema_change: bool,
    _gate: OwnedMutexGuard<()>,
}

impl SqliteTransaction {
    pub(super) fn begin(conn: PooledConn, gate: OwnedMutexGuard<()>, schema_change: bool) -> Result<Self> {
        if schema_change {
            // A no-op inside a transaction, so it must come before BEGIN.
            run_batch(&conn, "PRAGMA foreign_keys = OFF")?;
        }
        // IMMEDIATE takes SQLite's write lock now, so a transaction never fails half-way
        // because another process started writing.
        if let Err(e) = run_batch(&conn, "BEGIN IMMEDIATE") {
            if schema_change {
                let _ = run_batch(&conn, "PRAGMA foreign_keys = ON");
            }
            return Err(e);
        }
        Ok(SqliteTransaction { conn: Some(conn), schema_change, _gate: gate })
    }

    fn conn(&self) -> Result<&PooledConn> {
        self.conn.as_ref().ok_or_else(|| Error::TransactionClosed)
    }

    fn end(&mut self, sql: &str) -> Result<()> {
        let conn = self.conn.as_ref().ok_or_else(|| Error::TransactionClosed)?;
        if self.schema_change && sql == "COMMIT" {
            let broken = run_query(conn, "PRAGMA foreign_key_check", &[])?;
            if let Some(first) = broken.first() {
                let table: String = first.get(0).unwrap_or_default();
                return Err(Error::Database {
                    sql: "PRAGMA foreign_key_check".into(),
                    message: format!(
                        "{} row(s) break a foreign key (first in `{table}`): the change is rolled back",
                        broken.len()
                    ),
                    kind: DatabaseErrorKind::ForeignKeyViolation,
                    code: None,
                });
            }
        }
        run_batch(conn, sql)?;
        if self.schema_change {
            run_batch(conn, "PRAGMA foreign_keys = ON")?;
        }
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
            if self.schema_change {
                let _ = conn.execute_batch("PRAGMA foreign_keys = ON");
            }
        }
    }
}

#[async_trait]
impl TransactionConnection for SqliteTransaction {
    async fn query_into(&mut self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        run_query_into(self.conn()?, sql, params, sink)
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
