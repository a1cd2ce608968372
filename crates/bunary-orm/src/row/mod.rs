//! [`Row`]: one result row with ordered column names and typed access.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};

mod source;

use crate::error::{Error, Result};

pub(crate) use self::source::CollectRows;
pub use self::source::{ColumnSource, PlainCells, RowSink, ValuesSource};
use crate::value::{FromValue, Value};

/// The column names of a result, shared by all of its rows.
pub type Columns = Arc<[String]>;

/// One row of a result: its values in column order, with the column names.
///
/// Columns are read by name or by position, typed through [`FromValue`]. A row serialises to
/// a JSON object (`{"id": 1, "name": "Alice"}`) in column order.
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// use bunary_orm::{Row, Value};
///
/// let row = Row::new(Arc::from(vec!["id".to_string(), "name".to_string()]), vec![1.into(), "Alice".into()]);
/// assert_eq!(row.get::<i64>("id").unwrap(), 1);
/// assert_eq!(row.get::<String>(1).unwrap(), "Alice");
/// assert!(row.get::<i64>("email").is_err());
/// assert_eq!(serde_json::to_string(&row).unwrap(), r#"{"id":1,"name":"Alice"}"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    columns: Columns,
    values: Vec<Value>,
}

/// Something that picks a column of a [`Row`]: its name (`&str`) or its position (`usize`).
pub trait ColumnIndex: Copy {
    /// The position of the column in `row`.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] or [`Error::ColumnIndexOutOfBounds`].
    fn index_in(self, row: &Row) -> Result<usize>;
    /// How to name the column in an error.
    fn describe(self) -> String;
}

impl ColumnIndex for usize {
    fn index_in(self, row: &Row) -> Result<usize> {
        if self < row.values.len() {
            Ok(self)
        } else {
            Err(Error::ColumnIndexOutOfBounds { index: self, len: row.values.len() })
        }
    }
    fn describe(self) -> String {
        format!("#{self}")
    }
}

impl ColumnIndex for &str {
    fn index_in(self, row: &Row) -> Result<usize> {
        row.position(self)
            .ok_or_else(|| Error::ColumnNotFound { column: self.to_owned(), available: row.columns.to_vec() })
    }
    fn describe(self) -> String {
        self.to_owned()
    }
}

impl Row {
    /// Builds a row. Drivers call this; `values` must have one entry per column.
    ///
    /// # Panics
    /// When `values.len()` differs from `columns.len()`: a driver bug, not bad input.
    pub fn new(columns: Columns, values: Vec<Value>) -> Self {
        assert_eq!(columns.len(), values.len(), "a row needs one value per column");
        Row { columns, values }
    }

    /// The column names, in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The shared column list (cheap to clone).
    pub fn columns_arc(&self) -> &Columns {
        &self.columns
    }

    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// `true` when the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The position of the column called `name`. With duplicate names (a join without
    /// aliases) the first one wins.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The raw value of a column, or `None` when there is no such column.
    pub fn value(&self, index: impl ColumnIndex) -> Option<&Value> {
        index.index_in(self).ok().map(|i| &self.values[i])
    }

    /// Reads a column as `T`.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] / [`Error::ColumnIndexOutOfBounds`] for a missing column,
    /// [`Error::Decode`] when the value does not convert (for example `NULL` into `i64`: ask for
    /// `Option<i64>`).
    pub fn get<T: FromValue>(&self, index: impl ColumnIndex) -> Result<T> {
        let i = index.index_in(self)?;
        T::from_value(&self.values[i]).map_err(|e| Error::Decode {
            column: index.describe(),
            expected: e.expected,
            found: e.found,
        })
    }

    /// Reads a column as `T`, moving text and bytes out of the row (the column becomes `NULL`).
    ///
    /// # Errors
    /// As [`Row::get`].
    pub fn take<T: FromValue>(&mut self, index: impl ColumnIndex) -> Result<T> {
        let i = index.index_in(self)?;
        let value = std::mem::take(&mut self.values[i]);
        T::from_owned_value(value).map_err(|e| Error::Decode {
            column: index.describe(),
            expected: e.expected,
            found: e.found,
        })
    }

