//! The built-in MySQL/MariaDB driver: mysql_async with its connection pool, the binary
//! protocol (prepared statements, cached per connection) and `CLIENT_FOUND_ROWS`, so that an
//! update reports the rows it matched, as SQLite and PostgreSQL do.

mod convert;
mod transaction;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use mysql_async::prelude::Queryable;
use mysql_async::{Opts, OptsBuilder, Params, Pool, PoolConstraints, PoolOpts, SslOpts};

use crate::config::{DatabaseConfig, ServerConfig, TlsMode};
use crate::dialect::Dialect;
use crate::driver::{DatabaseDriver, ExecResult, TransactionConnection};
use crate::error::{ConfigProblem, Error, Result};
use crate::row::{Columns, RowSink, ValuesSource};
use crate::value::Value;

use self::convert::{bind, query_error, read, Hint};
use self::transaction::MySqlTransaction;

const DEFAULT_POOL_SIZE: usize = 10;
const STATEMENT_CACHE: usize = 256;
/// How long an idle pooled connection is kept.
const IDLE_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// The MySQL/MariaDB driver. Connections are opened lazily, on first use.
pub struct MySqlDriver {
    pool: Pool,
    closed: AtomicBool,
    /// `host:port/database (user …)`, for connection errors (never the password).
    target: String,
}

fn opts(server: &ServerConfig) -> Result<Opts> {
    let base = match &server.url {
        Some(url) => {
            // mysql_async knows only the mysql:// scheme.
            let url =
                url.strip_prefix("mariadb://").map(|rest| format!("mysql://{rest}")).unwrap_or_else(|| url.clone());
            let url = crate::config::strip_params(&url, &["tls", "statement_timeout_ms", "sslmode"]);
            OptsBuilder::from_opts(
                Opts::from_url(&url)
                    .map_err(|e| Error::InvalidUrl { url: crate::config::redact_url(&url), reason: e.to_string() })?,
            )
        }
        None => OptsBuilder::default()
            .ip_or_hostname(server.host.clone())
            .user((!server.user.is_empty()).then(|| server.user.clone()))
            .pass(server.password.clone())
            .db_name((!server.database.is_empty()).then(|| server.database.clone())),
    };
    let size = server.pool_size.unwrap_or(DEFAULT_POOL_SIZE).max(1);
    let constraints = PoolConstraints::new(0, size)
        .ok_or_else(|| Error::InvalidConfig { problem: ConfigProblem::BadPoolSize { driver: "mysql".into(), size } })?;
    let mut builder = base
        // No COM_RESET_CONNECTION when a connection goes back to the pool: it would empty the
        // prepared-statement cache (and undo the statement timeout) on every use. Transactions
        // always end before a connection returns, and the session settings this driver changes
        // are restored; raw `SET SESSION …` through `exec` persists on that pooled connection.
        //
        // An inactive-connection TTL above zero makes the pool keep up to `max` idle
        // connections (with zero it keeps only `min`, here 0: every query would reconnect).
        .pool_opts(
            PoolOpts::default()
                .with_constraints(constraints)
                .with_inactive_connection_ttl(IDLE_TTL)
                .with_reset_connection(false),
        )
        .stmt_cache_size(STATEMENT_CACHE)
        .client_found_rows(true);
    if let Some(port) = server.port {
        builder = builder.tcp_port(port);
    }
    if server.url.is_some() && !server.database.is_empty() {
        builder = builder.db_name(Some(server.database.clone()));
    }
    if server.tls == TlsMode::Required {
        // Encrypted, certificate not checked against a CA: the meaning of TlsMode::Required.
        builder = builder.ssl_opts(SslOpts::default().with_danger_accept_invalid_certs(true));
    }
    if let Some(ms) = server.statement_timeout_ms {
        builder = builder.after_connect(move |conn: &mut mysql_async::Conn| {
            // MariaDB and MySQL name the limit differently (and count it in different units).
            let sql = if conn.server_version().0 >= 10 {
                format!("SET SESSION max_statement_time = {}", ms as f64 / 1000.0)
            } else {
                format!("SET SESSION max_execution_time = {ms}")
            };
            Box::pin(async move { conn.query_drop(sql).await })
        });
    }
    Ok(builder.into())
}

impl MySqlDriver {
    /// Builds the driver (and its pool) for `config.mysql`. No connection is made yet.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] without a `mysql` block, [`Error::InvalidUrl`] for a URL that
    /// does not parse.
    pub fn open(config: &DatabaseConfig) -> Result<Self> {
        let server = config.mysql.as_ref().ok_or_else(|| Error::InvalidConfig {
            problem: ConfigProblem::MissingBlock {
                driver: "mysql".into(), hint: "OrmConfig::from_url(\"mysql://…\")"
            },
        })?;
        Ok(MySqlDriver {
            pool: Pool::new(opts(server)?),
            closed: AtomicBool::new(false),
            target: server.describe(3306),
        })
    }

    async fn conn(&self) -> Result<mysql_async::Conn> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::DriverClosed { driver: "mysql".into() });
        }
        self.pool.get_conn().await.map_err(|e| Error::Connection {
            driver: "mysql".into(),
            message: format!("{}: {}", self.target, crate::error::error_chain(&e)),
            source: Some(Box::new(e)),
        })
    }
}

