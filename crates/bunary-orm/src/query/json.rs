//! Conditions on JSON columns: `where_json_contains`, `where_json_length`,
//! `where_json_contains_key` and their `or_`/`doesnt` forms. A column read at a path
//! (`meta->a->b`, `tags[0]`) works in every other method too: `where_`, `select`, `order_by`,
//! `group_by`, and `update(record! { "meta->a" => 1 })`, which sets that path and keeps the
//! rest of the document.
//!
//! ```
//! use bunary_orm::{record, Dialect, Model};
//! let q = Model::table("users").where_("meta->lang", "en").where_json_contains("meta->tags", "rust");
//! assert_eq!(
//!     q.to_sql(Dialect::MySql).unwrap().sql,
//!     "SELECT * FROM `users` WHERE json_unquote(json_extract(`meta`, '$.\"lang\"')) = ? \
//!      AND COALESCE(json_contains(json_extract(`meta`, '$.\"tags\"'), ?), 0)"
//! );
//! assert_eq!(
//!     Model::table("users").where_json_length("meta->tags", ">", 2).to_sql(Dialect::Postgres).unwrap().sql,
//!     r#"SELECT * FROM "users" WHERE jsonb_array_length((CAST("meta" AS jsonb)->'tags')) > $1"#
//! );
//! // A path is checked step by step before any SQL: no quotes, dots or spaces.
//! assert!(Model::table("users").where_("meta->'a'", 1).to_sql(Dialect::Sqlite).is_err());
//! ```

use crate::error::Result;
use crate::ident::ColumnRef;

use super::clause::{Boolean, IntoOperator, Where};
use super::Builder;

impl<T> Builder<T> {
    fn json_contains(self, boolean: Boolean, column: &str, value: serde_json::Value, not: bool) -> Self {
        let condition = ColumnRef::plain(column).map(|column| Where::JsonContains { column, value, not });
        self.push_where_clause(boolean, condition)
    }

    /// The JSON at `column` (a column or a path, `meta->tags`) contains `value`: an array holds
    /// it (each of its items, for an array), an object holds its keys and values (Laravel's
    /// `whereJsonContains`; PostgreSQL `@>`, MySQL `json_contains`). SQLite has no containment
    /// and takes scalars and arrays of scalars (each must be among the array's items); an
    /// object there is [`Error::Unsupported`](crate::Error::Unsupported).
    pub fn where_json_contains(self, column: &str, value: impl Into<serde_json::Value>) -> Self {
        self.json_contains(Boolean::And, column, value.into(), false)
    }

    /// `OR` [`where_json_contains`](Builder::where_json_contains).
    pub fn or_where_json_contains(self, column: &str, value: impl Into<serde_json::Value>) -> Self {
        self.json_contains(Boolean::Or, column, value.into(), false)
    }

    /// The negation of [`where_json_contains`](Builder::where_json_contains).
    pub fn where_json_doesnt_contain(self, column: &str, value: impl Into<serde_json::Value>) -> Self {
        self.json_contains(Boolean::And, column, value.into(), true)
    }

    /// `OR` [`where_json_doesnt_contain`](Builder::where_json_doesnt_contain).
    pub fn or_where_json_doesnt_contain(self, column: &str, value: impl Into<serde_json::Value>) -> Self {
        self.json_contains(Boolean::Or, column, value.into(), true)
    }

    fn json_length(self, boolean: Boolean, column: &str, op: impl IntoOperator, value: i64) -> Self {
        let condition: Result<Where> =
            (|| Ok(Where::JsonLength { column: ColumnRef::plain(column)?, op: op.into_operator()?, value }))();
        self.push_where_clause(boolean, condition)
    }

    /// The length of the JSON array at `column` compared with `value` (Laravel's
    /// `whereJsonLength`).
    pub fn where_json_length(self, column: &str, op: impl IntoOperator, value: i64) -> Self {
        self.json_length(Boolean::And, column, op, value)
    }

    /// `OR` [`where_json_length`](Builder::where_json_length).
    pub fn or_where_json_length(self, column: &str, op: impl IntoOperator, value: i64) -> Self {
        self.json_length(Boolean::Or, column, op, value)
    }

    fn json_contains_key(self, boolean: Boolean, column: &str, not: bool) -> Self {
        let condition = ColumnRef::plain(column).map(|column| Where::JsonContainsKey { column, not });
        self.push_where_clause(boolean, condition)
    }

    /// The JSON document has the path's last key or index: `meta->address->city`,
    /// `meta->tags[2]` (Laravel's `whereJsonContainsKey`).
    pub fn where_json_contains_key(self, column: &str) -> Self {
        self.json_contains_key(Boolean::And, column, false)
    }

    /// `OR` [`where_json_contains_key`](Builder::where_json_contains_key).
    pub fn or_where_json_contains_key(self, column: &str) -> Self {
        self.json_contains_key(Boolean::Or, column, false)
    }

    /// The negation of [`where_json_contains_key`](Builder::where_json_contains_key).
    pub fn where_json_doesnt_contain_key(self, column: &str) -> Self {
        self.json_contains_key(Boolean::And, column, true)
    }

    /// `OR` [`where_json_doesnt_contain_key`](Builder::where_json_doesnt_contain_key).
    pub fn or_where_json_doesnt_contain_key(self, column: &str) -> Self {
        self.json_contains_key(Boolean::Or, column, true)
    }
}
