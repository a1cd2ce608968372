//! Many-to-many relations (Eloquent's `belongsToMany`): a pivot table holds both keys. Eager
//! loading joins the pivot once per level; the relation query is the related models joined to
//! the pivot; `attach`, `detach`, `sync`, `sync_without_detaching` and `toggle` write the
//! pivot.

use std::collections::{HashMap, HashSet};

use crate::connection::Connection;
use crate::error::{Error, QueryProblem, Result};
use crate::ident::{Ident, TableRef};
use crate::query::{Builder, Record};
use crate::value::Value;

use super::super::partial::key_value;
use super::super::query::ModelQuery;
use super::super::{mark_loaded, Entity};
use super::eager::{column_of, related_query, Eager, KEYS_PER_QUERY};
use super::keys::{Group, Key, Keyed};
use super::{load_nested, HasMany, RelationDef};

/// The alias of the pivot's foreign key among the related rows of an eager load.
const PIVOT_KEY: &str = "bunary_pivot_key";

/// The names a many-to-many relation of `P` to `C` uses, each checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pivot {
    /// The pivot table, schema-qualified if it was declared so (for `FROM`, `JOIN`, writes).
    pub(crate) table: String,
    /// The name its columns are qualified by: the table without its schema.
    name: String,
    /// The pivot column holding the parent's key (`post_id`).
    pub(crate) foreign: String,
    /// The pivot column holding the related model's key (`tag_id`).
    pub(crate) related: String,
    /// The parent's key column.
    parent_key: String,
    /// The related model's key column.
    related_key: String,
    /// The name the related model's columns are qualified by: its table without schema, or
    /// the alias a self-referencing subquery gives it.
    related_table: String,
    /// The pivot's own columns read with the related models.
    columns: Vec<String>,
    /// Whether the pivot keeps `created_at` and `updated_at`.
    timestamps: bool,
}

pub(super) fn pivot<P: Entity, C: Entity>(def: &RelationDef) -> Result<Pivot> {
    let table = match def.pivot_table {
        Some(t) => t.to_owned(),
        None => {
            let mut names = [def.owner_snake, def.related_snake];
            names.sort_unstable();
            names.join("_")
        }
    };
    let name = TableRef::parse(&table)?.name.as_str().to_owned();
    let foreign = def.foreign_key.map_or_else(|| format!("{}_{}", def.owner_snake, P::PRIMARY_KEY), str::to_owned);
    let related =
        def.related_pivot_key.map_or_else(|| format!("{}_{}", def.related_snake, C::PRIMARY_KEY), str::to_owned);
    Ident::new(&foreign, "column")?;
    Ident::new(&related, "column")?;
    let parent_key = column_of::<P>(P::NAME, def.name, def.local_key.unwrap_or(P::PRIMARY_KEY).to_owned())?;
    let related_key = column_of::<C>(P::NAME, def.name, def.related_key.unwrap_or(C::PRIMARY_KEY).to_owned())?;
    let related_table = TableRef::parse(C::TABLE)?.name.as_str().to_owned();
    let mut columns = def
        .pivot_columns
        .iter()
        .map(|c| Ok(Ident::new(c, "column")?.as_str().to_owned()))
        .collect::<Result<Vec<_>>>()?;
    if def.pivot_timestamps {
        columns.extend(["created_at".to_owned(), "updated_at".to_owned()]);
    }
    Ok(Pivot {
        table,
        name,
        foreign,
        related,
        parent_key,
        related_key,
        related_table,
        columns,
        timestamps: def.pivot_timestamps,
    })
}

/// The names a through relation of `P` to `C` over the intermediate model `I` uses
/// (countries → users → posts: `users.country_id`, `users.id = posts.user_id`), as a joined
/// table: the intermediate plays the pivot's part, and nothing writes it.
pub(super) fn through<P: Entity, I: Entity, C: Entity>(def: &RelationDef) -> Result<Pivot> {
    let intermediate = TableRef::parse(I::TABLE)?;
    let name = intermediate.name.as_str().to_owned();
    let table = match &intermediate.schema {
        Some(schema) => format!("{}.{name}", schema.as_str()),
        None => name.clone(),
    };
    let foreign = def.foreign_key.map_or_else(|| format!("{}_{}", def.owner_snake, P::PRIMARY_KEY), str::to_owned);
    let foreign = column_of::<I>(P::NAME, def.name, foreign)?;
    let related = column_of::<I>(P::NAME, def.name, def.related_key.unwrap_or(I::PRIMARY_KEY).to_owned())?;
    let second =
        def.related_pivot_key.map_or_else(|| format!("{}_{}", def.through_snake, I::PRIMARY_KEY), str::to_owned);
    let related_key = column_of::<C>(P::NAME, def.name, second)?;
    let parent_key = column_of::<P>(P::NAME, def.name, def.local_key.unwrap_or(P::PRIMARY_KEY).to_owned())?;
    let related_table = TableRef::parse(C::TABLE)?.name.as_str().to_owned();
    Ok(Pivot {
        table,
        name,
        foreign,
        related,
        parent_key,
        related_key,
        related_table,
        columns: Vec::new(),
        timestamps: false,
    })
}

