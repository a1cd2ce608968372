//! JSON columns in each dialect: reading a value at a path (`meta->a->b`), comparing it,
//! `where_json_contains`, `where_json_length`, `where_json_contains_key`, and updates that set
//! a path inside a column (merging, not replacing).
//!
//! Paths come validated ([`JsonPath`]: keys of letters, digits and `_`, integer indexes) and
//! are written as literals, the same way by every grammar; values are always bound.

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::ident::{ColumnRef, Ident, JsonPath, JsonSegment};
use crate::query::clause::Operator;
use crate::value::Value;

use super::SqlWriter;

/// How a value at a JSON path is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonRead {
    /// As a scalar SQL value (text on PostgreSQL and MySQL): for select lists, conditions on
    /// text, order and group.
    Text,
    /// As JSON (PostgreSQL `jsonb`, MySQL `JSON`): for containment, lengths and typed equality.
    Json,
}

/// Writes `column` read at `path` in `dialect`.
pub(super) fn write(w: &mut SqlWriter<'_>, dialect: Dialect, column: &ColumnRef, path: &JsonPath, read: JsonRead) {
    match dialect {
        Dialect::Sqlite => {
            w.push("json_extract(");
            w.plain_column(column);
            w.push(", ");
            w.json_path_literal(path);
            w.push(")");
        }
        Dialect::MySql => {
            if read == JsonRead::Text {
                w.push("json_unquote(");
            }
            w.push("json_extract(");
            w.plain_column(column);
            w.push(", ");
            w.json_path_literal(path);
            w.push(if read == JsonRead::Text { "))" } else { ")" });
        }
        Dialect::Postgres => {
            w.push("(");
            write_pg_jsonb(w, column);
            w.pg_json_steps(path.segments(), read == JsonRead::Text);
            w.push(")");
        }
    }
}

/// PostgreSQL: the column as `jsonb` (`json` and text columns holding JSON too).
fn write_pg_jsonb(w: &mut SqlWriter<'_>, column: &ColumnRef) {
    w.push("CAST(");
    w.plain_column(column);
    w.push(" AS jsonb)");
}

/// The JSON document a condition looks into: the column, or the column at its path.
fn write_document(w: &mut SqlWriter<'_>, dialect: Dialect, column: &ColumnRef) {
    match (&column.json, dialect) {
        (Some(path), _) => write(w, dialect, column, path, JsonRead::Json),
        (None, Dialect::Postgres) => write_pg_jsonb(w, column),
        (None, _) => w.plain_column(column),
    }
}

/// `(meta->'n') = to_jsonb($1::bigint)` on PostgreSQL for a number or a boolean at a JSON
/// path: compared as JSON, so `1` matches `1` and `true` matches `true`, with no cast of the
/// text that could fail on another row. `false` when the comparison is not one of these.
pub(super) fn write_pg_typed_comparison(
    w: &mut SqlWriter<'_>,
    column: &ColumnRef,
    op: Operator,
    value: &Value,
) -> bool {
    let Some(path) = &column.json else { return false };
    let cast = match value {
        Value::Int(_) => "bigint",
        Value::Float(_) => "double precision",
        Value::Bool(_) => "boolean",
        _ => return false,
    };
    if matches!(op, Operator::Like | Operator::NotLike | Operator::ILike | Operator::NotILike | Operator::NullSafeEq)
        || op.is_bitwise()
    {
        return false;
    }
    write(w, Dialect::Postgres, column, path, JsonRead::Json);
    w.push(" ");
    w.push(op.sql());
    w.push(" to_jsonb(CAST(");
    w.bind(value.clone());
    w.push(" AS ");
    w.push(cast);
    w.push("))");
    true
}

/// `[NOT] <document> contains <value>`.
pub(super) fn write_contains(
    w: &mut SqlWriter<'_>,
    dialect: Dialect,
    column: &ColumnRef,
    value: &serde_json::Value,
    not: bool,
) -> Result<()> {
    if not {
        w.push("NOT ");
    }
    match dialect {
        Dialect::Postgres => {
            w.push("COALESCE(");
            write_document(w, dialect, column);
            w.push(" @> ");
            w.bind(Value::Json(value.clone()));
            w.push(", false)");
        }
        Dialect::MySql => {
            w.push("COALESCE(json_contains(");
            write_document(w, dialect, column);
            w.push(", ");
            w.bind(Value::Text(value.to_string()));
            w.push("), 0)");
        }
        Dialect::Sqlite => {
            // SQLite has no containment: each scalar must be among the document's values
            // (the document itself when it is a scalar).
            let scalars: Vec<&serde_json::Value> = match value {
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            if scalars.iter().any(|v| v.is_object() || v.is_array()) || scalars.is_empty() {
                return Err(Error::Unsupported {
                    feature: "where_json_contains with an object, a nested array or an empty array".into(),
                    dialect,
                });
            }
            w.push("(");
            for (i, scalar) in scalars.iter().enumerate() {
                if i > 0 {
                    w.push(" AND ");
                }
                w.push("EXISTS (SELECT 1 FROM json_each(");
                w.plain_column(column);
                if let Some(path) = &column.json {
                    w.push(", ");
                    w.json_path_literal(path);
                }
                w.push(") WHERE json_each.value = ");
                w.bind(sqlite_scalar(scalar));
                w.push(")");
            }
            w.push(")");
        }
    }
    Ok(())
}

/// A JSON scalar as SQLite's `json_each` reports it (`true` is 1).
fn sqlite_scalar(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Bool(b) => Value::Int(i64::from(*b)),
        serde_json::Value::Number(n) => n.as_i64().map_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0)), Value::Int),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        _ => Value::Null,
    }
}

