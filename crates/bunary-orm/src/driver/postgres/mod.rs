//! The built-in PostgreSQL driver: tokio-postgres, pooled with deadpool, statements prepared
//! and cached per connection, values in the binary format (see `convert`).

mod convert;
mod numeric;
mod tls;
mod transaction;

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio_postgres::types::ToSql;
use tokio_postgres::NoTls;

use crate::config::{DatabaseConfig, ServerConfig, TlsMode};
use crate::dialect::Dialect;
use crate::driver::{DatabaseDriver, ExecResult, TransactionConnection};
use crate::error::{ConfigProblem, Error, Result};
use crate::ident::Ident;
use crate::row::{Columns, RowSink};
use crate::value::Value;

use self::convert::{query_error, Bind, Kind, PgColumns};
use self::transaction::PostgresTransaction;

const DEFAULT_POOL_SIZE: usize = 10;
const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 10_000;

/// The PostgreSQL driver. Connections are opened lazily, on first use.
pub struct PostgresDriver {
    pool: Pool,
    closed: AtomicBool,
    /// `host:port/database (user …)`, for connection errors (never the password).
    target: String,
}

fn connection_error(message: impl Into<String>, source: Option<crate::error::BoxError>) -> Error {
    Error::Connection { driver: "postgres".into(), message: message.into(), source }
}

/// The tokio-postgres configuration for a server block.
fn pg_config(server: &ServerConfig) -> Result<tokio_postgres::Config> {
    let mut config = match &server.url {
        Some(url) => {
            tokio_postgres::Config::from_str(&crate::config::strip_params(url, &["tls", "statement_timeout_ms"]))
                .map_err(|e| Error::InvalidUrl { url: crate::config::redact_url(url), reason: e.to_string() })?
        }
        None => {
            let mut c = tokio_postgres::Config::new();
            c.host(&server.host);
            if !server.user.is_empty() {
                c.user(&server.user);
            }
            if let Some(password) = &server.password {
                c.password(password);
            }
            if !server.database.is_empty() {
                c.dbname(&server.database);
            }
            if let Some(port) = server.port {
                c.port(port);
            }
            c
        }
    };
    let mut options = Vec::new();
    if let Some(schema) = &server.schema {
        options.push(format!("-c search_path={}", Ident::new(schema, "schema")?));
    }
    if let Some(ms) = server.statement_timeout_ms {
        options.push(format!("-c statement_timeout={ms}"));
    }
    if !options.is_empty() {
        config.options(options.join(" "));
    }
    config.ssl_mode(match server.tls {
        TlsMode::Off => tokio_postgres::config::SslMode::Disable,
        TlsMode::Required => tokio_postgres::config::SslMode::Require,
    });
    config.connect_timeout(Duration::from_millis(server.connect_timeout_ms.unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS)));
    config.application_name("bunary-orm");
    Ok(config)
}

impl PostgresDriver {
    /// Builds the driver (and its pool) for `config.postgres`. No connection is made yet.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] without a `postgres` block, [`Error::InvalidUrl`] for a URL
    /// that does not parse.
    pub fn open(config: &DatabaseConfig) -> Result<Self> {
        let server = config.postgres.as_ref().ok_or_else(|| Error::InvalidConfig {
            problem: ConfigProblem::MissingBlock {
                driver: "postgres".into(),
                hint: "OrmConfig::from_url(\"postgres://…\")",
            },
        })?;
        let manager_config = ManagerConfig { recycling_method: RecyclingMethod::Fast };
        let manager = match server.tls {
            TlsMode::Off => Manager::from_config(pg_config(server)?, NoTls, manager_config),
            TlsMode::Required => Manager::from_config(pg_config(server)?, tls::connector()?, manager_config),
        };
        let timeout = Duration::from_millis(server.connect_timeout_ms.unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS));
        let pool = Pool::builder(manager)
            .max_size(server.pool_size.unwrap_or(DEFAULT_POOL_SIZE).max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(timeout))
            .create_timeout(Some(timeout))
            .build()
            .map_err(|e| connection_error(format!("cannot build the pool: {e}"), None))?;
        Ok(PostgresDriver { pool, closed: AtomicBool::new(false), target: server.describe(5432) })
    }

    async fn client(&self) -> Result<Object> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::DriverClosed { driver: "postgres".into() });
        }
        self.pool.get().await.map_err(|e| {
            let cause = match &e {
                deadpool_postgres::PoolError::Timeout(_) => format!("timed out waiting for a connection ({e})"),
                _ => crate::error::error_chain(&e),
            };
            connection_error(format!("{}: {cause}", self.target), Some(Box::new(e)))
        })
    }
}

