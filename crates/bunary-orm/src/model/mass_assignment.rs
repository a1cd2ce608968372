//! Mass assignment: filling a model from a map, within its fillable/guarded lists.

use crate::error::{Error, QueryProblem, Result};
use crate::query::Record;

use super::Entity;

tokio::task_local! {
    /// Set while [`unguarded`] runs its future: mass assignment sets every column.
    static UNGUARDED: ();
}

/// Runs `work` with mass assignment unguarded (Eloquent's `Model::unguarded`): inside it,
/// [`fill`](Entity::fill) and `create` set guarded columns too, on this task.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::prelude::*;
/// #[derive(Model, Debug, Clone, Default)]
/// #[orm(table = "users", timestamps = false, guarded("*"))]
/// struct User { id: i64, name: String, state: ModelState }
///
/// let mut user = User::default();
/// assert!(user.fill(record! { "name" => "Ada" }).is_err(), "totally guarded");
/// bunary_orm::unguarded(async { user.fill(record! { "id" => 7, "name" => "Ada" }) }).await?;
/// assert_eq!((user.id, user.name.as_str()), (7, "Ada"));
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
pub async fn unguarded<F: std::future::Future>(work: F) -> F::Output {
    UNGUARDED.scope((), work).await
}

/// Whether mass assignment may set `column` on `M`.
pub(crate) fn is_fillable<M: Entity>(column: &str) -> bool {
    match M::FILLABLE {
        Some(fillable) => fillable.contains(&column),
        None => !is_totally_guarded::<M>() && !M::GUARDED.contains(&column),
    }
}

/// `guarded("*")` without a fillable list: nothing is mass assignable.
fn is_totally_guarded<M: Entity>() -> bool {
    M::FILLABLE.is_none() && M::GUARDED == ["*"]
}

/// Sets the columns of `attributes` on `model` that mass assignment may set (all of them with
/// `force`, or inside [`unguarded`]). Others are passed over (as in Eloquent), or refused on a
/// strict or totally guarded model; a column the model does not have is an error, so a typo
/// does not vanish.
pub(crate) fn fill<M: Entity>(model: &mut M, attributes: Record, force: bool) -> Result<()> {
    let unguarded = force || UNGUARDED.try_with(|()| ()).is_ok();
    for (column, value) in attributes.into_fields() {
        if !M::COLUMNS.contains(&column.as_ref()) {
            let problem = QueryProblem::UnknownColumn { model: M::NAME, column: column.into_owned() };
            return Err(Error::InvalidQuery { problem });
        }
        if unguarded || is_fillable::<M>(&column) {
            model.set_value(&column, value)?;
        } else if M::STRICT_FILL || is_totally_guarded::<M>() {
            let problem = QueryProblem::NotMassAssignable { model: M::NAME, column: column.into_owned() };
            return Err(Error::InvalidQuery { problem });
        }
    }
    Ok(())
}
