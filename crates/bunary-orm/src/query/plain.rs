//! The SQL of *plain* queries — a table with nothing but its model's scopes, read whole
//! (`User::query().get()`) or by key (`User::find(1)`) — compiled once and reused.
//!
//! These are the most frequent queries of an application and their text depends only on the
//! dialect, the table, the key column and the soft-delete scope, so compiling them on every
//! call would be wasted work. A model's queries keep theirs in a [`PlainSql`] of the model
//! type (the derive makes one); other builders in a per-thread map. Anything else goes through
//! the grammar as usual.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::dialect::Dialect;
use crate::error::Result;
use crate::ident::{ColumnRef, Ident, TableRef};
use crate::value::Value;

use super::clause::{Boolean, Operator, Query, Where, WhereClause};
use super::{grammar_for, Builder, SoftDeletes};

/// The most plain statements one thread remembers.
const MAX_CACHED: usize = 512;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    dialect: Dialect,
    table: TableRef,
    /// `Some(key column)` for a find by key.
    by_key: Option<Ident>,
    soft_deletes: Option<(&'static str, super::Trashed)>,
}

/// The compiled plain selects of one model type: one slot per dialect, read (all rows or by
/// key) and soft-delete mode. The derive gives every model a `static` one.
#[doc(hidden)]
pub struct PlainSql {
    slots: [OnceLock<Arc<str>>; 18],
    /// The model's table and key column, parsed and validated once.
    names: OnceLock<(TableRef, Ident)>,
}

impl PlainSql {
    /// Empty slots.
    pub const fn new() -> Self {
        PlainSql { slots: [const { OnceLock::new() }; 18], names: OnceLock::new() }
    }

    /// `table` and `key` parsed and validated (once: a model's names never change).
    pub(crate) fn names(&self, table: &str, key: &str) -> Result<(TableRef, Ident)> {
        if let Some(names) = self.names.get() {
            return Ok(names.clone());
        }
        let names = (TableRef::parse(table)?, Ident::new(key, "column")?);
        Ok(self.names.get_or_init(|| names).clone())
    }
}

impl Default for PlainSql {
    fn default() -> Self {
        Self::new()
    }
}

fn slot(dialect: Dialect, by_key: bool, soft_deletes: Option<SoftDeletes>) -> usize {
    let dialect = match dialect {
        Dialect::Sqlite => 0,
        Dialect::Postgres => 1,
        Dialect::MySql => 2,
    };
    let mode = match soft_deletes.map(|s| s.mode) {
        None | Some(super::Trashed::Exclude) => 0,
        Some(super::Trashed::Include) => 1,
        Some(super::Trashed::Only) => 2,
    };
    dialect * 6 + usize::from(by_key) * 3 + mode
}

thread_local! {
    static CACHE: RefCell<HashMap<Key, Arc<str>, foldhash::fast::RandomState>> = RefCell::default();
}

/// The SQL of a plain query: a model's, kept for the life of the program (no reference count
/// to touch), or a shared one from the thread's cache.
pub(crate) enum PlainText {
    Static(&'static str),
    Shared(Arc<str>),
}

impl std::ops::Deref for PlainText {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            PlainText::Static(sql) => sql,
            PlainText::Shared(sql) => sql,
        }
    }
}

impl<T> Builder<T> {
    /// Whether the builder is its table and scopes alone (nothing selected, filtered, joined,
    /// grouped, ordered or limited).
    pub(crate) fn is_plain(&self) -> bool {
        let q = &self.query;
        q.columns.is_empty()
            && !q.distinct
            && q.joins.is_empty()
            && q.wheres.is_empty()
            && q.groups.is_empty()
            && q.havings.is_empty()
            && q.orders.is_empty()
            && q.limit.is_none()
            && q.offset.is_none()
            && self.error.is_none()
    }

    /// The SQL of this plain builder's `SELECT *` (`by_key`: `WHERE key = ? LIMIT 1`), from the
    /// thread's cache. `None` when the builder is not plain.
    pub(crate) fn plain_select_sql(&self, dialect: Dialect, by_key: bool) -> Result<Option<PlainText>> {
        let Some(table) = self.query.table.as_ref().filter(|_| self.is_plain()) else { return Ok(None) };
        if let Some(model) = self.plain_sql {
            let slot = &model.slots[slot(dialect, by_key, self.soft_deletes)];
            if let Some(sql) = slot.get() {
                return Ok(Some(PlainText::Static(sql)));
            }
            let sql = self.compile_plain(table, dialect, by_key)?;
            return Ok(Some(PlainText::Static(slot.get_or_init(|| sql))));
        }
        let key = Key {
            dialect,
            table: table.clone(),
            by_key: by_key.then(|| self.key.clone()),
            soft_deletes: self.soft_deletes.map(|SoftDeletes { column, mode }| (column, mode)),
        };
        if let Some(sql) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
            return Ok(Some(PlainText::Shared(sql)));
        }
        let sql = self.compile_plain(table, dialect, by_key)?;
        CACHE.with(|c| {
            let mut cache = c.borrow_mut();
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            cache.insert(key, Arc::clone(&sql));
        });
        Ok(Some(PlainText::Shared(sql)))
    }

    fn compile_plain(&self, table: &TableRef, dialect: Dialect, by_key: bool) -> Result<Arc<str>> {
        let mut query = Query { table: Some(table.clone()), ..Query::default() };
        if by_key {
            let condition =
                Where::Basic { column: ColumnRef::column(self.key.clone()), op: Operator::Eq, value: Value::Null };
            query.wheres.push(WhereClause { boolean: Boolean::And, condition });
            query.limit = Some(1);
        }
        let scoped = Builder { query, ..self.clone() };
        Ok(grammar_for(dialect).compile_select(&scoped.effective_query())?.sql.into())
    }
}
