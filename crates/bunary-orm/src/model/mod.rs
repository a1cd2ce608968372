//! Models: [`Model::table`] for rows by table name (the seed's API), and [`Entity`], the trait
//! `#[derive(Model)]` implements for typed models.
//!
//! The model layer builds on the query builder, which knows no model: `User::query()` is a
//! [`ModelQuery<User>`] that holds a query [`Builder`] and adds the model's policy (scopes,
//! hidden columns, timestamps, loaded-model tracking), as Eloquent's builder holds Laravel's
//! query builder. Each Eloquent concern lives in its own file: `query/` (the model query),
//! `soft_deletes.rs`, `hidden.rs`, `timestamps.rs`, `state.rs` (loaded/dirty tracking),
//! `persistence.rs` (save, delete, refresh), `mass_assignment.rs` (fill, fillable/guarded),
//! `casts.rs` (field types), `plain.rs` (a model's compiled selects).

mod casts;
mod events;
mod fields;
mod hidden;
mod instance;
mod lifecycle;
mod mass_assignment;
mod observers;
mod originals;
mod partial;
mod persistence;
mod plain;
mod query;
pub mod relations;
mod scopes;
mod soft_deletes;
mod state;
mod timestamps;

use std::future::Future;

use crate::error::Result;
use crate::query::Builder;
use crate::row::FromRow;
use crate::value::Value;

#[doc(hidden)]
pub use self::casts::{hash_value, FieldHasher, HashInPlace, HashThroughValue};
#[doc(hidden)]
pub use self::casts::{IntegerKey, KeyType, OtherKey};
pub use self::casts::{Json, ToValue};
pub use self::events::{without_events, Event, Flow};
#[doc(hidden)]
pub use self::fields::{cell_field, column_position, decode_field, unknown_column};
pub use self::hidden::{Shown, View};
pub use self::instance::EntityExt;
pub use self::mass_assignment::unguarded;
#[doc(hidden)]
pub use self::observers::{Observer, Observers};
pub use self::plain::PlainSql;
pub use self::query::ModelQuery;
pub use self::relations::{
    BelongsTo, BelongsToMany, HasMany, HasOne, LoadRelations, MorphTarget, MorphTo, SyncChanges,
};
pub use self::scopes::{scope_fn, GlobalScope, Scope};
pub use self::soft_deletes::Trashed;
#[doc(hidden)]
pub use self::state::Snapshots;
pub use self::state::{FieldHashes, ModelState};
pub use self::timestamps::{now, without_timestamps, Timestamps};

/// The dynamic model: queries on a table by name, returning [`Row`](crate::Row)s. It runs on
/// the global driver ([`set_orm_config`](crate::set_orm_config)); use
/// [`Db::table`](crate::Db::table) for an explicit handle.
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::{get_driver, record, set_orm_config, Model, OrmConfig};
///
/// set_orm_config(OrmConfig::sqlite(":memory:"));
/// get_driver().await?.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", &[]).await?;
/// Model::table("users").insert(record! { "name" => "Ada" }).await?;
///
/// let user = Model::table("users").find(1).await?.expect("user 1");
/// assert_eq!(user.get::<String>("name")?, "Ada");
/// assert!(Model::table("users").find(999).await?.is_none());
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Model;

impl Model {
    /// A query on `table` (`"users"`, `"public.users"`, `"users as u"`). A bad name is
    /// [`Error::InvalidIdentifier`](crate::Error::InvalidIdentifier) when the query runs.
    pub fn table(table: &str) -> Builder {
        Builder::new(table)
    }

    /// Queries on another connection: `Model::on("analytics").table("events")` (a named
    /// connection of the configuration), or `Model::on(&db)`.
    pub fn on(connection: impl Into<crate::connection::Connection>) -> OnConnection {
        OnConnection { connection: connection.into() }
    }
}

/// [`Model::on`]: tables on a chosen connection.
#[derive(Debug, Clone)]
pub struct OnConnection {
    connection: crate::connection::Connection,
}

