//! Conditions: `where_*`, `or_where_*`, groups, raw conditions and `having`.

use crate::error::{Error, Result};
use crate::ident::ColumnRef;
use crate::value::Value;

use super::clause::{Boolean, IntoOperator, Operator, Raw, Where, WhereClause};
use super::{values, Builder};

impl<T> Builder<T> {
    /// Adds a condition, or records its error for the terminal call.
    pub(super) fn push_where_clause(self, boolean: Boolean, condition: Result<Where>) -> Self {
        self.push_where(boolean, condition)
    }

    fn push_where(mut self, boolean: Boolean, condition: Result<Where>) -> Self {
        match condition {
            Ok(condition) => self.query.wheres.push(WhereClause { boolean, condition }),
            Err(e) => self.fail(e),
        }
        self
    }

    /// `column op value`; with a null value, `=` is `IS NULL` and `<>` is `IS NOT NULL` (as in
    /// Laravel), and any other operator is an error (`col > NULL` matches nothing).
    pub(super) fn basic(column: &str, op: impl IntoOperator, value: Value) -> Result<Where> {
        let column = ColumnRef::plain(column)?;
        let op = op.into_operator()?;
        match (value.is_null(), op) {
            (false, _) => Ok(Where::Basic { column, op, value }),
            (true, Operator::Eq | Operator::NullSafeEq) => Ok(Where::Null { column, not: false }),
            (true, Operator::NotEq) => Ok(Where::Null { column, not: true }),
            (true, op) => Err(Error::NullComparison { operator: op.to_string() }),
        }
    }

    /// `column = value`. The seed's `where(column, value)`.
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let q = Model::table("users").where_("name", "Ada").where_("active", true);
    /// assert_eq!(q.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT * FROM "users" WHERE "name" = ? AND "active" = ?"#);
    /// ```
    #[doc(alias = "where")]
    pub fn where_(self, column: &str, value: impl Into<Value>) -> Self {
        let condition = Self::basic(column, Operator::Eq, value.into());
        self.push_where(Boolean::And, condition)
    }

    /// `column op value`, with `op` from the allow-list (`"="`, `">="`, `"like"`, ... or an
    /// [`Operator`]). Another operator is [`Error::InvalidOperator`]
    /// when the query runs.
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let q = Model::table("users").where_op("age", ">=", 18);
    /// assert_eq!(q.to_sql(Dialect::Postgres).unwrap().sql, r#"SELECT * FROM "users" WHERE "age" >= $1"#);
    /// assert!(Model::table("users").where_op("age", "; DROP", 1).to_sql(Dialect::Sqlite).is_err());
    /// ```
    pub fn where_op(self, column: &str, op: impl IntoOperator, value: impl Into<Value>) -> Self {
        let condition = Self::basic(column, op, value.into());
        self.push_where(Boolean::And, condition)
    }

    /// `OR column = value`.
    pub fn or_where(self, column: &str, value: impl Into<Value>) -> Self {
        let condition = Self::basic(column, Operator::Eq, value.into());
        self.push_where(Boolean::Or, condition)
    }

    /// `OR column op value`.
    pub fn or_where_op(self, column: &str, op: impl IntoOperator, value: impl Into<Value>) -> Self {
        let condition = Self::basic(column, op, value.into());
        self.push_where(Boolean::Or, condition)
    }

    fn group(self, boolean: Boolean, f: impl FnOnce(Self) -> Self) -> Self {
        self.group_as(boolean, f, Where::Nested)
    }

    /// The conditions `f` adds to an empty copy, as one condition made by `wrap` (an empty
    /// negated group adds nothing).
    fn group_as(self, boolean: Boolean, f: impl FnOnce(Self) -> Self, wrap: fn(Vec<WhereClause>) -> Where) -> Self {
        let mut inner = self.clone();
        inner.query.wheres.clear();
        let inner = f(inner);
        let mut this = self;
        if let Some(e) = inner.error {
            this.error.get_or_insert(e);
            return this;
        }
        let condition = wrap(inner.query.wheres);
        if matches!(&condition, Where::Not(inner) if inner.is_empty()) {
            return this;
        }
        this.push_where(boolean, Ok(condition))
    }

