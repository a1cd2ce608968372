//! Hidden columns (Eloquent's `$hidden`): fields marked `#[orm(hidden)]` are loaded into the
//! model but left out of its serialised form, of the rows its query returns, and of `pluck`.

use crate::error::{Error, QueryProblem, Result};
use crate::row::Row;

use super::Entity;

/// Removes `M`'s hidden columns from `rows`.
pub(crate) fn strip<M: Entity>(rows: &mut [Row]) {
    if !M::HIDDEN.is_empty() {
        crate::row::drop_columns(rows, |c| M::HIDDEN.contains(&c));
    }
}

/// [`Error::InvalidQuery`] when `column` (`name` or `table.name`) is one of `M`'s hidden columns.
pub(crate) fn refuse<M: Entity>(column: &str) -> Result<()> {
    let name = column.rsplit('.').next().unwrap_or(column);
    if M::HIDDEN.contains(&name) {
        let problem = QueryProblem::HiddenColumn { model: M::NAME, column: name.to_owned() };
        return Err(Error::InvalidQuery { problem });
    }
    Ok(())
}
