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
