//! [`Record`]: column names and values for inserts and updates, and the [`record!`](crate::record) macro.

use std::borrow::Cow;

use crate::error::Result;
use crate::ident::Ident;
use crate::row::Row;
use crate::value::Value;

/// Column names with their values, in order: one row to insert, or the changes of an update.
///
/// # Examples
/// ```
/// use bunary_orm::{record, Record, Value};
/// let r = record! { "name" => "Alice", "age" => 30, "email" => None::<String> };
/// assert_eq!(r.get("age"), Some(&Value::Int(30)));
/// let same = Record::new().set("name", "Alice").set("age", 30).set("email", None::<String>);
/// assert_eq!(r, same);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// Column names are usually literals: kept without a copy.
    fields: Vec<(Cow<'static, str>, Value)>,
}

impl Record {
    /// An empty record.
    pub fn new() -> Self {
        Record::default()
    }

    /// Sets a column (replacing an earlier value of the same column), builder style.
    pub fn set(mut self, column: impl Into<Cow<'static, str>>, value: impl Into<Value>) -> Self {
        self.insert(column, value);
        self
    }

    /// Sets a column in place.
    pub fn insert(&mut self, column: impl Into<Cow<'static, str>>, value: impl Into<Value>) {
        let column = column.into();
        let value = value.into();
        match self.fields.iter_mut().find(|(c, _)| *c == column) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((column, value)),
        }
    }

    /// The value of a column.
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.fields.iter().find(|(c, _)| c == column).map(|(_, v)| v)
    }

    /// Removes a column, returning its value.
    pub fn remove(&mut self, column: &str) -> Option<Value> {
        let i = self.fields.iter().position(|(c, _)| c == column)?;
        Some(self.fields.remove(i).1)
    }

    /// `true` when there is a value for `column`.
    pub fn contains(&self, column: &str) -> bool {
        self.get(column).is_some()
    }

    /// The column names, in order.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(c, _)| c.as_ref())
    }

    /// `(column, value)` pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.fields.iter().map(|(c, v)| (c.as_ref(), v))
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// `true` without columns.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The pairs, consuming the record.
    pub fn into_fields(self) -> Vec<(Cow<'static, str>, Value)> {
        self.fields
    }

    /// The validated column names and the values, split.
    pub(crate) fn into_columns_and_values(self) -> Result<(Vec<Ident>, Vec<Value>)> {
        let mut columns = Vec::with_capacity(self.fields.len());
        let mut values = Vec::with_capacity(self.fields.len());
        for (c, v) in self.fields {
            columns.push(Ident::new(&c, "column")?);
            values.push(v);
        }
        Ok((columns, values))
    }
}

impl<K: Into<Cow<'static, str>>, V: Into<Value>> FromIterator<(K, V)> for Record {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut r = Record::new();
        for (k, v) in iter {
            r.insert(k, v);
        }
        r
    }
}

impl From<Row> for Record {
    fn from(row: Row) -> Self {
        let columns = row.columns_arc().clone();
        columns.iter().cloned().zip(row.into_values()).collect()
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for Record {
    /// JSON objects become records: numbers become integers or floats, strings text, `null`
    /// NULL, booleans booleans, arrays and objects JSON.
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        map.into_iter().map(|(k, v)| (k, json_to_value(v))).collect()
    }
}

impl TryFrom<serde_json::Value> for Record {
    type Error = crate::error::Error;

    /// A JSON object as a record; anything else is [`Error::InvalidQuery`](crate::Error::InvalidQuery).
    fn try_from(value: serde_json::Value) -> Result<Self> {
        match value {
            serde_json::Value::Object(map) => Ok(map.into()),
            other => Err(crate::error::Error::InvalidQuery {
                problem: crate::error::QueryProblem::NotAnObject { found: other.to_string() },
            }),
        }
    }
}

/// A JSON value as the closest [`Value`].
pub(crate) fn json_to_value(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::Text(s),
        other => Value::Json(other),
    }
}

/// Builds a [`Record`]: `record! { "name" => "Alice", "age" => 30 }`.
#[macro_export]
macro_rules! record {
    () => { $crate::query::Record::new() };
    ($($column:expr => $value:expr),+ $(,)?) => {
        $crate::query::Record::new()$(.set($column, $value))+
    };
}
