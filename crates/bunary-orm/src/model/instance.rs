//! What a loaded model does to itself beyond saving and deleting (Eloquent's `fresh`,
//! `replicate`, `touch`, `increment`/`decrement`, `is`/`isNot`): [`EntityExt`], implemented
//! for every model and in the prelude.

use std::future::Future;

use crate::error::Result;
use crate::value::Value;

use super::{persistence, Entity, KeyKind};

/// Methods of every [`Entity`] on a model in hand. In the prelude.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::prelude::*;
/// use bunary_orm::{DatabaseConfig, Db};
/// #[derive(Model, Debug, Clone, Default)]
/// #[orm(table = "posts")]
/// struct Post {
///     id: i64,
///     title: String,
///     views: i64,
///     created_at: Option<chrono::NaiveDateTime>,
///     updated_at: Option<chrono::NaiveDateTime>,
///     state: ModelState,
/// }
///
/// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
/// db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, views INTEGER, created_at TEXT, updated_at TEXT)", &[]).await?;
/// let mut post = Post::on(&db).create(record! { "title" => "Hello", "views" => 0 }).await?;
/// post.title = "Hello, world".into();                       // not saved yet
/// post.increment("views", 1).await?;                        // UPDATE … SET views = views + 1, updated_at = …
/// assert_eq!(post.views, 1);
/// assert!(post.is_dirty(), "the title is still unsaved");
/// let fresh = post.fresh().await?.expect("the row");
/// assert_eq!((fresh.title.as_str(), fresh.views), ("Hello", 1));
/// assert!(fresh.is(&post));
/// let mut copy = post.replicate(&["views"])?;               // no key, no timestamps, no views
/// assert!(!copy.exists() && copy.views == 0 && copy.title == "Hello, world");
/// copy.save().await?;
/// assert!(copy.is_not(&post));
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
pub trait EntityExt: Entity {
    /// The model's row loaded again, as a new model (soft-deleted or not); `None` if the row
    /// is gone (Eloquent's `fresh`). This model is left as it is; see
    /// [`refresh`](Entity::refresh).
    ///
    /// # Errors
    /// [`Error::ModelNotSaved`](crate::Error::ModelNotSaved) for a model never saved; the query's
    /// errors.
    fn fresh(&self) -> impl Future<Output = Result<Option<Self>>> + Send + '_ {
        async move {
            persistence::require_saved(self, "fresh")?;
            let key = self.state().original().map_or_else(|| self.key(), |o| o.key.into_owned());
            Self::query().with_trashed().on(self.state().connection().clone()).find(key).await
        }
    }

    /// A new, unsaved copy on the same connection (Eloquent's `replicate`): without its key,
    /// its timestamps, its `deleted_at` and the columns of `except`, which take their
    /// defaults; a UUID key gets a new one when the copy is saved.
    ///
    /// Observers' [`replicating`](super::Observer::replicating) hooks see the copy first.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`](crate::Error::ColumnNotFound) for a column of `except` the model
    /// does not have; an error of a `replicating` hook.
    fn replicate(&self, except: &[&str]) -> Result<Self>
    where
        Self: Default,
    {
        if let Some(unknown) = except.iter().find(|c| !Self::COLUMNS.contains(c)) {
            return Err(super::unknown_column::<Self>(unknown));
        }
        let mut left_out: Vec<&str> = except.to_vec();
        left_out.push(Self::PRIMARY_KEY);
        if let Some(ts) = Self::TIMESTAMPS {
            left_out.extend([ts.created_at, ts.updated_at]);
        }
        left_out.extend(Self::SOFT_DELETES);
        let mut copy = Self::default();
        copy.state_mut().set_connection(self.state().connection().clone());
        for column in Self::COLUMNS.iter().filter(|c| !left_out.contains(c)) {
            copy.set_value(column, self.get_value(column)?)?;
        }
        if Self::KEY == KeyKind::Uuid {
            copy.set_value(Self::PRIMARY_KEY, Value::Uuid(uuid::Uuid::nil()))?;
        }
        super::events::replicating(&mut copy)?;
        Ok(copy)
    }

    /// Sets `updated_at` to now and saves the model (with its other changes), as Eloquent's
    /// `touch`; `false`, having written nothing, for a model without timestamps (or inside
    /// [`without_timestamps`](crate::without_timestamps)).
    ///
    /// # Errors
    /// As [`save`](Entity::save); [`Error::ModelNotSaved`](crate::Error::ModelNotSaved) for a
    /// model never saved.
    fn touch(&mut self) -> impl Future<Output = Result<bool>> + Send + '_ {
        async move {
            persistence::require_saved(self, "touch")?;
            let Some(ts) = super::timestamps::of::<Self>() else { return Ok(false) };
            self.set_value(ts.updated_at, Value::Timestamp(super::now()))?;
            self.save().await?;
            Ok(true)
        }
    }

    /// Adds `amount` to `column` in the row and in the model, with `updated_at`, in one
    /// statement (Eloquent's `increment` on a model): those columns are then saved, the
    /// model's other changes are not. NULL counts as 0; an integer overflow is an error.
    ///
    /// # Errors
    /// [`Error::ModelNotSaved`](crate::Error::ModelNotSaved);
    /// [`QueryProblem::NotNumeric`](crate::QueryProblem::NotNumeric) for an amount or a column
    /// value that is not a number; [`Error::OutOfRange`](crate::Error::OutOfRange);
    /// [`Error::ModelNotFound`](crate::Error::ModelNotFound) when the row is gone.
    fn increment(&mut self, column: &str, amount: impl Into<Value>) -> impl Future<Output = Result<()>> + Send {
        super::lifecycle::increment(self, column.to_owned(), amount.into(), false)
    }

    /// As [`increment`](EntityExt::increment), subtracting.
    ///
    /// # Errors
    /// As [`increment`](EntityExt::increment).
    fn decrement(&mut self, column: &str, amount: impl Into<Value>) -> impl Future<Output = Result<()>> + Send {
        super::lifecycle::increment(self, column.to_owned(), amount.into(), true)
    }

    /// [`save`](Entity::save) as one unit (Eloquent's `saveOrFail`): in a transaction (a
    /// savepoint inside one), so that the save and what it sets off (touching parents) commit
    /// together or not at all. A copy of the model is saved and replaces it once committed:
    /// when the save fails, or the future is dropped part-way, the model is as it was (a new
    /// model still new, a loaded one with its changes still to save). A future dropped while its
    /// COMMIT is in flight cannot know whether the server committed, and leaves the model so too.
    ///
    /// # Errors
    /// As [`save`](Entity::save), after the rollback.
    fn save_or_fail(&mut self) -> impl Future<Output = Result<()>> + Send + '_
    where
        Self: Clone,
    {
        async move {
            let exec = self.state().connection().executor().await?;
            let mut copy = self.clone();
            // The copy keeps its connection: its statements join the transaction this task
            // opens on that database.
            let saved = exec
                .transaction(|_| async move {
                    copy.save().await?;
                    Ok(copy)
                })
                .await?;
            *self = saved;
            Ok(())
        }
    }

    /// Saves the model and then every model of its loaded relations, each with its own loaded
    /// relations (Eloquent's `push`); a `morph_to` parent is not saved. The first error stops
    /// it (what was saved before stays saved: see [`save_or_fail`](EntityExt::save_or_fail)
    /// for one unit).
    ///
    /// # Errors
    /// As [`save`](Entity::save), of the first model that fails.
    fn push(&mut self) -> std::pin::Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
        Box::pin(async move {
            self.save().await?;
            self.push_relations().await
        })
    }

    /// Sets every column of `attributes`, fillable or not (Eloquent's `forceFill`).
    ///
    /// # Errors
    /// [`QueryProblem::UnknownColumn`](crate::QueryProblem::UnknownColumn) for a column the
    /// model does not have; [`Error::Decode`](crate::Error::Decode) for a value of the wrong
    /// type.
    fn force_fill(&mut self, attributes: impl Into<crate::query::Record>) -> Result<()> {
        super::mass_assignment::fill(self, attributes.into(), true)
    }

    /// Whether any of `columns` has changed since the model was loaded or saved (Eloquent's
    /// `isDirty('name')`; [`is_dirty`](Entity::is_dirty) for any column).
    fn is_dirty_in(&self, columns: &[&str]) -> bool {
        self.get_dirty().columns().any(|c| columns.contains(&c))
    }

    /// Whether the last save updated any of `columns` (Eloquent's `wasChanged('name')`).
    fn was_changed_in(&self, columns: &[&str]) -> bool {
        self.state().changed().iter().any(|c| columns.contains(c))
    }

    /// Whether `other` is the same row: the same key, both saved, on the same connection
    /// (Eloquent's `is`; two models of one type share a table).
    fn is(&self, other: &Self) -> bool {
        self.exists() && other.exists() && self.key() == other.key() && {
            self.state().connection().same(other.state().connection())
        }
    }

    /// `!is(other)`.
    fn is_not(&self, other: &Self) -> bool {
        !self.is(other)
    }

    /// The model serialised without `columns` (and appended values or relations of those
    /// names), this once (Eloquent's `makeHidden`); the model is not changed. See
    /// [`Shown`](super::Shown).
    fn make_hidden<'a>(&'a self, columns: &'a [&'a str]) -> super::Shown<'a, Self> {
        super::Shown::new(self, columns, &[])
    }

    /// The model serialised with its hidden `columns` too, this once (Eloquent's
    /// `makeVisible`). See [`Shown`](super::Shown).
    fn make_visible<'a>(&'a self, columns: &'a [&'a str]) -> super::Shown<'a, Self> {
        super::Shown::new(self, &[], columns)
    }

    /// The value `column` had when the model was loaded or last saved (Eloquent's
    /// `getOriginal('name')`); `Null` for a new model.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::prelude::*;
    /// use bunary_orm::{DatabaseConfig, Db};
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "users", timestamps = false, keep_original)]
    /// struct User { id: i64, name: String, state: ModelState }
    ///
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", &[]).await?;
    /// let mut user = User::on(&db).create(record! { "name" => "Ada" }).await?;
    /// user.name = "Grace".into();
    /// assert_eq!(user.get_original("name")?, Value::from("Ada"));
    /// user.save().await?;
    /// assert_eq!(user.get_previous()?, record! { "name" => "Ada" });
    /// user.name = "typo".into();
    /// user.discard_changes()?;
    /// assert_eq!(user.name, "Grace");
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`](crate::Error::ColumnNotFound);
    /// [`Error::OriginalNotKept`](crate::Error::OriginalNotKept) for a changed column of a model
    /// without `#[orm(keep_original)]` (the original of an unchanged one is its value).
    fn get_original(&self, column: &str) -> Result<Value> {
        super::originals::original(self, column)
    }

    /// Every column's value when the model was loaded or last saved (Eloquent's
    /// `getOriginal()`); empty for a new model.
    ///
    /// # Errors
    /// As [`get_original`](EntityExt::get_original), for the first changed column.
    fn get_originals(&self) -> Result<crate::query::Record> {
        super::originals::originals(self)
    }

    /// The columns the last save updated, with their values before it (Eloquent's
    /// `getPrevious`).
    ///
    /// # Errors
    /// [`Error::OriginalNotKept`](crate::Error::OriginalNotKept) when the last save changed
    /// something and the model does not keep originals.
    fn get_previous(&self) -> Result<crate::query::Record> {
        super::originals::previous(self)
    }

    /// Sets every changed column back to its original value (Eloquent's `discardChanges`).
    ///
    /// # Errors
    /// As [`get_original`](EntityExt::get_original).
    fn discard_changes(&mut self) -> Result<()> {
        super::originals::discard_changes(self)
    }

    /// Takes the model's current values as its original ones, writing nothing (Eloquent's
    /// `syncOriginal`): it is then clean. Does nothing to a new model.
    fn sync_original(&mut self) {
        super::originals::sync(self)
    }

    /// Registers `observer` for every model of this type (Eloquent's `User::observe(…)`),
    /// after the model's `#[orm(observed_by(…))]` and those registered before; see
    /// [`Observer`](super::Observer).
    fn observe(observer: impl super::Observer<Self>) {
        Self::observers().add(observer);
    }

    /// Removes every observer of this type, `observed_by` ones too (Eloquent's
    /// `flushEventListeners`).
    fn flush_observers() {
        Self::observers().clear();
    }

    /// [`save`](Entity::save) without events (Eloquent's `saveQuietly`): no observer is
    /// called, nor is the save put in a transaction for them.
    ///
    /// # Errors
    /// As [`save`](Entity::save).
    fn save_quietly(&mut self) -> impl Future<Output = Result<()>> + Send + '_ {
        super::events::without_events(self.save())
    }

    /// [`delete`](Entity::delete) without events (Eloquent's `deleteQuietly`).
    ///
    /// # Errors
    /// As [`delete`](Entity::delete).
    fn delete_quietly(&mut self) -> impl Future<Output = Result<()>> + Send + '_ {
        super::events::without_events(self.delete())
    }
}

impl<M: Entity> EntityExt for M {}
