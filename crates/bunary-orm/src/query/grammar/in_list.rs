//! `column IN (…)` lists, short and long.
//!
//! A short list is one placeholder per value. A list longer than [`LONG_LIST`] values
//! ([`LONG_LIST_POSTGRES`] on PostgreSQL) would
//! run into the databases' limits on placeholders (32 766 on SQLite, 65 535 on PostgreSQL and
//! MySQL) and make a statement per list length, so where the dialect can take a list as one
//! bound value it is sent as one JSON array:
//! - SQLite: `column IN (SELECT value FROM json_each(?))`;
//! - PostgreSQL: `column = ANY($1)` (the driver sends the array as the column's array type).
//!
//! MySQL has neither; its long lists stay placeholders, and a statement past its limit is a
//! typed error before it is sent (see [`Dialect::max_bindings`](crate::Dialect::max_bindings)).
//! Values that have no JSON form (bytes, JSON documents, NULL) keep the placeholder form.

use crate::dialect::Dialect;
use crate::ident::ColumnRef;
use crate::value::{formats, Value};

use super::SqlWriter;

/// Lists longer than this are sent as one bound array where the dialect has one.
pub const LONG_LIST: usize = 1_000;

/// Lists longer than this are one bound array on PostgreSQL: there each placeholder costs the
/// server at bind time (a 1 000-key list: 1.8 ms to bind its placeholders, 0.07 ms for one
/// array, in the server's log), and each list length would be a statement of its own in the
/// cache. An eager load of 100 × 10 × 10 rows ran ≈ 12 % faster with it (wall clock, three
/// runs of 300 loads each).
pub const LONG_LIST_POSTGRES: usize = 64;

/// The JSON form of a list value, as the drivers store it; `None` for what has none.
fn json_item(value: &Value) -> Option<serde_json::Value> {
    Some(match value {
        Value::Bool(b) => serde_json::Value::from(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) if f.is_finite() => serde_json::Value::from(*f),
        Value::Text(t) => serde_json::Value::from(t.as_str()),
        Value::Date(d) => d.format(formats::DATE).to_string().into(),
        Value::Time(t) => t.format(formats::TIME).to_string().into(),
        Value::DateTime(d) => d.format(formats::DATETIME).to_string().into(),
        Value::Timestamp(t) => t.format(formats::TIMESTAMP).to_string().into(),
        Value::Uuid(u) => u.hyphenated().to_string().into(),
        _ => return None,
    })
}

/// Writes `column [NOT] IN (…)` for a non-empty list.
pub(super) fn write_in(w: &mut SqlWriter<'_>, dialect: Dialect, column: &ColumnRef, values: &[Value], not: bool) {
    let long = if dialect == Dialect::Postgres { LONG_LIST_POSTGRES } else { LONG_LIST };
    if values.len() > long && dialect != Dialect::MySql {
        // SQLite stores booleans as integers; JSON `true` would read back as 1 there too.
        let items: Option<Vec<serde_json::Value>> = values.iter().map(json_item).collect();
        if let Some(items) = items {
            let array = Value::Json(serde_json::Value::Array(items));
            w.column(column);
            match (dialect, not) {
                (Dialect::Postgres, false) => w.push(" = ANY("),
                (Dialect::Postgres, true) => w.push(" <> ALL("),
                (_, false) => w.push(" IN (SELECT value FROM json_each("),
                (_, true) => w.push(" NOT IN (SELECT value FROM json_each("),
            }
            w.bind(array);
            w.push(if dialect == Dialect::Postgres { ")" } else { "))" });
            return;
        }
    }
    w.column(column);
    w.push(if not { " NOT IN (" } else { " IN (" });
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.bind(v.clone());
    }
    w.push(")");
}
