//! The SQL of *plain* queries — a table read whole (`db.table("users").get()`) or by key
//! (`db.table("users").find(1)`) with nothing else — compiled once per thread and reused, and
//! the loader that runs a compiled select into typed values.
//!
//! These are the most frequent queries of an application and their text depends only on the
//! dialect, the table and the key column, so compiling them on every call would be wasted
//! work. (A typed model keeps its own compiled selects: see `model/plain.rs`.)

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::dialect::Dialect;
use crate::error::Result;
use crate::ident::{ColumnRef, Ident, TableRef};
use crate::row::FromRow;
use crate::value::Value;

use super::clause::{Boolean, Operator, Query, Where, WhereClause};
use super::{grammar_for, Builder, LoadSink};

/// The most plain statements one thread remembers.
const MAX_CACHED: usize = 512;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    dialect: Dialect,
    table: TableRef,
    /// `Some(key column)` for a find by key.
    by_key: Option<Ident>,
}

thread_local! {
    static CACHE: RefCell<HashMap<Key, Arc<str>, foldhash::fast::RandomState>> = RefCell::default();
}

impl<T> Builder<T> {
    /// Whether the builder is its table alone (nothing selected, filtered, joined, grouped,
    /// ordered or limited).
    pub(crate) fn is_plain(&self) -> bool {
        let q = &self.query;
        q.columns.is_empty()
            && q.from_sub.is_none()
            && q.unions.is_empty()
            && q.lock.is_none()
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
    pub(crate) fn plain_select_sql(&self, dialect: Dialect, by_key: bool) -> Result<Option<Arc<str>>> {
        let Some(table) = self.query.table.as_ref().filter(|_| self.is_plain()) else { return Ok(None) };
        let key = Key { dialect, table: table.clone(), by_key: by_key.then(|| self.key.clone()) };
        if let Some(sql) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
            return Ok(Some(sql));
        }
        let sql: Arc<str> = grammar_for(dialect).compile_select(&self.by_key_query(by_key))?.sql.into();
        CACHE.with(|c| {
            let mut cache = c.borrow_mut();
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            cache.insert(key, Arc::clone(&sql));
        });
        Ok(Some(sql))
    }

    /// The query, and when `by_key`, `AND key = ? LIMIT 1` (the key's value bound last).
    pub(crate) fn by_key_query(&self, by_key: bool) -> Query {
        let mut query = self.query.clone();
        if by_key {
            let condition =
                Where::Basic { column: ColumnRef::column(self.key.clone()), op: Operator::Eq, value: Value::Null };
            if query.wheres.is_empty() {
                query.wheres.push(WhereClause { boolean: Boolean::And, condition });
            } else {
                query.and_where_all(condition);
            }
            query.limit = Some(1);
        }
        query
    }
}

impl<T: FromRow> Builder<T> {
    /// Runs a select already compiled for this builder's connection (`sql` with `params`) and
    /// builds a `T` from each row, reading at most `max_rows` (the SQL's own limit). It runs on
    /// the calling task when the driver can answer at once (no future polled).
    pub(crate) async fn load_compiled(
        &self,
        exec: &crate::connection::Executor<'_>,
        sql: &str,
        params: &[Value],
        max_rows: Option<u64>,
    ) -> Result<Vec<T>> {
        let mut sink = match max_rows {
            Some(limit) => LoadSink::at_most(limit),
            None => LoadSink::new(),
        };
        match exec.select_into_sql_now(sql, params, &mut sink) {
            Some(done) => done?,
            None => exec.select_into_sql(sql, params, &mut sink).await?,
        }
        Ok(sink.finish())
    }
}
