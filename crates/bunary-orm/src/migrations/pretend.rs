//! A driver that records statements instead of running them, for `migrate --pretend`.

use std::sync::Arc;

use async_trait::async_trait;
use parking_lot::Mutex;

use crate::dialect::Dialect;
use crate::driver::{DatabaseDriver, ExecResult, TransactionConnection};
use crate::error::Result;
use crate::row::RowSink;
use crate::value::Value;

/// Records every statement; queries return no rows, writes affect none.
#[derive(Debug, Clone)]
pub(crate) struct RecordingDriver {
    dialect: Dialect,
    log: Arc<Mutex<Vec<String>>>,
}

impl RecordingDriver {
    pub(crate) fn new(dialect: Dialect) -> Self {
        RecordingDriver { dialect, log: Arc::new(Mutex::new(Vec::new())) }
    }

    /// The statements recorded since the last call.
    pub(crate) fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock())
    }

    fn record(&self, sql: &str) {
        self.log.lock().push(sql.trim().to_owned());
    }
}

#[async_trait]
impl DatabaseDriver for RecordingDriver {
    fn name(&self) -> &str {
        "pretend"
    }

    fn dialect(&self) -> Dialect {
        self.dialect
    }

    async fn query_into(&self, sql: &str, _params: &[Value], _sink: &mut (dyn RowSink + Send)) -> Result<()> {
        self.record(sql);
        Ok(())
    }

    /// Recording needs no waiting, but a pretend run is not a hot path: the async one serves.
    fn query_into_now(&self, _sql: &str, _params: &[Value], _sink: &mut (dyn RowSink + Send)) -> Option<Result<()>> {
        None
    }

    fn exec_now(&self, _sql: &str, _params: &[Value]) -> Option<Result<ExecResult>> {
        None
    }

    async fn exec(&self, sql: &str, _params: &[Value]) -> Result<ExecResult> {
        self.record(sql);
        Ok(ExecResult::default())
    }

    async fn exec_batch(&self, sql: &str) -> Result<()> {
        self.record(sql);
        Ok(())
    }

    async fn begin(&self) -> Result<Box<dyn TransactionConnection>> {
        Ok(Box::new(self.clone()))
    }

    async fn close(&self) -> Result<()> {
        Ok(())
    }
}

#[async_trait]
impl TransactionConnection for RecordingDriver {
    async fn query_into(&mut self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        DatabaseDriver::query_into(self, sql, params, sink).await
    }

    async fn exec(&mut self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        DatabaseDriver::exec(self, sql, params).await
    }

    async fn exec_batch(&mut self, sql: &str) -> Result<()> {
        if !sql.starts_with("SAVEPOINT") && !sql.starts_with("RELEASE") && !sql.starts_with("ROLLBACK TO") {
            self.record(sql);
        }
        Ok(())
    }

    async fn commit(&mut self) -> Result<()> {
        Ok(())
    }

    async fn rollback(&mut self) -> Result<()> {
        Ok(())
    }
}
