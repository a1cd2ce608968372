//! Querying by relations (Eloquent's `has`, `whereHas`, `doesntHave`, `whereRelation`): the
//! related rows as an `EXISTS` (or count) subquery correlated to the parent's row, with the
//! related model's scopes.

use crate::error::Result;
use crate::ident::{Ident, TableRef};
use crate::query::{Builder, IntoOperator};
use crate::value::Value;

use super::super::query::ModelQuery;
use super::super::Entity;
use super::eager::{belongs_keys, has_keys, morph_type, unknown_relation};
use super::many::pivot;
use super::{RelationDef, RelationKind};

/// A condition on the related rows of a `where_has` (on the query builder: it may use any
/// column of the related table).
pub type Constraint<'a> = Option<&'a (dyn Fn(Builder) -> Builder + Sync)>;

fn table_name(table: &str) -> Result<String> {
    Ok(TableRef::parse(table)?.name.as_str().to_owned())
}

/// The prefix of the aliases a self-referencing subquery gives its table.
const SELF_ALIAS: &str = "bunary_self_";

/// The names a relation subquery correlates: the parent's (its table, or the alias the
/// enclosing subquery gave it) and the related table's, aliased when it is the parent's own
/// table (a self-referencing relation: `users.parent_id = users.id` would compare a row with
/// itself). Each level of nesting takes the next alias, so that the SQL text, and the cached
/// statement, is the same for the same query.
struct Names {
    parent: String,
    related: String,
    alias: Option<String>,
}

fn names<P: Entity, C: Entity>(outer: Option<&str>) -> Result<Names> {
    let parent_table = table_name(P::TABLE)?;
    let parent = outer.map_or_else(|| parent_table.clone(), str::to_owned);
    let (related, alias) = names_for::<C>(&parent_table, outer)?;
    Ok(Names { parent, related, alias })
}

/// The name `C`'s table goes by in a subquery under `parent_table` (known as `outer`), and
/// the alias it takes, if any: the next self alias when it is the parent's own table.
pub(super) fn names_for<C: Entity>(parent_table: &str, outer: Option<&str>) -> Result<(String, Option<String>)> {
    let related = table_name(C::TABLE)?;
    if related != parent_table {
        return Ok((related, None));
    }
    let level = outer.and_then(|o| o.strip_prefix(SELF_ALIAS)).and_then(|n| n.parse::<u32>().ok()).unwrap_or(0);
    let alias = format!("{SELF_ALIAS}{}", level + 1);
    Ok((alias.clone(), Some(alias)))
}

/// `C`'s query, its table known by `alias` if it has one.
pub(super) fn aliased<C: Entity>(query: ModelQuery<C>, alias: Option<&str>) -> Result<ModelQuery<C>> {
    let Some(alias) = alias else { return Ok(query) };
    let alias = Ident::new(alias, "alias")?;
    Ok(query.map_base(|mut base| {
        if let Some(table) = base.query.table.as_mut() {
            table.alias = Some(alias);
        }
        base
    }))
}

/// The related rows of a relation of `P` as a subquery correlated to `P`'s row (known by
/// `outer` if the enclosing query aliased it): the deepest relation of a dotted path gets
/// `constraint`, each level the related model's scopes.
///
/// # Errors
/// [`Error::UnknownRelation`](crate::Error::UnknownRelation) for a name in `rest` the related
/// model lacks; [`Error::InvalidRelation`](crate::Error::InvalidRelation).
#[doc(hidden)]
pub fn relation_subquery<P: Entity, C: Entity>(
    def: RelationDef,
    rest: Option<&str>,
    constraint: Constraint<'_>,
    outer: Option<&str>,
) -> Result<Builder> {
    let Names { parent, related, alias } = names::<P, C>(outer)?;
    let mut query = aliased(C::query(), alias.as_deref())?;
    let mut morph = None;
    let (inner, outer) = match def.kind {
        RelationKind::HasMany | RelationKind::HasOne => {
            let (foreign, local) = has_keys::<P, C>(&def)?;
            morph = morph_type::<P, C>(&def)?.map(|(column, name)| (format!("{related}.{column}"), name));
            (format!("{related}.{foreign}"), format!("{parent}.{local}"))
        }
        RelationKind::BelongsTo => {
            let (foreign, owner) = belongs_keys::<P, C>(&def)?;
            (format!("{related}.{owner}"), format!("{parent}.{foreign}"))
        }
        RelationKind::BelongsToMany => {
            let pivot = pivot::<P, C>(&def)?.aliased(&related);
            query = pivot.joined(query, &[]);
            (pivot.pivot_column(&pivot.foreign), format!("{parent}.{}", pivot.parent_key()))
        }
        RelationKind::HasManyThrough | RelationKind::HasOneThrough => {
            return Err(crate::Error::other(
                "a through relation's subquery needs its intermediate model: through_subquery",
            ));
        }
        RelationKind::MorphTo => return Err(super::not_for_morph_to::<P>(def.name)),
    };
    let correlation = Correlation { inner, outer, morph, alias: alias.as_deref() };
    finish_subquery::<C>(query, rest, constraint, correlation)
}

/// [`relation_subquery`] for a through relation over the intermediate model `I`.
///
/// # Errors
/// As [`relation_subquery`].
#[doc(hidden)]
pub fn through_subquery<P: Entity, I: Entity, C: Entity>(
    def: RelationDef,
    rest: Option<&str>,
    constraint: Constraint<'_>,
    outer: Option<&str>,
) -> Result<Builder> {
    let Names { parent, related, alias } = names::<P, C>(outer)?;
    let pivot = super::many::through::<P, I, C>(&def)?.aliased(&related);
    let query = pivot.joined(aliased(C::query(), alias.as_deref())?, &[]);
    let (inner, outer) = (pivot.pivot_column(&pivot.foreign), format!("{parent}.{}", pivot.parent_key()));
    let correlation = Correlation { inner, outer, morph: None, alias: alias.as_deref() };
    finish_subquery::<C>(query, rest, constraint, correlation)
}

