//! How a driver hands a result to whoever wants it: [`RowSink`] receives the rows, each a
//! [`ColumnSource`] read in the driver's own buffer. This is the one read path: a list of
//! [`Row`]s ([`CollectRows`]) and a list of typed models are two sinks of it.

use std::cell::Cell;
use std::sync::Arc;

use crate::error::Result;
use crate::value::{Value, ValueRef};

use super::{Columns, Row};

/// Receives the rows of a query one at a time
/// ([`DatabaseDriver::query_into`](crate::DatabaseDriver::query_into)): typed results are built
/// straight from the driver's buffer, with no [`Row`] per row.
pub trait RowSink: Send {
    /// The result's columns, once, before any row.
    ///
    /// # Errors
    /// When the sink cannot use these columns.
    fn columns(&mut self, columns: &Columns) -> Result<()>;

    /// One row, read column by column; each column is read at most once.
    ///
    /// # Errors
    /// When the row cannot be used, or the driver's error reading a column; the query stops.
    fn row(&mut self, row: &dyn ColumnSource) -> Result<()>;

    /// Whether the sink wants no more rows (a find, once it has its row): a driver may then stop
    /// reading instead of stepping to the end of the result. The default is `false`.
    fn is_full(&self) -> bool {
        false
    }
}

/// One row of a result, read column by column in the driver's own buffer: typed results are
/// decoded from it without a [`Value`] per column. Each column is read once: a source holding
/// values already ([`ValuesSource`]) may move a column's value out when it is read.
pub trait ColumnSource {
    /// The number of columns.
    fn len(&self) -> usize;

    /// Whether the row has no columns.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column as stored, when it is a *plain* value: one whose [`Value`] would be just
    /// this (no richer type recovered from its declared type). `None` otherwise.
    ///
    /// # Errors
    /// The driver's error reading the column.
    fn plain(&self, index: usize) -> Result<Option<ValueRef<'_>>>;

    /// The column as a [`Value`], exactly as the rows API would show it.
    ///
    /// # Errors
    /// The driver's error reading the column.
    fn value(&self, index: usize) -> Result<Value>;

    /// Every column as a [`Value`], in order.
    ///
    /// # Errors
    /// The driver's error reading a column.
    fn values(&self) -> Result<Vec<Value>> {
        (0..self.len()).map(|i| self.value(i)).collect()
    }

    /// Every column's [`plain`](ColumnSource::plain) reading, in order, onto `out`: a typed
    /// result reads a row in this one call and decodes its fields from `out`.
    ///
    /// # Errors
    /// The driver's error reading a column.
    fn plain_cells<'s>(&'s self, out: &mut PlainCells<'s>) -> Result<()> {
        for index in 0..self.len() {
            out.push(self.plain(index)?);
        }
        Ok(())
    }
}

/// One row's columns as [`ColumnSource::plain_cells`] reads them (`None` for a column that is
/// not plain), inline up to 16 columns.
pub type PlainCells<'s> = smallvec::SmallVec<[Option<ValueRef<'s>>; 16]>;

/// A row already read into [`Value`]s (a driver that decodes whole rows, a [`Row`]) as a
/// [`ColumnSource`]. Reading a column moves its value out (text and bytes are not copied):
/// each column is read once, as the trait says.
pub struct ValuesSource<'a> {
    values: &'a [Cell<Value>],
}

impl<'a> ValuesSource<'a> {
    /// A source over `values`, which it empties as columns are read.
    pub fn new(values: &'a mut [Value]) -> Self {
        ValuesSource { values: Cell::from_mut(values).as_slice_of_cells() }
    }
}

impl ColumnSource for ValuesSource<'_> {
    fn len(&self) -> usize {
        self.values.len()
    }

    /// No value is lent out (it is moved by [`value`](ColumnSource::value) instead).
    fn plain(&self, _index: usize) -> Result<Option<ValueRef<'_>>> {
        Ok(None)
    }

    fn plain_cells<'s>(&'s self, out: &mut PlainCells<'s>) -> Result<()> {
        out.resize(self.values.len(), None);
        Ok(())
    }

    fn value(&self, index: usize) -> Result<Value> {
        let len = self.values.len();
        self.values.get(index).map(Cell::take).ok_or_else(|| crate::error::Error::ColumnIndexOutOfBounds { index, len })
    }

    fn values(&self) -> Result<Vec<Value>> {
        Ok(self.values.iter().map(Cell::take).collect())
    }
}

/// A sink that keeps whole [`Row`]s (what `query` returns).
#[derive(Default)]
pub(crate) struct CollectRows {
    columns: Option<Columns>,
    pub(crate) rows: Vec<Row>,
}

impl RowSink for CollectRows {
    fn columns(&mut self, columns: &Columns) -> Result<()> {
        self.columns = Some(Arc::clone(columns));
        Ok(())
    }

    fn row(&mut self, row: &dyn ColumnSource) -> Result<()> {
        let columns = self.columns.as_ref().map(Arc::clone).unwrap_or_else(|| Arc::from(Vec::new()));
        self.rows.push(Row::new(columns, row.values()?));
        Ok(())
    }
}