fn binds(params: &[Value]) -> Vec<Bind<'_>> {
    params.iter().map(Bind).collect()
}

fn refs<'a>(binds: &'a [Bind<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    binds.iter().map(|b| b as &(dyn ToSql + Sync)).collect()
}

/// Whether a statement whose cached plan went stale may be prepared again and re-sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Retry {
    /// On a pooled connection outside a transaction: the failed statement did not run, so it
    /// is prepared again and sent once more.
    Once,
    /// Inside a transaction, which the error has aborted: the stale entry is dropped (the next
    /// transaction prepares afresh) and the error returned.
    Never,
}

/// PostgreSQL refuses a cached plan whose result type changed since it was prepared (a table
/// dropped and re-created with other column types): SQLSTATE 0A000, "cached plan must not
/// change result type".
fn is_stale_plan(err: &tokio_postgres::Error) -> bool {
    err.as_db_error().is_some_and(|db| {
        *db.code() == tokio_postgres::error::SqlState::FEATURE_NOT_SUPPORTED && db.message().contains("cached plan")
    })
}

/// Prepares `sql` (from the connection's cache) and runs `work` with it; a stale plan is
/// dropped from the cache and, with [`Retry::Once`], prepared and run once more.
async fn with_statement<T, F, Fut>(client: &Object, sql: &str, retry: Retry, work: F) -> Result<T>
where
    F: Fn(tokio_postgres::Statement) -> Fut,
    Fut: std::future::Future<Output = std::result::Result<T, tokio_postgres::Error>>,
{
    let stmt = client.prepare_cached(sql).await.map_err(|e| query_error(e, sql))?;
    match work(stmt).await {
        Err(e) if is_stale_plan(&e) => {
            client.statement_cache.remove(sql, &[]);
            if retry == Retry::Never {
                return Err(query_error(e, sql));
            }
            let stmt = client.prepare_cached(sql).await.map_err(|e| query_error(e, sql))?;
            work(stmt).await.map_err(|e| query_error(e, sql))
        }
        other => other.map_err(|e| query_error(e, sql)),
    }
}

/// Runs a query, handing each row to `sink` in one reused buffer (no `Row` per row).
pub(super) async fn run_query_into(
    client: &Object,
    sql: &str,
    params: &[Value],
    sink: &mut (dyn RowSink + Send),
    retry: Retry,
) -> Result<()> {
    let binds = binds(params);
    let refs = refs(&binds);
    let (stmt, rows) = with_statement(client, sql, retry, |stmt| {
        let refs = &refs;
        async move {
            let rows = client.query(&stmt, refs).await?;
            Ok((stmt, rows))
        }
    })
    .await?;
    let columns: Columns = Arc::from(stmt.columns().iter().map(|c| c.name().to_owned()).collect::<Vec<_>>());
    let kinds: Vec<(Kind, &tokio_postgres::types::Type)> =
        stmt.columns().iter().map(|c| (Kind::of(c.type_()), c.type_())).collect();
    sink.columns(&columns)?;
    for row in &rows {
        sink.row(&PgColumns { row, kinds: &kinds, names: &columns, sql })?;
        if sink.is_full() {
            break;
        }
    }
    Ok(())
}