    /// `AND ( … )`: the conditions added by `f`, parenthesised.
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let q = Model::table("users")
    ///     .where_("active", true)
    ///     .where_group(|q| q.where_("role", "admin").or_where("role", "owner"));
    /// assert_eq!(
    ///     q.to_sql(Dialect::Sqlite).unwrap().sql,
    ///     r#"SELECT * FROM "users" WHERE "active" = ? AND ("role" = ? OR "role" = ?)"#
    /// );
    /// ```
    pub fn where_group(self, f: impl FnOnce(Self) -> Self) -> Self {
        self.group(Boolean::And, f)
    }

    fn not_group(self, boolean: Boolean, f: impl FnOnce(Self) -> Self) -> Self {
        self.group_as(boolean, f, Where::Not)
    }

    /// `AND NOT ( … )`: the conditions added by `f`, negated as a group (Laravel's
    /// `whereNot`); an empty group adds nothing.
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let q = Model::table("users").where_not(|q| q.where_("role", "admin").or_where("banned", true));
    /// assert_eq!(q.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT * FROM "users" WHERE NOT ("role" = ? OR "banned" = ?)"#);
    /// ```
    pub fn where_not(self, f: impl FnOnce(Self) -> Self) -> Self {
        self.not_group(Boolean::And, f)
    }

    /// `OR NOT ( … )`.
    pub fn or_where_not(self, f: impl FnOnce(Self) -> Self) -> Self {
        self.not_group(Boolean::Or, f)
    }

    /// `column op value` for each of `columns`, joined by `joiner`, as one group.
    fn across(
        columns: &[&str],
        op: impl IntoOperator + Copy,
        value: &Value,
        joiner: Boolean,
    ) -> Result<Vec<WhereClause>> {
        if columns.is_empty() {
            return Err(Error::InvalidQuery {
                problem: crate::error::QueryProblem::NoColumns { what: "where_any / where_all / where_none" },
            });
        }
        columns
            .iter()
            .map(|c| Ok(WhereClause { boolean: joiner, condition: Self::basic(c, op, value.clone())? }))
            .collect()
    }

    fn any_all(
        self,
        boolean: Boolean,
        columns: &[&str],
        op: impl IntoOperator + Copy,
        value: Value,
        joiner: Boolean,
        not: bool,
    ) -> Self {
        let condition =
            Self::across(columns, op, &value, joiner)
                .map(|group| if not { Where::Not(group) } else { Where::Nested(group) });
        self.push_where(boolean, condition)
    }

    /// `(a op ? OR b op ? …)`: any of `columns` matches (Laravel's `whereAny`).
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let q = Model::table("users").where_any(&["name", "email"], "like", "%ada%");
    /// assert_eq!(q.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT * FROM "users" WHERE ("name" LIKE ? OR "email" LIKE ?)"#);
    /// ```
    pub fn where_any(self, columns: &[&str], op: impl IntoOperator + Copy, value: impl Into<Value>) -> Self {
        self.any_all(Boolean::And, columns, op, value.into(), Boolean::Or, false)
    }

    /// `(a op ? AND b op ? …)`: every one of `columns` matches (Laravel's `whereAll`).
    pub fn where_all(self, columns: &[&str], op: impl IntoOperator + Copy, value: impl Into<Value>) -> Self {
        self.any_all(Boolean::And, columns, op, value.into(), Boolean::And, false)
    }

    /// `NOT (a op ? OR b op ? …)`: none of `columns` matches (Laravel's `whereNone`).
    pub fn where_none(self, columns: &[&str], op: impl IntoOperator + Copy, value: impl Into<Value>) -> Self {
        self.any_all(Boolean::And, columns, op, value.into(), Boolean::Or, true)
    }