/// How a subquery's rows relate to the parent's row: `inner = outer` (and the morph type
/// column naming the parent's type), the related table known by `alias`.
struct Correlation<'a> {
    inner: String,
    outer: String,
    morph: Option<(String, Value)>,
    alias: Option<&'a str>,
}

/// The constraint, the related model's scopes, the nested relation and the correlation,
/// each joined with AND so that no `or_where` escapes another.
fn finish_subquery<C: Entity>(
    mut query: ModelQuery<C>,
    rest: Option<&str>,
    constraint: Constraint<'_>,
    correlation: Correlation<'_>,
) -> Result<Builder> {
    if let (None, Some(constraint)) = (rest, constraint) {
        query = query.map_base(|base| constraint(base.cast()).cast());
    }
    let mut sub = query.to_base();
    if let Some(rest) = rest {
        let nested = C::relation_subquery(rest, constraint, correlation.alias)?;
        sub = sub.scoped(|q| q.where_exists(nested));
    }
    let Correlation { inner, outer, morph, .. } = correlation;
    Ok(sub.scoped(|q| {
        let q = q.where_column(&inner, "=", &outer);
        match morph {
            Some((column, name)) => q.where_(&column, name),
            None => q,
        }
    }))
}

/// The default of [`Entity::relation_subquery`] for a model without relations.
pub(crate) fn no_relation<M: Entity>(path: &str) -> crate::Error {
    unknown_relation::<M>(path.split('.').next().unwrap_or(path))
}

impl<M: Entity> ModelQuery<M> {
    fn relation_exists(self, relation: &str, constraint: Constraint<'_>, or: bool, not: bool) -> Self {
        match M::relation_subquery(relation, constraint, None) {
            Ok(sub) => self.map_base(|base| match (or, not) {
                (false, false) => base.where_exists(sub),
                (false, true) => base.where_not_exists(sub),
                (true, false) => base.or_where_exists(sub),
                (true, true) => base.or_where_not_exists(sub),
            }),
            Err(e) => self.failed(e),
        }
    }

    /// Models with at least one related row (Eloquent's `has`); dotted paths nest
    /// (`has("posts.comments")`: with a post that has a comment).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::prelude::*;
    /// use bunary_orm::{DatabaseConfig, Db};
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "users", timestamps = false)]
    /// struct User { id: i64, name: String, posts: HasMany<Post>, state: ModelState }
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "posts", timestamps = false)]
    /// struct Post { id: i64, user_id: i64, published: bool, state: ModelState }
    ///
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    ///                CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, published BOOLEAN);
    ///                INSERT INTO users (name) VALUES ('Ada'), ('Bob');
    ///                INSERT INTO posts (user_id, published) VALUES (1, 1), (2, 0);").await?;
    /// assert_eq!(User::on(&db).has("posts").count().await?, 2);
    /// let publishing = User::on(&db).where_has("posts", |q| q.where_("published", true)).get().await?;
    /// assert_eq!(publishing[0].name, "Ada");
    /// assert_eq!(User::on(&db).where_relation("posts", "published", false).pluck::<String>("name").await?, ["Bob"]);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    pub fn has(self, relation: &str) -> Self {
        self.relation_exists(relation, None, false, false)
    }

    /// `OR` [`has`](ModelQuery::has).
    pub fn or_has(self, relation: &str) -> Self {
        self.relation_exists(relation, None, true, false)
    }

    /// Models without any related row (Eloquent's `doesntHave`).
    pub fn doesnt_have(self, relation: &str) -> Self {
        self.relation_exists(relation, None, false, true)
    }

    /// `OR` [`doesnt_have`](ModelQuery::doesnt_have).
    pub fn or_doesnt_have(self, relation: &str) -> Self {
        self.relation_exists(relation, None, true, true)
    }

    /// Models with a related row that meets `constraint` (Eloquent's `whereHas`; on a dotted
    /// path, the deepest relation's rows).
    pub fn where_has(self, relation: &str, constraint: impl Fn(Builder) -> Builder + Sync) -> Self {
        self.relation_exists(relation, Some(&constraint), false, false)
    }

    /// `OR` [`where_has`](ModelQuery::where_has).
    pub fn or_where_has(self, relation: &str, constraint: impl Fn(Builder) -> Builder + Sync) -> Self {
        self.relation_exists(relation, Some(&constraint), true, false)
    }

    /// Models without a related row that meets `constraint` (Eloquent's `whereDoesntHave`).
    pub fn where_doesnt_have(self, relation: &str, constraint: impl Fn(Builder) -> Builder + Sync) -> Self {
        self.relation_exists(relation, Some(&constraint), false, true)
    }

    /// Models with a related row whose `column` equals `value` (Eloquent's `whereRelation`).
    pub fn where_relation(self, relation: &str, column: &str, value: impl Into<Value>) -> Self {
        let value = value.into();
        self.where_has(relation, move |q| q.where_(column, value.clone()))
    }

    /// Models whose number of related rows compares with `count` (Eloquent's
    /// `has('posts', '>=', 3)`).
    pub fn has_count(self, relation: &str, op: impl IntoOperator, count: i64) -> Self {
        match M::relation_subquery(relation, None, None) {
            Ok(sub) => self.map_base(|base| base.where_count(sub, op, count)),
            Err(e) => self.failed(e),
        }
    }
}
