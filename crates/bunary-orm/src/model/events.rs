//! Model events (Eloquent's `retrieved`, `saving`, `created`, …): what fires them and when,
//! and [`without_events`]. What listens is in [`observers`](super::observers).
//!
//! A model with no observer pays one relaxed atomic load per operation: nothing is boxed,
//! locked or wrapped in a transaction.

use std::fmt;

use crate::error::{Error, Result};

use super::Entity;

/// A point in a model's life where its observers are called.
///
/// The "-ing" events come before the write and may cancel it ([`Flow::Cancel`]): nothing is
/// written and the operation returns [`Error::EventCancelled`]. The others come after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Event {
    /// A model was loaded by a query (before its eager loads).
    Retrieved,
    /// Before any save (insert or update).
    Saving,
    /// After any save, once `created` or `updated` has run.
    Saved,
    /// Before the insert of a new model.
    Creating,
    /// After the insert.
    Created,
    /// Before the update of a changed model (not fired when nothing changed).
    Updating,
    /// After the update.
    Updated,
    /// Before a delete (soft or not).
    Deleting,
    /// After a delete.
    Deleted,
    /// After a soft delete, once `deleted` has run.
    Trashed,
    /// Before a soft-deleted model is restored.
    Restoring,
    /// After the restore.
    Restored,
    /// On the copy [`replicate`](crate::EntityExt::replicate) makes, before it is returned.
    Replicating,
    /// Before [`force_delete`](crate::Entity::force_delete) (then `deleting` and `deleted` fire).
    ForceDeleting,
    /// After the force delete.
    ForceDeleted,
}

impl Event {
    /// Laravel's name of the event (`"saving"`, `"forceDeleted"`, …).
    pub fn name(self) -> &'static str {
        match self {
            Event::Retrieved => "retrieved",
            Event::Saving => "saving",
            Event::Saved => "saved",
            Event::Creating => "creating",
            Event::Created => "created",
            Event::Updating => "updating",
            Event::Updated => "updated",
            Event::Deleting => "deleting",
            Event::Deleted => "deleted",
            Event::Trashed => "trashed",
            Event::Restoring => "restoring",
            Event::Restored => "restored",
            Event::Replicating => "replicating",
            Event::ForceDeleting => "forceDeleting",
            Event::ForceDeleted => "forceDeleted",
        }
    }

    /// Whether observers may cancel the operation at this event.
    pub fn can_cancel(self) -> bool {
        matches!(
            self,
            Event::Saving
                | Event::Creating
                | Event::Updating
                | Event::Deleting
                | Event::Restoring
                | Event::ForceDeleting
        )
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an "-ing" hook tells the operation: go on, or write nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Flow {
    /// Go on with the operation.
    Continue,
    /// Write nothing: the operation returns [`Error::EventCancelled`].
    Cancel,
}

tokio::task_local! {
    /// Set while [`without_events`] runs its future.
    static QUIET: ();
}

/// Runs `work` with model events off on this task (Eloquent's `Model::withoutEvents`): no
/// observer is called for what it saves, deletes, restores or loads.
/// [`save_quietly`](crate::EntityExt::save_quietly) and
/// [`delete_quietly`](crate::EntityExt::delete_quietly) do it for one call.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::prelude::*;
/// use bunary_orm::model::{Flow, Observer};
/// use bunary_orm::{DatabaseConfig, Db};
///
/// #[derive(Model, Debug, Clone, Default)]
/// #[orm(table = "users", timestamps = false, observed_by(NoDeletes))]
/// struct User { id: i64, name: String, state: ModelState }
///
/// /// Users are never deleted, except by whoever turns events off.
/// #[derive(Default)]
/// struct NoDeletes;
/// impl Observer<User> for NoDeletes {
///     async fn deleting(&self, _user: &mut User) -> bunary_orm::Result<Flow> {
///         Ok(Flow::Cancel)
///     }
/// }
///
/// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
/// db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", &[]).await?;
/// let mut ada = User::on(&db).create(record! { "name" => "Ada" }).await?;
/// assert!(matches!(ada.delete().await, Err(bunary_orm::Error::EventCancelled { .. })));
/// bunary_orm::without_events(ada.delete()).await?;
/// assert_eq!(User::on(&db).count().await?, 0);
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
pub async fn without_events<F: std::future::Future>(work: F) -> F::Output {
    QUIET.scope((), work).await
}

/// Whether `M`'s events fire now: it has observers and events are not off on this task.
#[inline]
pub(crate) fn hooked<M: Entity>() -> bool {
    M::observers().active() && QUIET.try_with(|()| ()).is_err()
}

/// Calls `M`'s observers for `event`, in the order they were registered; the first that
/// cancels or fails stops the others.
pub(crate) async fn fire<M: Entity>(model: &mut M, event: Event) -> Result<Flow> {
    for observer in M::observers().snapshot() {
        if observer.call(event, model).await? == Flow::Cancel {
            return Ok(Flow::Cancel);
        }
    }
    Ok(Flow::Continue)
}

/// [`fire`], with a cancel turned into [`Error::EventCancelled`].
pub(crate) async fn fire_or_cancel<M: Entity>(model: &mut M, event: Event) -> Result<()> {
    match fire(model, event).await? {
        Flow::Continue => Ok(()),
        Flow::Cancel => Err(Error::EventCancelled { model: M::NAME, event: event.name() }),
    }
}

/// Calls `M`'s observers for an event that cannot cancel (an "-ed" one).
pub(crate) async fn fire_after<M: Entity>(model: &mut M, event: Event) -> Result<()> {
    fire(model, event).await.map(drop)
}

/// Fires `retrieved` on each of `models` just loaded (nothing to do without observers).
#[inline]
pub(crate) async fn retrieved<M: Entity>(models: &mut [M]) -> Result<()> {
    if models.is_empty() || !hooked::<M>() {
        return Ok(());
    }
    for model in models {
        fire_after(model, Event::Retrieved).await?;
    }
    Ok(())
}

/// Fires `replicating` on a copy (observers' synchronous hook).
pub(crate) fn replicating<M: Entity>(copy: &mut M) -> Result<()> {
    if !hooked::<M>() {
        return Ok(());
    }
    M::observers().snapshot().iter().try_for_each(|observer| observer.replicating(copy))
}
