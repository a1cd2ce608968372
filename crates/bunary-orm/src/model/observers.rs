//! Observers (Eloquent's model observers): a type whose hook methods are called at a model's
//! [`Event`]s, registered for the model with `#[orm(observed_by(Type))]` or
//! [`EntityExt::observe`](crate::EntityExt::observe).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once, RwLock};

use crate::error::Result;

use super::events::{Event, Flow};
use super::Entity;

type Hook<'a> = Pin<Box<dyn Future<Output = Result<Flow>> + Send + 'a>>;

/// Hooks at a model's events, each doing nothing unless overridden. The "-ing" hooks return a
/// [`Flow`]: [`Flow::Cancel`] stops the operation before it writes (it then returns
/// [`Error::EventCancelled`](crate::Error::EventCancelled)). An error from any hook stops the
/// operation and is returned; since a model with observers saves, deletes and restores in a
/// transaction (a savepoint inside one), an error from an "-ed" hook rolls the write back.
///
/// A write that fails, or whose future is dropped, leaves the model as before it (a new model
/// new, a deleted one not trashed); a future dropped while its COMMIT is in flight cannot know
/// whether the server committed, and leaves it so too.
///
/// Hooks are `async` and may query the database: statements run on the model's connection
/// from a hook join that transaction, and callbacks given to
/// [`Db::after_commit`](crate::Db::after_commit) run once it commits.
///
/// Save runs `saving` → (`creating` → INSERT → `created` | `updating` → UPDATE → `updated`) →
/// `saved`; an unchanged model fires only `saving` and `saved`. Delete runs `deleting` →
/// DELETE (or the soft delete, then `trashed`) → `deleted`; force delete wraps that in
/// `force_deleting` … `force_deleted`; restore runs `restoring` → `restored`; an instance's
/// `increment`/`decrement` runs `updating` → UPDATE → `updated`. Queries that
/// write many rows at once (`ModelQuery::update`, `delete`) fire nothing, as in Eloquent.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::prelude::*;
/// use bunary_orm::model::{Flow, Observer};
/// use bunary_orm::{DatabaseConfig, Db};
///
/// #[derive(Model, Debug, Clone, Default)]
/// #[orm(table = "posts", timestamps = false, observed_by(Slugs))]
/// struct Post { id: i64, title: String, slug: String, state: ModelState }
///
/// #[derive(Default)]
/// struct Slugs;
/// impl Observer<Post> for Slugs {
///     async fn saving(&self, post: &mut Post) -> bunary_orm::Result<Flow> {
///         if post.title.is_empty() {
///             return Ok(Flow::Cancel);                     // nothing is written
///         }
///         post.slug = post.title.to_lowercase().replace(' ', "-");
///         Ok(Flow::Continue)
///     }
/// }
///
/// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
/// db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, slug TEXT)", &[]).await?;
/// let post = Post::on(&db).create(record! { "title" => "Hello World" }).await?;
/// assert_eq!(post.slug, "hello-world");
/// let untitled = Post::on(&db).create(record! { "title" => "" }).await;
/// assert!(matches!(untitled, Err(bunary_orm::Error::EventCancelled { .. })));
/// assert_eq!(Post::on(&db).count().await?, 1);
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
pub trait Observer<M: Entity>: Send + Sync + 'static {
    /// After the model is loaded by a query.
    fn retrieved(&self, model: &mut M) -> impl Future<Output = Result<()>> + Send {
        let _ = model;
        async { Ok(()) }
    }

    /// Before any save.
    fn saving(&self, model: &mut M) -> impl Future<Output = Result<Flow>> + Send {
        let _ = model;
        async { Ok(Flow::Continue) }
    }

    /// After any save.
    fn saved(&self, model: &mut M) -> impl Future<Output = Result<()>> + Send {
        let _ = model;
        async { Ok(()) }
    }

    /// Before the insert of a new model.
    fn creating(&self, model: &mut M) -> impl Future<Output = Result<Flow>> + Send {
        let _ = model;
        async { Ok(Flow::Continue) }
    }

    /// After the insert (the model has its key).
    fn created(&self, model: &mut M) -> impl Future<Output = Result<()>> + Send {
        let _ = model;
        async { Ok(()) }
    }

    /// Before the update of a changed model.
    fn updating(&self, model: &mut M) -> impl Future<Output = Result<Flow>> + Send {
        let _ = model;
        async { Ok(Flow::Continue) }
    }

    /// After the update.
    fn updated(&self, model: &mut M) -> impl Future<Output = Result<()>> + Send {
        let _ = model;
        async { Ok(()) }
    }

    /// Before a delete, soft or not.
    fn deleting(&self, model: &mut M) -> impl Future<Output = Result<Flow>> + Send {
        let _ = model;
        async { Ok(Flow::Continue) }
    }

    /// After a delete.
    fn deleted(&self, model: &mut M) -> impl Future<Output = Result<()>> + Send {
        let _ = model;
        async { Ok(()) }
    }

    /// After a soft delete.
    fn trashed(&self, model: &mut M) -> impl Future<Output = Result<()>> + Send {
        let _ = model;
        async { Ok(()) }
    }

    /// Before a restore.
    fn restoring(&self, model: &mut M) -> impl Future<Output = Result<Flow>> + Send {
        let _ = model;
        async { Ok(Flow::Continue) }
    }

    /// After a restore.
    fn restored(&self, model: &mut M) -> impl Future<Output = Result<()>> + Send {
        let _ = model;
        async { Ok(()) }
    }

    /// Before a force delete.
    fn force_deleting(&self, model: &mut M) -> impl Future<Output = Result<Flow>> + Send {
        let _ = model;
        async { Ok(Flow::Continue) }
    }

    /// After a force delete.
    fn force_deleted(&self, model: &mut M) -> impl Future<Output = Result<()>> + Send {
        let _ = model;
        async { Ok(()) }
    }

    /// On the copy [`replicate`](crate::EntityExt::replicate) makes (synchronous, as
    /// `replicate` is: the copy is not in the database yet).
    ///
    /// # Errors
    /// An error is returned by `replicate`.
    fn replicating(&self, copy: &mut M) -> Result<()> {
        let _ = copy;
        Ok(())
    }
}

