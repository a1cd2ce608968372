//! Derive plumbing for decoding fields: where each column is among a result's, and each
//! field from its cell (or, for a column a column-limited load left out, its type's empty
//! value).

use crate::error::{Error, Result};
use crate::value::Value;

use super::Entity;

/// Where a column a column-limited load left out is among a result's columns: nowhere.
pub(crate) const ABSENT: usize = usize::MAX;

/// Called by the derive to set a field from a value.
#[doc(hidden)]
pub fn decode_field<T: crate::value::FromValue>(column: &str, value: Value) -> Result<T> {
    T::from_owned_value(value).map_err(|e| Error::Decode {
        column: column.to_owned(),
        expected: e.expected,
        found: e.found,
    })
}

/// Called by the derive for a column the model does not have.
#[doc(hidden)]
pub fn unknown_column<M: Entity>(column: &str) -> Error {
    Error::ColumnNotFound { column: column.to_owned(), available: M::COLUMNS.iter().map(|c| (*c).to_owned()).collect() }
}

/// Called by the derive: where column `column` of `M` is among a result's columns.
#[doc(hidden)]
pub fn column_position<M: Entity>(columns: &[String], column: &str) -> Result<usize> {
    columns
        .iter()
        .position(|c| c == column)
        .ok_or_else(|| Error::ColumnNotFound { column: column.to_owned(), available: columns.to_vec() })
}

/// Called by the derive: converts column `index` of a row read with
/// [`ColumnSource::plain_cells`](crate::row::ColumnSource::plain_cells) (straight from its plain
/// cell when the field type can, through the source's [`Value`] otherwise).
#[doc(hidden)]
#[inline(always)]
pub fn cell_field<T: crate::value::FromValue>(
    cells: &crate::row::PlainCells<'_>,
    source: &dyn crate::row::ColumnSource,
    index: usize,
    column: &str,
) -> Result<T> {
    if let Some(Some(cell)) = cells.get(index) {
        if let Some(Ok(value)) = T::from_plain(*cell) {
            return Ok(value);
        }
    }
    cell_field_slow(cells, source, index, column)
}

/// [`cell_field`] for a column that is not plain, or does not fit the field (an error). It
/// converts the plain cell again rather than being handed the fast path's result: carrying that
/// result out of the hot path cost ≈ 20 instructions a row (callgrind).
#[cold]
#[inline(never)]
fn cell_field_slow<T: crate::value::FromValue>(
    cells: &crate::row::PlainCells<'_>,
    source: &dyn crate::row::ColumnSource,
    index: usize,
    column: &str,
) -> Result<T> {
    if index == ABSENT {
        return T::absent().ok_or_else(|| Error::ColumnNotFound { column: column.to_owned(), available: Vec::new() });
    }
    let decoded = match cells.get(index).copied().flatten().and_then(T::from_plain) {
        Some(result) => result,
        None => T::from_owned_value(source.value(index)?),
    };
    decoded.map_err(|e| Error::Decode { column: column.to_owned(), expected: e.expected, found: e.found })
}
