//! Subqueries wherever Laravel takes one: `where_in_sub`, `where_sub` (a column compared
//! with a value a subquery computes), `select_sub`, `from_sub`, `join_sub`/`left_join_sub`.
//! A subquery is any builder (correlated ones name the outer table's columns with
//! `where_column`); its bindings go in their place, and its building errors come back from
//! the outer query's terminal call.
//!
//! ```
//! use bunary_orm::{Builder, Dialect};
//! let latest = Builder::new("posts").select_raw("MAX(created_at)", []).where_column("posts.user_id", "=", "users.id");
//! let q = Builder::new("users")
//!     .select(["users.name"])
//!     .select_sub(latest, "last_post_at")
//!     .where_in_sub("users.id", Builder::new("posts").select(["user_id"]).where_("published", true));
//! assert_eq!(
//!     q.to_sql(Dialect::Postgres).unwrap().sql,
//!     r#"SELECT "users"."name", (SELECT MAX(created_at) FROM "posts" WHERE "posts"."user_id" = "users"."id") AS "last_post_at" FROM "users" WHERE "users"."id" IN (SELECT "user_id" FROM "posts" WHERE "published" = $1)"#
//! );
//! ```

use crate::error::Result;
use crate::ident::{ColumnRef, Ident, TableRef};

use super::clause::{Boolean, IntoOperator, Join, JoinKind, JoinOn, Query, Selection, Where};
use super::Builder;

impl<T> Builder<T> {
    /// The subquery's state, its building error moved to this query.
    pub(super) fn take_sub<U>(&mut self, sub: Builder<U>) -> Option<Box<Query>> {
        match sub.error {
            Some(e) => {
                self.error.get_or_insert(e);
                None
            }
            None => Some(Box::new(sub.query)),
        }
    }

    fn in_sub<U>(mut self, boolean: Boolean, column: &str, sub: Builder<U>, not: bool) -> Self {
        let Some(query) = self.take_sub(sub) else { return self };
        let condition = ColumnRef::plain(column).map(|column| Where::InSub { column, query, not });
        self.push_where_clause(boolean, condition)
    }

    /// `column IN (subquery)` (Laravel's `whereIn` with a query).
    pub fn where_in_sub<U>(self, column: &str, sub: Builder<U>) -> Self {
        self.in_sub(Boolean::And, column, sub, false)
    }

    /// `column NOT IN (subquery)`.
    pub fn where_not_in_sub<U>(self, column: &str, sub: Builder<U>) -> Self {
        self.in_sub(Boolean::And, column, sub, true)
    }

    /// `OR column IN (subquery)`.
    pub fn or_where_in_sub<U>(self, column: &str, sub: Builder<U>) -> Self {
        self.in_sub(Boolean::Or, column, sub, false)
    }

    /// `OR column NOT IN (subquery)`.
    pub fn or_where_not_in_sub<U>(self, column: &str, sub: Builder<U>) -> Self {
        self.in_sub(Boolean::Or, column, sub, true)
    }

    fn compared_sub<U>(mut self, boolean: Boolean, column: &str, op: impl IntoOperator, sub: Builder<U>) -> Self {
        let Some(query) = self.take_sub(sub) else { return self };
        let condition: Result<Where> =
            (|| Ok(Where::Sub { column: ColumnRef::plain(column)?, op: op.into_operator()?, query }))();
        self.push_where_clause(boolean, condition)
    }

    /// `column op (subquery)`: compared with the one value the subquery computes (Laravel's
    /// `where('col', '>', fn ($q) => …)`).
    pub fn where_sub<U>(self, column: &str, op: impl IntoOperator, sub: Builder<U>) -> Self {
        self.compared_sub(Boolean::And, column, op, sub)
    }

    /// `OR column op (subquery)`.
    pub fn or_where_sub<U>(self, column: &str, op: impl IntoOperator, sub: Builder<U>) -> Self {
        self.compared_sub(Boolean::Or, column, op, sub)
    }

    /// Adds `(subquery) AS alias` to the select list (Laravel's `selectSub`).
    pub fn select_sub<U>(mut self, sub: Builder<U>, alias: &str) -> Self {
        let Some(query) = self.take_sub(sub) else { return self };
        match Ident::new(alias, "alias") {
            Ok(alias) => self.query.columns.push(Selection::Sub(query, alias)),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Reads from `(subquery) AS alias` instead of a table (Laravel's `fromSub`). Such a
    /// query reads only: an update or delete on it is
    /// [`QueryProblem::WriteFromSubquery`](crate::QueryProblem::WriteFromSubquery).
    pub fn from_sub<U>(mut self, sub: Builder<U>, alias: &str) -> Self {
        let Some(query) = self.take_sub(sub) else { return self };
        match Ident::new(alias, "alias") {
            Ok(alias) => {
                self.query.table = Some(TableRef { schema: None, name: alias, alias: None });
                self.query.from_sub = Some(query);
            }
            Err(e) => self.fail(e),
        }
        self
    }

    fn push_join_sub<U>(
        mut self,
        kind: JoinKind,
        sub: Builder<U>,
        alias: &str,
        first: &str,
        op: impl IntoOperator,
        second: &str,
    ) -> Self {
        let Some(query) = self.take_sub(sub) else { return self };
        let join: Result<Join> = (|| {
            Ok(Join {
                kind,
                table: TableRef { schema: None, name: Ident::new(alias, "alias")?, alias: None },
                sub: Some(query),
                on: JoinOn::Columns(ColumnRef::plain(first)?, op.into_operator()?, ColumnRef::plain(second)?),
            })
        })();
        match join {
            Ok(join) => self.query.joins.push(join),
            Err(e) => self.fail(e),
        }
        self
    }

    /// `INNER JOIN (subquery) AS alias ON first op second` (Laravel's `joinSub`).
    pub fn join_sub<U>(self, sub: Builder<U>, alias: &str, first: &str, op: impl IntoOperator, second: &str) -> Self {
        self.push_join_sub(JoinKind::Inner, sub, alias, first, op, second)
    }

    /// `LEFT JOIN (subquery) AS alias ON first op second` (Laravel's `leftJoinSub`).
    pub fn left_join_sub<U>(
        self,
        sub: Builder<U>,
        alias: &str,
        first: &str,
        op: impl IntoOperator,
        second: &str,
    ) -> Self {
        self.push_join_sub(JoinKind::Left, sub, alias, first, op, second)
    }
}
