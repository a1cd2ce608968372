//! The inverse of a polymorphic relation (Eloquent's `morphTo`): a row names its parent by a
//! type column and a key column, and the parent may be any of several models. The field holds
//! an enum of those models, `#[derive(MorphTarget)]`:
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::prelude::*;
//! use bunary_orm::{DatabaseConfig, Db, MorphTarget, MorphTo};
//!
//! #[derive(Model, Debug, Clone, Default)]
//! #[orm(table = "posts", timestamps = false)]
//! struct Post { id: i64, title: String, #[orm(morph = "commentable")] comments: HasMany<Comment>, state: ModelState }
//!
//! #[derive(Model, Debug, Clone, Default)]
//! #[orm(table = "videos", timestamps = false)]
//! struct Video { id: i64, url: String, #[orm(morph = "commentable")] comments: HasMany<Comment>, state: ModelState }
//!
//! #[derive(MorphTarget, Debug, Clone)]
//! enum Commentable { Post(Post), Video(Video) }
//!
//! #[derive(Model, Debug, Clone, Default)]
//! #[orm(table = "comments", timestamps = false)]
//! struct Comment {
//!     id: i64,
//!     commentable_type: String,
//!     commentable_id: i64,
//!     #[orm(morph = "commentable")]
//!     commentable: MorphTo<Commentable>,
//!     state: ModelState,
//! }
//!
//! let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
//! db.exec_batch("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
//!                CREATE TABLE videos (id INTEGER PRIMARY KEY, url TEXT);
//!                CREATE TABLE comments (id INTEGER PRIMARY KEY, commentable_type TEXT, commentable_id INTEGER);").await?;
//! let post = Post::on(&db).create(record! { "title" => "hello" }).await?;
//! let video = Video::on(&db).create(record! { "url" => "v.mp4" }).await?;
//! post.comments().create(record! {}).await?;
//! video.comments().create(record! {}).await?;
//! // One query for the comments, one per parent type.
//! let comments = Comment::on(&db).with(["commentable"]).oldest_by("id").get().await?;
//! assert!(matches!(comments[0].commentable.get(), Some(Commentable::Post(p)) if p.title == "hello"));
//! assert!(matches!(comments[1].commentable.get(), Some(Commentable::Video(v)) if v.url == "v.mp4"));
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use crate::connection::Connection;
use crate::error::{Error, QueryProblem, Result};
use crate::value::Value;

use super::super::partial::key_value;
use super::super::Entity;
use super::eager::column_of;
use super::keys::Key;
use super::{Eager, RelationDef};

/// What [`MorphTarget::load`] returns: the models found, each with its key.
pub type LoadedTargets<'a, T> = Pin<Box<dyn Future<Output = Result<Vec<(Value, T)>>> + Send + 'a>>;

/// The models a `morph_to` relation may point at: an enum with one variant per model,
/// `#[derive(MorphTarget)]`. Each model is known by its morph name (`Entity::MORPH_NAME`).
pub trait MorphTarget: Sized + Send + Sync + Clone + 'static {
    /// The morph names of the models, in variant order.
    fn names() -> Vec<&'static str>;

    /// Loads the models named `name` whose primary keys are `ids`, each with its key, with
    /// the `nested` loads that model knows. Derive plumbing.
    #[doc(hidden)]
    fn load<'a>(
        name: &'a str,
        ids: Vec<Value>,
        nested: &'a Eager,
        connection: &'a Connection,
    ) -> LoadedTargets<'a, Self>;

    /// Checks a path nested under the `morph_to` (`"notable.posts"`'s `posts`): at least one
    /// of the models must know it. Derive plumbing.
    ///
    /// # Errors
    /// [`Error::UnknownRelation`] of the first model, when none knows the path.
    #[doc(hidden)]
    fn check_relation(path: &str) -> Result<()>;

    /// The rows of the model named `name` whose key equals `outer_key` (a column of the
    /// querying table `parent_table`), as a correlated subquery meeting `constraint`. Derive
    /// plumbing.
    ///
    /// # Errors
    /// [`QueryProblem::UnknownMorphType`] for a name no variant has.
    #[doc(hidden)]
    fn exists_subquery(
        name: &str,
        parent_table: &str,
        outer_key: &str,
        constraint: super::MorphConstraint<'_>,
    ) -> Result<crate::query::Builder>;
}

