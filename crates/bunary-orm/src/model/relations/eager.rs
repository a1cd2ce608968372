//! Eager loading (Eloquent's `with`): one query per relation per level, whatever the number of
//! parents (`WHERE key IN (…)`, the list bound as one array where the dialect has one, in
//! batches elsewhere), matched to the parents in memory.

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::value::Value;

use super::super::partial::key_value;
use super::super::Entity;
use super::keys::{Group, Keyed};
use super::{BelongsTo, HasMany, HasOne, RelationDef};

/// The most keys one `IN` list carries where the dialect cannot bind a list as one value.
pub(super) const KEYS_PER_QUERY: usize = 10_000;

/// A constraint on an eager load's query (`with_constraint`), on the query builder.
pub(crate) type EagerConstraint = std::sync::Arc<dyn Fn(crate::query::Builder) -> crate::query::Builder + Send + Sync>;

/// What to load under one relation: its nested paths (relative), and the constraints of those
/// paths and of the relation itself (path `""`). Derive plumbing.
#[doc(hidden)]
#[derive(Clone, Default)]
pub struct Eager {
    pub(crate) paths: Vec<String>,
    pub(crate) constraints: Vec<(String, EagerConstraint)>,
    /// Column limits (`"author:id,name"`), of the relation itself (path `""`) and nested paths.
    pub(crate) columns: Vec<(String, Vec<String>)>,
}

impl std::fmt::Debug for Eager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let constrained: Vec<&str> = self.constraints.iter().map(|(p, _)| p.as_str()).collect();
        f.debug_struct("Eager")
            .field("paths", &self.paths)
            .field("constrained", &constrained)
            .field("columns", &self.columns)
            .finish()
    }
}

impl Eager {
    /// The constraint of the relation itself.
    pub(crate) fn own(&self) -> Option<&EagerConstraint> {
        self.constraints.iter().find(|(p, _)| p.is_empty()).map(|(_, c)| c)
    }

    /// The constraints of the nested paths.
    pub(crate) fn nested_constraints(&self) -> impl Iterator<Item = &(String, EagerConstraint)> {
        self.constraints.iter().filter(|(p, _)| !p.is_empty())
    }

    /// The column limit of the relation itself.
    pub(crate) fn own_columns(&self) -> Option<&[String]> {
        self.columns.iter().find(|(p, _)| p.is_empty()).map(|(_, c)| c.as_slice())
    }

    /// The column limits of the nested paths.
    pub(crate) fn nested_columns(&self) -> impl Iterator<Item = &(String, Vec<String>)> {
        self.columns.iter().filter(|(p, _)| !p.is_empty())
    }

    /// What is left to load of a relation when nothing under it is: its own constraint and
    /// column limit.
    pub(crate) fn own_only(&self) -> Eager {
        Eager {
            paths: Vec::new(),
            constraints: self.own().map(|c| (String::new(), c.clone())).into_iter().collect(),
            columns: self.own_columns().map(|c| (String::new(), c.to_vec())).into_iter().collect(),
        }
    }
}

/// The entries of `items` under the relation `name`, their paths made relative to it (`""` for
/// the relation itself).
fn under<T: Clone>(name: &str, items: &[(String, T)]) -> Vec<(String, T)> {
    items
        .iter()
        .filter_map(|(path, item)| {
            let rest = path.strip_prefix(name)?;
            let rest = if rest.is_empty() { "" } else { rest.strip_prefix('.')? };
            Some((rest.to_owned(), item.clone()))
        })
        .collect()
}

/// `with` paths and constraints grouped by their first relation, in first-seen order:
/// `["posts", "posts.comments", "author"]` → `posts` (nested `comments`), `author`.
pub(crate) fn split_eager(
    paths: &[String],
    constraints: &[(String, EagerConstraint)],
    columns: &[(String, Vec<String>)],
) -> Vec<(String, Eager)> {
    split_paths(paths)
        .into_iter()
        .map(|(name, nested)| {
            let eager = Eager { paths: nested, constraints: under(&name, constraints), columns: under(&name, columns) };
            (name, eager)
        })
        .collect()
}

/// A `with` path and its column limit: `"posts.author:id,name"` → `posts.author`, `[id, name]`.
pub(crate) fn column_limit(path: String) -> (String, Option<Vec<String>>) {
    match path.split_once(':') {
        Some((path, columns)) => (path.to_owned(), Some(columns.split(',').map(|c| c.trim().to_owned()).collect())),
        None => (path, None),
    }
}

