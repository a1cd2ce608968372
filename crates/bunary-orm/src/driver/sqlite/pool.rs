//! SQLite connections: opening them, a small pool, and the write gate.
//!
//! SQLite allows one writer at a time. Instead of letting writers spin in SQLite's busy
//! handler (which would block a runtime thread, and on a single-threaded runtime block the
//! very transaction they wait for), writers first take an async *gate*, one per database file
//! in this process. Readers need no gate: in WAL mode they read the last committed state while
//! a write is under way.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::Mutex;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Mutex as AsyncMutex, Notify};

use crate::config::SqliteConfig;
use crate::error::{Error, Result};

use super::conn::Conn;

/// The async lock that serialises the writers of one database.
pub(super) type Gate = Arc<AsyncMutex<()>>;

const DEFAULT_POOL_SIZE: usize = 4;
const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5_000;

/// The pool's books, under one lock: a check-out or a return is one lock and one unlock.
struct Slots {
    /// Boxed: a check-out and return moves a pointer, not the whole connection (its caches).
    #[allow(clippy::vec_box)]
    idle: Vec<Box<Conn>>,
    /// Connections checked out (or being opened).
    out: usize,
    /// Tasks waiting for a connection; a return wakes one only when there are some.
    waiting: usize,
}

pub(super) struct Pool {
    path: String,
    memory: bool,
    busy_timeout: Duration,
    size: usize,
    slots: Mutex<Slots>,
    /// Signalled when a connection comes back (one waiter) or the pool closes (all).
    returned: Notify,
    pub(super) gate: Gate,
    closed: AtomicBool,
}

/// A connection checked out of the pool, with the pool it goes back to when dropped.
pub(super) struct Checkout<P: Deref<Target = Pool>> {
    conn: Option<Box<Conn>>,
    pool: P,
}

/// A checkout that owns its hold on the pool (kept by a transaction).
pub(super) type PooledConn = Checkout<Arc<Pool>>;

/// A checkout for one statement, borrowing the pool (no reference counts touched).
pub(super) type BorrowedConn<'p> = Checkout<&'p Pool>;

impl<P: Deref<Target = Pool>> Deref for Checkout<P> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn.as_ref().expect("a pooled connection is present until drop")
    }
}

impl<P: Deref<Target = Pool>> Drop for Checkout<P> {
    fn drop(&mut self) {
        self.pool.give_back(self.conn.take());
    }
}

/// A task counted among the pool's waiters until dropped (woken, or cancelled).
struct Waiting<'p>(&'p Pool);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.slots.lock().waiting -= 1;
    }
}

fn connection_error(path: &str, err: rusqlite::Error) -> Error {
    Error::Connection {
        driver: "sqlite".into(),
        message: format!("cannot open `{path}`: {err}"),
        source: Some(Box::new(err)),
    }
}

/// One gate per database file in this process, so that two drivers on the same file (after a
/// config change, or two `Db::connect` calls) never wait on each other inside SQLite.
fn gate_for(path: &str) -> Gate {
    static GATES: Mutex<Option<HashMap<PathBuf, Weak<AsyncMutex<()>>>>> = Mutex::new(None);
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path));
    let mut gates = GATES.lock();
    let map = gates.get_or_insert_with(HashMap::new);
    map.retain(|_, gate| gate.strong_count() > 0);
    if let Some(gate) = map.get(&key).and_then(Weak::upgrade) {
        return gate;
    }
    let gate = Arc::new(AsyncMutex::new(()));
    map.insert(key, Arc::downgrade(&gate));
    gate
}

impl Pool {
    pub(super) fn open(config: &SqliteConfig) -> Result<Arc<Pool>> {
        let memory = config.is_memory();
        let size = if memory { 1 } else { config.pool_size.unwrap_or(DEFAULT_POOL_SIZE).max(1) };
        let busy_timeout = Duration::from_millis(config.busy_timeout_ms.unwrap_or(DEFAULT_BUSY_TIMEOUT_MS));
        let path = if memory { SqliteConfig::MEMORY.to_owned() } else { config.path.clone() };
        let first = Self::open_connection(&path, memory, busy_timeout)?;
        let gate = if memory { Arc::new(AsyncMutex::new(())) } else { gate_for(&path) };
        Ok(Arc::new(Pool {
            path,
            memory,
            busy_timeout,
            size,
            slots: Mutex::new(Slots { idle: vec![first], out: 0, waiting: 0 }),
            returned: Notify::new(),
            gate,
            closed: AtomicBool::new(false),
        }))
    }

