//! A model's *plain* selects — its table with nothing but its scopes, read whole
//! (`User::all()`) or by key (`User::find(1)`) — compiled once for the life of the program.
//!
//! They are an application's most frequent queries and their text depends only on the
//! dialect, whether a key is looked up, and how trashed rows are read; the derive gives each
//! model a `static` [`PlainSql`], so that running one costs no compiling and no reference count.

use std::sync::OnceLock;

use crate::dialect::Dialect;
use crate::error::Result;
use crate::ident::{Ident, TableRef};

use super::query::ModelQuery;
use super::{soft_deletes, Entity};

/// The compiled plain selects of one model type: one slot per dialect, read (all rows or by
/// key) and soft-delete mode; and its table and key column, validated once.
#[doc(hidden)]
pub struct PlainSql {
    slots: [OnceLock<Box<str>>; 18],
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

    /// The SQL of `query`'s plain select (`by_key`: `WHERE key = ? … LIMIT 1`, the key bound
    /// first) in `dialect`; `query` must be plain (its builder its table alone).
    pub(crate) fn select<M: Entity>(
        &'static self,
        query: &ModelQuery<M>,
        dialect: Dialect,
        by_key: bool,
    ) -> Result<&'static str> {
        let dialect_index = match dialect {
            Dialect::Sqlite => 0,
            Dialect::Postgres => 1,
            Dialect::MySql => 2,
        };
        let slot =
            &self.slots[dialect_index * 6 + usize::from(by_key) * 3 + soft_deletes::mode_index::<M>(query.trashed())];
        if let Some(sql) = slot.get() {
            return Ok(sql);
        }
        let mut base = query.get_query().clone();
        base.query = base.by_key_query(by_key);
        let sql = query.apply_scopes(base).to_sql(dialect)?.sql.into_boxed_str();
        Ok(slot.get_or_init(|| sql))
    }
}

impl Default for PlainSql {
    fn default() -> Self {
        Self::new()
    }
}
