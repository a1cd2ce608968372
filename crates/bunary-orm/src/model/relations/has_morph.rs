//! Querying by a `morph_to` relation (Eloquent's `whereHasMorph`, `hasMorph`,
//! `doesntHaveMorph`): a row's parent may be any of several models, so the condition is one
//! arm per model, `type = 'post' AND EXISTS (SELECT … FROM posts WHERE posts.id = comments.commentable_id …)`,
//! the arms joined with `OR`.

use crate::error::{Error, QueryProblem, Result};
use crate::query::Builder;
use crate::value::Value;

use super::super::query::ModelQuery;
use super::super::Entity;
use super::eager::column_of;
use super::exists::{aliased, names_for};
use super::{MorphTarget, RelationDef};

/// A condition on the parents of a `where_has_morph`, given the parent's query builder and its
/// morph name (`"post"`), so that one closure can tell the models apart.
pub type MorphConstraint<'a> = Option<&'a (dyn Fn(Builder, &str) -> Builder + Sync)>;

/// The arms of a `where_has_morph`: the qualified type column, and for each model its morph
/// name and its correlated subquery. Derive plumbing.
#[doc(hidden)]
#[derive(Debug)]
pub struct MorphArms {
    type_column: String,
    arms: Vec<(&'static str, Builder)>,
}

/// The error of a `has_morph` on a relation that is not a `morph_to`.
#[doc(hidden)]
pub fn not_a_morph_to<P: Entity>(relation: &str) -> Error {
    Error::InvalidQuery { problem: QueryProblem::NotMorphTo { model: P::NAME, relation: relation.to_owned() } }
}

/// The arms of a `where_has_morph` on the `morph_to` relation `def` of `P`, for the morph
/// names `types` (`"*"`: every model the target lists). Derive plumbing.
///
/// # Errors
/// [`QueryProblem::UnknownMorphType`] for a name the target does not list;
/// [`Error::InvalidRelation`] for a type or key column `P` lacks.
#[doc(hidden)]
pub fn morph_arms<P: Entity, T: MorphTarget>(
    def: RelationDef,
    types: &[String],
    constraint: MorphConstraint<'_>,
) -> Result<MorphArms> {
    let morph = def.morph.unwrap_or(def.name);
    let type_column = column_of::<P>(P::NAME, def.name, format!("{morph}_type"))?;
    let id_column = column_of::<P>(P::NAME, def.name, format!("{morph}_id"))?;
    let parent = crate::ident::TableRef::parse(P::TABLE)?.name.as_str().to_owned();
    let known = T::names();
    let mut chosen: Vec<&'static str> = Vec::new();
    for name in types {
        if name == "*" {
            chosen.extend(known.iter().copied());
            continue;
        }
        match known.iter().find(|k| **k == name.as_str()) {
            Some(k) => chosen.push(k),
            None => return Err(super::unknown_morph_type::<P>(name)),
        }
    }
    chosen.dedup();
    let outer_key = format!("{parent}.{id_column}");
    let arms = chosen
        .into_iter()
        .map(|name| Ok((name, T::exists_subquery(name, &parent, &outer_key, constraint)?)))
        .collect::<Result<_>>()?;
    Ok(MorphArms { type_column: format!("{parent}.{type_column}"), arms })
}

/// The rows of `M` whose primary key equals `outer_key`, meeting `constraint` (given `M`'s
/// morph name), with `M`'s scopes: one arm of a `where_has_morph`. Derive plumbing.
///
/// # Errors
/// [`Error::InvalidIdentifier`] for a bad alias or column.
#[doc(hidden)]
pub fn morph_subquery<M: Entity>(
    parent_table: &str,
    outer_key: &str,
    constraint: MorphConstraint<'_>,
) -> Result<Builder> {
    let (related, alias) = names_for::<M>(parent_table, None)?;
    let mut query = aliased(M::query(), alias.as_deref())?;
    if let Some(constraint) = constraint {
        query = query.map_base(|base| constraint(base.cast(), M::MORPH_NAME).cast());
    }
    let inner = format!("{related}.{}", M::PRIMARY_KEY);
    Ok(query.to_base().scoped(|q| q.where_column(&inner, "=", outer_key)))
}

impl<M: Entity> ModelQuery<M> {
    fn morph_exists(self, relation: &str, types: Vec<String>, constraint: MorphConstraint<'_>, not: bool) -> Self {
        let arms = match M::morph_arms(relation, &types, constraint) {
            Ok(arms) => arms,
            Err(e) => return self.failed(e),
        };
        let MorphArms { type_column, arms } = arms;
        self.map_base(|base| {
            base.where_group(|group| {
                arms.into_iter().fold(group, |group, (name, sub)| {
                    group.or_where_group(|arm| {
                        let arm = arm.where_(&type_column, Value::from(name));
                        if not {
                            arm.where_not_exists(sub)
                        } else {
                            arm.where_exists(sub)
                        }
                    })
                })
            })
        })
    }

