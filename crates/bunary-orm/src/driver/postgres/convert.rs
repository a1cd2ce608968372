//! Values into and out of PostgreSQL's binary format, and its errors into [`Error`].

use std::error::Error as StdError;

use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use tokio_postgres::types::{FromSql, IsNull, Kind as PgKind, ToSql, Type};

use crate::error::{DatabaseErrorKind, Error};
use crate::row::{ColumnSource, Columns};
use crate::value::{FromValue, Value, ValueRef};

use super::numeric;

type BoxError = Box<dyn StdError + Sync + Send>;

/// A [`Value`] bound to a parameter of whatever type the server inferred for it.
#[derive(Debug)]
pub(super) struct Bind<'a>(pub &'a Value);

fn convert<T: FromValue>(value: &Value, ty: &Type) -> Result<T, BoxError> {
    T::from_value(value).map_err(|e| format!("cannot bind {} as {ty} (expected {})", e.found, e.expected).into())
}

fn int<T: TryFrom<i64>>(value: &Value, ty: &Type) -> Result<T, BoxError> {
    let wide: i64 = match value {
        Value::Text(t) => t.trim().parse().map_err(|_| format!("cannot bind text as {ty}"))?,
        other => convert(other, ty)?,
    };
    T::try_from(wide).map_err(|_| format!("{wide} is out of range for {ty}").into())
}

/// One item of a JSON array bound to an array parameter, as a [`Value`].
fn json_item(item: &serde_json::Value) -> Result<Value, BoxError> {
    Ok(match item {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().ok_or("a JSON number out of range")?),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => return Err(format!("cannot bind a JSON {other} as an array item").into()),
    })
}