/// `with` paths grouped by their first relation, in first-seen order:
/// `["posts", "posts.comments", "author"]` → `[("posts", ["comments"]), ("author", [])]`.
#[doc(hidden)]
pub fn split_paths(paths: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for path in paths {
        let (first, rest) = match path.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (path.as_str(), None),
        };
        let at = match out.iter().position(|(name, _)| name == first) {
            Some(at) => at,
            None => {
                out.push((first.to_owned(), Vec::new()));
                out.len() - 1
            }
        };
        if let Some(rest) = rest {
            out[at].1.push(rest.to_owned());
        }
    }
    out
}

/// Checks a relation path (`"posts.comments"`) against `M`'s relations, level by level.
///
/// # Errors
/// [`Error::UnknownRelation`] naming the model and the relations it has.
#[doc(hidden)]
pub fn check_path<M: Entity>(path: &str) -> Result<()> {
    M::check_relation(path)
}

/// The unknown-relation error of `M`.
#[doc(hidden)]
pub fn unknown_relation<M: Entity>(relation: &str) -> Error {
    Error::UnknownRelation { model: M::NAME, relation: relation.to_owned(), known: M::RELATIONS }
}

pub(super) fn column_of<M: Entity>(model: &'static str, relation: &'static str, column: String) -> Result<String> {
    if M::COLUMNS.contains(&column.as_str()) {
        Ok(column)
    } else {
        Err(Error::InvalidRelation { model, relation, column, owner: M::NAME })
    }
}

/// The key columns of a has-many or has-one relation of `P` to `C`: the foreign key on `C`
/// and the local key on `P`, each checked to be a column.
pub(super) fn has_keys<P: Entity, C: Entity>(def: &RelationDef) -> Result<(String, String)> {
    let foreign = match (def.foreign_key, def.morph) {
        (Some(fk), _) => fk.to_owned(),
        (None, Some(morph)) => format!("{morph}_id"),
        (None, None) => format!("{}_{}", def.owner_snake, P::PRIMARY_KEY),
    };
    let local = def.local_key.unwrap_or(P::PRIMARY_KEY).to_owned();
    Ok((column_of::<C>(P::NAME, def.name, foreign)?, column_of::<P>(P::NAME, def.name, local)?))
}

/// The type column of a polymorphic has-many or has-one relation of `P` to `C`, and the value
/// that names `P` there (its morph name); `None` for a relation that is not polymorphic.
pub(super) fn morph_type<P: Entity, C: Entity>(def: &RelationDef) -> Result<Option<(String, Value)>> {
    match def.morph {
        None => Ok(None),
        Some(morph) => {
            let column = column_of::<C>(P::NAME, def.name, format!("{morph}_type"))?;
            Ok(Some((column, Value::from(P::MORPH_NAME))))
        }
    }
}

/// The key columns of a belongs-to relation of `P` to `C`: the foreign key on `P` and the
/// owner key on `C`.
pub(super) fn belongs_keys<P: Entity, C: Entity>(def: &RelationDef) -> Result<(String, String)> {
    let foreign = match def.foreign_key {
        Some(fk) => fk.to_owned(),
        None => format!("{}_{}", def.name, C::PRIMARY_KEY),
    };
    let owner = def.local_key.unwrap_or(C::PRIMARY_KEY).to_owned();
    Ok((column_of::<P>(P::NAME, def.name, foreign)?, column_of::<C>(P::NAME, def.name, owner)?))
}

/// The models of `C` whose `column` is one of `keys`, with their own `nested` relations
/// loaded, on `connection`: no query for no key.
pub(super) async fn fetch<C: Entity>(
    connection: &Connection,
    column: &str,
    keys: &[Value],
    nested: &Eager,
    filter: Option<&(String, Value)>,
) -> Result<Vec<C>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let arrays = connection.executor().await?.dialect().capabilities().bound_arrays;
    let size = if arrays { keys.len() } else { KEYS_PER_QUERY };
    let mut out = Vec::new();
    for batch in keys.chunks(size.max(1)) {
        let mut query = related_query::<C>(connection, nested).require_column(column).keyed_by(column, batch.to_vec());
        if let Some((type_column, name)) = filter {
            query = query.map_base(|base| base.scoped(|q| q.where_(type_column, name.clone())));
        }
        out.extend(query.get().await?);
    }
    Ok(out)
}

