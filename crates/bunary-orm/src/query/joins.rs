//! Joins: inner, left, right and cross, each on one column comparison
//! (`join("users", "users.id", "=", "posts.user_id")`) or on several conditions built in a
//! closure (`join_with("users", |j| j.on(…).or_on(…).where_(…))`, Laravel's join closure),
//! whose values are bound.

use crate::error::Result;
use crate::ident::{ColumnRef, TableRef};
use crate::value::Value;

use super::clause::{Boolean, IntoOperator, Join, JoinKind, JoinOn, Where, WhereClause};
use super::Builder;

/// `first op second`, two columns, as an `ON` condition.
pub(super) fn on_columns(boolean: Boolean, first: &str, op: impl IntoOperator, second: &str) -> Result<WhereClause> {
    let condition =
        Where::Column { first: ColumnRef::plain(first)?, op: op.into_operator()?, second: ColumnRef::plain(second)? };
    Ok(WhereClause { boolean, condition })
}

/// The `ON` conditions of a join, built in [`Builder::join_with`]'s closure.
///
/// ```
/// use bunary_orm::{Builder, Dialect};
/// let q = Builder::new("posts").join_with("users", |j| {
///     j.on("users.id", "=", "posts.user_id").or_on("users.id", "=", "posts.editor_id").where_("users.active", true)
/// });
/// assert_eq!(
///     q.to_sql(Dialect::Sqlite).unwrap().sql,
///     r#"SELECT * FROM "posts" INNER JOIN "users" ON "users"."id" = "posts"."user_id" OR "users"."id" = "posts"."editor_id" AND "users"."active" = ?"#
/// );
/// ```
#[derive(Debug, Default)]
pub struct JoinClause {
    conditions: Vec<WhereClause>,
    error: Option<crate::error::Error>,
}

impl JoinClause {
    fn push(mut self, condition: Result<WhereClause>) -> Self {
        match condition {
            Ok(c) => self.conditions.push(c),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    fn bound(self, boolean: Boolean, column: &str, op: impl IntoOperator, value: Value) -> Self {
        // The rules of a `where_`: NULL with `=` is `IS NULL`, with another operator an error.
        let condition =
            Builder::<crate::row::Row>::basic(column, op, value).map(|condition| WhereClause { boolean, condition });
        self.push(condition)
    }

    /// `AND first op second`, two columns.
    pub fn on(self, first: &str, op: impl IntoOperator, second: &str) -> Self {
        self.push(on_columns(Boolean::And, first, op, second))
    }

    /// `OR first op second`.
    pub fn or_on(self, first: &str, op: impl IntoOperator, second: &str) -> Self {
        self.push(on_columns(Boolean::Or, first, op, second))
    }

    /// `AND column = ?`, bound.
    pub fn where_(self, column: &str, value: impl Into<Value>) -> Self {
        self.bound(Boolean::And, column, super::clause::Operator::Eq, value.into())
    }

    /// `AND column op ?`, bound.
    pub fn where_op(self, column: &str, op: impl IntoOperator, value: impl Into<Value>) -> Self {
        self.bound(Boolean::And, column, op, value.into())
    }

    /// `OR column = ?`, bound.
    pub fn or_where(self, column: &str, value: impl Into<Value>) -> Self {
        self.bound(Boolean::Or, column, super::clause::Operator::Eq, value.into())
    }

    /// `AND column IS NULL`.
    pub fn where_null(self, column: &str) -> Self {
        let condition = ColumnRef::plain(column)
            .map(|column| WhereClause { boolean: Boolean::And, condition: Where::Null { column, not: false } });
        self.push(condition)
    }

    /// `AND column IN (…)`, bound.
    pub fn where_in<V: Into<Value>>(self, column: &str, values: impl IntoIterator<Item = V>) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        let condition = ColumnRef::plain(column)
            .map(|column| WhereClause { boolean: Boolean::And, condition: Where::In { column, values, not: false } });
        self.push(condition)
    }
}

impl<T> Builder<T> {
    fn push_join(mut self, kind: JoinKind, table: &str, on: Result<JoinOn>) -> Self {
        let join = (|| Ok(Join { kind, table: TableRef::parse(table)?, sub: None, on: on? }))();
        match join {
            Ok(j) => self.query.joins.push(j),
            Err(e) => self.fail(e),
        }
        self
    }

    fn join_on(self, kind: JoinKind, table: &str, first: &str, op: impl IntoOperator, second: &str) -> Self {
        let on = (|| Ok(JoinOn::Columns(ColumnRef::plain(first)?, op.into_operator()?, ColumnRef::plain(second)?)))();
        self.push_join(kind, table, on)
    }

    fn join_closure(self, kind: JoinKind, table: &str, f: impl FnOnce(JoinClause) -> JoinClause) -> Self {
        let clause = f(JoinClause::default());
        let on = match clause.error {
            Some(e) => Err(e),
            None if clause.conditions.is_empty() => Err(crate::error::Error::InvalidQuery {
                problem: crate::error::QueryProblem::NoColumns { what: "a join's ON (use cross_join for none)" },
            }),
            None => Ok(JoinOn::Conditions(clause.conditions)),
        };
        self.push_join(kind, table, on)
    }

    /// `INNER JOIN table ON first op second`.
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let q = Model::table("posts as p").select(["p.title", "u.name"]).join("users as u", "u.id", "=", "p.user_id");
    /// assert_eq!(
    ///     q.to_sql(Dialect::Postgres).unwrap().sql,
    ///     r#"SELECT "p"."title", "u"."name" FROM "posts" AS "p" INNER JOIN "users" AS "u" ON "u"."id" = "p"."user_id""#
    /// );
    /// ```
    pub fn join(self, table: &str, first: &str, op: impl IntoOperator, second: &str) -> Self {
        self.join_on(JoinKind::Inner, table, first, op, second)
    }

    /// `LEFT JOIN table ON first op second`.
    pub fn left_join(self, table: &str, first: &str, op: impl IntoOperator, second: &str) -> Self {
        self.join_on(JoinKind::Left, table, first, op, second)
    }

    /// `RIGHT JOIN table ON first op second`.
    pub fn right_join(self, table: &str, first: &str, op: impl IntoOperator, second: &str) -> Self {
        self.join_on(JoinKind::Right, table, first, op, second)
    }

    /// `CROSS JOIN table`: every pair of rows.
    pub fn cross_join(self, table: &str) -> Self {
        self.push_join(JoinKind::Cross, table, Ok(JoinOn::Nothing))
    }

    /// `INNER JOIN table ON …` with the conditions `f` builds ([`JoinClause`]); an empty one
    /// is an error (a cross join says so: [`cross_join`](Builder::cross_join)).
    pub fn join_with(self, table: &str, f: impl FnOnce(JoinClause) -> JoinClause) -> Self {
        self.join_closure(JoinKind::Inner, table, f)
    }

    /// `LEFT JOIN table ON …` with the conditions `f` builds.
    pub fn left_join_with(self, table: &str, f: impl FnOnce(JoinClause) -> JoinClause) -> Self {
        self.join_closure(JoinKind::Left, table, f)
    }

    /// `RIGHT JOIN table ON …` with the conditions `f` builds.
    pub fn right_join_with(self, table: &str, f: impl FnOnce(JoinClause) -> JoinClause) -> Self {
        self.join_closure(JoinKind::Right, table, f)
    }
}
