//! Save, delete, force delete and restore with their [`Event`]s, for models with observers:
//! each runs in a transaction (a savepoint inside one) with its hooks, so that a failing hook
//! rolls the write back. A model with no observer (or inside
//! [`without_events`](super::events::without_events)) goes straight to
//! [`persistence`](super::persistence).

use crate::error::Result;
use crate::value::Value;

use super::events::{fire_after, fire_or_cancel, hooked, Event};
use super::state::ModelState;
use super::{persistence, Entity};

/// Puts a model's persistence state, and the columns a write sets itself (key, timestamps,
/// `deleted_at`), back as they were unless disarmed: a write rolled back by a failing hook,
/// or a future dropped part-way, leaves a new model new, a loaded one pointing at its row and
/// a deleted one not trashed.
struct Undo<'m, M: Entity> {
    model: &'m mut M,
    before: Option<(ModelState, Vec<(&'static str, Value)>)>,
}

impl<'m, M: Entity> Undo<'m, M> {
    fn new(model: &'m mut M) -> Self {
        let timestamps = M::TIMESTAMPS.into_iter().flat_map(|ts| [ts.created_at, ts.updated_at]);
        let columns = std::iter::once(M::PRIMARY_KEY).chain(timestamps).chain(M::SOFT_DELETES);
        let values = columns.filter_map(|c| Some((c, model.get_value(c).ok()?))).collect();
        Undo { before: Some((model.state().clone(), values)), model }
    }

    fn disarm(mut self) {
        self.before = None;
    }
}

impl<M: Entity> Drop for Undo<'_, M> {
    fn drop(&mut self) {
        if let Some((state, values)) = self.before.take() {
            *self.model.state_mut() = state;
            for (column, value) in values {
                // Each field's own type gave the value: setting it back cannot fail.
                let _ = self.model.set_value(column, value);
            }
        }
    }
}

/// Runs `work` on `model` in a transaction on the model's connection, undoing the model's
/// state if it fails or is dropped.
async fn in_transaction<M, F>(model: &mut M, work: F) -> Result<()>
where
    M: Entity,
    F: for<'a> FnOnce(&'a mut M) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>>,
{
    let connection = model.state().connection().clone();
    let exec = connection.executor().await?;
    let undo = Undo::new(model);
    let model = &mut *undo.model;
    exec.transaction(|_| work(model)).await?;
    undo.disarm();
    Ok(())
}

/// [`Entity::save`].
pub(crate) async fn save<M: Entity>(model: &mut M) -> Result<()> {
    if !hooked::<M>() {
        return persistence::save(model).await;
    }
    in_transaction(model, |model| Box::pin(save_with_events(model))).await
}

async fn save_with_events<M: Entity>(model: &mut M) -> Result<()> {
    fire_or_cancel(model, Event::Saving).await?;
    if model.exists() {
        if model.is_dirty() {
            fire_or_cancel(model, Event::Updating).await?;
            persistence::save(model).await?;
            fire_after(model, Event::Updated).await?;
        }
    } else {
        fire_or_cancel(model, Event::Creating).await?;
        persistence::save(model).await?;
        fire_after(model, Event::Created).await?;
    }
    fire_after(model, Event::Saved).await
}

/// [`Entity::delete`].
pub(crate) async fn delete<M: Entity>(model: &mut M) -> Result<()> {
    if !hooked::<M>() {
        return persistence::delete(model).await;
    }
    persistence::require_saved(model, "delete")?;
    in_transaction(model, |model| Box::pin(delete_with_events(model, false))).await
}

async fn delete_with_events<M: Entity>(model: &mut M, force: bool) -> Result<()> {
    fire_or_cancel(model, Event::Deleting).await?;
    let soft = !force && M::SOFT_DELETES.is_some();
    if soft {
        persistence::delete(model).await?;
        fire_after(model, Event::Trashed).await?;
    } else {
        persistence::force_delete(model).await?;
    }
    fire_after(model, Event::Deleted).await
}

/// [`Entity::force_delete`].
pub(crate) async fn force_delete<M: Entity>(model: &mut M) -> Result<()> {
    if !hooked::<M>() {
        return persistence::force_delete(model).await;
    }
    persistence::require_saved(model, "delete")?;
    in_transaction(model, |model| {
        Box::pin(async move {
            fire_or_cancel(model, Event::ForceDeleting).await?;
            delete_with_events(model, true).await?;
            fire_after(model, Event::ForceDeleted).await
        })
    })
    .await
}

/// [`Entity::restore`].
pub(crate) async fn restore<M: Entity>(model: &mut M) -> Result<()> {
    if !hooked::<M>() {
        return persistence::restore(model).await;
    }
    persistence::check_restore(model)?;
    in_transaction(model, |model| {
        Box::pin(async move {
            fire_or_cancel(model, Event::Restoring).await?;
            persistence::restore(model).await?;
            fire_after(model, Event::Restored).await
        })
    })
    .await
}

/// [`EntityExt::increment`](super::EntityExt::increment) and `decrement`: `updating` →
/// UPDATE → `updated`, as in Eloquent.
pub(crate) async fn increment<M: Entity>(model: &mut M, column: String, amount: Value, down: bool) -> Result<()> {
    if !hooked::<M>() {
        return persistence::increment(model, column, amount, down).await;
    }
    persistence::require_saved(model, if down { "decrement" } else { "increment" })?;
    in_transaction(model, |model| {
        Box::pin(async move {
            fire_or_cancel(model, Event::Updating).await?;
            persistence::increment(model, column, amount, down).await?;
            fire_after(model, Event::Updated).await
        })
    })
    .await
}
