//! [`Value`]: one SQL value, the conversions into it from Rust types, and back out of it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::ser::{Serialize, Serializer};
use uuid::Uuid;

mod display;

/// One SQL value, as bound to a statement or read from a row.
///
/// Every Rust type that can be bound converts into a `Value` with `From`, `Option<T>` included
/// (`None` is `NULL`). Reading back is [`FromValue`], usually through
/// [`Row::get`](crate::Row::get).
///
/// # Examples
/// ```
/// use bunary_orm::Value;
/// assert_eq!(Value::from(42), Value::Int(42));
/// assert_eq!(Value::from(None::<&str>), Value::Null);
/// assert_eq!(Value::from("Alice"), Value::Text("Alice".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum Value {
    /// SQL `NULL`.
    #[default]
    Null,
    /// A boolean (an integer 0/1 on SQLite and MySQL).
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
    /// A JSON document (text on SQLite, `jsonb` on Postgres, `JSON` on MySQL).
    Json(serde_json::Value),
    /// A calendar date.
    Date(NaiveDate),
    /// A time of day.
    Time(NaiveTime),
    /// A date and time without time zone.
    DateTime(NaiveDateTime),
    /// An instant in UTC.
    Timestamp(DateTime<Utc>),
    /// A UUID (text on SQLite and MySQL, `uuid` on Postgres).
    Uuid(Uuid),
}

impl Value {
    /// `true` for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A short name of the variant, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "bool",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::Text(_) => "text",
            Value::Blob(_) => "blob",
            Value::Json(_) => "json",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::DateTime(_) => "datetime",
            Value::Timestamp(_) => "timestamp",
            Value::Uuid(_) => "uuid",
        }
    }

    /// The value as a JSON value (dates as ISO-8601 text, UUIDs as text, blobs as arrays of bytes).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_none(),
            Value::Bool(v) => s.serialize_bool(*v),
            Value::Int(v) => s.serialize_i64(*v),
            Value::Float(v) => s.serialize_f64(*v),
            Value::Text(v) => s.serialize_str(v),
            Value::Blob(v) => s.collect_seq(v.iter()),
            Value::Json(v) => v.serialize(s),
            Value::Date(v) => v.serialize(s),
            Value::Time(v) => v.serialize(s),
            Value::DateTime(v) => v.serialize(s),
            Value::Timestamp(v) => v.serialize(s),
            Value::Uuid(v) => s.collect_str(v),
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::Int(i64::from(v)) }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! from_variant {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::$variant(v) }
        }
    )*};
}
from_variant!(
    bool => Bool,
    f64 => Float,
    String => Text,
    Vec<u8> => Blob,
    serde_json::Value => Json,
    NaiveDate => Date,
    NaiveTime => Time,
    NaiveDateTime => DateTime,
    DateTime<Utc> => Timestamp,
    Uuid => Uuid,
);

impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::Float(f64::from(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Blob(v.to_vec())
    }
}
impl From<&Value> for Value {
    fn from(v: &Value) -> Self {
        v.clone()
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Why a [`Value`] could not become the requested type. [`Row::get`](crate::Row::get) turns it
/// into [`Error::Decode`](crate::Error::Decode) with the column name.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    /// The Rust type asked for.
    pub expected: &'static str,
    /// A description of the value found.
    pub found: String,
}

impl DecodeError {
    fn new(expected: &'static str, found: &Value) -> Self {
        let shown = match found {
            Value::Text(t) if t.chars().count() > 40 => {
                format!("text \"{}…\"", t.chars().take(40).collect::<String>())
            }
            Value::Text(t) => format!("text \"{t}\""),
            Value::Null => "NULL".to_owned(),
            other => format!("{} {:?}", other.kind_name(), other),
        };
        DecodeError { expected, found: shown }
    }
}

/// A Rust type that can be read out of a [`Value`].
///
/// Conversions are lenient where the database forces a representation: a `bool` reads from an
/// integer 0/1 (SQLite and MySQL store booleans so), dates and UUIDs read from their text form,
/// JSON reads from text. `Option<T>` reads `NULL` as `None`; any other type refuses `NULL`.
pub trait FromValue: Sized {
    /// Converts a borrowed value (cloning text and bytes).
    fn from_value(value: &Value) -> Result<Self, DecodeError>;

    /// Converts an owned value; the default borrows. Text and byte types override it to move.
    fn from_owned_value(value: Value) -> Result<Self, DecodeError> {
        Self::from_value(&value)
    }