/// An [`Observer`] behind a pointer: one boxed future per call.
pub(crate) trait Erased<M>: Send + Sync {
    fn call<'a>(&'a self, event: Event, model: &'a mut M) -> Hook<'a>;
    fn replicating(&self, copy: &mut M) -> Result<()>;
}

fn done<'a>(hook: impl Future<Output = Result<()>> + Send + 'a) -> Hook<'a> {
    Box::pin(async move { hook.await.map(|()| Flow::Continue) })
}

impl<M: Entity, O: Observer<M>> Erased<M> for O {
    fn call<'a>(&'a self, event: Event, model: &'a mut M) -> Hook<'a> {
        match event {
            Event::Retrieved => done(self.retrieved(model)),
            Event::Saving => Box::pin(self.saving(model)),
            Event::Saved => done(self.saved(model)),
            Event::Creating => Box::pin(self.creating(model)),
            Event::Created => done(self.created(model)),
            Event::Updating => Box::pin(self.updating(model)),
            Event::Updated => done(self.updated(model)),
            Event::Deleting => Box::pin(self.deleting(model)),
            Event::Deleted => done(self.deleted(model)),
            Event::Trashed => done(self.trashed(model)),
            Event::Restoring => Box::pin(self.restoring(model)),
            Event::Restored => done(self.restored(model)),
            Event::ForceDeleting => Box::pin(self.force_deleting(model)),
            Event::ForceDeleted => done(self.force_deleted(model)),
            Event::Replicating => Box::pin(std::future::ready(self.replicating(model).map(|()| Flow::Continue))),
        }
    }

    fn replicating(&self, copy: &mut M) -> Result<()> {
        Observer::replicating(self, copy)
    }
}

/// The observers of one model type: the derive gives each model a `static` one
/// ([`Entity::observers`]).
pub struct Observers<M> {
    list: RwLock<Vec<Arc<dyn Erased<M>>>>,
    /// Whether `list` is not empty: the one thing read when no observer is registered.
    active: AtomicBool,
    boot: Once,
}

impl<M: Entity> Observers<M> {
    /// No observers.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Observers { list: RwLock::new(Vec::new()), active: AtomicBool::new(false), boot: Once::new() }
    }

    /// These observers, with those `boot` registers (the derive's `observed_by`) added the
    /// first time they are asked for.
    #[doc(hidden)]
    pub fn booted(&'static self, boot: fn(&Observers<M>)) -> &'static Self {
        self.boot.call_once(|| boot(self));
        self
    }

    /// Registers `observer`, called after those registered before it.
    pub fn add(&self, observer: impl Observer<M>) {
        let mut list = self.list.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        list.push(Arc::new(observer));
        self.active.store(true, Ordering::Release);
    }

    /// Removes every observer (Eloquent's `flushEventListeners`).
    pub fn clear(&self) {
        let mut list = self.list.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        list.clear();
        self.active.store(false, Ordering::Release);
    }

    /// Whether any observer is registered.
    #[inline]
    pub fn active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// The observers now registered (the lock is not held while they run, so a hook may
    /// register another, for the next event).
    pub(crate) fn snapshot(&self) -> Vec<Arc<dyn Erased<M>>> {
        self.list.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}
