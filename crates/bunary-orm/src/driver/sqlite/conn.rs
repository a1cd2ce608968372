//! One SQLite connection with what it remembers between statements: the shape of each
//! statement's result (column names and how to read them) and a buffer for one row's values.
//!
//! rusqlite caches the prepared statements themselves; this caches what we derive from them,
//! so that running the same query again allocates no column names. The shape is read after
//! the statement's first step (SQLite re-prepares a statement inside `step` after a schema
//! change, so metadata read before it can be stale) and a cached one is checked against the
//! statement every time: same column count, same names, and no re-preparation since it was
//! cached (a schema change that keeps the names but changes a declared type re-prepares the
//! statement). A statement that left rusqlite's cache and was prepared anew keeps a cached
//! shape only when its names match.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;

use rusqlite::{Connection, Statement, StatementStatus};

use crate::row::Columns;
use crate::value::Value;

use super::convert::Hint;

/// The most statement shapes one connection remembers (as many as statements it caches).
const MAX_SHAPES: usize = 256;

/// A statement's result: its column names (shared by all its rows) and each column's hint.
pub(super) struct Shape {
    pub(super) columns: Columns,
    pub(super) hints: Box<[Hint]>,
    /// The statement's re-preparation count when the shape was read.
    reprepared: i32,
}

impl Shape {
    fn of(stmt: &Statement<'_>) -> Shape {
        let (names, hints): (Vec<String>, Vec<Hint>) =
            stmt.columns().iter().map(|c| (c.name().to_owned(), Hint::from_decltype(c.decl_type()))).unzip();
        let reprepared = stmt.get_status(StatementStatus::RePrepare);
        Shape { columns: Arc::from(names), hints: hints.into_boxed_slice(), reprepared }
    }

    fn fits(&self, stmt: &Statement<'_>) -> bool {
        stmt.column_count() == self.columns.len()
            && stmt.get_status(StatementStatus::RePrepare) == self.reprepared
            && self.columns.iter().enumerate().all(|(i, name)| stmt.column_name(i).is_ok_and(|n| n == name))
    }
}

/// A SQLite connection and its caches. Derefs to the rusqlite connection.
pub(super) struct Conn {
    db: Connection,
    shapes: RefCell<HashMap<Box<str>, Arc<Shape>, foldhash::fast::RandomState>>,
    values: RefCell<Vec<Value>>,
}

impl Deref for Conn {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.db
    }
}

impl Conn {
    pub(super) fn new(db: Connection) -> Conn {
        Conn { db, shapes: RefCell::default(), values: RefCell::default() }
    }

    /// The shape of `stmt` (prepared from `sql`, stepped at least once), from the cache when
    /// it still fits.
    pub(super) fn shape(&self, sql: &str, stmt: &Statement<'_>) -> Arc<Shape> {
        let mut shapes = self.shapes.borrow_mut();
        if let Some(shape) = shapes.get(sql) {
            if shape.fits(stmt) {
                return Arc::clone(shape);
            }
        }
        let shape = Arc::new(Shape::of(stmt));
        if shapes.len() >= MAX_SHAPES {
            shapes.clear();
        }
        shapes.insert(sql.into(), Arc::clone(&shape));
        shape
    }

    /// A row buffer of `len` values, reused from the last query on this connection; give it
    /// back with [`return_values`](Conn::return_values).
    pub(super) fn take_values(&self, len: usize) -> Vec<Value> {
        let mut values = std::mem::take(&mut *self.values.borrow_mut());
        values.clear();
        values.resize(len, Value::Null);
        values
    }

    pub(super) fn return_values(&self, mut values: Vec<Value>) {
        values.clear();
        *self.values.borrow_mut() = values;
    }
}