    /// Converts a plain column value straight from the driver's buffer, when this type has a
    /// direct reading of it; `None` sends the caller to [`from_owned_value`](FromValue::from_owned_value)
    /// with the same column as a [`Value`]. Must agree with `from_owned_value` wherever it
    /// answers.
    fn from_plain(_value: ValueRef<'_>) -> Option<Result<Self, DecodeError>> {
        None
    }

    /// The value of a field whose column a column-limited load left out (`None`, `0`, `""`,
    /// `false`, the type's default): `None`, the default here, for a type with no empty value,
    /// whose column such a load must then select.
    #[doc(hidden)]
    fn absent() -> Option<Self> {
        None
    }
}

/// A column value as the driver holds it, borrowed: what a [`Value`] of a plain column
/// (no richer type recovered from its declared type) would hold, without the copy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text (valid UTF-8).
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
}

impl FromValue for Value {
    fn absent() -> Option<Self> {
        Some(Value::Null)
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        Ok(value.clone())
    }
    fn from_owned_value(value: Value) -> Result<Self, DecodeError> {
        Ok(value)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn absent() -> Option<Self> {
        Some(None)
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
    #[inline]
    fn from_plain(value: ValueRef<'_>) -> Option<Result<Self, DecodeError>> {
        match value {
            ValueRef::Null => Some(Ok(None)),
            v => T::from_plain(v).map(|r| r.map(Some)),
        }
    }
    fn from_owned_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_owned_value(v).map(Some),
        }
    }
}

impl FromValue for bool {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(b) => Ok(*b),
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            v => Err(DecodeError::new("bool", v)),
        }
    }
}

impl FromValue for i64 {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    #[inline]
    fn from_plain(value: ValueRef<'_>) -> Option<Result<Self, DecodeError>> {
        match value {
            ValueRef::Int(i) => Some(Ok(i)),
            _ => None,
        }
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(i64::from(*b)),
            // Exact decimals (a MySQL SUM, a Postgres NUMERIC) arrive as text.
            Value::Text(t) => t.trim().parse().map_err(|_| DecodeError::new("i64", value)),
            v => Err(DecodeError::new("i64", v)),
        }
    }
}

macro_rules! from_value_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn absent() -> Option<Self> {
                Some(<$t>::default())
            }

            fn from_value(value: &Value) -> Result<Self, DecodeError> {
                let wide = i64::from_value(value).map_err(|_| DecodeError::new(stringify!($t), value))?;
                <$t>::try_from(wide).map_err(|_| DecodeError::new(stringify!($t), value))
            }
        }
    )*};
}
from_value_int!(i8, i16, i32, u8, u16, u32, u64, usize);

impl FromValue for f64 {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    #[inline]
    fn from_plain(value: ValueRef<'_>) -> Option<Result<Self, DecodeError>> {
        match value {
            ValueRef::Float(f) => Some(Ok(f)),
            ValueRef::Int(i) => Some(Ok(i as f64)),
            _ => None,
        }
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Float(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            Value::Text(t) => t.parse().map_err(|_| DecodeError::new("f64", value)),
            v => Err(DecodeError::new("f64", v)),
        }
    }
}

impl FromValue for f32 {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        f64::from_value(value).map(|f| f as f32).map_err(|_| DecodeError::new("f32", value))
    }
}

impl FromValue for String {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    #[inline]
    fn from_plain(value: ValueRef<'_>) -> Option<Result<Self, DecodeError>> {
        match value {
            ValueRef::Text(t) => Some(Ok(t.to_owned())),
            _ => None,
        }
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Text(t) => Ok(t.clone()),
            Value::Uuid(u) => Ok(u.to_string()),
            v => Err(DecodeError::new("String", v)),
        }
    }
    fn from_owned_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Text(t) => Ok(t),
            v => Self::from_value(&v),
        }
    }
}

impl FromValue for Vec<u8> {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    #[inline]
    fn from_plain(value: ValueRef<'_>) -> Option<Result<Self, DecodeError>> {
        match value {
            ValueRef::Blob(b) => Some(Ok(b.to_vec())),
            ValueRef::Text(t) => Some(Ok(t.as_bytes().to_vec())),
            _ => None,
        }
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(t) => Ok(t.as_bytes().to_vec()),
            v => Err(DecodeError::new("Vec<u8>", v)),
        }
    }
    fn from_owned_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Blob(b) => Ok(b),
            Value::Text(t) => Ok(t.into_bytes()),
            v => Self::from_value(&v),
        }
    }
}

