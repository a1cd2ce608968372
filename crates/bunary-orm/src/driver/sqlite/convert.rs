//! Values into and out of SQLite, and SQLite errors into [`Error`].

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{ffi, ToSql};

use crate::error::{DatabaseErrorKind, Error};
use crate::row::ColumnSource;
use crate::value::{formats, parse_date, parse_datetime, parse_time, Value};

/// A [`Value`] bound to a SQLite statement, without copying text or bytes.
pub(super) struct Bind<'a>(pub &'a Value);

impl ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::Value as Owned;
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Bool(b) => ToSqlOutput::Owned(Owned::Integer(i64::from(*b))),
            Value::Int(i) => ToSqlOutput::Owned(Owned::Integer(*i)),
            // SQLite would store NaN as NULL and report success: refused instead.
            Value::Float(f) if f.is_nan() => return Err(nan_refused()),
            Value::Float(f) => ToSqlOutput::Owned(Owned::Real(*f)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Value::Json(j) => ToSqlOutput::Owned(Owned::Text(j.to_string())),
            Value::Date(d) => ToSqlOutput::Owned(Owned::Text(d.format(formats::DATE).to_string())),
            Value::Time(t) => ToSqlOutput::Owned(Owned::Text(t.format(formats::TIME).to_string())),
            Value::DateTime(d) => ToSqlOutput::Owned(Owned::Text(d.format(formats::DATETIME).to_string())),
            Value::Timestamp(t) => ToSqlOutput::Owned(Owned::Text(t.format(formats::TIMESTAMP).to_string())),
            Value::Uuid(u) => ToSqlOutput::Owned(Owned::Text(u.hyphenated().to_string())),
        })
    }
}

#[cold]
#[inline(never)]
fn nan_refused() -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(NanRefused))
}

/// A NaN bound to a SQLite statement (SQLite turns it into NULL).
#[derive(Debug)]
struct NanRefused;

impl std::fmt::Display for NanRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SQLite cannot store NaN (it would store NULL)")
    }
}

impl std::error::Error for NanRefused {}

/// What a column's declared type says about how to read it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hint {
    Plain,
    Bool,
    Json,
    Date,
    Time,
    DateTime,
    Uuid,
}

impl Hint {
    /// From the column's declared type, as the schema builder writes them.
    pub(super) fn from_decltype(decl: Option<&str>) -> Hint {
        let Some(decl) = decl else { return Hint::Plain };
        let starts = |prefix: &str| decl.len() >= prefix.len() && decl[..prefix.len()].eq_ignore_ascii_case(prefix);
        if starts("bool") || decl.eq_ignore_ascii_case("tinyint(1)") {
            Hint::Bool
        } else if starts("json") {
            Hint::Json
        } else if starts("datetime") || starts("timestamp") {
            Hint::DateTime
        } else if decl.eq_ignore_ascii_case("date") {
            Hint::Date
        } else if starts("time") {
            Hint::Time
        } else if decl.eq_ignore_ascii_case("uuid") || decl.eq_ignore_ascii_case("uuid text") {
            Hint::Uuid
        } else {
            Hint::Plain
        }
    }
}

/// Reads one SQLite value. The hint turns the storage class back into the richer [`Value`]
/// that was written, when the text parses; anything else comes back as stored.
pub(super) fn read(value: ValueRef<'_>, hint: Hint) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => match (hint, i) {
            (Hint::Bool, 0) => Value::Bool(false),
            (Hint::Bool, 1) => Value::Bool(true),
            _ => Value::Int(i),
        },
        ValueRef::Real(f) => Value::Float(f),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        ValueRef::Text(bytes) => {
            // Valid UTF-8 is the rule; checking it whole is faster than the lossy walk.
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(bytes),
            };
            let rich = match hint {
                Hint::Plain | Hint::Bool => None,
                Hint::Json => serde_json::from_str(&text).ok().map(Value::Json),
                Hint::Date => parse_date(&text).map(Value::Date),
                Hint::Time => parse_time(&text).map(Value::Time),
                Hint::DateTime => parse_datetime(&text).map(Value::DateTime),
                Hint::Uuid => uuid::Uuid::parse_str(&text).ok().map(Value::Uuid),
            };
            rich.unwrap_or_else(|| Value::Text(text.into_owned()))
        }
    }
}

/// One row of a result as a [`ColumnSource`]: typed results decode their fields from
/// SQLite's buffer directly.
pub(super) struct Columns<'r, 's> {
    pub(super) row: &'r rusqlite::Row<'s>,
    pub(super) hints: &'r [Hint],
    pub(super) sql: &'r str,
}

