//! A MySQL transaction: mysql_async's own, which owns its pooled connection and is rolled
//! back by the pool if it is dropped while open.

use async_trait::async_trait;
use mysql_async::Transaction;

use crate::driver::{ExecResult, TransactionConnection};
use crate::error::{Error, Result};
use crate::row::{Row, RowSink};
use crate::value::Value;

use super::convert::query_error;
use super::{run_batch, run_exec, run_query, run_query_into};

pub(super) struct MySqlTransaction {
    tx: Option<Transaction<'static>>,
}

impl MySqlTransaction {
    pub(super) fn new(tx: Transaction<'static>) -> Self {
        MySqlTransaction { tx: Some(tx) }
    }

    fn tx(&mut self) -> Result<&mut Transaction<'static>> {
        self.tx.as_mut().ok_or(Error::TransactionClosed)
    }
}

#[async_trait]
impl TransactionConnection for MySqlTransaction {
    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        run_query(self.tx()?, sql, params).await
    }

    async fn query_into(&mut self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        run_query_into(self.tx()?, sql, params, sink).await
    }

    async fn exec(&mut self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        run_exec(self.tx()?, sql, params).await
    }

    async fn exec_batch(&mut self, sql: &str) -> Result<()> {
        run_batch(self.tx()?, sql).await
    }

    async fn commit(&mut self) -> Result<()> {
        let tx = self.tx.take().ok_or(Error::TransactionClosed)?;
        tx.commit().await.map_err(|e| query_error(e, "COMMIT"))
    }

    async fn rollback(&mut self) -> Result<()> {
        let tx = self.tx.take().ok_or(Error::TransactionClosed)?;
        tx.rollback().await.map_err(|e| query_error(e, "ROLLBACK"))
    }
}