impl FromValue for serde_json::Value {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Json(j) => Ok(j.clone()),
            Value::Text(t) => serde_json::from_str(t).map_err(|_| DecodeError::new("JSON", value)),
            Value::Blob(b) => serde_json::from_slice(b).map_err(|_| DecodeError::new("JSON", value)),
            other => Ok(other.to_json()),
        }
    }
    fn from_owned_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Json(j) => Ok(j),
            v => Self::from_value(&v),
        }
    }
}

impl FromValue for Uuid {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Uuid(u) => Ok(*u),
            Value::Text(t) => Uuid::parse_str(t).map_err(|_| DecodeError::new("Uuid", value)),
            Value::Blob(b) => Uuid::from_slice(b).map_err(|_| DecodeError::new("Uuid", value)),
            v => Err(DecodeError::new("Uuid", v)),
        }
    }
}

/// Text forms of date and time that the drivers write and read back.
pub(crate) mod formats {
    /// `2026-11-25 10:30:00.123456`: what SQLite's own date functions produce and compare.
    pub const DATETIME: &str = "%Y-%m-%d %H:%M:%S%.f";
    /// `2026-11-25`.
    pub const DATE: &str = "%Y-%m-%d";
    /// `10:30:00.123`.
    pub const TIME: &str = "%H:%M:%S%.f";
    /// Instants are written in UTC with an explicit offset: `2026-11-25 10:30:00.123+00:00`.
    pub const TIMESTAMP: &str = "%Y-%m-%d %H:%M:%S%.f%:z";
}

pub(crate) fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    NaiveDateTime::parse_from_str(text, formats::DATETIME)
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
        .ok()
        .or_else(|| parse_timestamp(text).map(|t| t.naive_utc()))
        .or_else(|| NaiveDate::parse_from_str(text, formats::DATE).ok()?.and_hms_opt(0, 0, 0))
}

fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_str(text, formats::TIMESTAMP)
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
}

pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), formats::DATE).ok()
}

pub(crate) fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), formats::TIME).ok()
}

impl FromValue for NaiveDateTime {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::DateTime(d) => Ok(*d),
            Value::Timestamp(t) => Ok(t.naive_utc()),
            Value::Date(d) => Ok(d.and_time(NaiveTime::MIN)),
            Value::Text(t) => parse_datetime(t).ok_or_else(|| DecodeError::new("NaiveDateTime", value)),
            v => Err(DecodeError::new("NaiveDateTime", v)),
        }
    }
}

impl FromValue for DateTime<Utc> {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Timestamp(t) => Ok(*t),
            // A date-time without zone is taken as UTC: that is how this crate writes instants.
            Value::DateTime(d) => Ok(d.and_utc()),
            Value::Text(t) => parse_timestamp(t)
                .or_else(|| parse_datetime(t).map(|d| d.and_utc()))
                .ok_or_else(|| DecodeError::new("DateTime<Utc>", value)),
            Value::Int(secs) => {
                DateTime::from_timestamp(*secs, 0).ok_or_else(|| DecodeError::new("DateTime<Utc>", value))
            }
            v => Err(DecodeError::new("DateTime<Utc>", v)),
        }
    }
}

impl FromValue for NaiveDate {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Date(d) => Ok(*d),
            Value::DateTime(d) => Ok(d.date()),
            Value::Text(t) => parse_date(t)
                .or_else(|| parse_datetime(t).map(|d| d.date()))
                .ok_or_else(|| DecodeError::new("NaiveDate", value)),
            v => Err(DecodeError::new("NaiveDate", v)),
        }
    }
}

impl FromValue for NaiveTime {
    fn absent() -> Option<Self> {
        Some(Self::default())
    }

    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Time(t) => Ok(*t),
            Value::Text(t) => parse_time(t).ok_or_else(|| DecodeError::new("NaiveTime", value)),
            v => Err(DecodeError::new("NaiveTime", v)),
        }
    }
}