/// The query of an eager load of `C`: its own constraint, and its nested loads.
pub(super) fn related_query<C: Entity>(connection: &Connection, nested: &Eager) -> super::super::query::ModelQuery<C> {
    let query = C::query().on(connection).with_eager(nested);
    match nested.own() {
        Some(constraint) => query.map_base(|base| constraint(base.cast()).cast()),
        None => query,
    }
}

/// How one level of a relation links parents and related rows: the parents' column, the
/// related rows' column holding its values, and a condition on the related rows (a
/// polymorphic relation's type).
struct Link {
    parent: String,
    related: String,
    filter: Option<(String, Value)>,
}

/// Loads one level of a relation: the models of `C` whose `link.related` column is one of the
/// parents' `link.parent` values (one query, none for no key), each `add`ed to the group of
/// its key, and each group handed to the parents that have that key.
async fn load<P: Entity, C: Entity, G: Group>(
    parents: &mut [P],
    link: Link,
    nested: Eager,
    connection: &Connection,
    add: fn(&mut G, C),
    give: impl FnMut(&mut P, G),
) -> Result<()> {
    let keyed = Keyed::of(parents, &link.parent)?;
    let related: Vec<C> = fetch(connection, &link.related, &keyed.keys, &nested, link.filter.as_ref()).await?;
    let groups = keyed.group(related, |model| key_value(model, &link.related), add)?;
    keyed.distribute(parents, groups, give);
    Ok(())
}

/// Loads a has-many relation of `parents`.
///
/// # Errors
/// [`Error::InvalidRelation`] for a key that is not a column; the query's errors.
#[doc(hidden)]
pub async fn load_has_many<P: Entity, C: Entity + Clone>(
    parents: &mut [P],
    def: RelationDef,
    slot: fn(&mut P) -> &mut HasMany<C>,
    nested: Eager,
    connection: &Connection,
) -> Result<()> {
    let (foreign, local) = has_keys::<P, C>(&def)?;
    let link = Link { parent: local, related: foreign, filter: morph_type::<P, C>(&def)? };
    let add = |group: &mut Vec<C>, model| group.push(model);
    load(parents, link, nested, connection, add, |parent, models| slot(parent).set(models)).await
}

/// Loads a has-one relation of `parents` (the first related row of each).
///
/// # Errors
/// As [`load_has_many`].
#[doc(hidden)]
pub async fn load_has_one<P: Entity, C: Entity + Clone>(
    parents: &mut [P],
    def: RelationDef,
    slot: fn(&mut P) -> &mut HasOne<C>,
    nested: Eager,
    connection: &Connection,
) -> Result<()> {
    let (foreign, local) = has_keys::<P, C>(&def)?;
    let link = Link { parent: local, related: foreign, filter: morph_type::<P, C>(&def)? };
    let add = |first: &mut Option<C>, model| {
        first.get_or_insert(model);
    };
    load(parents, link, nested, connection, add, |parent, model| slot(parent).set(model)).await
}

/// Loads a belongs-to relation of `children` (the parent model of each).
///
/// # Errors
/// As [`load_has_many`].
#[doc(hidden)]
pub async fn load_belongs_to<P: Entity, C: Entity + Clone>(
    children: &mut [P],
    def: RelationDef,
    slot: fn(&mut P) -> &mut BelongsTo<C>,
    nested: Eager,
    connection: &Connection,
) -> Result<()> {
    let (foreign, owner) = belongs_keys::<P, C>(&def)?;
    let add = |parent: &mut Option<C>, model| *parent = Some(model);
    let link = Link { parent: foreign, related: owner, filter: None };
    load(children, link, nested, connection, add, |child, model| slot(child).set(model)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_group_by_their_first_relation() {
        let paths: Vec<String> =
            ["posts", "posts.comments", "author", "posts.comments.author"].map(String::from).into();
        let split = split_paths(&paths);
        assert_eq!(split.len(), 2);
        assert_eq!(split[0], ("posts".to_owned(), vec!["comments".to_owned(), "comments.author".to_owned()]));
        assert_eq!(split[1], ("author".to_owned(), vec![]));
    }
}
