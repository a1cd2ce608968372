//! [`ReadWriteDriver`]: a primary and its read replicas behind one driver.
//!
//! A statement is a read when it starts with `SELECT` and does not lock rows (`FOR UPDATE`,
//! `FOR SHARE`); reads go to the replicas in turn. Everything else (writes, DDL, transactions)
//! goes to the primary. With `sticky`, an async context that wrote reads from the primary for
//! [`STICKY_WINDOW`], so it sees its own writes at once whatever the replicas' lag. A context
//! is a spawned task, or, for code that runs outside any task (the body of `#[tokio::main]`,
//! `#[tokio::test]`, `Runtime::block_on`), the thread that blocks on it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use parking_lot::Mutex;

use crate::dialect::Dialect;
use crate::driver::{DatabaseDriver, ExecResult, TransactionConnection};
use crate::error::Result;
use crate::row::Row;
use crate::value::Value;

/// How long a task that wrote keeps reading from the primary.
pub const STICKY_WINDOW: Duration = Duration::from_secs(30);

/// A primary with read replicas.
pub struct ReadWriteDriver {
    primary: Arc<dyn DatabaseDriver>,
    replicas: Vec<Arc<dyn DatabaseDriver>>,
    next: AtomicUsize,
    sticky: bool,
    writers: Mutex<HashMap<Context, Instant>>,
}

/// Where a statement runs from, for sticky reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Context {
    /// A spawned task (it may move between threads).
    Task(tokio::task::Id),
    /// Code outside any task: a future given to `block_on` runs on the one thread that
    /// blocks on it.
    Thread(std::thread::ThreadId),
}

impl Context {
    fn current() -> Context {
        match tokio::task::try_id() {
            Some(id) => Context::Task(id),
            None => Context::Thread(std::thread::current().id()),
        }
    }
}

impl ReadWriteDriver {
    /// Wraps a primary and its replicas.
    pub fn new(primary: Arc<dyn DatabaseDriver>, replicas: Vec<Arc<dyn DatabaseDriver>>, sticky: bool) -> Self {
        ReadWriteDriver { primary, replicas, next: AtomicUsize::new(0), sticky, writers: Mutex::new(HashMap::new()) }
    }

    fn wrote(&self) {
        if !self.sticky {
            return;
        }
        let mut writers = self.writers.lock();
        let now = Instant::now();
        writers.retain(|_, at| now.duration_since(*at) < STICKY_WINDOW);
        writers.insert(Context::current(), now);
    }

    fn stuck_to_primary(&self) -> bool {
        if !self.sticky {
            return false;
        }
        self.writers.lock().get(&Context::current()).is_some_and(|at| at.elapsed() < STICKY_WINDOW)
    }

    fn replica(&self) -> &Arc<dyn DatabaseDriver> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.replicas.len();
        &self.replicas[i]
    }
}

/// Whether `sql` only reads and locks nothing.
pub(crate) fn is_plain_read(sql: &str) -> bool {
    let head = sql.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
    let word: String = head.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    if !word.eq_ignore_ascii_case("select") {
        return false;
    }
    let upper = sql.to_ascii_uppercase();
    !(upper.contains(" FOR UPDATE")
        || upper.contains(" FOR SHARE")
        || upper.contains(" LOCK IN SHARE MODE")
        || upper.contains(" INTO "))
}

#[async_trait]
impl DatabaseDriver for ReadWriteDriver {
    fn name(&self) -> &str {
        self.primary.name()
    }

    fn dialect(&self) -> Dialect {
        self.primary.dialect()
    }

    async fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        if is_plain_read(sql) && !self.replicas.is_empty() && !self.stuck_to_primary() {
            return self.replica().query(sql, params).await;
        }
        if !is_plain_read(sql) {
            self.wrote();
        }
        self.primary.query(sql, params).await
    }

    async fn exec(&self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        self.wrote();
        self.primary.exec(sql, params).await
    }

    async fn exec_batch(&self, sql: &str) -> Result<()> {
        self.wrote();
        self.primary.exec_batch(sql).await
    }

    async fn begin(&self) -> Result<Box<dyn TransactionConnection>> {
        self.wrote();
        self.primary.begin().await
    }

    async fn begin_schema_change(&self) -> Result<Box<dyn TransactionConnection>> {
        self.wrote();
        self.primary.begin_schema_change().await
    }

    async fn close(&self) -> Result<()> {
        let mut result = self.primary.close().await;
        for r in &self.replicas {
            if let Err(e) = r.close().await {
                result = result.and(Err(e));
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::is_plain_read;

    #[test]
    fn reads_are_plain_selects() {
        assert!(is_plain_read("SELECT * FROM users"));
        assert!(is_plain_read("  (select 1)"));
        assert!(!is_plain_read("SELECT * FROM users FOR UPDATE"));
        assert!(!is_plain_read("select * from t for share"));
        assert!(!is_plain_read("INSERT INTO users VALUES (1) RETURNING id"));
        assert!(!is_plain_read("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"));
        assert!(!is_plain_read("UPDATE users SET a = 1"));
        assert!(!is_plain_read("SELECT * INTO backup FROM users"));
    }
}