/// Loads a has-many-through relation of `parents`.
///
/// # Errors
/// As [`load_belongs_to_many`].
#[doc(hidden)]
pub async fn load_has_many_through<P: Entity, I: Entity, C: Entity + Clone>(
    parents: &mut [P],
    def: RelationDef,
    slot: fn(&mut P) -> &mut HasMany<C>,
    nested: Eager,
    connection: &Connection,
) -> Result<()> {
    let pivot = through::<P, I, C>(&def)?;
    let add = |group: &mut Vec<C>, model, _| group.push(model);
    load_joined(parents, &pivot, nested, connection, add, |parent, models| slot(parent).set(models)).await
}

/// Loads a has-one-through relation of `parents` (the first related row of each).
///
/// # Errors
/// As [`load_belongs_to_many`].
#[doc(hidden)]
pub async fn load_has_one_through<P: Entity, I: Entity, C: Entity + Clone>(
    parents: &mut [P],
    def: RelationDef,
    slot: fn(&mut P) -> &mut super::HasOne<C>,
    nested: Eager,
    connection: &Connection,
) -> Result<()> {
    let pivot = through::<P, I, C>(&def)?;
    let add = |first: &mut Option<C>, model, _| {
        first.get_or_insert(model);
    };
    load_joined(parents, &pivot, nested, connection, add, |parent, model| slot(parent).set(model)).await
}

/// The query of a through relation of `parent` (`country.posts()`): the related models joined
/// to the intermediate rows of the parent.
#[doc(hidden)]
pub fn through_query<P: Entity, I: Entity, C: Entity>(parent: &P, def: RelationDef) -> ModelQuery<C> {
    let query = C::query().on(parent.state().connection());
    let found = through::<P, I, C>(&def).and_then(|pivot| Ok((key_value(parent, &pivot.parent_key)?, pivot)));
    match found {
        Ok((key, pivot)) => {
            let column = pivot.pivot_column(&pivot.foreign);
            pivot.joined(query, &[]).where_(&column, key).where_not_null(&column)
        }
        Err(e) => query.failed(e),
    }
}

impl Pivot {
    /// The parent's key column.
    pub(super) fn parent_key(&self) -> &str {
        &self.parent_key
    }

    /// `C`'s query joined to the pivot, its own columns selected (and `extra` ones).
    pub(super) fn joined<C: Entity>(&self, query: ModelQuery<C>, extra: &[String]) -> ModelQuery<C> {
        let mut columns = vec![format!("{}.*", self.related_table)];
        columns.extend_from_slice(extra);
        query.select(columns).join(
            &self.table,
            &format!("{}.{}", self.name, self.related),
            "=",
            &format!("{}.{}", self.related_table, self.related_key),
        )
    }

    pub(super) fn pivot_column(&self, column: &str) -> String {
        format!("{}.{}", self.name, column)
    }

    /// The pivot with the related table known by `alias` (a self-referencing subquery).
    pub(super) fn aliased(mut self, alias: &str) -> Self {
        alias.clone_into(&mut self.related_table);
        self
    }
}

/// Loads a many-to-many relation of `parents`: one query joining the related table to the
/// pivot (with the related model's scopes), then the nested relations.
///
/// # Errors
/// [`Error::InvalidRelation`] for a key that is not a column; the query's errors.
#[doc(hidden)]
pub async fn load_belongs_to_many<P: Entity, C: Entity + Clone>(
    parents: &mut [P],
    def: RelationDef,
    slot: fn(&mut P) -> &mut HasMany<C>,
    nested: Eager,
    connection: &Connection,
) -> Result<()> {
    let pivot = pivot::<P, C>(&def)?;
    let add = |group: &mut (Vec<C>, Vec<Record>), model, pivot| {
        group.0.push(model);
        group.1.push(pivot);
    };
    let give = |parent: &mut P, (models, pivots)| slot(parent).set_with_pivots(models, pivots);
    load_joined(parents, &pivot, nested, connection, add, give).await
}

