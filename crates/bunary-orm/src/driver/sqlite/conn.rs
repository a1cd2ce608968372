//! One SQLite connection with what it remembers between statements: its prepared statements
//! (rusqlite's cache) and the shape of each statement's result (column names and how to read
//! them).
//!
//! The shape of a statement is read once, after its first step (SQLite re-prepares a statement
//! inside `step` after a schema change, so metadata read before it can be stale), and reused
//! while the statement is the same prepared statement and has not been re-prepared since:
//!
//! - every statement is prepared through [`Conn::prepare`], which counts the distinct SQL texts
//!   prepared since rusqlite's cache was last emptied, and empties both rusqlite's cache and
//!   ours before that count could exceed rusqlite's capacity. rusqlite's cache therefore never
//!   evicts a statement on its own, so a shape in our map belongs to the very statement object
//!   rusqlite hands back for that SQL;
//! - SQLite counts the re-preparations of each statement (`SQLITE_STMTSTATUS_REPREPARE`); a
//!   schema change that alters a result (a column added, renamed, retyped) re-prepares the
//!   statement on its next step, so a cached shape is used only while that count is unchanged.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;

use rusqlite::{CachedStatement, Connection, Statement, StatementStatus};

use crate::row::Columns;

use super::convert::Hint;

/// How many prepared statements one connection keeps (rusqlite's cache capacity).
pub(super) const STATEMENT_CACHE: usize = 256;

/// A statement's result: its column names (shared by all its rows) and each column's hint.
pub(super) struct Shape {
    /// The statement's SQL.
    sql: Box<str>,
    pub(super) columns: Columns,
    pub(super) hints: Box<[Hint]>,
    /// The statement's re-preparation count when the shape was read.
    reprepared: i32,
}

impl Shape {
    fn of(sql: &str, stmt: &Statement<'_>) -> Shape {
        let (names, hints): (Vec<String>, Vec<Hint>) =
            stmt.columns().iter().map(|c| (c.name().to_owned(), Hint::from_decltype(c.decl_type()))).unzip();
        let reprepared = stmt.get_status(StatementStatus::RePrepare);
        Shape { sql: sql.into(), columns: Arc::from(names), hints: hints.into_boxed_slice(), reprepared }
    }

    fn fits(&self, stmt: &Statement<'_>) -> bool {
        stmt.get_status(StatementStatus::RePrepare) == self.reprepared && stmt.column_count() == self.columns.len()
    }
}

/// A SQLite connection and its caches. Derefs to the rusqlite connection.
pub(super) struct Conn {
    db: Connection,
    /// Every SQL text prepared since rusqlite's cache was last emptied, with its result's
    /// shape once read.
    statements: RefCell<HashMap<Box<str>, Option<Arc<Shape>>, foldhash::fast::RandomState>>,
    /// The shape [`prepare`](Conn::prepare) found for the statement it returned, with the
    /// address and length of the SQL it was asked for, so that the [`shape`](Conn::shape) call
    /// that follows with the same text needs no second lookup nor a comparison of the text.
    last: RefCell<Option<(SqlAt, Arc<Shape>)>>,
}

/// Where a borrowed SQL text lives: the same address and length, borrowed through one
/// statement's run, is the same text.
#[derive(Clone, Copy, PartialEq, Eq)]
struct SqlAt(usize, usize);

impl SqlAt {
    fn of(sql: &str) -> SqlAt {
        SqlAt(sql.as_ptr() as usize, sql.len())
    }
}

impl Deref for Conn {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.db
    }
}

impl Conn {
    pub(super) fn new(db: Connection) -> Conn {
        db.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Conn { db, statements: RefCell::default(), last: RefCell::default() }
    }

    /// A prepared statement for `sql`, from rusqlite's cache (see the module docs).
    pub(super) fn prepare(&self, sql: &str) -> rusqlite::Result<CachedStatement<'_>> {
        {
            let mut statements = self.statements.borrow_mut();
            if let Some(shape) = statements.get(sql) {
                *self.last.borrow_mut() = shape.as_ref().map(|shape| (SqlAt::of(sql), Arc::clone(shape)));
            } else {
                // A new statement: no shape yet (nor a stale one of an earlier statement).
                *self.last.borrow_mut() = None;
                // A margin below the capacity: a statement in use when the cache is emptied goes
                // back into it afterwards, uncounted.
                if statements.len() >= STATEMENT_CACHE - 8 {
                    self.db.flush_prepared_statement_cache();
                    statements.clear();
                }
                statements.insert(sql.into(), None);
            }
        }
        self.db.prepare_cached(sql)
    }

    /// The shape of `stmt` (prepared from `sql` by [`prepare`](Conn::prepare), stepped at least
    /// once), from the cache when it still fits.
    pub(super) fn shape(&self, sql: &str, stmt: &Statement<'_>) -> Arc<Shape> {
        if let Some((at, shape)) = self.last.borrow_mut().take() {
            // The text prepared last, still borrowed by the caller (or, at another address, an
            // equal text).
            if (at == SqlAt::of(sql) || *shape.sql == *sql) && shape.fits(stmt) {
                return shape;
            }
        }
        let mut statements = self.statements.borrow_mut();
        if let Some(Some(shape)) = statements.get(sql) {
            if shape.fits(stmt) {
                return Arc::clone(shape);
            }
        }
        let shape = Arc::new(Shape::of(sql, stmt));
        // Present unless the statement came from elsewhere; then it is simply not kept.
        if let Some(slot) = statements.get_mut(sql) {
            *slot = Some(Arc::clone(&shape));
        }
        shape
    }
}
