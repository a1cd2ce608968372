//! Date conditions (Laravel's `whereDate`, `whereTime`, `whereDay`, `whereMonth`,
//! `whereYear`, `wherePast`, `whereFuture`, `whereToday`, …), compiled per dialect with bound
//! values. "Now" and "today" are the client's clock in UTC, the time zone models store.
//!
//! ```
//! use bunary_orm::{Dialect, Model};
//! let q = Model::table("posts").where_year("created_at", "=", 2026).where_month("created_at", ">=", 6);
//! assert_eq!(
//!     q.to_sql(Dialect::Sqlite).unwrap().sql,
//!     r#"SELECT * FROM "posts" WHERE CAST(strftime('%Y', "created_at") AS INTEGER) = ? AND CAST(strftime('%m', "created_at") AS INTEGER) >= ?"#
//! );
//! assert_eq!(
//!     q.to_sql(Dialect::Postgres).unwrap().sql,
//!     r#"SELECT * FROM "posts" WHERE CAST(extract(year from "created_at") AS integer) = $1 AND CAST(extract(month from "created_at") AS integer) >= $2"#
//! );
//! ```

use chrono::{DateTime, Utc};

use crate::ident::ColumnRef;
use crate::value::Value;

use super::clause::{Boolean, DatePart, IntoOperator, Operator, Where};
use super::Builder;

/// Now in UTC, to the microsecond (what every dialect keeps).
fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

impl<T> Builder<T> {
    fn date_part(self, boolean: Boolean, column: &str, part: DatePart, op: impl IntoOperator, value: Value) -> Self {
        let condition =
            (|| Ok(Where::Date { column: ColumnRef::plain(column)?, part, op: op.into_operator()?, value }))();
        self.push_where_clause(boolean, condition)
    }

    /// The date of `column` compared with `value` (a `chrono::NaiveDate`, or `"YYYY-MM-DD"`).
    pub fn where_date(self, column: &str, op: impl IntoOperator, value: impl Into<Value>) -> Self {
        self.date_part(Boolean::And, column, DatePart::Date, op, value.into())
    }

    /// `OR` [`where_date`](Builder::where_date).
    pub fn or_where_date(self, column: &str, op: impl IntoOperator, value: impl Into<Value>) -> Self {
        self.date_part(Boolean::Or, column, DatePart::Date, op, value.into())
    }

    /// The time of day of `column` compared with `value` (a `chrono::NaiveTime`, or `"HH:MM:SS"`).
    pub fn where_time(self, column: &str, op: impl IntoOperator, value: impl Into<Value>) -> Self {
        self.date_part(Boolean::And, column, DatePart::Time, op, value.into())
    }

    /// `OR` [`where_time`](Builder::where_time).
    pub fn or_where_time(self, column: &str, op: impl IntoOperator, value: impl Into<Value>) -> Self {
        self.date_part(Boolean::Or, column, DatePart::Time, op, value.into())
    }

    /// The day of the month (1–31) of `column` compared with `day`.
    pub fn where_day(self, column: &str, op: impl IntoOperator, day: i64) -> Self {
        self.date_part(Boolean::And, column, DatePart::Day, op, Value::Int(day))
    }

    /// The month (1–12) of `column` compared with `month`.
    pub fn where_month(self, column: &str, op: impl IntoOperator, month: i64) -> Self {
        self.date_part(Boolean::And, column, DatePart::Month, op, Value::Int(month))
    }

    /// The year of `column` compared with `year`.
    pub fn where_year(self, column: &str, op: impl IntoOperator, year: i64) -> Self {
        self.date_part(Boolean::And, column, DatePart::Year, op, Value::Int(year))
    }

    /// `OR` [`where_day`](Builder::where_day).
    pub fn or_where_day(self, column: &str, op: impl IntoOperator, day: i64) -> Self {
        self.date_part(Boolean::Or, column, DatePart::Day, op, Value::Int(day))
    }

    /// `OR` [`where_month`](Builder::where_month).
    pub fn or_where_month(self, column: &str, op: impl IntoOperator, month: i64) -> Self {
        self.date_part(Boolean::Or, column, DatePart::Month, op, Value::Int(month))
    }

    /// `OR` [`where_year`](Builder::where_year).
    pub fn or_where_year(self, column: &str, op: impl IntoOperator, year: i64) -> Self {
        self.date_part(Boolean::Or, column, DatePart::Year, op, Value::Int(year))
    }

    /// `column` is before now.
    pub fn where_past(self, column: &str) -> Self {
        self.where_op(column, Operator::Lt, Value::Timestamp(now()))
    }

    /// `column` is after now.
    pub fn where_future(self, column: &str) -> Self {
        self.where_op(column, Operator::Gt, Value::Timestamp(now()))
    }

    /// `column` is now or before (Laravel's `whereNowOrPast`).
    pub fn where_now_or_past(self, column: &str) -> Self {
        self.where_op(column, Operator::Le, Value::Timestamp(now()))
    }

    /// `column` is now or after (Laravel's `whereNowOrFuture`).
    pub fn where_now_or_future(self, column: &str) -> Self {
        self.where_op(column, Operator::Ge, Value::Timestamp(now()))
    }

    /// The date of `column` is today (UTC).
    pub fn where_today(self, column: &str) -> Self {
        self.where_date(column, Operator::Eq, Value::Date(now().date_naive()))
    }

    /// The date of `column` is before today.
    pub fn where_before_today(self, column: &str) -> Self {
        self.where_date(column, Operator::Lt, Value::Date(now().date_naive()))
    }

    /// The date of `column` is after today.
    pub fn where_after_today(self, column: &str) -> Self {
        self.where_date(column, Operator::Gt, Value::Date(now().date_naive()))
    }

    /// The date of `column` is today or before.
    pub fn where_today_or_before(self, column: &str) -> Self {
        self.where_date(column, Operator::Le, Value::Date(now().date_naive()))
    }

    /// The date of `column` is today or after.
    pub fn where_today_or_after(self, column: &str) -> Self {
        self.where_date(column, Operator::Ge, Value::Date(now().date_naive()))
    }
}