    /// `OR` [`where_any`](Builder::where_any).
    pub fn or_where_any(self, columns: &[&str], op: impl IntoOperator + Copy, value: impl Into<Value>) -> Self {
        self.any_all(Boolean::Or, columns, op, value.into(), Boolean::Or, false)
    }

    /// `OR` [`where_all`](Builder::where_all).
    pub fn or_where_all(self, columns: &[&str], op: impl IntoOperator + Copy, value: impl Into<Value>) -> Self {
        self.any_all(Boolean::Or, columns, op, value.into(), Boolean::And, false)
    }

    /// `OR` [`where_none`](Builder::where_none).
    pub fn or_where_none(self, columns: &[&str], op: impl IntoOperator + Copy, value: impl Into<Value>) -> Self {
        self.any_all(Boolean::Or, columns, op, value.into(), Boolean::Or, true)
    }

    /// `AND EXISTS (subquery)`: any row of `sub` matches (Laravel's `whereExists`). The
    /// subquery may name the outer query's columns (`where_column("posts.user_id", "=", "users.id")`).
    ///
    /// ```
    /// use bunary_orm::{Builder, Dialect};
    /// let posts = Builder::new("posts").where_column("posts.user_id", "=", "users.id");
    /// let q = Builder::new("users").where_exists(posts);
    /// assert_eq!(
    ///     q.to_sql(Dialect::Sqlite).unwrap().sql,
    ///     r#"SELECT * FROM "users" WHERE EXISTS (SELECT * FROM "posts" WHERE "posts"."user_id" = "users"."id")"#
    /// );
    /// ```
    pub fn where_exists<U>(self, sub: Builder<U>) -> Self {
        self.exists_where(Boolean::And, sub, false)
    }

    /// `AND NOT EXISTS (subquery)`.
    pub fn where_not_exists<U>(self, sub: Builder<U>) -> Self {
        self.exists_where(Boolean::And, sub, true)
    }

    /// `OR EXISTS (subquery)`.
    pub fn or_where_exists<U>(self, sub: Builder<U>) -> Self {
        self.exists_where(Boolean::Or, sub, false)
    }

    /// `OR NOT EXISTS (subquery)`.
    pub fn or_where_not_exists<U>(self, sub: Builder<U>) -> Self {
        self.exists_where(Boolean::Or, sub, true)
    }

    fn exists_where<U>(mut self, boolean: Boolean, sub: Builder<U>, not: bool) -> Self {
        let Some(query) = self.take_sub(sub) else { return self };
        self.push_where(boolean, Ok(Where::Exists { query, not }))
    }

    /// `AND (SELECT COUNT(*) FROM subquery) op count`: how many rows of `sub` match, compared
    /// (Laravel's `has('posts', '>=', 3)` is built on it).
    pub fn where_count<U>(self, sub: Builder<U>, op: impl IntoOperator, count: i64) -> Self {
        self.count_where(Boolean::And, sub, op, count)
    }

    /// `OR (SELECT COUNT(*) FROM subquery) op count`.
    pub fn or_where_count<U>(self, sub: Builder<U>, op: impl IntoOperator, count: i64) -> Self {
        self.count_where(Boolean::Or, sub, op, count)
    }

    fn count_where<U>(mut self, boolean: Boolean, sub: Builder<U>, op: impl IntoOperator, count: i64) -> Self {
        if let Some(e) = sub.error {
            self.error.get_or_insert(e);
            return self;
        }
        let condition =
            op.into_operator().map(|op| Where::Count { query: Box::new(sub.query), op, value: Value::Int(count) });
        self.push_where(boolean, condition)
    }

    /// `OR ( … )`.
    pub fn or_where_group(self, f: impl FnOnce(Self) -> Self) -> Self {
        self.group(Boolean::Or, f)
    }

