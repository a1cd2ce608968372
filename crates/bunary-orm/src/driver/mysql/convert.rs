//! Values into and out of MySQL's binary protocol, and its errors into [`Error`].

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use mysql_async::consts::ColumnType;
use mysql_async::{Column, Value as MyValue};

use crate::error::{DatabaseErrorKind, Error};
use crate::value::Value;

/// The binary character set number: such text columns are bytes.
const BINARY_CHARSET: u16 = 63;

fn datetime(d: NaiveDateTime) -> MyValue {
    MyValue::Date(
        u16::try_from(d.year()).unwrap_or(0),
        d.month() as u8,
        d.day() as u8,
        d.hour() as u8,
        d.minute() as u8,
        d.second() as u8,
        d.nanosecond() / 1_000,
    )
}

/// A [`Value`] as MySQL's.
pub(super) fn bind(value: &Value) -> MyValue {
    match value {
        Value::Null => MyValue::NULL,
        Value::Bool(b) => MyValue::Int(i64::from(*b)),
        Value::Int(i) => MyValue::Int(*i),
        Value::Float(f) => MyValue::Double(*f),
        Value::Text(t) => MyValue::Bytes(t.as_bytes().to_vec()),
        Value::Blob(b) => MyValue::Bytes(b.clone()),
        Value::Json(j) => MyValue::Bytes(j.to_string().into_bytes()),
        Value::Date(d) => datetime(d.and_time(NaiveTime::MIN)),
        Value::Time(t) => {
            MyValue::Time(false, 0, t.hour() as u8, t.minute() as u8, t.second() as u8, t.nanosecond() / 1_000)
        }
        Value::DateTime(d) => datetime(*d),
        Value::Timestamp(t) => datetime(t.naive_utc()),
        Value::Uuid(u) => MyValue::Bytes(u.hyphenated().to_string().into_bytes()),
    }
}

/// How to read a column back, from its metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hint {
    Plain,
    Bool,
    Json,
    Decimal,
    Binary,
    Date,
}

impl Hint {
    pub(super) fn of(column: &Column) -> Hint {
        match column.column_type() {
            ColumnType::MYSQL_TYPE_TINY if column.column_length() == 1 => Hint::Bool,
            ColumnType::MYSQL_TYPE_JSON => Hint::Json,
            ColumnType::MYSQL_TYPE_DECIMAL | ColumnType::MYSQL_TYPE_NEWDECIMAL => Hint::Decimal,
            ColumnType::MYSQL_TYPE_DATE | ColumnType::MYSQL_TYPE_NEWDATE => Hint::Date,
            ColumnType::MYSQL_TYPE_TINY_BLOB
            | ColumnType::MYSQL_TYPE_BLOB
            | ColumnType::MYSQL_TYPE_MEDIUM_BLOB
            | ColumnType::MYSQL_TYPE_LONG_BLOB
            | ColumnType::MYSQL_TYPE_VAR_STRING
            | ColumnType::MYSQL_TYPE_STRING
            | ColumnType::MYSQL_TYPE_VARCHAR
            | ColumnType::MYSQL_TYPE_BIT
                if column.character_set() == BINARY_CHARSET =>
            {
                Hint::Binary
            }
            _ => Hint::Plain,
        }
    }
}