/// Loads the models `M` among `ids`, wrapped by `wrap`, with the constraint of the `morph_to`
/// and those of its `nested` paths that `M` knows (a path under a `morph_to` may belong to
/// some of its models only). Derive plumbing.
///
/// # Errors
/// The query's errors.
#[doc(hidden)]
pub async fn load_target<M: Entity, T>(
    ids: Vec<Value>,
    nested: &Eager,
    connection: &Connection,
    wrap: fn(M) -> T,
) -> Result<Vec<(Value, T)>> {
    let known = |path: &str| M::check_relation(path).is_ok();
    let own = Eager {
        paths: nested.paths.iter().filter(|p| known(p)).cloned().collect(),
        constraints: nested.constraints.iter().filter(|(p, _)| p.is_empty() || known(p)).cloned().collect(),
        columns: nested.columns.iter().filter(|(p, _)| p.is_empty() || known(p)).cloned().collect(),
    };
    let models: Vec<M> = super::eager::fetch(connection, M::PRIMARY_KEY, &ids, &own, None).await?;
    models.into_iter().map(|m| Ok((key_value(&m, M::PRIMARY_KEY)?, wrap(m)))).collect()
}

/// The first error of a path no model of a `morph_to` knows, or none if one knows it. Derive
/// plumbing.
///
/// # Errors
/// The first model's error, when none knows the path.
#[doc(hidden)]
pub fn check_any(checks: impl IntoIterator<Item = Result<()>>) -> Result<()> {
    let mut first = None;
    for check in checks {
        match check {
            Ok(()) => return Ok(()),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    first.map_or(Ok(()), Err)
}

/// The error of `has` / `where_has` on a `morph_to` relation.
#[doc(hidden)]
pub fn not_for_morph_to<P: Entity>(relation: &str) -> Error {
    Error::InvalidQuery { problem: QueryProblem::NotForMorphTo { model: P::NAME, relation: relation.to_owned() } }
}

/// A type column naming a model the `morph_to` target does not list.
#[doc(hidden)]
pub fn unknown_morph_type<P: Entity>(name: &str) -> Error {
    Error::InvalidQuery { problem: QueryProblem::UnknownMorphType { model: P::NAME, name: name.to_owned() } }
}

/// Loads a `morph_to` relation of `children`: one query per parent type found.
///
/// # Errors
/// [`QueryProblem::UnknownMorphType`] for a type the target does not list;
/// [`Error::InvalidRelation`]; the queries' errors.
#[doc(hidden)]
pub async fn load_morph_to<P: Entity, T: MorphTarget>(
    children: &mut [P],
    def: RelationDef,
    slot: fn(&mut P) -> &mut super::BelongsTo<T>,
    nested: Eager,
    connection: &Connection,
) -> Result<()> {
    let morph = def.morph.unwrap_or(def.name);
    let type_column = column_of::<P>(P::NAME, def.name, format!("{morph}_type"))?;
    let id_column = column_of::<P>(P::NAME, def.name, format!("{morph}_id"))?;
    // The keys of each type, in first-seen order.
    let mut wanted: Vec<(String, Vec<Value>)> = Vec::new();
    let mut links = Vec::with_capacity(children.len());
    for child in children.iter() {
        let (kind, id) = (key_value(child, &type_column)?, key_value(child, &id_column)?);
        let kind = match kind {
            Value::Text(t) if !id.is_null() => t,
            _ => {
                links.push(None);
                continue;
            }
        };
        match wanted.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, ids)) => ids.push(id.clone()),
            None => wanted.push((kind.clone(), vec![id.clone()])),
        }
        links.push(Some((kind, id)));
    }
    let mut found: HashMap<(String, Key), T> = HashMap::new();
    for (kind, ids) in wanted {
        if !T::names().contains(&kind.as_str()) {
            return Err(unknown_morph_type::<P>(&kind));
        }
        for (id, model) in T::load(&kind, ids, &nested, connection).await? {
            found.insert((kind.clone(), Key(id)), model);
        }
    }
    for (child, link) in children.iter_mut().zip(links) {
        let model = link.and_then(|(kind, id)| found.get(&(kind, Key(id))).cloned());
        slot(child).set(model);
    }
    Ok(())
}
