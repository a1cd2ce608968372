//! Field types: [`ToValue`] (a field into a [`Value`]) and [`Json`] (any serde type stored as
//! JSON). Reading fields back is [`FromValue`](crate::FromValue).
//!
//! A field of any type that is `Clone + Into<Value>` and [`FromValue`](crate::FromValue) works:
//! integers, floats, `bool`, `String`, `Vec<u8>`, chrono dates and times, `Uuid`,
//! `serde_json::Value`, `Option` of each, [`Json<T>`], and your own enums once they implement
//! `From<MyEnum> for Value` and `FromValue`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::value::{DecodeError, FromValue, Value};

/// A model field as a [`Value`].
pub trait ToValue {
    /// The value to store.
    fn to_value(&self) -> Value;
}

impl<T: Clone + Into<Value>> ToValue for T {
    fn to_value(&self) -> Value {
        self.clone().into()
    }
}

/// A field's hash, for dirty tracking: the same for a field and for the [`Value`] it stores
/// (see [`hash_value`]). The derive calls it as `(&FieldHasher(&field)).field_hash()`, so that
/// text and bytes are hashed in place ([`HashInPlace`]) and other types through
/// [`ToValue`] ([`HashThroughValue`]).
pub struct FieldHasher<'a, T: ?Sized>(pub &'a T);

/// Hashing a field without converting it (text and bytes).
pub trait HashInPlace {
    /// The field's hash.
    fn field_hash(&self) -> u64;
}

/// Hashing a field through its [`Value`].
pub trait HashThroughValue {
    /// The field's hash.
    fn field_hash(&self) -> u64;
}

impl<T: ToValue + ?Sized> HashThroughValue for &FieldHasher<'_, T> {
    fn field_hash(&self) -> u64 {
        hash_value(&self.0.to_value())
    }
}

const TEXT: u8 = 4;
const BLOB: u8 = 5;
const NULL: u8 = 0;

fn hasher() -> impl std::hash::Hasher {
    use std::hash::BuildHasher;
    // A fixed seed: the same value hashes the same in every process.
    foldhash::fast::FixedState::with_seed(0x6275_6e61_7279_6f72).build_hasher()
}

fn hash_bytes(tag: u8, bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = hasher();
    h.write_u8(tag);
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}

fn hash_null() -> u64 {
    use std::hash::Hasher;
    let mut h = hasher();
    h.write_u8(NULL);
    h.finish()
}

impl HashInPlace for FieldHasher<'_, String> {
    fn field_hash(&self) -> u64 {
        hash_bytes(TEXT, self.0.as_bytes())
    }
}

impl HashInPlace for FieldHasher<'_, Option<String>> {
    fn field_hash(&self) -> u64 {
        self.0.as_deref().map_or_else(hash_null, |s| hash_bytes(TEXT, s.as_bytes()))
    }
}

impl HashInPlace for FieldHasher<'_, Vec<u8>> {
    fn field_hash(&self) -> u64 {
        hash_bytes(BLOB, self.0)
    }
}

impl HashInPlace for FieldHasher<'_, Option<Vec<u8>>> {
    fn field_hash(&self) -> u64 {
        self.0.as_deref().map_or_else(hash_null, |b| hash_bytes(BLOB, b))
    }
}

/// A value's hash for dirty tracking (a changed value is told apart with a chance of
/// 1 − 2⁻⁶⁴).
pub fn hash_value(value: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    match value {
        Value::Null => hash_null(),
        Value::Text(t) => hash_bytes(TEXT, t.as_bytes()),
        Value::Blob(b) => hash_bytes(BLOB, b),
        other => {
            let mut h = hasher();
            match other {
                Value::Bool(b) => (1u8, *b).hash(&mut h),
                Value::Int(i) => (2u8, *i).hash(&mut h),
                Value::Float(f) => (3u8, f.to_bits()).hash(&mut h),
                Value::Json(j) => (6u8, j.to_string()).hash(&mut h),
                Value::Date(d) => (7u8, d).hash(&mut h),
                Value::Time(t) => (8u8, t).hash(&mut h),
                Value::DateTime(d) => (9u8, d).hash(&mut h),
                Value::Timestamp(t) => (10u8, t).hash(&mut h),
                Value::Uuid(u) => (11u8, u).hash(&mut h),
                Value::Null | Value::Text(_) | Value::Blob(_) => unreachable!("handled above"),
            }
            h.finish()
        }
    }
}

/// Any serde type stored as a JSON column (text on SQLite, `jsonb` on Postgres, `JSON` on MySQL).
///
/// ```
/// use bunary_orm::model::Json;
/// use bunary_orm::{FromValue, Value};
/// #[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
/// struct Prefs { theme: String }
/// let v = Value::from(Json(Prefs { theme: "dark".into() }));
/// assert_eq!(Json::<Prefs>::from_value(&v).unwrap().0.theme, "dark");
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Json<T>(pub T);

impl<T: Serialize> From<Json<T>> for Value {
    fn from(json: Json<T>) -> Self {
        serde_json::to_value(&json.0).map(Value::Json).unwrap_or(Value::Null)
    }
}

impl<T: DeserializeOwned> FromValue for Json<T> {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let json = serde_json::Value::from_value(value)?;
        serde_json::from_value(json)
            .map(Json)
            .map_err(|e| DecodeError { expected: "JSON of the field's type", found: e.to_string() })
    }
}
