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

const NULL: u8 = 0;

fn hasher() -> impl std::hash::Hasher {
    use std::hash::BuildHasher;
    // One seed per process, chosen at random: the hashes are only compared within a process, and
    // a value cannot be crafted ahead of time to collide with another (which would hide a change).
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let seed = *SEED.get_or_init(|| foldhash::fast::RandomState::default().hash_one(0x6275_6e61_7279_6f72u64));
    foldhash::fast::FixedState::with_seed(seed).build_hasher()
}

/// A hash of one field's bytes (a field hashes alone, so no tag or terminator is needed: each
/// field's hashes are compared only with that field's).
fn hash_bytes(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = hasher();
    h.write(bytes);
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
        hash_bytes(self.0.as_bytes())
    }
}

impl HashInPlace for FieldHasher<'_, Option<String>> {
    fn field_hash(&self) -> u64 {
        self.0.as_deref().map_or_else(hash_null, |s| hash_bytes(s.as_bytes()))
    }
}

/// Fixed-width fields: the value itself is its fingerprint (exact, no collision); a null is
/// [`hash_null`], a random constant of this process.
macro_rules! exact_fingerprints {
    ($($ty:ty => |$v:ident| $bits:expr),* $(,)?) => {$(
        impl HashInPlace for FieldHasher<'_, $ty> {
            fn field_hash(&self) -> u64 {
                let $v = *self.0;
                $bits
            }
        }

        impl HashInPlace for FieldHasher<'_, Option<$ty>> {
            fn field_hash(&self) -> u64 {
                match *self.0 {
                    Some($v) => $bits,
                    None => hash_null(),
                }
            }
        }
    )*};
}

exact_fingerprints! {
    i64 => |v| v as u64,
    i32 => |v| i64::from(v) as u64,
    i16 => |v| i64::from(v) as u64,
    i8 => |v| i64::from(v) as u64,
    u32 => |v| u64::from(v),
    u16 => |v| u64::from(v),
    u8 => |v| u64::from(v),
    bool => |v| u64::from(v),
    f64 => |v| v.to_bits(),
    f32 => |v| f64::from(v).to_bits(),
}

/// The type of a model's key field, to ask whether its hash is the key itself. The derive calls
/// it as `(&KeyType::<T>::new()).is_integer()`: an integer field answers through
/// [`IntegerKey`], any other type (an `Option` included: a null's hash is not a key) through
/// [`OtherKey`].
pub struct KeyType<T: ?Sized>(std::marker::PhantomData<T>);

impl<T: ?Sized> KeyType<T> {
    /// The marker.
    pub const fn new() -> Self {
        KeyType(std::marker::PhantomData)
    }
}

impl<T: ?Sized> Default for KeyType<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Key fields whose hash is their value as a [`Value::Int`].
pub trait IntegerKey {
    /// `true`.
    fn is_integer(&self) -> bool;
}

/// Any other key field.
pub trait OtherKey {
    /// `false`.
    fn is_integer(&self) -> bool;
}

impl<T: ?Sized> OtherKey for &KeyType<T> {
    fn is_integer(&self) -> bool {
        false
    }
}

macro_rules! integer_keys {
    ($($ty:ty),*) => {$(
        impl IntegerKey for KeyType<$ty> {
            fn is_integer(&self) -> bool {
                true
            }
        }
    )*};
}

integer_keys!(i64, i32, i16, i8, u32, u16, u8);

impl HashInPlace for FieldHasher<'_, Vec<u8>> {
    fn field_hash(&self) -> u64 {
        hash_bytes(self.0)
    }
}

impl HashInPlace for FieldHasher<'_, Option<Vec<u8>>> {
    fn field_hash(&self) -> u64 {
        self.0.as_deref().map_or_else(hash_null, hash_bytes)
    }
}

/// A value's hash for dirty tracking (a changed value is told apart with a chance of
/// 1 − 2⁻⁶⁴).
pub fn hash_value(value: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    match value {
        Value::Null => hash_null(),
        Value::Text(t) => hash_bytes(t.as_bytes()),
        Value::Blob(b) => hash_bytes(b),
        Value::Bool(b) => u64::from(*b),
        Value::Int(i) => *i as u64,
        Value::Float(f) => f.to_bits(),
        other => {
            let mut h = hasher();
            match other {
                Value::Json(j) => (6u8, j.to_string()).hash(&mut h),
                Value::Date(d) => (7u8, d).hash(&mut h),
                Value::Time(t) => (8u8, t).hash(&mut h),
                Value::DateTime(d) => (9u8, d).hash(&mut h),
                Value::Timestamp(t) => (10u8, t).hash(&mut h),
                Value::Uuid(u) => (11u8, u).hash(&mut h),
                Value::Null | Value::Text(_) | Value::Blob(_) | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                    unreachable!("handled above")
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn agrees<T: Clone + Into<Value>>(field: T)
    where
        for<'a> FieldHasher<'a, T>: HashInPlace,
    {
        assert_eq!(FieldHasher(&field).field_hash(), hash_value(&field.clone().into()));
    }

    fn key_round_trips<T: Copy + Into<Value>>(key: T)
    where
        for<'a> FieldHasher<'a, T>: HashInPlace,
        KeyType<T>: IntegerKey,
    {
        assert!(KeyType::<T>::new().is_integer());
        assert_eq!(Value::Int(FieldHasher(&key).field_hash() as i64), key.into());
    }

    #[test]
    fn an_integer_key_is_its_own_hash() {
        key_round_trips(i64::MIN);
        key_round_trips(-1i64);
        key_round_trips(i32::MIN);
        key_round_trips(i16::MAX);
        key_round_trips(-8i8);
        key_round_trips(u32::MAX);
        key_round_trips(u16::MAX);
        key_round_trips(255u8);
        use super::OtherKey as _;
        assert!(!(&KeyType::<Option<i64>>::new()).is_integer());
        assert!(!(&KeyType::<String>::new()).is_integer());
        assert!(!(&KeyType::<bool>::new()).is_integer());
    }

    #[test]
    fn a_field_hashes_as_the_value_it_stores() {
        agrees(42i64);
        agrees(-7i32);
        agrees(true);
        agrees(1.5f64);
        agrees(Some(3i64));
        agrees(None::<i64>);
        agrees(String::from("Ada"));
        agrees(Some(String::from("")));
        agrees(None::<String>);
        agrees(vec![1u8, 2, 3]);
    }

    #[test]
    fn changed_fields_hash_apart() {
        assert_ne!(FieldHasher(&Some(String::new())).field_hash(), FieldHasher(&None::<String>).field_hash());
        assert_ne!(FieldHasher(&String::from("a")).field_hash(), FieldHasher(&String::from("b")).field_hash());
        assert_ne!(FieldHasher(&String::from("ab")).field_hash(), FieldHasher(&String::from("ab\0")).field_hash());
        assert_ne!(FieldHasher(&1i64).field_hash(), FieldHasher(&2i64).field_hash());
        assert_ne!(FieldHasher(&Some(0i64)).field_hash(), FieldHasher(&None::<i64>).field_hash());
    }
}
