//! Values written as SQL literals, for `to_raw_sql` only: SQL meant to be read (logs, bug
//! reports), never run. Text is quoted with the dialect's escaping (quotes doubled; MySQL's
//! backslashes too), so that what is printed reads as the value it was.

use crate::dialect::Dialect;
use crate::value::Value;

fn quoted(out: &mut String, dialect: Dialect, text: &str) {
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' if dialect == Dialect::MySql => out.push_str("\\\\"),
            '\0' if dialect == Dialect::MySql => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

/// Writes `value` as a literal of `dialect`.
pub(super) fn write(out: &mut String, dialect: Dialect, value: &Value) {
    match value {
        Value::Null => out.push_str("NULL"),
        Value::Bool(b) => out.push_str(match (dialect, b) {
            (Dialect::Sqlite, true) => "1",
            (Dialect::Sqlite, false) => "0",
            (_, true) => "TRUE",
            (_, false) => "FALSE",
        }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.is_finite() => out.push_str(&f.to_string()),
        Value::Float(f) => quoted(out, dialect, &f.to_string()),
        Value::Text(t) => quoted(out, dialect, t),
        Value::Blob(bytes) => {
            let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
            match dialect {
                Dialect::Postgres => out.push_str(&format!("'\\x{hex}'")),
                _ => out.push_str(&format!("X'{hex}'")),
            }
        }
        Value::Json(j) => quoted(out, dialect, &j.to_string()),
        Value::Date(d) => quoted(out, dialect, &d.to_string()),
        Value::Time(t) => quoted(out, dialect, &t.to_string()),
        Value::DateTime(d) => quoted(out, dialect, &d.format("%Y-%m-%d %H:%M:%S%.f").to_string()),
        Value::Timestamp(t) => quoted(out, dialect, &t.format("%Y-%m-%d %H:%M:%S%.f").to_string()),
        Value::Uuid(u) => quoted(out, dialect, &u.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_per_dialect() {
        let mut out = String::new();
        write(&mut out, Dialect::MySql, &Value::from("it's a \\ path"));
        assert_eq!(out, r"'it''s a \\ path'");
        let mut out = String::new();
        write(&mut out, Dialect::Postgres, &Value::from("it's a \\ path"));
        assert_eq!(out, r"'it''s a \ path'");
        let mut out = String::new();
        write(&mut out, Dialect::Sqlite, &Value::Bool(true));
        assert_eq!(out, "1");
    }
}