    fn in_list(self, boolean: Boolean, column: &str, items: Vec<Value>, not: bool) -> Self {
        let condition = ColumnRef::plain(column).map(|column| Where::In { column, values: items, not });
        self.push_where(boolean, condition)
    }

    /// `column IN (…)`. An empty list matches no row.
    pub fn where_in<V: Into<Value>>(self, column: &str, items: impl IntoIterator<Item = V>) -> Self {
        self.in_list(Boolean::And, column, values(items), false)
    }

    /// `column NOT IN (…)`. An empty list matches every row.
    pub fn where_not_in<V: Into<Value>>(self, column: &str, items: impl IntoIterator<Item = V>) -> Self {
        self.in_list(Boolean::And, column, values(items), true)
    }

    /// `OR column IN (…)`.
    pub fn or_where_in<V: Into<Value>>(self, column: &str, items: impl IntoIterator<Item = V>) -> Self {
        self.in_list(Boolean::Or, column, values(items), false)
    }

    /// `OR column NOT IN (…)`.
    pub fn or_where_not_in<V: Into<Value>>(self, column: &str, items: impl IntoIterator<Item = V>) -> Self {
        self.in_list(Boolean::Or, column, values(items), true)
    }

    fn null(self, boolean: Boolean, column: &str, not: bool) -> Self {
        let condition = ColumnRef::plain(column).map(|column| Where::Null { column, not });
        self.push_where(boolean, condition)
    }

    /// `column IS NULL`.
    pub fn where_null(self, column: &str) -> Self {
        self.null(Boolean::And, column, false)
    }

    /// `column IS NOT NULL`.
    pub fn where_not_null(self, column: &str) -> Self {
        self.null(Boolean::And, column, true)
    }

    /// `OR column IS NULL`.
    pub fn or_where_null(self, column: &str) -> Self {
        self.null(Boolean::Or, column, false)
    }

    /// `OR column IS NOT NULL`.
    pub fn or_where_not_null(self, column: &str) -> Self {
        self.null(Boolean::Or, column, true)
    }

    fn between(self, boolean: Boolean, column: &str, low: Value, high: Value, not: bool) -> Self {
        let condition = ColumnRef::plain(column).map(|column| Where::Between { column, low, high, not });
        self.push_where(boolean, condition)
    }

    /// `column BETWEEN low AND high` (both ends included).
    pub fn where_between(self, column: &str, low: impl Into<Value>, high: impl Into<Value>) -> Self {
        self.between(Boolean::And, column, low.into(), high.into(), false)
    }

    /// `column NOT BETWEEN low AND high`.
    pub fn where_not_between(self, column: &str, low: impl Into<Value>, high: impl Into<Value>) -> Self {
        self.between(Boolean::And, column, low.into(), high.into(), true)
    }

    /// `OR column BETWEEN low AND high`.
    pub fn or_where_between(self, column: &str, low: impl Into<Value>, high: impl Into<Value>) -> Self {
        self.between(Boolean::Or, column, low.into(), high.into(), false)
    }

    /// `column LIKE pattern` (`%` and `_` are the wildcards; case sensitivity is the
    /// database's: use `where_op(col, "ilike", …)` for a case-insensitive match everywhere).
    pub fn where_like(self, column: &str, pattern: impl Into<Value>) -> Self {
        self.where_op(column, Operator::Like, pattern)
    }

    /// `OR column LIKE pattern`.
    pub fn or_where_like(self, column: &str, pattern: impl Into<Value>) -> Self {
        self.or_where_op(column, Operator::Like, pattern)
    }

    fn columns_compare(self, boolean: Boolean, first: &str, op: impl IntoOperator, second: &str) -> Self {
        let condition = (|| {
            Ok(Where::Column {
                first: ColumnRef::plain(first)?,
                op: op.into_operator()?,
                second: ColumnRef::plain(second)?,
            })
        })();
        self.push_where(boolean, condition)
    }