pub(super) async fn run_exec(client: &Object, sql: &str, params: &[Value], retry: Retry) -> Result<ExecResult> {
    let binds = binds(params);
    let refs = refs(&binds);
    let rows_affected = with_statement(client, sql, retry, |stmt| {
        let refs = &refs;
        async move { client.execute(&stmt, refs).await }
    })
    .await?;
    Ok(ExecResult { rows_affected, last_insert_id: None })
}

/// After a script that may change tables (DDL through the schema builder runs as one), every
/// pooled connection prepares its statements afresh. A single transaction-control or `SET`
/// statement (`SAVEPOINT`, `RELEASE`, …, which nested transactions send as scripts) changes no
/// table and keeps them. (A plan that still goes stale is prepared again on its first use.)
pub(super) fn forget_plans_after(pool: &Pool, sql: &str) {
    if !keeps_plans(sql) {
        pool.manager().statement_caches.clear();
    }
}

fn keeps_plans(sql: &str) -> bool {
    const KEEPS_PLANS: [&str; 7] = ["SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "START", "SET"];
    let first = sql.trim_start().split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    let one_statement = !sql.trim_end().trim_end_matches(';').contains(';');
    one_statement && KEEPS_PLANS.iter().any(|k| first.eq_ignore_ascii_case(k))
}

/// Keeps a connection that was lost out of the pool (its client may not know yet that the
/// server closed it, and would fail the next user's statement too).
fn discard_if_lost<T>(client: Object, result: Result<T>) -> Result<T> {
    if matches!(result, Err(Error::ConnectionLost { .. })) {
        drop(Object::take(client));
    }
    result
}

pub(super) async fn run_batch(client: &Object, sql: &str) -> Result<()> {
    client.batch_execute(sql).await.map_err(|e| query_error(e, sql))
}

#[async_trait]
impl DatabaseDriver for PostgresDriver {
    fn name(&self) -> &str {
        "postgres"
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    /// A network round trip cannot answer at once.
    fn query_into_now(&self, _sql: &str, _params: &[Value], _sink: &mut (dyn RowSink + Send)) -> Option<Result<()>> {
        None
    }

    /// A network round trip cannot answer at once.
    fn exec_now(&self, _sql: &str, _params: &[Value]) -> Option<Result<ExecResult>> {
        None
    }

    async fn query_into(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        let client = self.client().await?;
        let result = run_query_into(&client, sql, params, sink, Retry::Once).await;
        discard_if_lost(client, result)
    }

    async fn exec(&self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        let client = self.client().await?;
        let result = run_exec(&client, sql, params, Retry::Once).await;
        discard_if_lost(client, result)
    }

    async fn exec_batch(&self, sql: &str) -> Result<()> {
        let client = self.client().await?;
        let result = run_batch(&client, sql).await;
        let result = discard_if_lost(client, result);
        forget_plans_after(&self.pool, sql);
        result
    }

    async fn begin(&self) -> Result<Box<dyn TransactionConnection>> {
        let mut tx = PostgresTransaction::new(self.client().await?, self.pool.clone());
        tx.begin().await?;
        Ok(Box::new(tx))
    }

    async fn close(&self) -> Result<()> {
        self.closed.store(true, Ordering::Release);
        self.pool.close();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::keeps_plans;

    #[test]
    fn only_a_lone_transaction_control_statement_keeps_cached_plans() {
        for keeps in [
            "SAVEPOINT bunary_sp_1",
            "RELEASE SAVEPOINT bunary_sp_1",
            "rollback to savepoint x;",
            "SET LOCAL lock_timeout = 5",
        ] {
            assert!(keeps_plans(keeps), "{keeps}");
        }
        for clears in [
            "CREATE TABLE t (id INT)",
            "ALTER TABLE t ADD c INT",
            "SET search_path = x; DROP TABLE t",
            " drop table t",
            "",
        ] {
            assert!(!keeps_plans(clears), "{clears}");
        }
    }
}