/// Builds a `[Value; N]` of bound parameters from Rust values of any convertible type.
///
/// # Examples
/// ```
/// use bunary_orm::{params, Value};
/// let p = params![1, "Alice", None::<i64>, true];
/// assert_eq!(p, [Value::Int(1), Value::Text("Alice".into()), Value::Null, Value::Bool(true)]);
/// ```
#[macro_export]
macro_rules! params {
    () => { [] as [$crate::Value; 0] };
    ($($value:expr),+ $(,)?) => { [$($crate::Value::from($value)),+] };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value a plain column would hold as an owned [`Value`].
    fn owned(plain: ValueRef<'_>) -> Value {
        match plain {
            ValueRef::Null => Value::Null,
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::Float(f) => Value::Float(f),
            ValueRef::Text(t) => Value::Text(t.to_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }

    /// Wherever `from_plain` answers, it answers what `from_owned_value` does.
    fn agrees<T: FromValue + PartialEq + std::fmt::Debug>(plains: &[ValueRef<'_>]) -> usize {
        let mut answered = 0;
        for &plain in plains {
            if let Some(direct) = T::from_plain(plain) {
                assert_eq!(direct, T::from_owned_value(owned(plain)), "{plain:?}");
                answered += 1;
            }
        }
        answered
    }

    #[test]
    fn plain_readings_agree_with_owned_values() {
        let plains = [
            ValueRef::Null,
            ValueRef::Int(7),
            ValueRef::Int(-1),
            ValueRef::Float(2.5),
            ValueRef::Text("Ada"),
            ValueRef::Text("12"),
            ValueRef::Blob(b"\x00\xff"),
        ];
        assert_eq!(agrees::<i64>(&plains), 2);
        assert_eq!(agrees::<f64>(&plains), 3);
        assert_eq!(agrees::<String>(&plains), 2);
        assert_eq!(agrees::<Vec<u8>>(&plains), 3);
        assert_eq!(agrees::<Option<i64>>(&plains), 3);
        assert_eq!(agrees::<Option<String>>(&plains), 3);
        assert_eq!(agrees::<bool>(&plains), 0, "bool has no direct reading: it goes through Value");
    }

    #[test]
    fn option_none_is_null_and_some_is_the_inner_value() {
        assert_eq!(Value::from(None::<i32>), Value::Null);
        assert_eq!(Value::from(Some(3_i32)), Value::Int(3));
        assert_eq!(Option::<i64>::from_value(&Value::Null), Ok(None));
        assert_eq!(Option::<i64>::from_value(&Value::Int(4)), Ok(Some(4)));
    }

    #[test]
    fn null_is_refused_by_non_optional_types() {
        let err = i64::from_value(&Value::Null).unwrap_err();
        assert_eq!(err.expected, "i64");
        assert_eq!(err.found, "NULL");
    }

    #[test]
    fn integers_out_of_range_are_refused() {
        assert!(u8::from_value(&Value::Int(300)).is_err());
        assert!(u32::from_value(&Value::Int(-1)).is_err());
        assert_eq!(i32::from_value(&Value::Int(-7)), Ok(-7));
    }

    #[test]
    fn bool_reads_from_zero_and_one_only() {
        assert_eq!(bool::from_value(&Value::Int(1)), Ok(true));
        assert_eq!(bool::from_value(&Value::Int(0)), Ok(false));
        assert!(bool::from_value(&Value::Int(2)).is_err());
    }

    #[test]
    fn dates_read_from_their_text_forms() {
        let dt = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_milli_opt(10, 30, 0, 250).unwrap();
        let text = Value::Text("2026-11-25 10:30:00.250".into());
        assert_eq!(NaiveDateTime::from_value(&text), Ok(dt));
        let iso = Value::Text("2026-11-25T10:30:00.250".into());
        assert_eq!(NaiveDateTime::from_value(&iso), Ok(dt));
        let zoned = Value::Text("2026-11-25 10:30:00.250+00:00".into());
        assert_eq!(DateTime::<Utc>::from_value(&zoned), Ok(dt.and_utc()));
        assert_eq!(NaiveDate::from_value(&Value::Text("2026-11-25".into())), Ok(dt.date()));
        assert!(NaiveDate::from_value(&Value::Text("yesterday".into())).is_err());
    }

    #[test]
    fn serializes_to_plain_json() {
        let v = serde_json::to_value([
            Value::Null,
            Value::Bool(true),
            Value::Int(2),
            Value::Text("x".into()),
            Value::Json(serde_json::json!({"a": 1})),
            Value::Uuid(Uuid::nil()),
        ])
        .unwrap();
        assert_eq!(v, serde_json::json!([null, true, 2, "x", {"a": 1}, "00000000-0000-0000-0000-000000000000"]));
    }

    #[test]
    fn long_text_in_decode_errors_is_cut_on_a_char_boundary() {
        let text = "é".repeat(50);
        let err = i64::from_value(&Value::Text(text)).unwrap_err();
        assert!(err.found.ends_with("…\""), "{}", err.found);
    }
}