    /// `first op second`, comparing two columns.
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let q = Model::table("users").where_column("updated_at", ">", "created_at");
    /// assert_eq!(q.to_sql(Dialect::MySql).unwrap().sql, "SELECT * FROM `users` WHERE `updated_at` > `created_at`");
    /// ```
    pub fn where_column(self, first: &str, op: impl IntoOperator, second: &str) -> Self {
        self.columns_compare(Boolean::And, first, op, second)
    }

    /// `OR first op second`.
    pub fn or_where_column(self, first: &str, op: impl IntoOperator, second: &str) -> Self {
        self.columns_compare(Boolean::Or, first, op, second)
    }

    /// **Raw SQL**: `AND (sql)`, with `?` for each of `bindings`. The SQL text is trusted as
    /// written, so never build it from user input; values go in `bindings`. A `?` count that
    /// differs from the bindings is [`Error::RawPlaceholders`].
    ///
    /// ```
    /// use bunary_orm::{params, Dialect, Model};
    /// let q = Model::table("users").where_raw("age > ? OR vip = ?", params![21, true]);
    /// assert_eq!(q.to_sql(Dialect::Postgres).unwrap().sql, r#"SELECT * FROM "users" WHERE (age > $1 OR vip = $2)"#);
    /// ```
    pub fn where_raw(self, sql: &str, bindings: impl IntoIterator<Item = Value>) -> Self {
        let raw = Raw { sql: sql.to_owned(), bindings: bindings.into_iter().collect() };
        self.push_where(Boolean::And, Ok(Where::Raw(raw)))
    }

    /// **Raw SQL**: `OR (sql)`. See [`where_raw`](Builder::where_raw).
    pub fn or_where_raw(self, sql: &str, bindings: impl IntoIterator<Item = Value>) -> Self {
        let raw = Raw { sql: sql.to_owned(), bindings: bindings.into_iter().collect() };
        self.push_where(Boolean::Or, Ok(Where::Raw(raw)))
    }

    fn push_having(mut self, boolean: Boolean, condition: Result<Where>) -> Self {
        match condition {
            Ok(condition) => self.query.havings.push(WhereClause { boolean, condition }),
            Err(e) => self.fail(e),
        }
        self
    }

    /// `HAVING column op value` (the column may be an alias of the select list).
    pub fn having(self, column: &str, op: impl IntoOperator, value: impl Into<Value>) -> Self {
        let condition = Self::basic(column, op, value.into());
        self.push_having(Boolean::And, condition)
    }

    /// `OR column op value` in the `HAVING` list.
    pub fn or_having(self, column: &str, op: impl IntoOperator, value: impl Into<Value>) -> Self {
        let condition = Self::basic(column, op, value.into());
        self.push_having(Boolean::Or, condition)
    }

    /// `HAVING column BETWEEN low AND high` (Laravel's `havingBetween`).
    pub fn having_between(self, column: &str, low: impl Into<Value>, high: impl Into<Value>) -> Self {
        let (low, high) = (low.into(), high.into());
        let condition = ColumnRef::plain(column).map(|column| Where::Between { column, low, high, not: false });
        self.push_having(Boolean::And, condition)
    }

    /// `HAVING column IS NULL` (Laravel's `havingNull`).
    pub fn having_null(self, column: &str) -> Self {
        let condition = ColumnRef::plain(column).map(|column| Where::Null { column, not: false });
        self.push_having(Boolean::And, condition)
    }

    /// `HAVING column IS NOT NULL`.
    pub fn having_not_null(self, column: &str) -> Self {
        let condition = ColumnRef::plain(column).map(|column| Where::Null { column, not: true });
        self.push_having(Boolean::And, condition)
    }

    /// **Raw SQL** in the `HAVING` list, with `?` bindings.
    pub fn having_raw(self, sql: &str, bindings: impl IntoIterator<Item = Value>) -> Self {
        let raw = Raw { sql: sql.to_owned(), bindings: bindings.into_iter().collect() };
        self.push_having(Boolean::And, Ok(Where::Raw(raw)))
    }
}
