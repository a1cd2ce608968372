//! A MySQL transaction: one pooled connection, pinned until commit or rollback.
//!
//! The transaction is run by hand (`START TRANSACTION`, `COMMIT`, `ROLLBACK`) on a connection
//! this guard owns, rather than through mysql_async's `Transaction`: a future dropped while a
//! statement's reply is half read would otherwise hand the connection back to the pool with
//! that half reply, and the next user would fail reading it. Dropped before it ended, the
//! guard closes its connection instead (the server then rolls the transaction back).

use async_trait::async_trait;
use mysql_async::Conn;

use crate::driver::{ExecResult, TransactionConnection};
use crate::error::{Error, Result};
use crate::row::RowSink;
use crate::value::Value;

use super::{close_apart, run_batch, run_exec, run_query_into};

pub(super) struct MySqlTransaction {
    /// `None` once committed or rolled back.
    conn: Option<Conn>,
}

impl MySqlTransaction {
    pub(super) fn new(conn: Conn) -> Self {
        MySqlTransaction { conn: Some(conn) }
    }

    fn conn(&mut self) -> Result<&mut Conn> {
        self.conn.as_mut().ok_or_else(|| Error::TransactionClosed)
    }

    pub(super) async fn begin(&mut self) -> Result<()> {
        run_batch(self.conn()?, "START TRANSACTION").await
    }

    /// Sends `COMMIT` or `ROLLBACK`; the connection goes back to the pool only once the server
    /// has answered, and is closed if it failed.
    async fn end(&mut self, sql: &str) -> Result<()> {
        let result = run_batch(self.conn()?, sql).await;
        let conn = self.conn.take().ok_or_else(|| Error::TransactionClosed)?;
        if result.is_err() {
            close_apart(conn);
        }
        result
    }
}

impl Drop for MySqlTransaction {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            close_apart(conn);
        }
    }
}

#[async_trait]
impl TransactionConnection for MySqlTransaction {
    async fn query_into(&mut self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        run_query_into(self.conn()?, sql, params, sink).await
    }

    async fn exec(&mut self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        run_exec(self.conn()?, sql, params).await
    }

    async fn exec_batch(&mut self, sql: &str) -> Result<()> {
        run_batch(self.conn()?, sql).await
    }

    async fn commit(&mut self) -> Result<()> {
        self.end("COMMIT").await
    }

    async fn rollback(&mut self) -> Result<()> {
        self.end("ROLLBACK").await
    }
}
