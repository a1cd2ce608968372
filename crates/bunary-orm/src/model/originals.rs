//! The values a model was loaded or last saved with (Eloquent's `getOriginal`,
//! `getPrevious`, `discardChanges`, `syncOriginal`).
//!
//! Dirty tracking keeps a hash per column, which tells what changed but not what it was. The
//! values themselves are kept only by a model that asks, `#[orm(keep_original)]`: copying every
//! value of every loaded row is the largest cost a load could add. Without it, the original of
//! a column that did not change is its current value, and asking for the original of one that
//! did is [`Error::OriginalNotKept`].

use crate::error::{Error, Result};
use crate::query::Record;
use crate::value::Value;

use super::{unknown_column, Entity};

fn index<M: Entity>(column: &str) -> Result<usize> {
    M::COLUMNS.iter().position(|c| *c == column).ok_or_else(|| unknown_column::<M>(column))
}

fn not_kept<M: Entity>(column: &'static str) -> Error {
    Error::OriginalNotKept { model: M::NAME, column }
}

/// The value `column` had when the model was loaded or last saved (`Null` for a new model).
pub(crate) fn original<M: Entity>(model: &M, column: &str) -> Result<Value> {
    let at = index::<M>(column)?;
    if !model.exists() {
        return Ok(Value::Null);
    }
    if let Some(values) = model.state().original_values() {
        return Ok(values[at].clone());
    }
    if model.get_dirty().contains(column) {
        return Err(not_kept::<M>(M::COLUMNS[at]));
    }
    model.get_value(column)
}

/// Every column's original value.
pub(crate) fn originals<M: Entity>(model: &M) -> Result<Record> {
    if !model.exists() {
        return Ok(Record::new());
    }
    if let Some(values) = model.state().original_values() {
        return Ok(M::COLUMNS.iter().copied().zip(values.iter().cloned()).collect());
    }
    if let Some(column) = model.get_dirty().columns().next() {
        return Err(not_kept::<M>(M::COLUMNS[index::<M>(column)?]));
    }
    Ok(M::COLUMNS.iter().copied().zip(model.to_values()).collect())
}

/// The columns the last save updated, with their values before it.
pub(crate) fn previous<M: Entity>(model: &M) -> Result<Record> {
    let changed = model.state().changed();
    if changed.is_empty() {
        return Ok(Record::new());
    }
    let previous = model.state().previous();
    if previous.is_empty() {
        return Err(not_kept::<M>(changed[0]));
    }
    Ok(previous.iter().map(|(c, v)| (*c, v.clone())).collect())
}

/// Sets every changed column back to its original value.
pub(crate) fn discard_changes<M: Entity>(model: &mut M) -> Result<()> {
    if !model.exists() {
        return Ok(());
    }
    let dirty = model.get_dirty();
    if dirty.is_empty() {
        return Ok(());
    }
    let Some(values) = model.state().original_values().map(<[Value]>::to_vec) else {
        let column = dirty.columns().next().unwrap_or_default();
        return Err(not_kept::<M>(M::COLUMNS[index::<M>(column)?]));
    };
    for column in dirty.columns() {
        model.set_value(column, values[index::<M>(column)?].clone())?;
    }
    Ok(())
}

/// Makes the model's current values its original ones, writing nothing.
pub(crate) fn sync<M: Entity>(model: &mut M) {
    if !model.exists() {
        return;
    }
    let hashes = model.field_hashes();
    let key = model.state().original().map_or_else(|| model.key(), |o| o.key.into_owned());
    let changed = model.state().changed().to_vec();
    let previous = model.state().previous().to_vec();
    let originals = if M::KEEP_ORIGINAL { model.to_values() } else { Vec::new() };
    model.state_mut().set_saved_with(&hashes, key, changed, originals, previous);
}