    /// Sets a column's value, adding the column at the end when the row has none of that name.
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        match self.position(name) {
            Some(i) => self.values[i] = value.into(),
            None => {
                let mut columns = self.columns.to_vec();
                columns.push(name.to_owned());
                self.columns = Arc::from(columns);
                self.values.push(value.into());
            }
        }
    }

    /// Removes a column from the row, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let i = self.position(name)?;
        let mut columns = self.columns.to_vec();
        columns.remove(i);
        self.columns = Arc::from(columns);
        Some(self.values.remove(i))
    }

    /// `(name, value)` pairs in column order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.columns.iter().map(String::as_str).zip(self.values.iter())
    }

    /// Keeps the values at positions `keep` (ascending), under the column list `columns`.
    pub(crate) fn project(&mut self, columns: &Columns, keep: &[usize]) {
        for (to, &from) in keep.iter().enumerate() {
            self.values.swap(to, from);
        }
        self.values.truncate(keep.len());
        self.columns = Arc::clone(columns);
    }

    /// The values, consuming the row.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }

    /// The row as a JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(self.iter().map(|(k, v)| (k.to_owned(), v.to_json())).collect())
    }
}

/// Where each field of a typed result is among a query's columns (inline up to 16 fields).
pub type Layout = smallvec::SmallVec<[usize; 16]>;

/// The layouts a typed result type worked out, with the columns each was worked out for
/// (drivers hand out the same shared column list each time a cached statement runs, so a
/// repeated query finds its layout here by pointer). The first one is kept for the program's
/// life and read without a lock or a reference count (a model's queries nearly always have one
/// shape); the last other one is kept under a lock. The derive gives each model one.
#[doc(hidden)]
pub struct LayoutCache {
    first: std::sync::OnceLock<(Columns, Box<[usize]>)>,
    last: parking_lot::Mutex<Option<(Columns, SharedLayout)>>,
}

/// A layout shared by the queries that found it in a [`LayoutCache`].
#[doc(hidden)]
pub type SharedLayout = Arc<[usize]>;

/// A layout from a [`LayoutCache`]: the first one, borrowed for the program's life, or another.
pub(crate) enum CachedLayout {
    First(&'static [usize]),
    Shared(SharedLayout),
}

impl LayoutCache {
    /// An empty cache.
    pub const fn new() -> Self {
        LayoutCache { first: std::sync::OnceLock::new(), last: parking_lot::Mutex::new(None) }
    }

    /// The layout of `T` among `columns`, from the cache when the columns are the same list.
    pub(crate) fn get_or_compute<T: FromRow>(&'static self, columns: &Columns) -> Result<CachedLayout> {
        if let Some((known, layout)) = self.first.get() {
            if Arc::ptr_eq(known, columns) {
                return Ok(CachedLayout::First(layout));
            }
        } else if self.first.set((Arc::clone(columns), T::layout(columns)?.as_slice().into())).is_ok() {
            // The first columns seen are kept (unless another thread kept its own meanwhile).
            if let Some((_, layout)) = self.first.get() {
                return Ok(CachedLayout::First(layout));
            }
        }
        if let Some((known, layout)) = &*self.last.lock() {
            if Arc::ptr_eq(known, columns) {
                return Ok(CachedLayout::Shared(Arc::clone(layout)));
            }
        }
        let layout: SharedLayout = Arc::from(T::layout(columns)?.as_slice());
        *self.last.lock() = Some((Arc::clone(columns), Arc::clone(&layout)));
        Ok(CachedLayout::Shared(layout))
    }
}

impl Default for LayoutCache {
    fn default() -> Self {
        Self::new()
    }
}

/// A type a result row can become: [`Row`] itself, or a model (`#[derive(Model)]`
/// implements it).
pub trait FromRow: Sized + Send + 'static {
    /// Whether this is a dynamic row, which keeps every column of a result (and from which
    /// excluded columns are removed), rather than a type built from chosen columns.
    const IS_DYNAMIC: bool = false;

    /// Builds the value from a row.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] or [`Error::Decode`] when the row does not fit.
    fn from_row(row: Row) -> Result<Self>;

    /// Where each of this type's fields is among a result's `columns`, worked out once per
    /// query (the derive implements it; the default keeps whole rows).
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for a field the result lacks.
    #[doc(hidden)]
    fn layout(_columns: &[String]) -> Result<Layout> {
        Ok(Layout::new())
    }