impl ToSql for Bind<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let v = self.0;
        if v.is_null() {
            return Ok(IsNull::Yes);
        }
        if let (PgKind::Array(_), Value::Json(serde_json::Value::Array(items))) = (ty.kind(), v) {
            // A JSON array bound to an array parameter (`col = ANY($1)` of a long `IN` list):
            // each item is sent as the array's element type.
            let items: Vec<Value> = items.iter().map(json_item).collect::<Result<_, BoxError>>()?;
            let binds: Vec<Bind<'_>> = items.iter().map(Bind).collect();
            return binds.to_sql(ty, out);
        }
        match *ty {
            Type::BOOL => convert::<bool>(v, ty)?.to_sql(ty, out),
            Type::INT2 => int::<i16>(v, ty)?.to_sql(ty, out),
            Type::INT4 => int::<i32>(v, ty)?.to_sql(ty, out),
            Type::INT8 => int::<i64>(v, ty)?.to_sql(ty, out),
            Type::OID => int::<u32>(v, ty)?.to_sql(ty, out),
            Type::FLOAT4 => convert::<f32>(v, ty)?.to_sql(ty, out),
            Type::FLOAT8 => convert::<f64>(v, ty)?.to_sql(ty, out),
            Type::NUMERIC => {
                let text = match v {
                    Value::Int(i) => i.to_string(),
                    Value::Float(f) if f.is_finite() => f.to_string(),
                    Value::Text(t) => t.clone(),
                    other => return Err(format!("cannot bind {} as numeric", other.kind_name()).into()),
                };
                numeric::encode(&text, out)?;
                Ok(IsNull::No)
            }
            Type::BYTEA => convert::<Vec<u8>>(v, ty)?.to_sql(ty, out),
            Type::JSON | Type::JSONB => match v {
                // Text is sent as the JSON document it holds; the server validates it.
                Value::Text(t) => {
                    if *ty == Type::JSONB {
                        out.extend_from_slice(&[1]);
                    }
                    out.extend_from_slice(t.as_bytes());
                    Ok(IsNull::No)
                }
                other => convert::<serde_json::Value>(other, ty)?.to_sql(ty, out),
            },
            Type::UUID => convert::<uuid::Uuid>(v, ty)?.to_sql(ty, out),
            Type::DATE => convert::<NaiveDate>(v, ty)?.to_sql(ty, out),
            Type::TIME => convert::<NaiveTime>(v, ty)?.to_sql(ty, out),
            Type::TIMESTAMP => convert::<NaiveDateTime>(v, ty)?.to_sql(ty, out),
            Type::TIMESTAMPTZ => convert::<DateTime<Utc>>(v, ty)?.to_sql(ty, out),
            Type::INET => match v {
                Value::Text(t) => {
                    t.parse::<std::net::IpAddr>().map_err(|_| format!("`{t}` is not an IP address"))?.to_sql(ty, out)
                }
                other => Err(format!("cannot bind {} as {ty}", other.kind_name()).into()),
            },
            Type::MACADDR => match v {
                Value::Text(t) => {
                    out.extend_from_slice(&mac_bytes(t).ok_or_else(|| format!("`{t}` is not a MAC address"))?);
                    Ok(IsNull::No)
                }
                other => Err(format!("cannot bind {} as {ty}", other.kind_name()).into()),
            },
            _ => {
                // Text types (text, varchar, char, name, citext, unknown) and enums take the
                // value's text form.
                let text = match v {
                    Value::Text(t) => t.clone(),
                    Value::Bool(b) => b.to_string(),
                    Value::Int(i) => i.to_string(),
                    Value::Float(f) => f.to_string(),
                    Value::Uuid(u) => u.to_string(),
                    Value::Json(j) => j.to_string(),
                    Value::Date(d) => d.to_string(),
                    Value::Time(t) => t.to_string(),
                    Value::DateTime(d) => d.to_string(),
                    Value::Timestamp(t) => t.to_rfc3339(),
                    other => return Err(format!("cannot bind {} as {ty}", other.kind_name()).into()),
                };
                if matches!(ty.kind(), PgKind::Simple | PgKind::Enum(_) | PgKind::Pseudo) {
                    out.extend_from_slice(text.as_bytes());
                    Ok(IsNull::No)
                } else {
                    Err(format!("cannot bind a value to a parameter of type {ty}").into())
                }
            }
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

/// How a column's type is read, worked out once per query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Bool,
    Int2,
    Int4,
    Int8,
    Oid,
    Float4,
    Float8,
    Numeric,
    Bytea,
    Json,
    Uuid,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    /// `inet`, read as its text (`192.168.0.1`, `::1`).
    Inet,
    /// `macaddr`, read as its text (`08:00:2b:01:02:03`).
    MacAddr,
    /// Text types, enums and anything else: UTF-8 text, else bytes.
    Other,
}

/// The six bytes of a MAC address written as six hex pairs split by `:` or `-`.
fn mac_bytes(text: &str) -> Option<[u8; 6]> {
    let mut out = [0u8; 6];
    let mut parts = text.split([':', '-']);
    for byte in &mut out {
        let part = parts.next()?;
        if part.len() != 2 {
            return None;
        }
        *byte = u8::from_str_radix(part, 16).ok()?;
    }
    parts.next().is_none().then_some(out)
}

impl Kind {
    pub(super) fn of(ty: &Type) -> Kind {
        match *ty {
            Type::BOOL => Kind::Bool,
            Type::INT2 => Kind::Int2,
            Type::INT4 => Kind::Int4,
            Type::INT8 => Kind::Int8,
            Type::OID => Kind::Oid,
            Type::FLOAT4 => Kind::Float4,
            Type::FLOAT8 => Kind::Float8,
            Type::NUMERIC => Kind::Numeric,
            Type::BYTEA => Kind::Bytea,
            Type::JSON | Type::JSONB => Kind::Json,
            Type::UUID => Kind::Uuid,
            Type::DATE => Kind::Date,
            Type::TIME => Kind::Time,
            Type::TIMESTAMP => Kind::Timestamp,
            Type::TIMESTAMPTZ => Kind::TimestampTz,
            Type::INET => Kind::Inet,
            Type::MACADDR => Kind::MacAddr,
            _ => Kind::Other,
        }
    }
}