/// Reads one MySQL value.
pub(super) fn read(value: MyValue, hint: Hint) -> Value {
    match value {
        MyValue::NULL => Value::Null,
        MyValue::Int(i) => match (hint, i) {
            (Hint::Bool, 0) => Value::Bool(false),
            (Hint::Bool, 1) => Value::Bool(true),
            _ => Value::Int(i),
        },
        MyValue::UInt(u) => i64::try_from(u).map(Value::Int).unwrap_or_else(|_| Value::Text(u.to_string())),
        MyValue::Float(f) => Value::Float(f64::from(f)),
        MyValue::Double(f) => Value::Float(f),
        MyValue::Bytes(bytes) => match hint {
            Hint::Binary => Value::Blob(bytes),
            Hint::Json => match serde_json::from_slice(&bytes) {
                Ok(json) => Value::Json(json),
                Err(_) => text_or_blob(bytes),
            },
            _ => text_or_blob(bytes),
        },
        MyValue::Date(y, m, d, h, mi, s, us) => {
            let date = NaiveDate::from_ymd_opt(y.into(), m.into(), d.into());
            match (hint, date) {
                (Hint::Date, Some(date)) => Value::Date(date),
                (_, Some(date)) => match date.and_hms_micro_opt(h.into(), mi.into(), s.into(), us) {
                    Some(dt) => Value::DateTime(dt),
                    None => Value::Text(format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}.{us:06}")),
                },
                // MySQL's zero date '0000-00-00' has no chrono value.
                (_, None) => Value::Text(format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")),
            }
        }
        MyValue::Time(negative, days, h, m, s, us) => {
            match (negative, days, NaiveTime::from_hms_micro_opt(h.into(), m.into(), s.into(), us)) {
                (false, 0, Some(t)) => Value::Time(t),
                _ => {
                    let hours = u64::from(days) * 24 + u64::from(h);
                    Value::Text(format!("{}{hours:02}:{m:02}:{s:02}.{us:06}", if negative { "-" } else { "" }))
                }
            }
        }
    }
}

/// MySQL repeats the offending value in some messages (`Duplicate entry 'a@b.c' for key
/// 'email'`); bound values may be secrets, so the value is cut out.
fn redact_values(code: u16, message: String) -> String {
    let cut = |message: &str, start: &str, end: &str| -> Option<String> {
        let from = message.find(start)? + start.len();
        let to = message.rfind(end)?;
        (to >= from).then(|| format!("{} {}", message[..from - 1].trim_end(), message[to + 1..].trim_start()))
    };
    match code {
        // Duplicate entry 'value' for key 'name'
        1062 | 1586 => cut(&message, "entry '", "' for key").unwrap_or(message),
        // Incorrect integer value: 'value' for column `c` at row 1 (and the like)
        1292 | 1366 | 1265 => cut(&message, ": '", "' for column").unwrap_or(message),
        _ => message,
    }
}

fn text_or_blob(bytes: Vec<u8>) -> Value {
    match String::from_utf8(bytes) {
        Ok(text) => Value::Text(text),
        Err(e) => Value::Blob(e.into_bytes()),
    }
}

/// Maps a mysql_async error to [`Error::Database`] (with the server's error number) or, when
/// the connection is gone (killed, the server shutting down, an I/O failure),
/// [`Error::ConnectionLost`].
pub(super) fn query_error(err: mysql_async::Error, sql: &str) -> Error {
    let lost = |err: &mysql_async::Error, code: Option<String>| Error::ConnectionLost {
        driver: "mysql".into(),
        message: crate::error::error_chain(err),
        code,
    };
    match err {
        // ER_CONNECTION_KILLED, ER_SERVER_SHUTDOWN, ER_NEW_ABORTING_CONNECTION
        mysql_async::Error::Server(ref e) if matches!(e.code, 1927 | 1053 | 1184) => {
            let code = Some(e.code.to_string());
            lost(&err, code)
        }
        mysql_async::Error::Io(_) | mysql_async::Error::Driver(mysql_async::DriverError::ConnectionClosed) => {
            lost(&err, None)
        }
        mysql_async::Error::Server(e) => {
            let kind = match e.code {
                1062 | 1586 => DatabaseErrorKind::UniqueViolation,
                1216 | 1217 | 1451 | 1452 => DatabaseErrorKind::ForeignKeyViolation,
                1048 | 1364 => DatabaseErrorKind::NotNullViolation,
                3819 | 4025 => DatabaseErrorKind::CheckViolation,
                1213 => DatabaseErrorKind::Deadlock,
                1205 => DatabaseErrorKind::Busy,
                1969 | 3024 => DatabaseErrorKind::Timeout,
                1054 | 1064 | 1146 | 1149 => DatabaseErrorKind::Syntax,
                _ => DatabaseErrorKind::Other,
            };
            let message = redact_values(e.code, e.message);
            Error::Database { sql: sql.to_owned(), message, kind, code: Some(e.code.to_string()) }
        }
        e @ mysql_async::Error::Url(_) => {
            Error::Connection { driver: "mysql".into(), message: e.to_string(), source: Some(Box::new(e)) }
        }
        other => Error::Database {
            sql: sql.to_owned(),
            message: other.to_string(),
            kind: DatabaseErrorKind::Other,
            code: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offending_values_are_cut_from_messages() {
        assert_eq!(
            redact_values(1062, "Duplicate entry 'secret@x.io' for key 'email'".into()),
            "Duplicate entry for key 'email'"
        );
        assert_eq!(
            redact_values(1366, "Incorrect integer value: 'hunter2' for column `age` at row 1".into()),
            "Incorrect integer value: for column `age` at row 1"
        );
        assert_eq!(redact_values(1048, "Column 'name' cannot be null".into()), "Column 'name' cannot be null");
    }
}