    /// Where this type keeps its last layout (the derive gives each model one).
    #[doc(hidden)]
    fn layout_cache() -> Option<&'static LayoutCache> {
        None
    }

    /// Builds the value from one row read column by column (see [`ColumnSource`]) and the
    /// [`layout`](FromRow::layout): the one constructor every read path uses. The default
    /// reads every column as a [`Value`] and calls [`from_row`](FromRow::from_row); the
    /// derive decodes each field straight from the driver's buffer.
    ///
    /// # Errors
    /// As [`from_row`](FromRow::from_row), and the driver's error reading a column.
    #[doc(hidden)]
    fn from_source(_layout: &[usize], columns: &Columns, source: &dyn ColumnSource) -> Result<Self> {
        Self::from_row(Row::new(Arc::clone(columns), source.values()?))
    }
}

/// [`FromRow::from_row`] through [`FromRow::from_source`], for a type whose one constructor is
/// `from_source` (the derive's).
///
/// # Errors
/// As [`FromRow::from_source`]; [`Error::ColumnNotFound`] for a field the row lacks.
#[doc(hidden)]
pub fn from_row_via_source<T: FromRow>(row: Row) -> Result<T> {
    let layout = T::layout(row.columns())?;
    let columns = Arc::clone(row.columns_arc());
    let mut values = row.into_values();
    T::from_source(&layout, &columns, &ValuesSource::new(&mut values))
}

/// Removes the columns for which `dropped` holds from every row of a result (its rows share
/// one column list: the first row's decides).
pub(crate) fn drop_columns(rows: &mut [Row], dropped: impl Fn(&str) -> bool) {
    let Some(first) = rows.first() else { return };
    let keep: Vec<usize> = (0..first.len()).filter(|&i| !dropped(&first.columns()[i])).collect();
    if keep.len() == first.len() {
        return;
    }
    let columns: Columns = keep.iter().map(|&i| first.columns()[i].clone()).collect();
    for row in rows.iter_mut() {
        row.project(&columns, &keep);
    }
}

impl FromRow for Row {
    const IS_DYNAMIC: bool = true;

    fn from_row(row: Row) -> Result<Self> {
        Ok(row)
    }

    #[inline]
    fn from_source(_layout: &[usize], columns: &Columns, source: &dyn ColumnSource) -> Result<Self> {
        Ok(Row::new(Arc::clone(columns), source.values()?))
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.values.len()))?;
        for (name, value) in self.iter() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        Row::new(
            Arc::from(vec!["id".to_owned(), "name".to_owned(), "score".to_owned()]),
            vec![Value::Int(7), Value::Text("Ada".into()), Value::Null],
        )
    }

    #[test]
    fn reads_by_name_and_by_index() {
        let r = row();
        assert_eq!(r.get::<i64>("id").unwrap(), 7);
        assert_eq!(r.get::<String>(1).unwrap(), "Ada");
        assert_eq!(r.get::<Option<f64>>("score").unwrap(), None);
    }

    #[test]
    fn missing_columns_and_bad_types_are_typed_errors() {
        let r = row();
        assert!(matches!(r.get::<i64>("nope"), Err(Error::ColumnNotFound { .. })));
        assert!(matches!(r.get::<i64>(9), Err(Error::ColumnIndexOutOfBounds { index: 9, len: 3 })));
        match r.get::<i64>("name") {
            Err(Error::Decode { column, expected, .. }) => {
                assert_eq!(column, "name");
                assert_eq!(expected, "i64");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn take_moves_the_value_out() {
        let mut r = row();
        assert_eq!(r.take::<String>("name").unwrap(), "Ada");
        assert_eq!(r.value("name"), Some(&Value::Null));
    }

    #[test]
    fn serialises_as_an_ordered_object() {
        assert_eq!(serde_json::to_string(&row()).unwrap(), r#"{"id":7,"name":"Ada","score":null}"#);
    }

    #[test]
    fn set_and_remove_keep_names_and_values_aligned() {
        let mut r = row();
        r.set("email", "a@example.com");
        r.set("id", 8);
        assert_eq!(r.remove("name"), Some(Value::Text("Ada".into())));
        assert_eq!(r.columns(), ["id", "score", "email"]);
        assert_eq!(r.get::<i64>("id").unwrap(), 8);
        assert_eq!(r.get::<String>("email").unwrap(), "a@example.com");
    }
}
