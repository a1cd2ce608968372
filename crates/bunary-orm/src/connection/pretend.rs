//! A driver that records statements instead of running them: [`Db::pretend`] and
//! `migrate --pretend`.

use std::sync::Arc;

use async_trait::async_trait;
use parking_lot::Mutex;

use crate::dialect::Dialect;
use crate::driver::{DatabaseDriver, ExecResult, TransactionConnection};
use crate::error::Result;
use crate::row::{RowSink, ValuesSource};
use crate::statement::Statement;
use crate::value::Value;

use super::Db;

/// Records every statement; queries return no rows (but an insert reading back its key gets
/// `0`), writes affect none.
#[derive(Debug, Clone)]
pub(crate) struct RecordingDriver {
    dialect: Dialect,
    log: Arc<Mutex<Vec<Statement>>>,
}

impl RecordingDriver {
    pub(crate) fn new(dialect: Dialect) -> Self {
        RecordingDriver { dialect, log: Arc::new(Mutex::new(Vec::new())) }
    }

    /// The SQL of the statements recorded since the last call.
    pub(crate) fn take(&self) -> Vec<String> {
        self.take_statements().into_iter().map(|s| s.sql).collect()
    }

    /// The statements recorded since the last call, with their bindings.
    pub(crate) fn take_statements(&self) -> Vec<Statement> {
        std::mem::take(&mut *self.log.lock())
    }

    fn record(&self, sql: &str, params: &[Value]) {
        self.log.lock().push(Statement { sql: sql.trim().to_owned(), bindings: params.to_vec() });
    }
}

/// One row, `0`, for an insert that reads back its key with `RETURNING` (PostgreSQL's
/// `insert_get_id`): a model created in a pretend run gets key 0 on every database.
fn returning_row(sql: &str, sink: &mut (dyn RowSink + Send)) -> Result<()> {
    let upper = sql.trim_start().get(..6).map(str::to_ascii_uppercase);
    if upper.as_deref() != Some("INSERT") || !sql.contains(" RETURNING ") {
        return Ok(());
    }
    let columns: crate::row::Columns = Arc::from(vec!["id".to_owned()]);
    sink.columns(&columns)?;
    let mut values = [Value::Int(0)];
    sink.row(&ValuesSource::new(&mut values))
}

impl Db {
    /// Runs `work` on a handle that records the statements it is given instead of running
    /// them, and returns them (Laravel's `DB::pretend`; what `migrate --pretend` does, for any
    /// code). The handle speaks this database's dialect; queries return no rows, writes affect
    /// none, an insert that reads back its key gets 0. Statements `work` sends elsewhere (this
    /// handle, the global one) run as usual.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{record, DatabaseConfig, Db, Value};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// let statements = db
    ///     .pretend(|db| async move {
    ///         db.table("users").where_("id", 1).update(record! { "name" => "Ada" }).await?;
    ///         db.table("users").where_("id", 2).delete().await?;
    ///         Ok(())
    ///     })
    ///     .await?;
    /// assert_eq!(statements[0].sql, r#"UPDATE "users" SET "name" = ? WHERE "id" = ?"#);
    /// assert_eq!(statements[0].bindings, [Value::from("Ada"), Value::Int(1)]);
    /// assert_eq!(statements.len(), 2);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// The closure's error.
    pub async fn pretend<F, Fut>(&self, work: F) -> Result<Vec<Statement>>
    where
        F: FnOnce(Db) -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let recorder = RecordingDriver::new(self.dialect());
        work(Db::from_driver(Arc::new(recorder.clone()))).await?;
        Ok(recorder.take_statements())
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

    async fn query_into(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        self.record(sql, params);
        returning_row(sql, sink)
    }

    /// Recording needs no waiting, but a pretend run is not a hot path: the async one serves.
    fn query_into_now(&self, _sql: &str, _params: &[Value], _sink: &mut (dyn RowSink + Send)) -> Option<Result<()>> {
        None
    }

    fn exec_now(&self, _sql: &str, _params: &[Value]) -> Option<Result<ExecResult>> {
        None
    }

    async fn exec(&self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        self.record(sql, params);
        Ok(ExecResult { rows_affected: 0, last_insert_id: Some(0) })
    }

    async fn exec_batch(&self, sql: &str) -> Result<()> {
        self.record(sql, &[]);
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
            self.record(sql, &[]);
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