/// A pooled connection lent to one statement. When the statement's future is dropped part-way
/// (a cancellation), the connection may hold half a reply: it is closed, on a task of its own,
/// instead of going back to the pool, where the next statement would read that half reply as
/// its own. A connection lost mid-statement is closed too.
struct Checkout {
    conn: Option<mysql_async::Conn>,
}

impl Checkout {
    fn new(conn: mysql_async::Conn) -> Self {
        Checkout { conn: Some(conn) }
    }

    fn conn(&mut self) -> &mut mysql_async::Conn {
        self.conn.as_mut().expect("a checkout holds its connection until finished")
    }

    /// The statement ran to its end: the connection goes back to the pool, unless it was lost.
    fn finish<T>(mut self, result: Result<T>) -> Result<T> {
        if !matches!(result, Err(Error::ConnectionLost { .. })) {
            drop(self.conn.take());
        }
        result
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            close_apart(conn);
        }
    }
}

/// Closes a connection whose state is unknown on a task of its own, never pooling it.
pub(super) fn close_apart(conn: mysql_async::Conn) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(async move {
                let _ = conn.disconnect().await;
            });
        }
        // No runtime to close it on: dropped, as mysql_async would.
        Err(_) => drop(conn),
    }
}

fn params(values: &[Value]) -> Params {
    if values.is_empty() {
        Params::Empty
    } else {
        Params::Positional(values.iter().map(bind).collect())
    }
}

/// Runs a query, handing each row to `sink` in one reused buffer (no `Row` per row).
pub(super) async fn run_query_into<Q: Queryable>(
    conn: &mut Q,
    sql: &str,
    values: &[Value],
    sink: &mut (dyn RowSink + Send),
) -> Result<()> {
    let mut result = conn.exec_iter(sql, params(values)).await.map_err(|e| query_error(e, sql))?;
    let meta = result.columns().unwrap_or_else(|| Arc::from(Vec::new()));
    let columns: Columns = Arc::from(meta.iter().map(|c| c.name_str().into_owned()).collect::<Vec<_>>());
    let hints: Vec<Hint> = meta.iter().map(Hint::of).collect();
    sink.columns(&columns)?;
    let mut buffer = vec![Value::Null; hints.len()];
    while let Some(row) = result.next().await.map_err(|e| query_error(e, sql))? {
        for ((slot, value), hint) in buffer.iter_mut().zip(row.unwrap()).zip(&hints) {
            *slot = read(value, *hint);
        }
        sink.row(&ValuesSource::new(&mut buffer))?;
        if sink.is_full() {
            // The rest of the result is still read off the connection (it must be, before
            // the connection's next statement), but nothing more is decoded.
            break;
        }
    }
    result.drop_result().await.map_err(|e| query_error(e, sql))?;
    Ok(())
}

pub(super) async fn run_exec<Q: Queryable>(conn: &mut Q, sql: &str, values: &[Value]) -> Result<ExecResult> {
    let result = conn.exec_iter(sql, params(values)).await.map_err(|e| query_error(e, sql))?;
    let rows_affected = result.affected_rows();
    let last_insert_id = result.last_insert_id().filter(|id| *id > 0).and_then(|id| i64::try_from(id).ok());
    result.drop_result().await.map_err(|e| query_error(e, sql))?;
    Ok(ExecResult { rows_affected, last_insert_id })
}

pub(super) async fn run_batch<Q: Queryable>(conn: &mut Q, sql: &str) -> Result<()> {
    conn.query_drop(sql).await.map_err(|e| query_error(e, sql))
}

#[async_trait]
impl DatabaseDriver for MySqlDriver {
    fn name(&self) -> &str {
        "mysql"
    }

    fn dialect(&self) -> Dialect {
        Dialect::MySql
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
        let mut checkout = Checkout::new(self.conn().await?);
        let result = run_query_into(checkout.conn(), sql, params, sink).await;
        checkout.finish(result)
    }

    async fn exec(&self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        let mut checkout = Checkout::new(self.conn().await?);
        let result = run_exec(checkout.conn(), sql, params).await;
        checkout.finish(result)
    }

    async fn exec_batch(&self, sql: &str) -> Result<()> {
        let mut checkout = Checkout::new(self.conn().await?);
        let result = run_batch(checkout.conn(), sql).await;
        checkout.finish(result)
    }

    async fn begin(&self) -> Result<Box<dyn TransactionConnection>> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::DriverClosed { driver: "mysql".into() });
        }
        // The guard holds the connection before START TRANSACTION is sent: dropped part-way,
        // it closes the connection (the server rolls back) instead of pooling it.
        let mut tx = MySqlTransaction::new(self.conn().await?);
        tx.begin().await?;
        Ok(Box::new(tx))
    }

    async fn close(&self) -> Result<()> {
        if !self.closed.swap(true, Ordering::AcqRel) {
            self.pool.clone().disconnect().await.map_err(|e| Error::Connection {
                driver: "mysql".into(),
                message: format!("closing the pool: {e}"),
                source: Some(Box::new(e)),
            })?;
        }
        Ok(())
    }
}
