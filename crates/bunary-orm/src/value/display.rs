//! How a [`Value`] prints for a person (in messages such as `no User with key 1`).

use super::Value;

impl std::fmt::Display for Value {
    /// The value as a person reads it: `NULL`, `1`, `true`, `"Ada"` (text quoted and escaped),
    /// dates and times in ISO form, JSON as JSON, bytes as their length.
    ///
    /// ```
    /// use bunary_orm::Value;
    /// assert_eq!(Value::from(1).to_string(), "1");
    /// assert_eq!(Value::from("Ada").to_string(), "\"Ada\"");
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Blob(b) => write!(f, "<{} bytes>", b.len()),
            Value::Json(j) => write!(f, "{j}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::Time(t) => write!(f, "{t}"),
            Value::DateTime(d) => write!(f, "{d}"),
            Value::Timestamp(t) => write!(f, "{}", t.to_rfc3339()),
            Value::Uuid(u) => write!(f, "{u}"),
        }
    }
}