/// Decodes one column's bytes (binary format) of type `ty`, read as `kind`.
pub(super) fn decode(kind: Kind, ty: &Type, raw: Option<&[u8]>) -> Result<Value, BoxError> {
    let Some(raw) = raw else { return Ok(Value::Null) };
    Ok(match kind {
        Kind::Bool => Value::Bool(bool::from_sql(ty, raw)?),
        Kind::Int2 => Value::Int(i16::from_sql(ty, raw)?.into()),
        Kind::Int4 => Value::Int(i32::from_sql(ty, raw)?.into()),
        Kind::Int8 => Value::Int(i64::from_sql(ty, raw)?),
        Kind::Oid => Value::Int(u32::from_sql(ty, raw)?.into()),
        Kind::Float4 => Value::Float(f32::from_sql(ty, raw)?.into()),
        Kind::Float8 => Value::Float(f64::from_sql(ty, raw)?),
        Kind::Numeric => Value::Text(numeric::decode(raw)?),
        Kind::Bytea => Value::Blob(raw.to_vec()),
        Kind::Json => Value::Json(serde_json::Value::from_sql(ty, raw)?),
        Kind::Uuid => Value::Uuid(uuid::Uuid::from_sql(ty, raw)?),
        Kind::Date => Value::Date(NaiveDate::from_sql(ty, raw)?),
        Kind::Time => Value::Time(NaiveTime::from_sql(ty, raw)?),
        Kind::Timestamp => Value::DateTime(NaiveDateTime::from_sql(ty, raw)?),
        Kind::TimestampTz => Value::Timestamp(DateTime::<Utc>::from_sql(ty, raw)?),
        Kind::Inet => Value::Text(std::net::IpAddr::from_sql(ty, raw)?.to_string()),
        Kind::MacAddr => match raw {
            [a, b, c, d, e, f] => Value::Text(format!("{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{f:02x}")),
            _ => return Err("a macaddr is six bytes".into()),
        },
        Kind::Other => match std::str::from_utf8(raw) {
            Ok(text) => Value::Text(text.to_owned()),
            Err(_) => Value::Blob(raw.to_vec()),
        },
    })
}

/// One row of a result as a [`ColumnSource`]: typed results decode their fields straight from
/// its bytes (integers, floats, text and bytes), with no [`Value`] per column.
pub(super) struct PgColumns<'r> {
    pub(super) row: &'r tokio_postgres::Row,
    pub(super) kinds: &'r [(Kind, &'r Type)],
    pub(super) names: &'r Columns,
    pub(super) sql: &'r str,
}

impl PgColumns<'_> {
    fn raw(&self, index: usize) -> crate::error::Result<Option<&[u8]>> {
        self.row.try_get::<_, RawColumn<'_>>(index).map(|raw| raw.0).map_err(|e| query_error(e, self.sql))
    }

    fn kind(&self, index: usize) -> crate::error::Result<(Kind, &Type)> {
        self.kinds
            .get(index)
            .copied()
            .ok_or_else(|| Error::ColumnNotFound { column: format!("#{index}"), available: self.names.to_vec() })
    }
}

impl ColumnSource for PgColumns<'_> {
    fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Plain for the types whose [`Value`] is plain (what [`decode`] makes of them); `None` for
    /// the others (booleans, numerics, JSON, UUIDs, dates and times), and for bytes that do not
    /// decode, whose error [`value`](ColumnSource::value) reports.
    fn plain(&self, index: usize) -> crate::error::Result<Option<ValueRef<'_>>> {
        let (kind, ty) = self.kind(index)?;
        let Some(raw) = self.raw(index)? else { return Ok(Some(ValueRef::Null)) };
        Ok(match kind {
            Kind::Int2 => i16::from_sql(ty, raw).ok().map(|v| ValueRef::Int(v.into())),
            Kind::Int4 => i32::from_sql(ty, raw).ok().map(|v| ValueRef::Int(v.into())),
            Kind::Int8 => i64::from_sql(ty, raw).ok().map(ValueRef::Int),
            Kind::Oid => u32::from_sql(ty, raw).ok().map(|v| ValueRef::Int(v.into())),
            Kind::Float4 => f32::from_sql(ty, raw).ok().map(|v| ValueRef::Float(v.into())),
            Kind::Float8 => f64::from_sql(ty, raw).ok().map(ValueRef::Float),
            Kind::Bytea => Some(ValueRef::Blob(raw)),
            Kind::Other => Some(std::str::from_utf8(raw).map_or(ValueRef::Blob(raw), ValueRef::Text)),
            Kind::Bool
            | Kind::Numeric
            | Kind::Json
            | Kind::Uuid
            | Kind::Date
            | Kind::Time
            | Kind::Timestamp
            | Kind::TimestampTz
            | Kind::Inet
            | Kind::MacAddr => None,
        })
    }

    fn value(&self, index: usize) -> crate::error::Result<Value> {
        let (kind, ty) = self.kind(index)?;
        decode(kind, ty, self.raw(index)?).map_err(|e| Error::Decode {
            column: self.names[index].clone(),
            expected: "a PostgreSQL value",
            found: e.to_string(),
        })
    }
}