/// Loads the related models of `parents` through a joined table (a pivot, or the intermediate
/// model of a through relation): one query per level, then the nested relations.
pub(super) async fn load_joined<P: Entity, C: Entity + Clone, G: Group>(
    parents: &mut [P],
    pivot: &Pivot,
    nested: Eager,
    connection: &Connection,
    add: fn(&mut G, C, Record),
    give: impl FnMut(&mut P, G),
) -> Result<()> {
    let keyed = Keyed::of(parents, &pivot.parent_key)?;
    let keys = &keyed.keys;
    // Each related row's pivot key and pivot values, and the row itself.
    let (mut pivot_keys, mut values, mut related) = (Vec::new(), Vec::new(), Vec::new());
    let mut plan = None;
    if !keys.is_empty() {
        let arrays = connection.executor().await?.dialect().capabilities().bound_arrays;
        let size = if arrays { keys.len() } else { KEYS_PER_QUERY };
        let mut extra = vec![format!("{} as {PIVOT_KEY}", pivot.pivot_column(&pivot.foreign))];
        extra.extend(pivot.columns.iter().map(|c| format!("{} as {PIVOT_KEY}_{c}", pivot.pivot_column(c))));
        // The related model's own constraint and columns; its nested loads run after, on the
        // models.
        let own = nested.own_only();
        for batch in keys.chunks(size.max(1)) {
            let query = pivot
                .joined(related_query::<C>(connection, &own), &extra)
                .keyed_by(&pivot.pivot_column(&pivot.foreign), batch.to_vec());
            plan = query.plan()?;
            let base = query.scoped().into_owned();
            let rows = match &plan {
                Some(plan) => plan.select(base)?.rows().await?,
                None => base.rows().await?,
            };
            for mut row in rows {
                pivot_keys.push(row.take::<Value>(PIVOT_KEY)?);
                let mut pivot_values = Record::new();
                for column in &pivot.columns {
                    pivot_values.insert(column.clone(), row.take::<Value>(format!("{PIVOT_KEY}_{column}").as_str())?);
                }
                values.push(pivot_values);
                related.push(row);
            }
        }
    }
    let mut models: Vec<C> = match &plan {
        Some(plan) => plan.decode(related)?,
        None => related.into_iter().map(C::from_row).collect::<Result<_>>()?,
    };
    match &plan {
        Some(plan) => plan.mark_loaded(&mut models, connection),
        None => mark_loaded(&mut models, connection),
    }
    super::super::events::retrieved(&mut models).await?;
    if !nested.paths.is_empty() {
        load_nested(&mut models, &nested, connection).await?;
    }
    let items: Vec<((Value, C), Record)> = pivot_keys.into_iter().zip(models).zip(values).collect();
    let groups = keyed.group(
        items,
        |((key, _), _)| Ok(key.clone()),
        |group, ((_, model), values)| {
            add(group, model, values);
        },
    )?;
    keyed.distribute(parents, groups, give);
    Ok(())
}

/// The query of a many-to-many relation of `parent` (`post.tags()`): the related models joined
/// to the pivot rows of the parent; its `attach`, `detach`, `sync`, `toggle` write the pivot.
#[doc(hidden)]
pub fn belongs_to_many_query<P: Entity, C: Entity>(parent: &P, def: RelationDef) -> ModelQuery<C> {
    let query = C::query().on(parent.state().connection());
    let found = pivot::<P, C>(&def).and_then(|pivot| Ok((key_value(parent, &pivot.parent_key)?, pivot)));
    match found {
        Ok((key, pivot)) => {
            let column = pivot.pivot_column(&pivot.foreign);
            pivot.joined(query, &[]).where_(&column, key.clone()).where_not_null(&column).with_pivot(pivot, key)
        }
        Err(e) => query.failed(e),
    }
}

fn not_many_to_many<M: Entity>() -> Error {
    Error::InvalidQuery { problem: QueryProblem::NotManyToMany { model: M::NAME } }
}

/// What a `sync` or `toggle` changed in the pivot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncChanges {
    /// The keys attached.
    pub attached: Vec<Value>,
    /// The keys detached.
    pub detached: Vec<Value>,
    /// The keys already attached whose pivot values changed (`sync_with_pivot`).
    pub updated: Vec<Value>,
}

impl<M: Entity> ModelQuery<M> {
    /// The pivot and the parent's key of a many-to-many relation query.
    fn pivot_of(&self) -> Result<(&Pivot, &Value)> {
        self.get_query().check()?;
        self.pivot().ok_or_else(not_many_to_many::<M>)
    }

    fn pivot_rows(&self, pivot: &Pivot, parent: &Value) -> Builder {
        Builder::new(&pivot.table).on(self.connection()).where_(&pivot.foreign, parent.clone())
    }