    fn open_connection(path: &str, memory: bool, busy_timeout: Duration) -> Result<Box<Conn>> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| connection_error(path, e))?;
        // A double-quoted name that matches no column must be an error, not a string literal
        // (SQLite's "double-quoted string" misfeature would turn `WHERE "typo" = ?` into a
        // comparison with the text 'typo', and index a constant).
        for option in [DbConfig::SQLITE_DBCONFIG_DQS_DML, DbConfig::SQLITE_DBCONFIG_DQS_DDL] {
            conn.set_db_config(option, false).map_err(|e| connection_error(path, e))?;
        }
        conn.busy_timeout(busy_timeout).map_err(|e| connection_error(path, e))?;
        let pragmas = if memory {
            "PRAGMA foreign_keys = ON;"
        } else {
            "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
        };
        conn.execute_batch(pragmas).map_err(|e| connection_error(path, e))?;
        Ok(Box::new(Conn::new(conn)))
    }

    fn closed_error() -> Error {
        Error::DriverClosed { driver: "sqlite".into() }
    }

    /// Checks out a connection, waiting (asynchronously) while all are in use.
    pub(super) async fn acquire(self: &Arc<Self>) -> Result<PooledConn> {
        loop {
            // Registered before looking, so that a return between the look and the wait is
            // not missed.
            let returned = self.returned.notified();
            tokio::pin!(returned);
            returned.as_mut().enable();
            let waiting = match self.take(true) {
                Some(taken) => return Ok(Checkout { conn: Some(taken?), pool: Arc::clone(self) }),
                None => Waiting(self),
            };
            returned.await;
            drop(waiting);
        }
    }

    /// Checks out a connection for one statement if one is free at once (`None` when all are
    /// in use).
    pub(super) fn try_acquire(&self) -> Option<Result<BorrowedConn<'_>>> {
        Some(self.take(false)?.map(|conn| Checkout { conn: Some(conn), pool: self }))
    }

    /// An idle connection, or a new one while the pool is below its size; `None` when all are
    /// out (counted among the waiters when `wait`, in the same look).
    fn take(&self, wait: bool) -> Option<Result<Box<Conn>>> {
        let mut slots = self.slots.lock();
        if self.closed.load(Ordering::Acquire) {
            return Some(Err(Self::closed_error()));
        }
        if let Some(conn) = slots.idle.pop() {
            slots.out += 1;
            return Some(Ok(conn));
        }
        // An in-memory database has exactly one connection, which never leaves the pool for
        // good; a new one would be a different, empty database.
        if slots.out >= self.size || self.memory {
            slots.waiting += usize::from(wait);
            return None;
        }
        slots.out += 1;
        drop(slots);
        let opened = Self::open_connection(&self.path, false, self.busy_timeout);
        if opened.is_err() {
            self.give_back(None);
        }
        Some(opened)
    }

    /// Returns a checked-out connection (`None`: its slot only, the connection is gone) and
    /// wakes a waiter if there is one.
    fn give_back(&self, conn: Option<Box<Conn>>) {
        let mut slots = self.slots.lock();
        slots.out -= 1;
        if let Some(conn) = conn {
            if !self.closed.load(Ordering::Acquire) {
                slots.idle.push(conn);
            }
        }
        let wake = slots.waiting > 0;
        drop(slots);
        if wake {
            self.returned.notify_one();
        }
    }

    pub(super) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        // Taken out under the lock, closed after it is released.
        let idle = std::mem::take(&mut self.slots.lock().idle);
        drop(idle);
        self.returned.notify_waiters();
    }

    pub(super) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}
