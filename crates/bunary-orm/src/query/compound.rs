//! Unions and row locks.
//!
//! ```
//! use bunary_orm::{Builder, Dialect, Direction};
//! let q = Builder::new("admins").select(["name"])
//!     .union(Builder::new("users").select(["name"]).where_("active", true))
//!     .order_by("name", Direction::Asc)
//!     .limit(10);
//! assert_eq!(
//!     q.to_sql(Dialect::Postgres).unwrap().sql,
//!     r#"(SELECT "name" FROM "admins") UNION (SELECT "name" FROM "users" WHERE "active" = $1) ORDER BY "name" ASC LIMIT 10"#
//! );
//! let locked = Builder::new("accounts").where_("id", 1).lock_for_update();
//! assert_eq!(locked.to_sql(Dialect::MySql).unwrap().sql, "SELECT * FROM `accounts` WHERE `id` = ? FOR UPDATE");
//! ```

use super::clause::Lock;
use super::Builder;

impl<T> Builder<T> {
    fn push_union<U>(mut self, other: Builder<U>, all: bool) -> Self {
        if let Some(query) = self.take_sub(other) {
            self.query.unions.push((*query, all));
        }
        self
    }

    /// `… UNION (other)`: the rows of both, duplicates removed. This query's `order_by`,
    /// `limit` and `offset` apply to the whole union; `other` keeps its own.
    pub fn union<U>(self, other: Builder<U>) -> Self {
        self.push_union(other, false)
    }

    /// `… UNION ALL (other)`: the rows of both, duplicates kept.
    pub fn union_all<U>(self, other: Builder<U>) -> Self {
        self.push_union(other, true)
    }

    /// `FOR UPDATE`: the rows read are locked until the transaction ends (Laravel's
    /// `lockForUpdate`). A locked read runs on the primary under a read/write split. SQLite
    /// has no row locks and writes nothing: inside a transaction that has written, SQLite
    /// holds the whole database's write lock already (begin with a write, or use
    /// `schema_transaction`/`BEGIN IMMEDIATE` semantics, to take it before reading).
    pub fn lock_for_update(mut self) -> Self {
        self.query.lock = Some(Lock::Update);
        self
    }

    /// `FOR SHARE` (MySQL/MariaDB: `LOCK IN SHARE MODE`): others may read-lock the rows, not
    /// change them (Laravel's `sharedLock`). On the primary; nothing on SQLite.
    pub fn shared_lock(mut self) -> Self {
        self.query.lock = Some(Lock::Shared);
        self
    }

    /// Whether reads of this query must run on the primary (a locking read).
    pub(crate) fn reads_primary(&self) -> bool {
        self.query.lock.is_some()
    }
}
