//! A PostgreSQL transaction: one pooled connection, pinned until commit or rollback.

use async_trait::async_trait;
use deadpool_postgres::{Object, Pool};

use crate::driver::{ExecResult, TransactionConnection};
use crate::error::{Error, Result};
use crate::row::RowSink;
use crate::value::Value;

use super::{run_batch, run_exec, run_query_into, Retry};

pub(super) struct PostgresTransaction {
    client: Option<Object>,
    /// The pool, whose statement caches a script (DDL) clears.
    pool: Pool,
}

impl PostgresTransaction {
    pub(super) fn new(client: Object, pool: Pool) -> Self {
        PostgresTransaction { client: Some(client), pool }
    }

    fn client(&self) -> Result<&Object> {
        self.client.as_ref().ok_or_else(|| Error::TransactionClosed)
    }

    /// Sends `BEGIN`. The guard exists before it is sent: a future dropped while it is in
    /// flight drops the guard, which closes the connection instead of pooling it.
    pub(super) async fn begin(&mut self) -> Result<()> {
        run_batch(self.client()?, "BEGIN").await
    }

    /// Sends `COMMIT` or `ROLLBACK`. The connection stays in the guard until the server has
    /// answered: a future dropped while it is in flight closes the connection (the server
    /// rolls back whatever was not committed) rather than pooling one whose state is unknown.
    async fn end(&mut self, sql: &str) -> Result<()> {
        let result = run_batch(self.client()?, sql).await;
        let client = self.client.take().ok_or_else(|| Error::TransactionClosed)?;
        if result.is_err() {
            // The connection's state is unknown: keep it out of the pool.
            drop(Object::take(client));
        }
        result
    }
}

impl Drop for PostgresTransaction {
    fn drop(&mut self) {
        // Dropped while open (a cancelled future): the connection is taken out of the pool
        // and closed, which makes the server roll the transaction back. It never returns to
        // the pool mid-transaction.
        if let Some(client) = self.client.take() {
            drop(Object::take(client));
        }
    }
}

#[async_trait]
impl TransactionConnection for PostgresTransaction {
    async fn query_into(&mut self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        run_query_into(self.client()?, sql, params, sink, Retry::Never).await
    }

    async fn exec(&mut self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        run_exec(self.client()?, sql, params, Retry::Never).await
    }

    async fn exec_batch(&mut self, sql: &str) -> Result<()> {
        let result = run_batch(self.client()?, sql).await;
        super::forget_plans_after(&self.pool, sql);
        result
    }

    async fn commit(&mut self) -> Result<()> {
        self.end("COMMIT").await
    }

    async fn rollback(&mut self) -> Result<()> {
        self.end("ROLLBACK").await
    }
}
