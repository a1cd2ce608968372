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
use tokio::sync::{Mutex as AsyncMutex, OwnedSemaphorePermit, Semaphore, SemaphorePermit};

use crate::config::SqliteConfig;
use crate::error::{Error, Result};

use super::conn::Conn;

/// The async lock that serialises the writers of one database.
pub(super) type Gate = Arc<AsyncMutex<()>>;

const DEFAULT_POOL_SIZE: usize = 4;
const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5_000;

pub(super) struct Pool {
    path: String,
    memory: bool,
    busy_timeout: Duration,
    /// Boxed: a check-out and return moves a pointer, not the whole connection (its caches).
    #[allow(clippy::vec_box)]
    idle: Mutex<Vec<Box<Conn>>>,
    permits: Arc<Semaphore>,
    pub(super) gate: Gate,
    closed: AtomicBool,
}

/// A connection checked out of the pool, with the pool and the permit it holds; it goes back
/// when dropped.
pub(super) struct Checkout<P: Deref<Target = Pool>, G> {
    conn: Option<Box<Conn>>,
    pool: P,
    _permit: G,
}

/// A checkout that owns its hold on the pool (kept by a transaction).
pub(super) type PooledConn = Checkout<Arc<Pool>, OwnedSemaphorePermit>;

/// A checkout for one statement, borrowing the pool (no reference counts touched).
pub(super) type BorrowedConn<'p> = Checkout<&'p Pool, SemaphorePermit<'p>>;

impl<P: Deref<Target = Pool>, G> Deref for Checkout<P, G> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn.as_ref().expect("a pooled connection is present until drop")
    }
}

impl<P: Deref<Target = Pool>, G> Drop for Checkout<P, G> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if !self.pool.closed.load(Ordering::Acquire) {
                self.pool.idle.lock().push(conn);
            }
        }
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
            idle: Mutex::new(vec![first]),
            permits: Arc::new(Semaphore::new(size)),
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
        let permit = match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(tokio::sync::TryAcquireError::Closed) => return Err(Self::closed_error()),
            Err(tokio::sync::TryAcquireError::NoPermits) => {
                Arc::clone(&self.permits).acquire_owned().await.map_err(|_| Self::closed_error())?
            }
        };
        Self::checked_out(Arc::clone(self), permit)
    }

    /// Checks out a connection for one statement if one is free at once (`None` when all are
    /// in use).
    pub(super) fn try_acquire(&self) -> Option<Result<BorrowedConn<'_>>> {
        match self.permits.try_acquire() {
            Ok(permit) => Some(Self::checked_out(self, permit)),
            Err(tokio::sync::TryAcquireError::Closed) => Some(Err(Self::closed_error())),
            Err(tokio::sync::TryAcquireError::NoPermits) => None,
        }
    }

    fn checked_out<P: Deref<Target = Pool>, G>(pool: P, permit: G) -> Result<Checkout<P, G>> {
        if pool.closed.load(Ordering::Acquire) {
            return Err(Self::closed_error());
        }
        let idle = pool.idle.lock().pop();
        let conn = match idle {
            Some(conn) => conn,
            // An in-memory database has exactly one connection, which never leaves the pool
            // for good; a new one would be a different, empty database.
            None if pool.memory => return Err(Self::closed_error()),
            None => Self::open_connection(&pool.path, false, pool.busy_timeout)?,
        };
        Ok(Checkout { conn: Some(conn), pool, _permit: permit })
    }

    pub(super) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.permits.close();
        self.idle.lock().clear();
    }

    pub(super) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}