    /// The related keys attached to the parent now.
    async fn attached(&self, pivot: &Pivot, parent: &Value) -> Result<Vec<Value>> {
        self.pivot_rows(pivot, parent).pluck::<Value>(&pivot.related).await
    }

    /// Adds pivot rows linking the parent to each of `ids` (Eloquent's `attach`).
    ///
    /// # Errors
    /// [`Error::InvalidQuery`] on a query that is not a many-to-many relation's; the database's
    /// error (a duplicate pair where the pivot has a unique key).
    pub async fn attach<V: Into<Value>>(&self, ids: impl IntoIterator<Item = V>) -> Result<u64> {
        self.attach_many(ids.into_iter().map(|id| (id.into(), Record::new())).collect()).await
    }

    /// Attaches `id` with values for the pivot's own columns (Eloquent's
    /// `attach($id, ['role' => 'admin'])`).
    ///
    /// # Errors
    /// As [`attach`](ModelQuery::attach).
    pub async fn attach_with(&self, id: impl Into<Value>, values: Record) -> Result<u64> {
        self.attach_many(vec![(id.into(), values)]).await
    }

    async fn attach_many(&self, rows: Vec<(Value, Record)>) -> Result<u64> {
        let (pivot, parent) = self.pivot_of()?;
        let now = pivot.timestamps.then(|| Value::Timestamp(super::super::timestamps::now()));
        let records: Vec<Record> = rows
            .into_iter()
            .map(|(id, values)| {
                let mut record =
                    Record::new().set(pivot.foreign.clone(), parent.clone()).set(pivot.related.clone(), id);
                if let Some(now) = &now {
                    record.insert("created_at", now.clone());
                    record.insert("updated_at", now.clone());
                }
                for (column, value) in values.into_fields() {
                    record.insert(column, value);
                }
                record
            })
            .collect();
        if records.is_empty() {
            return Ok(0);
        }
        Builder::new(&pivot.table).on(self.connection()).insert_many(records).await
    }

    /// Updates the pivot columns of the row linking the parent to `id` (Eloquent's
    /// `updateExistingPivot`; `updated_at` too with pivot timestamps).
    ///
    /// # Errors
    /// As [`attach`](ModelQuery::attach).
    pub async fn update_existing_pivot(&self, id: impl Into<Value>, mut values: Record) -> Result<u64> {
        let (pivot, parent) = self.pivot_of()?;
        if pivot.timestamps && !values.contains("updated_at") {
            values.insert("updated_at", Value::Timestamp(super::super::timestamps::now()));
        }
        self.pivot_rows(pivot, parent).where_(&pivot.related, id).update(values).await
    }

    /// `AND pivot.column = value` on a many-to-many relation's query (Eloquent's `wherePivot`).
    pub fn where_pivot(self, column: &str, value: impl Into<Value>) -> Self {
        match self.pivot().map(|(p, _)| p.pivot_column(column)) {
            Some(qualified) => self.where_(&qualified, value),
            None => self.failed(not_many_to_many::<M>()),
        }
    }

    /// Orders a many-to-many relation's query by a pivot column (Eloquent's `orderByPivot`).
    pub fn order_by_pivot(self, column: &str, direction: crate::query::Direction) -> Self {
        match self.pivot().map(|(p, _)| p.pivot_column(column)) {
            Some(qualified) => self.order_by(&qualified, direction),
            None => self.failed(not_many_to_many::<M>()),
        }
    }

    /// Removes the pivot rows linking the parent to each of `ids` (Eloquent's `detach`).
    ///
    /// # Errors
    /// As [`attach`](ModelQuery::attach).
    pub async fn detach<V: Into<Value>>(&self, ids: impl IntoIterator<Item = V>) -> Result<u64> {
        let (pivot, parent) = self.pivot_of()?;
        let ids: Vec<Value> = ids.into_iter().map(Into::into).collect();
        if ids.is_empty() {
            return Ok(0);
        }
        self.pivot_rows(pivot, parent).where_in(&pivot.related, ids).delete().await
    }

    /// Removes every pivot row of the parent.
    ///
    /// # Errors
    /// As [`attach`](ModelQuery::attach).
    pub async fn detach_all(&self) -> Result<u64> {
        let (pivot, parent) = self.pivot_of()?;
        self.pivot_rows(pivot, parent).delete().await
    }

    /// Makes `ids` exactly the related keys of the parent: attaches the missing ones, detaches
    /// the others (Eloquent's `sync`).
    ///
    /// # Errors
    /// As [`attach`](ModelQuery::attach).
    pub async fn sync<V: Into<Value>>(&self, ids: impl IntoIterator<Item = V>) -> Result<SyncChanges> {
        self.sync_with(ids.into_iter().map(Into::into).collect(), true).await
    }

