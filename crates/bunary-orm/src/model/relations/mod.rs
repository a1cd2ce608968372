//! Relations between typed models (Eloquent's `hasMany`, `hasOne`, `belongsTo`): declared as
//! fields whose type names the kind, loaded eagerly without N+1 queries, and queried as
//! model queries.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::prelude::*;
//! use bunary_orm::{DatabaseConfig, Db};
//!
//! #[derive(Model, Debug, Clone, Default)]
//! #[orm(table = "users", timestamps = false)]
//! struct User { id: i64, name: String, posts: HasMany<Post>, state: ModelState }
//!
//! #[derive(Model, Debug, Clone, Default)]
//! #[orm(table = "posts", timestamps = false)]
//! struct Post { id: i64, user_id: i64, title: String, user: BelongsTo<User>, state: ModelState }
//!
//! let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
//! db.exec_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
//!                CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT);").await?;
//! let ada = User::on(&db).create(record! { "name" => "Ada" }).await?;
//! ada.posts().create(record! { "title" => "Notes" }).await?;       // sets posts.user_id
//! ada.posts().create(record! { "title" => "Engines" }).await?;
//!
//! // One query for the users, one for all their posts: never one per user.
//! let users = User::on(&db).with(["posts"]).get().await?;
//! let titles: Vec<&str> = users[0].posts.loaded().unwrap().iter().map(|p| p.title.as_str()).collect();
//! assert_eq!(titles, ["Notes", "Engines"]);
//!
//! // A relation is a query.
//! assert_eq!(ada.posts().where_("title", "Notes").count().await?, 1);
//! let post = Post::on(&db).with(["user"]).first_or_fail().await?;
//! assert_eq!(post.user.get().map(|u| u.name.as_str()), Some("Ada"));
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```
//!
//! Conventions are Laravel's, each overridable with `#[orm(foreign_key = "…", local_key = "…")]`
//! on the field: a `HasMany`/`HasOne` field of `User` finds its rows by `user_id` on the related
//! table, matched to `User`'s primary key; a `BelongsTo` field named `author` reads its own
//! `author_id` and matches it to the related model's primary key.

mod aggregate;
mod eager;
mod exists;
mod has_morph;
mod keys;
mod load;
mod many;
mod morph;
mod query;
mod slots;

pub use self::aggregate::RelationAggregate;
#[doc(hidden)]
pub use self::aggregate::{load_aggregate, load_aggregate_through, not_a_list};
#[doc(hidden)]
pub use self::eager::{check_path, load_belongs_to, load_has_many, load_has_one, split_paths, unknown_relation, Eager};
pub(crate) use self::eager::{column_limit, split_eager, EagerConstraint};
pub(crate) use self::exists::no_relation;
#[doc(hidden)]
pub use self::exists::relation_subquery;
#[doc(hidden)]
pub use self::exists::through_subquery;
pub use self::exists::Constraint;
pub use self::has_morph::MorphConstraint;
#[doc(hidden)]
pub use self::has_morph::{morph_arms, morph_subquery, not_a_morph_to, MorphArms};
pub use self::load::LoadRelations;
pub(crate) use self::load::{load_nested, load_onto};
pub(crate) use self::many::Pivot;
pub use self::many::SyncChanges;
#[doc(hidden)]
pub use self::many::{
    belongs_to_many_query, load_belongs_to_many, load_has_many_through, load_has_one_through, through_query,
};
pub use self::morph::MorphTarget;
#[doc(hidden)]
pub use self::morph::{check_any, load_morph_to, load_target, not_for_morph_to, unknown_morph_type};
#[doc(hidden)]
pub use self::query::{associate, belongs_to_query, dissociate, has_many_query, touch_owner};
pub use self::slots::{BelongsTo, BelongsToMany, HasMany, HasOne, MorphTo};

/// The kind of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// The related rows hold this model's key (`users` → `posts.user_id`), many of them.
    HasMany,
    /// As [`HasMany`](RelationKind::HasMany), one row.
    HasOne,
    /// This model holds the related row's key (`posts.user_id` → `users`).
    BelongsTo,
    /// Rows of a pivot table hold both keys (`post_tag.post_id`, `post_tag.tag_id`).
    BelongsToMany,
    /// Many rows through an intermediate model (`countries` → `users.country_id` → `posts.user_id`).
    HasManyThrough,
    /// As [`HasManyThrough`](RelationKind::HasManyThrough), one row.
    HasOneThrough,
    /// This row names its parent by a type and a key column; the parent may be any of several
    /// models (the inverse of a polymorphic has-many).
    MorphTo,
}

/// A relation as the derive declares it: its name and kind, and the key columns it was given
/// (`None`: Laravel's convention).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct RelationDef {
    /// The field's name.
    pub name: &'static str,
    /// Its kind.
    pub kind: RelationKind,
    /// The declaring model's name in snake case (`blog_post`), for the has-many convention.
    pub owner_snake: &'static str,
    /// `foreign_key = "…"`.
    pub foreign_key: Option<&'static str>,
    /// `local_key = "…"` (has-many, has-one, many-to-many) or `owner_key = "…"` (belongs-to).
    pub local_key: Option<&'static str>,
    /// The related model's name in snake case (`tag`), for the many-to-many conventions.
    pub related_snake: &'static str,
    /// Many-to-many: `table = "…"` (the pivot table; default the two snake names in
    /// alphabetical order, `post_tag`).
    pub pivot_table: Option<&'static str>,
    /// Many-to-many: `related_pivot_key = "…"` (default `tag_id`).
    pub related_pivot_key: Option<&'static str>,
    /// Many-to-many: `related_key = "…"` (default the related model's primary key); through:
    /// `second_local_key = "…"` (the intermediate's key, default its primary key).
    pub related_key: Option<&'static str>,
    /// Through: the intermediate model's name in snake case (`user`), for the `user_id`
    /// convention (`second_key = "…"`, kept in `related_pivot_key`).
    pub through_snake: &'static str,
    /// Many-to-many: `pivot("role", …)`, the pivot's own columns read with the related models.
    pub pivot_columns: &'static [&'static str],
    /// Many-to-many: `pivot_timestamps`, the pivot keeps `created_at` and `updated_at`.
    pub pivot_timestamps: bool,
    /// Polymorphic has-many / has-one: `morph = "commentable"`, the related rows name their
    /// parent by `commentable_id` and `commentable_type` (the parent's morph name).
    pub morph: Option<&'static str>,
}