    /// Models whose `morph_to` parent is one of `types` (morph names; `"*"` for every model
    /// the target lists) and exists (Eloquent's `hasMorph`).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::prelude::*;
    /// use bunary_orm::{DatabaseConfig, Db, MorphTarget, MorphTo};
    ///
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "posts", timestamps = false)]
    /// struct Post { id: i64, title: String, state: ModelState }
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "videos", timestamps = false)]
    /// struct Video { id: i64, title: String, state: ModelState }
    /// #[derive(MorphTarget, Debug, Clone)]
    /// enum Commentable { Post(Post), Video(Video) }
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "comments", timestamps = false)]
    /// struct Comment {
    ///     id: i64,
    ///     body: String,
    ///     commentable_type: String,
    ///     commentable_id: i64,
    ///     #[orm(morph = "commentable")]
    ///     commentable: MorphTo<Commentable>,
    ///     state: ModelState,
    /// }
    ///
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec_batch("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
    ///                CREATE TABLE videos (id INTEGER PRIMARY KEY, title TEXT);
    ///                CREATE TABLE comments (id INTEGER PRIMARY KEY, body TEXT, commentable_type TEXT, commentable_id INTEGER);
    ///                INSERT INTO posts (title) VALUES ('Rust');
    ///                INSERT INTO videos (title) VALUES ('Rust, the film');
    ///                INSERT INTO comments (body, commentable_type, commentable_id)
    ///                VALUES ('on the post', 'post', 1), ('on the video', 'video', 1), ('orphan', 'post', 9);").await?;
    /// let on_posts = Comment::on(&db).has_morph("commentable", ["post"]).pluck::<String>("body").await?;
    /// assert_eq!(on_posts, ["on the post"]);
    /// let filmed = Comment::on(&db)
    ///     .where_has_morph("commentable", ["*"], |q, kind| q.where_like("title", if kind == "video" { "%film%" } else { "-" }))
    ///     .pluck::<String>("body")
    ///     .await?;
    /// assert_eq!(filmed, ["on the video"]);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    pub fn has_morph(self, relation: &str, types: impl crate::query::IntoColumns) -> Self {
        self.morph_exists(relation, types.into_columns(), None, false)
    }

    /// Models whose `morph_to` parent is one of `types` and meets `constraint`, which is given
    /// the parent's query and its morph name (Eloquent's `whereHasMorph`).
    pub fn where_has_morph(
        self,
        relation: &str,
        types: impl crate::query::IntoColumns,
        constraint: impl Fn(Builder, &str) -> Builder + Sync,
    ) -> Self {
        self.morph_exists(relation, types.into_columns(), Some(&constraint), false)
    }

    /// Models whose `morph_to` type is one of `types` but whose parent is missing (Eloquent's
    /// `doesntHaveMorph`).
    pub fn doesnt_have_morph(self, relation: &str, types: impl crate::query::IntoColumns) -> Self {
        self.morph_exists(relation, types.into_columns(), None, true)
    }

    /// Models whose `morph_to` type is one of `types` but whose parent does not meet
    /// `constraint` (Eloquent's `whereDoesntHaveMorph`).
    pub fn where_doesnt_have_morph(
        self,
        relation: &str,
        types: impl crate::query::IntoColumns,
        constraint: impl Fn(Builder, &str) -> Builder + Sync,
    ) -> Self {
        self.morph_exists(relation, types.into_columns(), Some(&constraint), true)
    }
}