    /// As [`sync`](ModelQuery::sync), detaching nothing.
    ///
    /// # Errors
    /// As [`attach`](ModelQuery::attach).
    pub async fn sync_without_detaching<V: Into<Value>>(
        &self,
        ids: impl IntoIterator<Item = V>,
    ) -> Result<SyncChanges> {
        self.sync_with(ids.into_iter().map(Into::into).collect(), false).await
    }

    async fn sync_with(&self, wanted: Vec<Value>, detaching: bool) -> Result<SyncChanges> {
        self.sync_rows(wanted.into_iter().map(|id| (id, Record::new())).collect(), detaching).await
    }

    /// As [`sync`](ModelQuery::sync), with values for the pivot's own columns (Eloquent's
    /// `sync([1 => ['role' => 'lead']])`): a key already attached whose values differ is
    /// updated, and reported in [`SyncChanges::updated`].
    ///
    /// # Errors
    /// As [`attach`](ModelQuery::attach).
    pub async fn sync_with_pivot<V: Into<Value>>(
        &self,
        rows: impl IntoIterator<Item = (V, Record)>,
    ) -> Result<SyncChanges> {
        self.sync_rows(rows.into_iter().map(|(id, values)| (id.into(), values)).collect(), true).await
    }

    async fn sync_rows(&self, wanted: Vec<(Value, Record)>, detaching: bool) -> Result<SyncChanges> {
        let (pivot, parent) = self.pivot_of()?;
        // The pivot rows of the parent now, by related key.
        let mut current: HashMap<Key, crate::row::Row> = HashMap::new();
        for row in self.pivot_rows(pivot, parent).get().await? {
            let key = row.value(pivot.related.as_str()).cloned().unwrap_or(Value::Null);
            current.insert(Key(key), row);
        }
        let wanted_keys: HashSet<Key> = wanted.iter().map(|(id, _)| Key(id.clone())).collect();
        let mut changes = SyncChanges::default();
        let (mut attach, mut updates) = (Vec::new(), Vec::new());
        let mut seen = HashSet::new();
        for (id, values) in wanted {
            if !seen.insert(Key(id.clone())) {
                continue;
            }
            match current.get(&Key(id.clone())) {
                None => {
                    changes.attached.push(id.clone());
                    attach.push((id, values));
                }
                Some(row) => {
                    if values.iter().any(|(column, value)| row.value(column) != Some(value)) {
                        changes.updated.push(id.clone());
                        updates.push((id, values));
                    }
                }
            }
        }
        if detaching {
            changes.detached = current.into_keys().filter(|k| !wanted_keys.contains(k)).map(|k| k.0).collect();
        }
        self.write_pivot(changes.detached.clone(), updates, attach).await?;
        Ok(changes)
    }

    /// Detaches, updates and attaches pivot rows as one unit (a transaction, or a savepoint
    /// inside one): a sync or toggle that fails or is dropped part-way leaves the pivot as it was.
    async fn write_pivot(
        &self,
        detach: Vec<Value>,
        updates: Vec<(Value, Record)>,
        attach: Vec<(Value, Record)>,
    ) -> Result<()> {
        if detach.is_empty() && updates.is_empty() && attach.is_empty() {
            return Ok(());
        }
        let exec = self.connection().executor().await?;
        exec.transaction(|tx| {
            let query = self.clone().on(&tx);
            async move {
                query.detach(detach).await?;
                for (id, values) in updates {
                    query.update_existing_pivot(id, values).await?;
                }
                query.attach_many(attach).await?;
                Ok(())
            }
        })
        .await
    }

    /// Attaches each of `ids` that is not attached and detaches each that is (Eloquent's
    /// `toggle`).
    ///
    /// # Errors
    /// As [`attach`](ModelQuery::attach).
    pub async fn toggle<V: Into<Value>>(&self, ids: impl IntoIterator<Item = V>) -> Result<SyncChanges> {
        let (pivot, parent) = self.pivot_of()?;
        let current: HashSet<Key> = self.attached(pivot, parent).await?.into_iter().map(Key).collect();
        let mut changes = SyncChanges::default();
        for id in ids.into_iter().map(Into::into) {
            if current.contains(&Key(id.clone())) {
                changes.detached.push(id);
            } else {
                changes.attached.push(id);
            }
        }
        let attach = changes.attached.iter().map(|id| (id.clone(), Record::new())).collect();
        self.write_pivot(changes.detached.clone(), Vec::new(), attach).await?;
        Ok(changes)
    }
}
