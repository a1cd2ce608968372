//! Cursor pagination (Laravel's `cursorPaginate`): pages by the values of the query's order
//! columns, not by offset, with an opaque cursor for the next and previous pages.
//!
//! The cursor is the hex of a JSON object naming each order column with the value the page
//! ended on (with its kind, so a timestamp comes back as one), and the way it points. Decoded, its columns must be exactly the query's order
//! columns (anything else is [`QueryProblem::InvalidCursor`] before any SQL); its values are
//! bound. The key is added to the order when it is not in it, so that the order is total.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::{DatabaseConfig, Db, Direction, PerPage};
//! let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
//! db.exec_batch("CREATE TABLE n (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO n (v) VALUES (5), (5), (3), (9);").await?;
//! let q = db.table("n").order_by("v", Direction::Desc);
//! let first = q.cursor_paginate(PerPage(2), None).await?;
//! assert_eq!(first.data.iter().map(|r| r.get::<i64>("id").unwrap()).collect::<Vec<_>>(), [4, 1]);
//! let second = q.cursor_paginate(PerPage(2), first.next_cursor.as_deref()).await?;
//! assert_eq!(second.data.iter().map(|r| r.get::<i64>("id").unwrap()).collect::<Vec<_>>(), [2, 3]);
//! assert!(second.next_cursor.is_none());
//! let back = q.cursor_paginate(PerPage(2), second.prev_cursor.as_deref()).await?;
//! assert_eq!(back.data.iter().map(|r| r.get::<i64>("id").unwrap()).collect::<Vec<_>>(), [4, 1]);
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```

use crate::error::{Error, QueryProblem, Result};
use crate::ident::ColumnRef;
use crate::row::{FromRow, Row};
use crate::value::Value;

use super::clause::{Boolean, Direction, Operator, OrderBy, Where, WhereClause};
use super::paginate::PerPage;
use super::{load, Builder};

/// A page of [`Builder::cursor_paginate`]. Serialises with Laravel's cursor paginator fields:
/// `data`, `path`, `per_page`, `next_cursor`, `next_page_url`, `prev_cursor`, `prev_page_url`
/// (the URLs built on [`with_path`](CursorPaginated::with_path)'s path, `null` without one).
#[derive(Debug, Clone, PartialEq)]
pub struct CursorPaginated<T> {
    /// The rows of this page.
    pub data: Vec<T>,
    /// Page size.
    pub per_page: u64,
    /// The cursor of the next page, `None` on the last.
    pub next_cursor: Option<String>,
    /// The cursor of the previous page, `None` on the first.
    pub prev_cursor: Option<String>,
    /// The path the page URLs are built on.
    pub path: Option<String>,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidQuery { problem: QueryProblem::InvalidCursor { reason: reason.into() } }
}

/// The order columns, their directions and the names rows carry them by.
fn order_of<T>(builder: &Builder<T>) -> Result<Vec<(ColumnRef, Direction, String)>> {
    let mut order = Vec::new();
    for item in &builder.query.orders {
        let OrderBy::Column(column, direction) = item else {
            return Err(invalid("the order must be plain columns (no raw or random order)"));
        };
        let name = column.output_name().ok_or_else(|| invalid("an order column needs a name"))?.to_owned();
        order.push((column.clone(), *direction, name));
    }
    if !order.iter().any(|(_, _, name)| name == builder.key.as_str()) {
        order.push((ColumnRef::column(builder.key.clone()), Direction::Asc, builder.key.to_string()));
    }
    Ok(order)
}

fn encode(values: &serde_json::Map<String, serde_json::Value>, next: bool) -> String {
    let mut object = values.clone();
    object.insert("_next".into(), serde_json::Value::Bool(next));
    serde_json::Value::Object(object).to_string().bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode(cursor: &str) -> Result<(serde_json::Map<String, serde_json::Value>, bool)> {
    if !cursor.len().is_multiple_of(2) || cursor.len() > 8192 {
        return Err(invalid("not a cursor"));
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<std::result::Result<Vec<u8>, _>>()
        .map_err(|_| invalid("not a cursor"))?;
    let serde_json::Value::Object(mut object) = serde_json::from_slice(&bytes).map_err(|_| invalid("not a cursor"))?
    else {
        return Err(invalid("not a cursor"));
    };
    let next = object.remove("_next").and_then(|v| v.as_bool()).ok_or_else(|| invalid("not a cursor"))?;
    Ok((object, next))
}

/// `(a > ?) OR (a = ? AND b < ?) OR …`: after (`forward`) or before the cursor's row in the
/// order, each column in its own direction.
fn after(order: &[(ColumnRef, Direction, String)], values: &[Value], forward: bool) -> Where {
    let mut any = Vec::new();
    for i in 0..order.len() {
        let mut all = Vec::new();
        for (j, (column, direction, _)) in order.iter().enumerate().take(i + 1) {
            let op = if j < i {
                Operator::Eq
            } else if (*direction == Direction::Asc) == forward {
                Operator::Gt
            } else {
                Operator::Lt
            };
            all.push(WhereClause {
                boolean: Boolean::And,
                condition: Where::Basic { column: column.clone(), op, value: values[j].clone() },
            });
        }
        any.push(WhereClause { boolean: Boolean::Or, condition: Where::Nested(all) });
    }
    Where::Nested(any)
}

/// A cursor keeps each value with its kind (`["dt", "2026-05-01T09:00:00"]`), so a date, time
/// or UUID comes back as the value it was read as and binds as one: a timestamp read back as
/// text would compare as text, which PostgreSQL refuses and SQLite gets wrong.
fn tagged(value: &Value) -> Result<serde_json::Value> {
    use serde_json::json;
    Ok(match value {
        Value::Bool(b) => json!(["b", b]),
        Value::Int(i) => json!(["i", i]),
        Value::Float(f) => json!(["f", f]),
        Value::Text(s) => json!(["s", s]),
        Value::Date(d) => json!(["d", d]),
        Value::Time(t) => json!(["t", t]),
        Value::DateTime(dt) => json!(["dt", dt]),
        Value::Timestamp(ts) => json!(["ts", ts]),
        Value::Uuid(u) => json!(["u", u.to_string()]),
        Value::Null | Value::Blob(_) | Value::Json(_) => {
            return Err(invalid(format!("cannot page by a {} column", value.kind_name())));
        }
    })
}

/// The value a [`tagged`] cursor entry holds.
fn scalar(entry: &serde_json::Value) -> Result<Value> {
    fn parse<V: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Result<V> {
        V::deserialize(v).map_err(|_| invalid("not a cursor"))
    }
    let Some([serde_json::Value::String(tag), v]) = entry.as_array().map(Vec::as_slice) else {
        return Err(invalid("not a cursor"));
    };
    Ok(match tag.as_str() {
        "b" => Value::Bool(parse(v)?),
        "i" => Value::Int(parse(v)?),
        "f" => Value::Float(parse(v)?),
        "s" => Value::Text(parse(v)?),
        "d" => Value::Date(parse(v)?),
        "t" => Value::Time(parse(v)?),
        "dt" => Value::DateTime(parse(v)?),
        "ts" => Value::Timestamp(parse(v)?),
        "u" => Value::Uuid(parse::<String>(v)?.parse().map_err(|_| invalid("not a cursor"))?),
        _ => return Err(invalid("not a cursor")),
    })
}

fn values_of(
    row: &Row,
    order: &[(ColumnRef, Direction, String)],
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut out = serde_json::Map::new();
    for (_, _, name) in order {
        let value =
            row.value(name.as_str()).ok_or_else(|| invalid(format!("the order column `{name}` is not selected")))?;
        if value.is_null() {
            return Err(invalid(format!("the order column `{name}` is NULL in a row")));
        }
        out.insert(name.clone(), tagged(value)?);
    }
    Ok(out)
}

impl<T: FromRow> Builder<T> {
    /// A page of `per_page` rows after (or before) `cursor`, by the values of the query's order
    /// columns (the key added to make it total): no offset, no count, stable while rows are
    /// added elsewhere. `None` starts at the first page.
    ///
    /// # Errors
    /// [`QueryProblem::InvalidCursor`] for a cursor this query did not make, a raw or random
    /// order, or a NULL in an order column; as [`get`](Builder::get).
    pub async fn cursor_paginate(
        &self,
        PerPage(per_page): PerPage,
        cursor: Option<&str>,
    ) -> Result<CursorPaginated<T>> {
        super::paginate::check_size(per_page, "per_page")?;
        self.check()?;
        let order = order_of(self)?;
        let mut q = self.clone();
        let (forward, from_cursor) = match cursor {
            None => (true, false),
            Some(cursor) => {
                let (values, next) = decode(cursor)?;
                let names: Vec<&String> = order.iter().map(|(_, _, n)| n).collect();
                if values.len() != order.len() || !names.iter().all(|n| values.contains_key(*n)) {
                    return Err(invalid("the cursor is for another order"));
                }
                let bound: Vec<Value> = names.iter().map(|n| scalar(&values[n.as_str()])).collect::<Result<_>>()?;
                q.query.and_where_all(after(&order, &bound, next));
                (next, true)
            }
        };
        q.query.orders = order
            .iter()
            .map(|(c, d, _)| {
                let d = if forward {
                    *d
                } else if *d == Direction::Asc {
                    Direction::Desc
                } else {
                    Direction::Asc
                };
                OrderBy::Column(c.clone(), d)
            })
            .collect();
        q.query.limit = Some(per_page.saturating_add(1));
        q.query.offset = None;
        let mut rows = q.rows().await?;
        let more = rows.len() as u64 > per_page;
        rows.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
        if !forward {
            rows.reverse();
        }
        let (first, last) = match (rows.first(), rows.last()) {
            (Some(f), Some(l)) => (Some(values_of(f, &order)?), Some(values_of(l, &order)?)),
            _ => (None, None),
        };
        let (has_next, has_prev) = if forward { (more, from_cursor) } else { (true, more) };
        let next_cursor = last.filter(|_| has_next).map(|v| encode(&v, true));
        let prev_cursor = first.filter(|_| has_prev).map(|v| encode(&v, false));
        Ok(CursorPaginated { data: load(rows)?, per_page, next_cursor, prev_cursor, path: None })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;

    #[test]
    fn a_cursor_value_comes_back_as_the_kind_it_was_read_as() {
        let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let at = day.and_hms_micro_opt(9, 0, 0, 12).unwrap();
        for value in [
            Value::Bool(true),
            Value::Int(-7),
            Value::Float(0.1),
            Value::Text("2026-05-01 09:00:00".into()),
            Value::Date(day),
            Value::Time(at.time()),
            Value::DateTime(at),
            Value::Timestamp(Utc.from_utc_datetime(&at)),
            Value::Uuid(uuid::Uuid::now_v7()),
        ] {
            let entry = tagged(&value).unwrap();
            assert_eq!(scalar(&entry).unwrap(), value, "{entry}");
        }
        for refused in [Value::Null, Value::Blob(vec![1]), Value::Json(serde_json::json!({"a": 1}))] {
            assert!(tagged(&refused).is_err());
        }
        for forged in [r#"["dt", "yesterday"]"#, r#"["i", "1 OR 1=1"]"#, r#"["x", 1]"#, "1", r#"["s"]"#] {
            let entry: serde_json::Value = serde_json::from_str(forged).unwrap();
            assert!(
                matches!(scalar(&entry), Err(Error::InvalidQuery { problem: QueryProblem::InvalidCursor { .. } })),
                "{forged}"
            );
        }
    }
}