/// A column's raw bytes, whatever its type (`None` for NULL), decoded afterwards by [`decode`].
pub(super) struct RawColumn<'a>(pub Option<&'a [u8]>);

impl<'a> FromSql<'a> for RawColumn<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(RawColumn(Some(raw)))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(RawColumn(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Maps a tokio-postgres error to [`Error::Database`] (with the SQLSTATE) or, when the
/// connection is gone (closed, terminated by the server, an I/O failure),
/// [`Error::ConnectionLost`].
pub(super) fn query_error(err: tokio_postgres::Error, sql: &str) -> Error {
    use tokio_postgres::error::SqlState;
    let lost = |err: &tokio_postgres::Error, code: Option<String>| Error::ConnectionLost {
        driver: "postgres".into(),
        message: crate::error::error_chain(err),
        code,
    };
    let Some(db) = err.as_db_error() else {
        // Closed by the server, or an I/O failure on the socket: the connection is gone.
        let io = std::error::Error::source(&err).is_some_and(|s| s.is::<std::io::Error>());
        if err.is_closed() || io {
            return lost(&err, None);
        }
        let message = crate::error::error_chain(&err);
        return Error::Database { sql: sql.to_owned(), message, kind: DatabaseErrorKind::Other, code: None };
    };
    // Connection exceptions (class 08) and the server shutting the backend down (57P01
    // admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now) are a lost connection.
    let code = db.code().code();
    if code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03") {
        return lost(&err, Some(code.to_owned()));
    }
    let code = db.code();
    let kind = if *code == SqlState::UNIQUE_VIOLATION {
        DatabaseErrorKind::UniqueViolation
    } else if *code == SqlState::FOREIGN_KEY_VIOLATION {
        DatabaseErrorKind::ForeignKeyViolation
    } else if *code == SqlState::NOT_NULL_VIOLATION {
        DatabaseErrorKind::NotNullViolation
    } else if *code == SqlState::CHECK_VIOLATION {
        DatabaseErrorKind::CheckViolation
    } else if *code == SqlState::T_R_DEADLOCK_DETECTED {
        DatabaseErrorKind::Deadlock
    } else if *code == SqlState::T_R_SERIALIZATION_FAILURE {
        DatabaseErrorKind::SerializationFailure
    } else if *code == SqlState::QUERY_CANCELED {
        DatabaseErrorKind::Timeout
    } else if *code == SqlState::LOCK_NOT_AVAILABLE {
        DatabaseErrorKind::Busy
    } else if code.code().starts_with("42") {
        DatabaseErrorKind::Syntax
    } else {
        DatabaseErrorKind::Other
    };
    // The server's DETAIL can repeat the offending values ("Key (email)=(a@b.c) already
    // exists"): it is left out, as bound values are.
    let mut message = db.message().to_owned();
    if let Some(constraint) = db.constraint() {
        message.push_str(&format!(" (constraint {constraint})"));
    }
    Error::Database { sql: sql.to_owned(), message, kind, code: Some(code.code().to_owned()) }
}
