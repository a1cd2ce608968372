//! Mass assignment: filling a model from a map, within its fillable/guarded lists.

use crate::error::{Error, QueryProblem, Result};
use crate::query::Record;

use super::Entity;

/// Whether mass assignment may set `column` on `M`.
pub(crate) fn is_fillable<M: Entity>(column: &str) -> bool {
    match M::FILLABLE {
        Some(fillable) => fillable.contains(&column),
        None => !M::GUARDED.contains(&column),
    }
}

/// Sets the fillable columns of `attributes` on `model`. Guarded columns are passed over (as
/// in Eloquent); a column the model does not have is an error, so a typo does not vanish.
pub(crate) fn fill<M: Entity>(model: &mut M, attributes: Record) -> Result<()> {
    for (column, value) in attributes.into_fields() {
        if !M::COLUMNS.contains(&column.as_ref()) {
            let problem = QueryProblem::UnknownColumn { model: M::NAME, column: column.into_owned() };
            return Err(Error::InvalidQuery { problem });
        }
        if is_fillable::<M>(&column) {
            model.set_value(&column, value)?;
        }
    }
    Ok(())
}