/// `<length of the array at column> op ?`.
pub(super) fn write_length(w: &mut SqlWriter<'_>, dialect: Dialect, column: &ColumnRef, op: Operator, value: i64) {
    match dialect {
        Dialect::Postgres => {
            w.push("jsonb_array_length(");
            write_document(w, dialect, column);
            w.push(")");
        }
        Dialect::MySql | Dialect::Sqlite => {
            w.push(if dialect == Dialect::MySql { "json_length(" } else { "json_array_length(" });
            w.plain_column(column);
            if let Some(path) = &column.json {
                w.push(", ");
                w.json_path_literal(path);
            }
            w.push(")");
        }
    }
    w.operator(op);
    w.bind(Value::Int(value));
    w.operator_end(op);
}

/// Whether the document has the path's last key (or index): `[NOT] …`.
pub(super) fn write_contains_key(w: &mut SqlWriter<'_>, dialect: Dialect, column: &ColumnRef, not: bool) -> Result<()> {
    let Some(path) = &column.json else {
        return Err(Error::InvalidIdentifier {
            kind: "JSON path",
            value: column.column.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            reason: "where_json_contains_key needs a path: `meta->key`".into(),
        });
    };
    if not {
        w.push("NOT ");
    }
    match dialect {
        Dialect::Sqlite => {
            w.push("(json_type(");
            w.plain_column(column);
            w.push(", ");
            w.json_path_literal(path);
            w.push(") IS NOT NULL)");
        }
        Dialect::MySql => {
            w.push("COALESCE(json_contains_path(");
            w.plain_column(column);
            w.push(", 'one', ");
            w.json_path_literal(path);
            w.push("), 0)");
        }
        Dialect::Postgres => {
            let (parent, last) = path.split_last();
            let parent_ref = ColumnRef { json: parent.map(Box::new), ..column.clone() };
            match last {
                JsonSegment::Key(key) => {
                    w.push("COALESCE(jsonb_exists(");
                    write_document(w, dialect, &parent_ref);
                    w.push(", '");
                    w.push(key);
                    w.push("'), false)");
                }
                JsonSegment::Index(n) => {
                    w.push("COALESCE(CASE WHEN jsonb_typeof(");
                    write_document(w, dialect, &parent_ref);
                    w.push(") = 'array' THEN jsonb_array_length(");
                    write_document(w, dialect, &parent_ref);
                    w.push(") > ");
                    w.push_int(u64::from(*n));
                    w.push(" ELSE false END, false)");
                }
            }
        }
    }
    Ok(())
}

/// `column = <column with each path set to its value>` (an absent column starts as `{}`).
pub(super) fn write_set_paths(w: &mut SqlWriter<'_>, dialect: Dialect, column: &Ident, paths: &[(JsonPath, Value)]) {
    w.ident(column);
    w.push(" = ");
    let open = if dialect == Dialect::Postgres { "jsonb_set(" } else { "json_set(" };
    for _ in paths {
        w.push(open);
    }
    match dialect {
        Dialect::Postgres => {
            w.push("COALESCE(CAST(");
            w.ident(column);
            w.push(" AS jsonb), '{}'::jsonb)");
        }
        _ => {
            w.push("COALESCE(");
            w.ident(column);
            w.push(", '{}')");
        }
    }
    for (path, value) in paths {
        w.push(", ");
        match dialect {
            Dialect::Postgres => {
                // jsonb_set takes the path as a text array: `'{a,0,b}'`.
                w.push("'{");
                for (i, step) in path.segments().iter().enumerate() {
                    if i > 0 {
                        w.push(",");
                    }
                    match step {
                        JsonSegment::Key(key) => w.push(key),
                        JsonSegment::Index(n) => w.push_int(u64::from(*n)),
                    }
                }
                w.push("}', ");
                write_pg_json_value(w, value);
                w.push(", true)");
            }
            _ => {
                w.json_path_literal(path);
                w.push(", ");
                write_json_value(w, dialect, value);
                w.push(")");
            }
        }
    }
}

/// A bound value as a JSON value on PostgreSQL.
fn write_pg_json_value(w: &mut SqlWriter<'_>, value: &Value) {
    let cast = match value {
        Value::Null => return w.push("'null'::jsonb"),
        Value::Json(_) => return w.bind_cast(value.clone(), "jsonb"),
        Value::Int(_) => "bigint",
        Value::Float(_) => "double precision",
        Value::Bool(_) => "boolean",
        _ => "text",
    };
    w.push("to_jsonb(CAST(");
    w.bind(text_unless_native(value));
    w.push(" AS ");
    w.push(cast);
    w.push("))");
}

/// Values PostgreSQL's JSON has no type for are bound as their text.
fn text_unless_native(value: &Value) -> Value {
    match value {
        Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Text(_) => value.clone(),
        other => Value::Text(other.to_string()),
    }
}

/// A bound value as a JSON value in SQLite and MySQL: booleans and JSON are parsed from their
/// text, so that `true` stays `true` and an object stays an object.
fn write_json_value(w: &mut SqlWriter<'_>, dialect: Dialect, value: &Value) {
    let parsed = match value {
        Value::Bool(b) => Some(if *b { "true" } else { "false" }.to_owned()),
        Value::Json(j) => Some(j.to_string()),
        _ => None,
    };
    match parsed {
        Some(text) => {
            w.push(if dialect == Dialect::Sqlite { "json(" } else { "json_extract(" });
            w.bind(Value::Text(text));
            w.push(if dialect == Dialect::Sqlite { ")" } else { ", '$')" });
        }
        None => w.bind(value.clone()),
    }
}
