//! Date conditions in each dialect: `where_date`, `where_time`, `where_day`, `where_month`,
//! `where_year` compare a part of a date-time column with a bound value.

use crate::dialect::Dialect;
use crate::ident::ColumnRef;
use crate::query::clause::{DatePart, Operator};
use crate::value::Value;

use super::SqlWriter;

/// `<part of column> op ?`.
pub(super) fn write(
    w: &mut SqlWriter<'_>,
    dialect: Dialect,
    column: &ColumnRef,
    part: DatePart,
    op: Operator,
    value: Value,
) {
    match (dialect, part) {
        (Dialect::Sqlite, DatePart::Date | DatePart::Time) => {
            w.push(if part == DatePart::Date { "date(" } else { "time(" });
            w.column(column);
            w.push(")");
        }
        (Dialect::Sqlite, _) => {
            w.push(match part {
                DatePart::Day => "CAST(strftime('%d', ",
                DatePart::Month => "CAST(strftime('%m', ",
                _ => "CAST(strftime('%Y', ",
            });
            w.column(column);
            w.push(") AS INTEGER)");
        }
        (Dialect::Postgres, DatePart::Date | DatePart::Time) => {
            w.push("CAST(");
            w.column(column);
            w.push(if part == DatePart::Date { " AS date)" } else { " AS time)" });
        }
        (Dialect::Postgres, _) => {
            w.push(match part {
                DatePart::Day => "CAST(extract(day from ",
                DatePart::Month => "CAST(extract(month from ",
                _ => "CAST(extract(year from ",
            });
            w.column(column);
            w.push(") AS integer)");
        }
        (Dialect::MySql, _) => {
            w.push(match part {
                DatePart::Date => "date(",
                DatePart::Time => "time(",
                DatePart::Day => "day(",
                DatePart::Month => "month(",
                DatePart::Year => "year(",
            });
            w.column(column);
            w.push(")");
        }
    }
    w.operator(op);
    w.bind(value);
    w.operator_end(op);
}
