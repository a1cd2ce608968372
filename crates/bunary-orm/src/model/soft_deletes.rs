//! Soft deletes (Eloquent's `SoftDeletes`): a model declared `#[orm(soft_deletes)]` is deleted
//! by setting its `deleted_at`, and its queries leave such rows out unless asked.
//!
//! The scope is a condition on the model's query ([`scope`]) that the query builder joins to
//! the caller's conditions with `AND` when the query runs ([`Builder::scoped`]); the query
//! builder itself knows nothing of deleted rows.

use crate::error::Result;
use crate::ident::Ident;
use crate::query::grammar::SetValue;
use crate::query::Builder;
use crate::value::Value;

use super::query::ModelQuery;
use super::{timestamps, Entity};

/// How a soft-deleting model's queries treat trashed rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trashed {
    /// Leave them out (the default).
    Exclude,
    /// Include them ([`ModelQuery::with_trashed`]).
    Include,
    /// Only them ([`ModelQuery::only_trashed`]).
    Only,
}

/// The soft-delete condition of `M`'s query in `mode`, if it adds one.
pub(crate) fn scope<M: Entity>(mode: Trashed) -> Option<impl FnOnce(Builder<M>) -> Builder<M>> {
    let column = M::SOFT_DELETES?;
    let only = match mode {
        Trashed::Include => return None,
        Trashed::Exclude => false,
        Trashed::Only => true,
    };
    Some(move |q: Builder<M>| if only { q.where_not_null(column) } else { q.where_null(column) })
}

/// The slot of a mode among a model's compiled selects: modes that read the same rows share one.
pub(crate) fn mode_index<M: Entity>(mode: Trashed) -> usize {
    match (M::SOFT_DELETES, mode) {
        (None, _) | (Some(_), Trashed::Exclude) => 0,
        (Some(_), Trashed::Include) => 1,
        (Some(_), Trashed::Only) => 2,
    }
}

impl<M> ModelQuery<M> {
    /// Includes soft-deleted rows (on a soft-deleting model's query; elsewhere a no-op).
    pub fn with_trashed(self) -> Self {
        self.trashed_mode(Trashed::Include)
    }

    /// Only soft-deleted rows (on a soft-deleting model's query; elsewhere a no-op).
    pub fn only_trashed(self) -> Self {
        self.trashed_mode(Trashed::Only)
    }

    /// Leaves soft-deleted rows out again (the default).
    pub fn without_trashed(self) -> Self {
        self.trashed_mode(Trashed::Exclude)
    }
}

impl<M: Entity> ModelQuery<M> {
    /// Deletes the matching models: on a soft-deleting model, sets their `deleted_at` (and
    /// `updated_at`, with timestamps) to now; otherwise removes their rows. Returns how many.
    ///
    /// # Errors
    /// [`Error::Unsupported`](crate::Error::Unsupported) with joins; the database's error.
    pub async fn delete(&self) -> Result<u64> {
        match M::SOFT_DELETES {
            Some(column) => {
                let now = Value::Timestamp(timestamps::now());
                let mut sets = vec![(Ident::new(column, "column")?, SetValue::Value(now))];
                timestamps::touch_sets::<M>(&mut sets)?;
                self.scoped().run_update(sets).await
            }
            None => self.force_delete().await,
        }
    }

    /// Deletes the matching rows for good, soft deletes or not (trashed rows only when the
    /// query includes them: [`with_trashed`](ModelQuery::with_trashed)). Returns how many.
    ///
    /// # Errors
    /// As [`delete`](ModelQuery::delete).
    pub async fn force_delete(&self) -> Result<u64> {
        self.scoped().delete().await
    }

    /// Brings the matching trashed models back (clears their `deleted_at`). Returns how many.
    ///
    /// # Errors
    /// [`Error::InvalidQuery`](crate::Error::InvalidQuery) on a model without soft deletes; the
    /// database's error.
    pub async fn restore(&self) -> Result<u64> {
        let problem = crate::error::QueryProblem::NoSoftDeletes { model: M::NAME };
        let column = M::SOFT_DELETES.ok_or(crate::Error::InvalidQuery { problem })?;
        let mut sets = vec![(Ident::new(column, "column")?, SetValue::Value(Value::Null))];
        timestamps::touch_sets::<M>(&mut sets)?;
        self.clone().only_trashed().scoped().run_update(sets).await
    }
}