impl OnConnection {
    /// A query on `table` on this connection.
    pub fn table(&self, table: &str) -> Builder {
        Builder::new(table).on(self.connection.clone())
    }
}

/// How a model's primary key gets its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The database generates it (an integer `AUTOINCREMENT`/`SERIAL`/`AUTO_INCREMENT` key).
    AutoIncrement,
    /// A UUID v7 is generated when the key is left empty (nil UUID or empty string); a given
    /// key is kept. The seed's default for its BaseModel.
    Uuid,
    /// The application always sets it.
    Manual,
}

/// A typed model: what `#[derive(Model)]` implements. The constants and the four required
/// methods come from the derive; everything else is provided.
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::prelude::*;
///
/// #[derive(Model, Debug, Clone, Default)]
/// #[orm(table = "users")]
/// struct User {
///     id: i64,
///     name: String,
///     #[orm(hidden)]
///     password: String,
///     state: ModelState,
/// }
///
/// set_orm_config(OrmConfig::sqlite(":memory:"));
/// get_driver().await?.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, password TEXT)", &[]).await?;
///
/// let mut ada = User { name: "Ada".into(), password: "secret".into(), ..Default::default() };
/// ada.save().await?;                                   // INSERT, the key comes back
/// assert_eq!(ada.id, 1);
/// ada.name = "Ada Lovelace".into();
/// assert!(ada.is_dirty());
/// ada.save().await?;                                   // UPDATE of the changed column only
///
/// let found = User::find(1).await?.expect("user 1");
/// assert_eq!(found.name, "Ada Lovelace");
/// assert_eq!(serde_json::to_value(&found).unwrap(), serde_json::json!({"id": 1, "name": "Ada Lovelace"}));
/// let named: Vec<User> = User::query().where_op("name", "like", "Ada%").get().await?;
/// assert_eq!(named.len(), 1);
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
pub trait Entity: FromRow + Sync {
    /// The type's name, for messages.
    const NAME: &'static str;
    /// The table.
    const TABLE: &'static str;
    /// The primary key column (default `id`).
    const PRIMARY_KEY: &'static str;
    /// How the key is generated.
    const KEY: KeyKind;
    /// Every persisted column, in field order.
    const COLUMNS: &'static [&'static str];
    /// Columns left out of serialised output and of the rows of the model's queries.
    const HIDDEN: &'static [&'static str];
    /// The timestamp columns, when the model keeps them.
    const TIMESTAMPS: Option<Timestamps>;
    /// The soft-delete column, when the model soft deletes.
    const SOFT_DELETES: Option<&'static str>;
    /// Columns mass assignment may set (`None`: all but [`Entity::GUARDED`]).
    const FILLABLE: Option<&'static [&'static str]>;
    /// Columns mass assignment may not set.
    const GUARDED: &'static [&'static str];
    /// Whether loaded models keep their original values (`#[orm(keep_original)]`), for
    /// [`get_original`](EntityExt::get_original) of a changed column,
    /// [`get_previous`](EntityExt::get_previous) and
    /// [`discard_changes`](EntityExt::discard_changes).
    const KEEP_ORIGINAL: bool = false;

    /// The values of [`Entity::COLUMNS`], in order.
    fn to_values(&self) -> Vec<Value>;

    /// The model's compiled plain selects (the derive gives each model its own).
    #[doc(hidden)]
    fn plain_sql() -> &'static PlainSql;

    /// Serialises the model with `view`'s changes to what is hidden (the derive's serializer;
    /// see [`EntityExt::make_hidden`]).
    #[doc(hidden)]
    fn serialize_view<S: serde::Serializer>(
        &self,
        serializer: S,
        view: &View<'_>,
    ) -> std::result::Result<S::Ok, S::Error>;

    /// The model's observers (the derive gives each model its own, with those of
    /// `#[orm(observed_by(…))]`); see [`EntityExt::observe`].
    fn observers() -> &'static Observers<Self>;

    /// Moves the values of [`Entity::COLUMNS`], in order, onto `out` (text and bytes are moved,
    /// not copied), leaving out the column at index `skip`. Derive plumbing.
    #[doc(hidden)]
    fn append_values(self, out: &mut Vec<Value>, skip: Option<usize>);

    /// Writes a hash of each column's value, in [`Entity::COLUMNS`] order, into `out` (for
    /// dirty tracking); `out` has one slot per column (a slice of another length is left as is).
    /// Derive plumbing.
    #[doc(hidden)]
    fn hash_fields_into(&self, out: &mut [u64]);

    /// Where the primary key is among [`Entity::COLUMNS`] when its field is an integer, whose
    /// hash is the integer itself: a loaded model's key is then read back from its hash instead
    /// of being kept apart. `None` (the default) keeps the key.
    #[doc(hidden)]
    fn key_in_hashes() -> Option<usize> {
        None
    }

    /// A hash of each column's value, in [`Entity::COLUMNS`] order, for dirty tracking.
    #[doc(hidden)]
    fn field_hashes(&self) -> FieldHashes {
        let mut hashes: FieldHashes = smallvec::smallvec![0; Self::COLUMNS.len()];
        self.hash_fields_into(&mut hashes);
        hashes
    }

    /// Sets one column's field from a value.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`](crate::Error::ColumnNotFound) for a column the model does not have, [`Error::Decode`](crate::Error::Decode) for a
    /// value of the wrong type.
    fn set_value(&mut self, column: &str, value: Value) -> Result<()>;

    /// The names of the model's relations (its `HasMany`, `HasOne` and `BelongsTo` fields).
    const RELATIONS: &'static [&'static str] = &[];

    /// The value of one column of the model.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`](crate::Error::ColumnNotFound) for a column the model does not have.
    fn get_value(&self, column: &str) -> Result<Value> {
        let at = Self::COLUMNS.iter().position(|c| *c == column).ok_or_else(|| unknown_column::<Self>(column))?;
        Ok(self.to_values().swap_remove(at))
    }

    /// Checks a relation path (`"posts.comments"`) against the model's relations. Derive
    /// plumbing.
    ///
    /// # Errors
    /// [`Error::UnknownRelation`](crate::Error::UnknownRelation).
    #[doc(hidden)]
    fn check_relation(path: &str) -> Result<()> {
        let first = path.split('.').next().unwrap_or(path);
        Err(relations::unknown_relation::<Self>(first))
    }

    /// The related rows of `path` (`"posts"`, `"posts.comments"`) as a subquery correlated to
    /// this model's row (known by `alias` in the enclosing query, if it has one), the deepest
    /// relation meeting `constraint`. Derive plumbing.
    ///
    /// # Errors
    /// [`Error::UnknownRelation`](crate::Error::UnknownRelation); [`Error::InvalidRelation`](crate::Error::InvalidRelation).
    #[doc(hidden)]
    fn relation_subquery(path: &str, constraint: relations::Constraint<'_>, alias: Option<&str>) -> Result<Builder> {
        let _ = (constraint, alias);
        Err(relations::no_relation::<Self>(path))
    }

    /// The arms of a `where_has_morph` on the `morph_to` relation `relation`. Derive plumbing.
    ///
    /// # Errors
    /// [`Error::UnknownRelation`](crate::Error::UnknownRelation); [`QueryProblem::NotMorphTo`](crate::QueryProblem::NotMorphTo).
    #[doc(hidden)]
    fn morph_arms(
        relation: &str,
        types: &[String],
        constraint: relations::MorphConstraint<'_>,
    ) -> Result<relations::MorphArms> {
        let _ = (types, constraint);
        Err(relations::unknown_relation::<Self>(relation))
    }

    /// Whether a column-limited load may leave `column` out: its field's type has an empty
    /// value (`None`, `0`, `""`). Derive plumbing.
    #[doc(hidden)]
    fn column_may_be_absent(column: &str) -> bool {
        let _ = column;
        false
    }

    /// `#[orm(strict_fill)]`: [`fill`](Entity::fill) refuses an attribute it may not set
    /// (guarded, or not fillable) instead of passing it over.
    const STRICT_FILL: bool = false;

    /// The model's global scopes, `#[orm(global_scopes(name = "path::to::function"))]`: each
    /// query of the model gets their conditions (see [`ModelQuery::without_global_scope`]).
    const GLOBAL_SCOPES: &'static [GlobalScope] = &[];

    /// The name that stands for this model in the type column of polymorphic relations
    /// (`commentable_type`): `#[orm(morph_name = "…")]`, by default the type's name in snake
    /// case (`BlogPost` → `blog_post`), never a Rust path.
    const MORPH_NAME: &'static str = Self::NAME;

    /// Whether the model touches parents when saved (`#[orm(touches)]` on a belongs-to field).
    #[doc(hidden)]
    const TOUCHES: bool = false;

    /// Updates the `updated_at` of the parents this model touches. Derive plumbing.
    #[doc(hidden)]
    fn touch_owners(&self) -> std::pin::Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
        Box::pin(async { Ok(()) })
    }

    /// Whether the relation `relation` is loaded on this model. Derive plumbing.
    #[doc(hidden)]
    fn is_relation_loaded(&self, relation: &str) -> bool {
        let _ = relation;
        false
    }

    /// Loads these relations onto this model (Eloquent's `load`), one query per relation per
    /// level; see [`LoadRelations`] for a list of models.
    ///
    /// # Errors
    /// [`Error::UnknownRelation`](crate::Error::UnknownRelation) before any SQL; the queries' errors.
    fn load(&mut self, relations: impl crate::query::IntoColumns) -> impl Future<Output = Result<()>> + Send + '_ {
        relations::load_onto(std::slice::from_mut(self), relations.into_columns(), false)
    }

    /// As [`load`](Entity::load), leaving out relations already loaded (Eloquent's
    /// `loadMissing`).
    ///
    /// # Errors
    /// As [`load`](Entity::load).
    fn load_missing(
        &mut self,
        relations: impl crate::query::IntoColumns,
    ) -> impl Future<Output = Result<()>> + Send + '_ {
        relations::load_onto(std::slice::from_mut(self), relations.into_columns(), true)
    }

    /// Loads an aggregate of the relation `relation` onto `models`. Derive plumbing.
    #[doc(hidden)]
    fn aggregate_load<'a>(
        models: &'a mut [Self],
        relation: &'a str,
        function: relations::RelationAggregate,
        column: Option<String>,
        connection: &'a crate::connection::Connection,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>> {
        let _ = (models, function, column, connection);
        Box::pin(async move { Err(relations::unknown_relation::<Self>(relation)) })
    }

    /// Saves the models of the loaded relations, each with its own loaded relations (what
    /// [`push`](crate::EntityExt::push) does after saving the model). Derive plumbing.
    #[doc(hidden)]
    fn push_relations(&mut self) -> std::pin::Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
        Box::pin(async { Ok(()) })
    }

    /// Loads the relation `relation` (with its `nested` paths) onto `models`. Derive plumbing.
    #[doc(hidden)]
    fn eager_load<'a>(
        models: &'a mut [Self],
        relation: &'a str,
        nested: relations::Eager,
        connection: &'a crate::connection::Connection,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>> {
        let _ = (models, nested, connection);
        Box::pin(async move { Err(relations::unknown_relation::<Self>(relation)) })
    }

    /// The model's persistence state.
    fn state(&self) -> &ModelState;

    /// The model's persistence state, mutably.
    fn state_mut(&mut self) -> &mut ModelState;

    /// A query on the model's table returning models, with its scopes applied.
    fn query() -> ModelQuery<Self> {
        ModelQuery::new(crate::connection::Connection::Global)
    }

    /// [`Entity::query`] on another connection: an explicit handle (`User::on(&db)`), a
    /// transaction (`User::on(&tx)`) or a named connection (`User::on("analytics")`). Models it
    /// loads save back there.
    fn on(connection: impl Into<crate::connection::Connection>) -> ModelQuery<Self> {
        ModelQuery::new(connection.into())
    }

    /// The model with that key, or `None`.
    ///
    /// # Errors
    /// The database's error; a missing row is `Ok(None)`.
    fn find(id: impl Into<Value> + Send) -> impl Future<Output = Result<Option<Self>>> + Send {
        let id = id.into();
        async move { Self::query().find(id).await }
    }

    /// The model with that key.
    ///
    /// # Errors
    /// [`Error::ModelNotFound`](crate::Error::ModelNotFound) when there is none.
    fn find_or_fail(id: impl Into<Value> + Send) -> impl Future<Output = Result<Self>> + Send {
        let id = id.into();
        async move { Self::query().find_or_fail(id).await }
    }

    /// Every model (trashed ones left out).
    ///
    /// # Errors
    /// The database's error.
    fn all() -> impl Future<Output = Result<Vec<Self>>> + Send {
        async move { Self::query().get().await }
    }

    /// A new model filled from `attributes` (mass assignment: only fillable columns) and saved.
    ///
    /// # Errors
    /// As [`Entity::fill`] and [`Entity::save`].
    fn create(attributes: impl Into<crate::query::Record> + Send) -> impl Future<Output = Result<Self>> + Send
    where
        Self: Default,
    {
        let attributes = attributes.into();
        async move {
            let mut model = Self::default();
            model.fill(attributes)?;
            model.save().await?;
            Ok(model)
        }
    }

    /// The current value of the primary key.
    fn key(&self) -> Value {
        let i = Self::COLUMNS.iter().position(|c| *c == Self::PRIMARY_KEY).unwrap_or(0);
        self.to_values().swap_remove(i)
    }

    /// Whether the model was loaded from, or saved to, the database.
    fn exists(&self) -> bool {
        self.state().exists()
    }

    /// Inserts the model (generating a UUID key, filling timestamps, reading back an
    /// auto-increment key) or, when it exists, updates its changed columns only.
    ///
    /// # Errors
    /// The database's error; [`Error::ModelNotFound`](crate::Error::ModelNotFound) when the row to update is gone.
    fn save(&mut self) -> impl Future<Output = Result<()>> + Send + '_ {
        lifecycle::save(self)
    }

    /// Fills the model from `attributes` (mass assignment) and saves its changes. Only a
    /// model that exists can be updated: a new one is neither filled nor inserted.
    ///
    /// # Errors
    /// [`Error::ModelNotSaved`](crate::Error::ModelNotSaved) for a model never saved; as [`Entity::fill`] and
    /// [`Entity::save`].
    fn update(&mut self, attributes: impl Into<crate::query::Record>) -> impl Future<Output = Result<()>> + Send + '_ {
        let filled = persistence::require_saved(self, "update").and_then(|()| self.fill(attributes));
        async move {
            filled?;
            self.save().await
        }
    }

    /// Deletes the model (soft-deleting models get their `deleted_at` set instead).
    ///
    /// # Errors
    /// [`Error::ModelNotSaved`](crate::Error::ModelNotSaved) for a model never saved; the database's error.
    fn delete(&mut self) -> impl Future<Output = Result<()>> + Send + '_ {
        lifecycle::delete(self)
    }

    /// Deletes the model's row for good, soft deletes or not.
    ///
    /// # Errors
    /// [`Error::ModelNotSaved`](crate::Error::ModelNotSaved) for a model never saved; the database's error.
    fn force_delete(&mut self) -> impl Future<Output = Result<()>> + Send + '_ {
        lifecycle::force_delete(self)
    }

    /// Brings a soft-deleted model back.
    ///
    /// # Errors
    /// [`Error::InvalidQuery`](crate::Error::InvalidQuery) on a model without soft deletes; [`Error::ModelNotSaved`](crate::Error::ModelNotSaved) for a
    /// model never saved; the database's error.
    fn restore(&mut self) -> impl Future<Output = Result<()>> + Send + '_ {
        lifecycle::restore(self)
    }

    /// Whether a soft-deleting model is deleted.
    fn trashed(&self) -> bool {
        persistence::trashed(self)
    }

    /// Reloads every column from the database.
    ///
    /// # Errors
    /// [`Error::ModelNotFound`](crate::Error::ModelNotFound) when the row is gone.
    fn refresh(&mut self) -> impl Future<Output = Result<()>> + Send + '_ {
        persistence::refresh(self)
    }

    /// Whether any column changed since the model was loaded or saved (always `true` for a
    /// new model). Laravel's `isDirty`.
    fn is_dirty(&self) -> bool {
        !persistence::changes(self).is_empty()
    }

    /// Whether no column changed since the model was loaded or saved. Laravel's `isClean`.
    fn is_clean(&self) -> bool {
        !self.is_dirty()
    }

    /// The columns changed since the model was loaded or saved, with their new values: what
    /// the next [`save`](Entity::save) writes. Laravel's `getDirty`.
    fn get_dirty(&self) -> crate::query::Record {
        persistence::changes(self)
    }

    /// The columns the last [`save`](Entity::save) updated, with their values (`updated_at`
    /// among them); empty after an insert, as in Laravel's `getChanges`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::prelude::*;
    /// use bunary_orm::{DatabaseConfig, Db};
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "users", timestamps = false)]
    /// struct User { id: i64, name: String, email: String, state: ModelState }
    ///
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)", &[]).await?;
    /// let mut user = User { name: "Ada".into(), state: ModelState::on(&db), ..Default::default() };
    /// user.save().await?;
    /// user.name = "Ada L.".into();
    /// assert_eq!(user.get_dirty().columns().collect::<Vec<_>>(), ["name"]);
    /// assert!(user.get_changes().is_empty(), "nothing saved yet");
    /// user.save().await?;
    /// assert!(user.is_clean() && user.was_changed());
    /// assert_eq!(user.get_changes().columns().collect::<Vec<_>>(), ["name"]);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    fn get_changes(&self) -> crate::query::Record {
        let changed = self.state().changed();
        if changed.is_empty() {
            return crate::query::Record::new();
        }
        Self::COLUMNS.iter().copied().zip(self.to_values()).filter(|(c, _)| changed.contains(c)).collect()
    }

    /// Whether the last [`save`](Entity::save) updated any column. Laravel's `wasChanged`.
    fn was_changed(&self) -> bool {
        !self.state().changed().is_empty()
    }

    /// Sets the fillable columns of `attributes` (a [`Record`](crate::Record) or a JSON
    /// object); guarded columns are passed over, as in Eloquent, unless the model is
    /// `#[orm(strict_fill)]` or totally guarded (`guarded("*")`), where they are an error.
    /// [`force_fill`](crate::EntityExt::force_fill) and [`unguarded`] set
    /// them anyway.
    ///
    /// # Errors
    /// [`Error::InvalidQuery`](crate::Error::InvalidQuery) for a column the model does not
    /// have ([`QueryProblem::UnknownColumn`](crate::QueryProblem::UnknownColumn)) or may not
    /// set here ([`QueryProblem::NotMassAssignable`](crate::QueryProblem::NotMassAssignable));
    /// [`Error::Decode`](crate::Error::Decode) for a value of the wrong type.
    fn fill(&mut self, attributes: impl Into<crate::query::Record>) -> Result<()> {
        mass_assignment::fill(self, attributes.into(), false)
    }
}

/// Called once a result is loaded: each model remembers what it held (in one [`Snapshots`]
/// shared by the result) and where it came from.
pub(crate) fn mark_loaded<M: Entity>(models: &mut [M], connection: &crate::connection::Connection) {
    if models.is_empty() {
        return;
    }
    // Filled before it is shared: moving it into the `Arc` copies a few words, where filling it
    // in place would need `Arc::get_mut` (an atomic compare-and-swap).
    let shared = std::sync::Arc::new(Snapshots::of_models(connection.clone(), models));
    for (model, state) in models.iter_mut().zip(ModelState::loaded(shared)) {
        *model.state_mut() = state;
    }
}