impl Columns<'_, '_> {
    #[inline]
    fn read_plain(&self, index: usize) -> crate::error::Result<Option<crate::value::ValueRef<'_>>> {
        use crate::value::ValueRef as Plain;
        Ok(match self.row.get_ref(index).map_err(|e| query_error(e, self.sql))? {
            ValueRef::Null => Some(Plain::Null),
            ValueRef::Integer(i) => Some(Plain::Int(i)),
            ValueRef::Real(f) => Some(Plain::Float(f)),
            ValueRef::Blob(b) => Some(Plain::Blob(b)),
            // Text that is not UTF-8 is read (lossily) through `value`.
            ValueRef::Text(t) => std::str::from_utf8(t).ok().map(Plain::Text),
        })
    }
}

impl ColumnSource for Columns<'_, '_> {
    fn len(&self) -> usize {
        self.hints.len()
    }

    fn plain(&self, index: usize) -> crate::error::Result<Option<crate::value::ValueRef<'_>>> {
        match self.hints.get(index) {
            Some(Hint::Plain) => self.read_plain(index),
            _ => Ok(None),
        }
    }

    fn plain_cells<'s>(&'s self, out: &mut crate::row::PlainCells<'s>) -> crate::error::Result<()> {
        for (index, hint) in self.hints.iter().enumerate() {
            out.push(match hint {
                Hint::Plain => self.read_plain(index)?,
                _ => None,
            });
        }
        Ok(())
    }

    fn value(&self, index: usize) -> crate::error::Result<Value> {
        let hint = self.hints.get(index).copied().unwrap_or(Hint::Plain);
        Ok(read(self.row.get_ref(index).map_err(|e| query_error(e, self.sql))?, hint))
    }
}

/// Maps a rusqlite error to [`Error::Database`], keeping SQLite's extended code.
pub(super) fn query_error(err: rusqlite::Error, sql: &str) -> Error {
    if let rusqlite::Error::ToSqlConversionFailure(e) = &err {
        if e.is::<NanRefused>() {
            return Error::Unsupported {
                dialect: crate::dialect::Dialect::Sqlite,
                feature: "storing a NaN float".into(),
            };
        }
    }
    let (kind, code, message) = match &err {
        rusqlite::Error::SqliteFailure(e, msg) => {
            let kind = match e.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => DatabaseErrorKind::UniqueViolation,
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => DatabaseErrorKind::ForeignKeyViolation,
                ffi::SQLITE_CONSTRAINT_NOTNULL => DatabaseErrorKind::NotNullViolation,
                ffi::SQLITE_CONSTRAINT_CHECK => DatabaseErrorKind::CheckViolation,
                _ => match e.code {
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => DatabaseErrorKind::Busy,
                    _ if e.extended_code == ffi::SQLITE_ERROR => DatabaseErrorKind::Syntax,
                    _ => DatabaseErrorKind::Other,
                },
            };
            let message = msg.clone().unwrap_or_else(|| e.to_string());
            (kind, Some(e.extended_code.to_string()), message)
        }
        other => (DatabaseErrorKind::Other, None, other.to_string()),
    };
    Error::Database { sql: sql.to_owned(), message, kind, code }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_become_hints() {
        assert_eq!(Hint::from_decltype(Some("BOOLEAN")), Hint::Bool);
        assert_eq!(Hint::from_decltype(Some("datetime")), Hint::DateTime);
        assert_eq!(Hint::from_decltype(Some("TIMESTAMP")), Hint::DateTime);
        assert_eq!(Hint::from_decltype(Some("date")), Hint::Date);
        assert_eq!(Hint::from_decltype(Some("time")), Hint::Time);
        assert_eq!(Hint::from_decltype(Some("json")), Hint::Json);
        assert_eq!(Hint::from_decltype(Some("uuid")), Hint::Uuid);
        assert_eq!(Hint::from_decltype(Some("UUID TEXT")), Hint::Uuid);
        assert_eq!(Hint::from_decltype(Some("varchar(255)")), Hint::Plain);
        assert_eq!(Hint::from_decltype(None), Hint::Plain);
    }

    #[test]
    fn text_that_does_not_parse_stays_text() {
        assert_eq!(read(ValueRef::Text(b"not json {"), Hint::Json), Value::Text("not json {".into()));
        assert_eq!(read(ValueRef::Integer(5), Hint::Bool), Value::Int(5));
    }
}
