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
use crate::row::RowSink;
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

    /// Where a statement that returns rows goes: a replica for a plain read (unless this
    /// context is stuck to the primary), the primary for anything else (which then counts as
    /// a write for stickiness).
    fn reader(&self, sql: &str) -> &Arc<dyn DatabaseDriver> {
        let plain = is_plain_read(sql);
        if plain && !self.replicas.is_empty() && !self.stuck_to_primary() {
            return self.replica();
        }
        if !plain {
            self.wrote();
        }
        &self.primary
    }
}

/// Whether `sql` only reads and locks nothing: it starts with `SELECT` and holds none of
/// ` FOR UPDATE`, ` FOR SHARE`, ` LOCK IN SHARE MODE`, ` INTO ` (in any case). One pass over the
/// bytes and no allocation: it runs before every read of a replica configuration.
pub(crate) fn is_plain_read(sql: &str) -> bool {
    let head = sql.trim_start_matches(|c: char| c.is_whitespace() || c == '(').as_bytes();
    let starts_with_select = head.len() >= 6
        && head[..6].eq_ignore_ascii_case(b"select")
        && !head.get(6).is_some_and(u8::is_ascii_alphabetic);
    if !starts_with_select {
        return false;
    }
    let bytes = sql.as_bytes();
    let follows = |at: usize, word: &[u8]| bytes.get(at..at + word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word));
    // A tight scan for a space; the four bytes after it (ASCII letters folded to lower case)
    // say whether a keyword may start there, and only then is the rest compared.
    let mut at = 0;
    while at + 5 <= bytes.len() {
        if bytes[at] == b' ' {
            let next = at + 1;
            let word = [bytes[next] | 0x20, bytes[next + 1] | 0x20, bytes[next + 2] | 0x20, bytes[next + 3] | 0x20];
            let locks = match &word {
                b"for " => follows(next, b"for update") || follows(next, b"for share"),
                b"lock" => follows(next, b"lock in share mode"),
                b"into" => follows(next, b"into "),
                _ => false,
            };
            if locks {
                return false;
            }
        }
        at += 1;
    }
    true
}

#[async_trait]
impl DatabaseDriver for ReadWriteDriver {
    fn name(&self) -> &str {
        self.primary.name()
    }

    fn dialect(&self) -> Dialect {
        self.primary.dialect()
    }

    // The fast paths are forwarded, so that a typed load through a replica configuration
    // streams its rows as it does on a plain one (no `Vec<Row>` first).
    async fn query_into(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        self.reader(sql).query_into(sql, params, sink).await
    }

    fn query_into_now(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Option<Result<()>> {
        self.reader(sql).query_into_now(sql, params, sink)
    }

    fn read_route(&self) -> Option<&dyn DatabaseDriver> {
        if !self.replicas.is_empty() && !self.stuck_to_primary() {
            return Some(&**self.replica());
        }
        Some(&*self.primary)
    }

    fn exec_now(&self, sql: &str, params: &[Value]) -> Option<Result<ExecResult>> {
        self.wrote();
        self.primary.exec_now(sql, params)
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
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A driver that counts the calls of its read paths.
    #[derive(Default)]
    struct Counting {
        query_into: AtomicUsize,
        query_into_now: AtomicUsize,
    }

    #[async_trait]
    impl DatabaseDriver for Counting {
        fn name(&self) -> &str {
            "counting"
        }
        fn dialect(&self) -> Dialect {
            Dialect::Sqlite
        }
        async fn query_into(&self, _sql: &str, _params: &[Value], _sink: &mut (dyn RowSink + Send)) -> Result<()> {
            self.query_into.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        fn query_into_now(
            &self,
            _sql: &str,
            _params: &[Value],
            _sink: &mut (dyn RowSink + Send),
        ) -> Option<Result<()>> {
            self.query_into_now.fetch_add(1, Ordering::Relaxed);
            Some(Ok(()))
        }
        fn exec_now(&self, _sql: &str, _params: &[Value]) -> Option<Result<ExecResult>> {
            None
        }
        async fn exec(&self, _sql: &str, _params: &[Value]) -> Result<ExecResult> {
            Ok(ExecResult { rows_affected: 0, last_insert_id: None })
        }
        async fn exec_batch(&self, _sql: &str) -> Result<()> {
            Ok(())
        }
        async fn begin(&self) -> Result<Box<dyn TransactionConnection>> {
            Err(crate::error::Error::other("not in this test"))
        }
        async fn close(&self) -> Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn every_read_path_is_forwarded_to_the_replica_or_the_primary() {
        let primary = Arc::new(Counting::default());
        let replica = Arc::new(Counting::default());
        let rw = ReadWriteDriver::new(primary.clone(), vec![replica.clone() as Arc<dyn DatabaseDriver>], false);
        let mut sink = crate::row::CollectRows::default();
        rw.query_into("SELECT * FROM t", &[], &mut sink).await.unwrap();
        rw.query_into("SELECT * FROM t FOR UPDATE", &[], &mut sink).await.unwrap();
        assert_eq!(replica.query_into.load(Ordering::Relaxed), 1, "a plain read streams from the replica");
        assert_eq!(primary.query_into.load(Ordering::Relaxed), 1, "a locking read streams from the primary");
        // `query` is `query_into` with a collecting sink: it cannot take another way.
        rw.query("SELECT * FROM t", &[]).await.unwrap();
        assert_eq!(replica.query_into.load(Ordering::Relaxed), 2);
        assert!(rw.query_into_now("SELECT * FROM t", &[], &mut sink).is_some(), "the answer-at-once path too");
        assert_eq!(replica.query_into_now.load(Ordering::Relaxed), 1);
        assert_eq!(primary.query_into_now.load(Ordering::Relaxed), 0);
    }

    fn is(route: Option<&dyn DatabaseDriver>, driver: &Arc<Counting>) -> bool {
        route.is_some_and(|r| std::ptr::addr_eq(r as *const dyn DatabaseDriver, Arc::as_ptr(driver)))
    }

    #[tokio::test]
    async fn a_known_read_is_routed_without_its_sql_and_sticks_after_a_write() {
        let primary = Arc::new(Counting::default());
        let replica = Arc::new(Counting::default());
        let rw = ReadWriteDriver::new(primary.clone(), vec![replica.clone() as Arc<dyn DatabaseDriver>], true);
        assert!(is(rw.read_route(), &replica), "a read goes to the replica");
        rw.exec("UPDATE t SET a = 1", &[]).await.unwrap();
        assert!(is(rw.read_route(), &primary), "after a write, this task reads the primary");
        let plain = ReadWriteDriver::new(primary.clone(), Vec::new(), false);
        assert!(is(plain.read_route(), &primary), "no replica: the primary");
    }

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
        assert!(!is_plain_read("select * from t lock in share mode"));
        assert!(!is_plain_read("SELECT * FROM t For Update"));
        assert!(!is_plain_read("selection()"), "a word that starts with select is not SELECT");
        assert!(is_plain_read("SELECT * FROM forum WHERE info = ? AND lock_id = ?"), "only the keywords count");
        assert!(is_plain_read("SELECT * FROM t WHERE a IN (1)"), "IN is not INTO");
    }
}
