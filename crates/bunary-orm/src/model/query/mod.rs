//! [`ModelQuery`]: a typed model's query, Eloquent's builder over the query builder.
//!
//! It holds a [`Builder`] (the query builder, which knows no model) and adds the model's policy
//! on top: its scopes (soft deletes) applied when the query runs, so that no `or_where` of the
//! caller can escape them; its hidden columns kept out of [`rows`](ModelQuery::rows) and
//! refused by `pluck`; `updated_at` set by updates; and every loaded model told what it held
//! and where it came from, so that `save` writes its changes back there. Its conditions,
//! joins, ordering and limits are the builder's own (the methods below forward to it).
//!
//! The file is the type and its chaining; `read.rs` holds the reads, `write.rs` the writes,
//! and the Eloquent concerns they use have files of their own in `model/` (`soft_deletes.rs`,
//! `hidden.rs`, `timestamps.rs`, `plain.rs`).

mod find_or_create;
mod pages;
mod read;
mod write;

use std::borrow::Cow;
use std::fmt;

use crate::connection::Connection;
use crate::dialect::Dialect;
use crate::error::Result;
use crate::query::{Builder, IntoColumns, IntoOperator, Statement};
use crate::value::Value;

use super::relations::{EagerConstraint, RelationAggregate};
use super::soft_deletes::Trashed;
use super::Entity;

/// A typed model's query: what `User::query()` and `User::on(&db)` return.
///
/// It reads and writes models of type `M`, as Eloquent's builder does over Laravel's query
/// builder: conditions, joins, ordering and limits are those of the query [`Builder`] it holds
/// (each method here forwards to the one of the same name), and the model's policy is applied on
/// top. Its scopes (soft deletes) join the caller's conditions when the query runs, so that no
/// `or_where` can escape them; its hidden columns stay out of [`rows`](ModelQuery::rows) and
/// `pluck`; its updates set `updated_at`; and the models it loads remember what they held and
/// where they came from, so that `save` writes only their changes, back there.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::prelude::*;
/// use bunary_orm::{DatabaseConfig, Db, Dialect};
///
/// #[derive(Model, Debug, Clone, Default)]
/// #[orm(table = "posts", soft_deletes, timestamps = false)]
/// struct Post { id: i64, author: String, deleted_at: Option<chrono::DateTime<chrono::Utc>>, state: ModelState }
///
/// let q = Post::query().where_("author", "ada").or_where("author", "bob");
/// assert_eq!(
///     q.to_sql(Dialect::Sqlite)?.sql,
///     r#"SELECT * FROM "posts" WHERE ("author" = ? OR "author" = ?) AND "deleted_at" IS NULL"#,
/// );
///
/// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
/// db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, author TEXT, deleted_at TEXT)", &[]).await?;
/// Post::on(&db).create(record! { "author" => "ada" }).await?;
/// Post::on(&db).where_("author", "ada").delete().await?;          // soft: sets deleted_at
/// assert_eq!(Post::on(&db).count().await?, 0);
/// assert_eq!(Post::on(&db).with_trashed().count().await?, 1);
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
#[must_use = "a model query runs nothing until a terminal method (get, first, find, update, …) is awaited"]
pub struct ModelQuery<M> {
    base: Builder<M>,
    trashed: Trashed,
    /// The global scopes this query leaves off: bit `i` for `M::GLOBAL_SCOPES[i]`.
    scopes_off: u32,
    /// Eager loads and relation attributes; `None` for most queries (kept out of line, so a
    /// plain query stays small).
    extras: Option<Box<Extras>>,
}

/// What a model query carries beyond its builder, rarely.
#[derive(Clone, Default)]
struct Extras {
    /// Relation paths to load with the models (`with`).
    eager: Vec<String>,
    /// Constraints on some of those loads (`with_constraint`), by path.
    constraints: Vec<(String, EagerConstraint)>,
    /// Columns that models created or saved through this query get (a relation's foreign key).
    attributes: Vec<(String, Value)>,
    /// A many-to-many relation's pivot and the parent's key, for `attach`, `sync`, ….
    pivot: Option<(crate::model::relations::Pivot, Value)>,
    /// Relation aggregates to load with the models (`with_count`, `with_sum`, …).
    aggregates: Vec<(String, RelationAggregate, Option<String>)>,
    /// A column-limited load of this query's models (`select_partial`): the columns.
    partial: Option<Vec<String>>,
    /// Column-limited eager loads (`with(["author:id,name"])`), by path.
    columns: Vec<(String, Vec<String>)>,
}

impl fmt::Debug for Extras {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let constrained: Vec<&str> = self.constraints.iter().map(|(p, _)| p.as_str()).collect();
        f.debug_struct("Extras")
            .field("eager", &self.eager)
            .field("constrained", &constrained)
            .field("attributes", &self.attributes)
            .field("pivot", &self.pivot)
            .field("aggregates", &self.aggregates)
            .field("partial", &self.partial)
            .field("columns", &self.columns)
            .finish()
    }
}

impl<M> Clone for ModelQuery<M> {
    fn clone(&self) -> Self {
        ModelQuery {
            base: self.base.clone(),
            trashed: self.trashed,
            scopes_off: self.scopes_off,
            extras: self.extras.clone(),
        }
    }
}

impl<M> fmt::Debug for ModelQuery<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModelQuery")
            .field("base", &self.base)
            .field("trashed", &self.trashed)
            .field("scopes_off", &self.scopes_off)
            .field("extras", &self.extras)
            .finish()
    }
}

/// Chaining methods that hand the call to the query builder, documented as its own.
macro_rules! forward {
    ($( fn $name:ident $(<$g:ident: $bound:path>)? ($($arg:ident: $ty:ty),*); )*) => {
        $(
            #[doc = concat!("As [`Builder::", stringify!($name), "`](crate::query::Builder::", stringify!($name), "), on the model's query.")]
            pub fn $name $(<$g: $bound>)? (self $(, $arg: $ty)*) -> Self {
                self.map(|q| q.$name($($arg),*))
            }
        )*
    };
}

impl<M: Entity> ModelQuery<M> {
    /// The query of `M` on `target`: its table and key (validated once for the type), its
    /// scopes on.
    pub(crate) fn new(target: Connection) -> Self {
        let base = match M::plain_sql().names(M::TABLE, M::PRIMARY_KEY) {
            Ok((table, key)) => Builder::from_names(table, key, target),
            // The builder keeps the error and returns it from the terminal call.
            Err(_) => Builder::typed(M::TABLE).on(target).key(M::PRIMARY_KEY),
        };
        ModelQuery { base, trashed: Trashed::Exclude, scopes_off: 0, extras: None }
    }

    /// Newest first by the model's `created_at` column (its `#[orm(timestamps(created_at = ..))]`
    /// name, else `created_at`): Eloquent's `latest()`. [`latest_by`](ModelQuery::latest_by)
    /// names another column.
    pub fn latest(self) -> Self {
        let column = M::TIMESTAMPS.map_or("created_at", |ts| ts.created_at);
        self.map(|q| q.latest_by(column))
    }

    /// Oldest first by the model's `created_at` column: Eloquent's `oldest()`.
    pub fn oldest(self) -> Self {
        let column = M::TIMESTAMPS.map_or("created_at", |ts| ts.created_at);
        self.map(|q| q.oldest_by(column))
    }
}

impl<M> ModelQuery<M> {
    fn map(self, f: impl FnOnce(Builder<M>) -> Builder<M>) -> Self {
        ModelQuery { base: f(self.base), ..self }
    }

    /// The query with `f` applied to its builder.
    pub(crate) fn map_base(self, f: impl FnOnce(Builder<M>) -> Builder<M>) -> Self {
        self.map(f)
    }

    fn extras(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// Loads these relations with the models the query returns (Eloquent's `with`): one query
    /// per relation per level, whatever the number of models. Nested relations are
    /// dot-separated (`"posts.comments"`). An unknown name is
    /// [`Error::UnknownRelation`](crate::Error::UnknownRelation) before any SQL runs.
    ///
    /// `"author:id,name"` loads only those columns of the related models (Eloquent's
    /// column-limited eager load), as [`select_partial`](ModelQuery::select_partial) does: their
    /// keys and the columns the relation matches on are added.
    pub fn with(mut self, relations: impl IntoColumns) -> Self {
        let relations = relations.into_columns();
        let extras = self.extras();
        for relation in relations {
            let (relation, limit) = crate::model::relations::column_limit(relation);
            if let Some(columns) = limit {
                extras.columns.retain(|(p, _)| *p != relation);
                extras.columns.push((relation.clone(), columns));
            }
            if !extras.eager.contains(&relation) {
                extras.eager.push(relation);
            }
        }
        self
    }

    /// Loads the models with only these columns (and the key): Eloquent's `select` on a model
    /// query, kept apart from [`select`](ModelQuery::select), which refuses to leave a column
    /// out. A column left out holds its field type's empty value (`None`, `0`, `""`), is left
    /// out of the model's JSON ([`ModelState::absent_columns`](crate::ModelState::absent_columns)
    /// names it), and the model refuses to [`save`](crate::Entity::save)
    /// ([`Error::PartialModel`](crate::Error::PartialModel)): a save could not tell an untouched
    /// empty value from one the program set. A column whose type has no empty value must be
    /// selected (the same error, before any SQL).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::prelude::*;
    /// use bunary_orm::{DatabaseConfig, Db};
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "users", timestamps = false)]
    /// struct User { id: i64, name: String, bio: String, state: ModelState }
    ///
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, bio TEXT);
    ///                INSERT INTO users (name, bio) VALUES ('Ada', 'a very long text');").await?;
    /// let mut ada = User::on(&db).select_partial(["name"]).first_or_fail().await?;
    /// assert_eq!((ada.id, ada.name.as_str(), ada.bio.as_str()), (1, "Ada", ""));
    /// assert_eq!(serde_json::to_string(&ada).unwrap(), r#"{"id":1,"name":"Ada"}"#);
    /// assert!(matches!(ada.save().await, Err(Error::PartialModel { column: "bio", .. })));
    /// ada.refresh().await?;
    /// assert_eq!(ada.bio, "a very long text");
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    pub fn select_partial(mut self, columns: impl IntoColumns) -> Self {
        let columns = columns.into_columns();
        self.extras().partial.get_or_insert_with(Vec::new).extend(columns);
        self
    }

    /// The columns of a column-limited load of this query's models, if it is one.
    pub(crate) fn partial_columns(&self) -> Option<&[String]> {
        self.extras.as_ref()?.partial.as_deref()
    }

    /// On a column-limited load, adds `column` (one a relation matches on) to its columns.
    pub(crate) fn require_column(mut self, column: &str) -> Self {
        if let Some(partial) = self.extras.as_mut().and_then(|e| e.partial.as_mut()) {
            if !partial.iter().any(|c| c == column) {
                partial.push(column.to_owned());
            }
        }
        self
    }

    /// The column-limited eager loads, by path.
    pub(crate) fn eager_columns(&self) -> &[(String, Vec<String>)] {
        self.extras.as_ref().map_or(&[], |e| e.columns.as_slice())
    }

    /// Loads the number of related rows of each relation with the models (Eloquent's
    /// `withCount`): one grouped query per relation, read back with `user.posts.count()`.
    /// Has-many and many-to-many relations only; the related model's scopes apply.
    pub fn with_count(self, relations: impl IntoColumns) -> Self {
        relations.into_columns().into_iter().fold(self, |q, r| q.with_aggregate(r, RelationAggregate::Count, None))
    }

    /// Loads whether each relation has any row (Eloquent's `withExists`): `user.posts.exists()`.
    pub fn with_exists(self, relations: impl IntoColumns) -> Self {
        relations.into_columns().into_iter().fold(self, |q, r| q.with_aggregate(r, RelationAggregate::Exists, None))
    }

    /// Loads `SUM(column)` of a relation's rows (Eloquent's `withSum`): `user.posts.sum("votes")`.
    pub fn with_sum(self, relation: &str, column: &str) -> Self {
        self.with_aggregate(relation.to_owned(), RelationAggregate::Sum, Some(column.to_owned()))
    }

    /// Loads `AVG(column)` of a relation's rows (Eloquent's `withAvg`).
    pub fn with_avg(self, relation: &str, column: &str) -> Self {
        self.with_aggregate(relation.to_owned(), RelationAggregate::Avg, Some(column.to_owned()))
    }

    /// Loads `MIN(column)` of a relation's rows (Eloquent's `withMin`).
    pub fn with_min(self, relation: &str, column: &str) -> Self {
        self.with_aggregate(relation.to_owned(), RelationAggregate::Min, Some(column.to_owned()))
    }

    /// Loads `MAX(column)` of a relation's rows (Eloquent's `withMax`).
    pub fn with_max(self, relation: &str, column: &str) -> Self {
        self.with_aggregate(relation.to_owned(), RelationAggregate::Max, Some(column.to_owned()))
    }

    fn with_aggregate(mut self, relation: String, function: RelationAggregate, column: Option<String>) -> Self {
        self.extras().aggregates.push((relation, function, column));
        self
    }

    /// The relation aggregates to load with the models.
    pub(crate) fn aggregates(&self) -> &[(String, RelationAggregate, Option<String>)] {
        self.extras.as_ref().map_or(&[], |e| e.aggregates.as_slice())
    }

    /// Loads `relation` (a dotted path, as in [`with`](ModelQuery::with)) with only the related
    /// rows that meet `constraint`, applied to the related query's builder (Eloquent's
    /// `with(['posts' => fn ($q) => …])`); the related model's scopes still apply.
    pub fn with_constraint(
        mut self,
        relation: &str,
        constraint: impl Fn(Builder) -> Builder + Send + Sync + 'static,
    ) -> Self {
        self = self.with(relation);
        let constraints = &mut self.extras().constraints;
        constraints.retain(|(path, _)| path != relation);
        constraints.push((relation.to_owned(), std::sync::Arc::new(constraint)));
        self
    }

    /// The eager loads of `eager` (a nested level's) on this query, and its own column limit.
    pub(crate) fn with_eager(mut self, eager: &crate::model::relations::Eager) -> Self {
        if let Some(columns) = eager.own_columns() {
            self = self.select_partial(columns.to_vec());
        }
        if eager.paths.is_empty() {
            return self;
        }
        let extras = self.extras();
        extras.eager = eager.paths.clone();
        extras.constraints = eager.nested_constraints().cloned().collect();
        extras.columns = eager.nested_columns().cloned().collect();
        self
    }

    /// `column IN keys`, joined with `AND` to everything else (a constraint's `or_where`
    /// cannot escape it).
    pub(crate) fn keyed_by(self, column: &str, keys: Vec<Value>) -> Self {
        self.map(|base| base.scoped(|q| q.where_in(column, keys)))
    }

    /// The constraints of the eager loads.
    pub(crate) fn constraints(&self) -> &[(String, EagerConstraint)] {
        self.extras.as_ref().map_or(&[], |e| e.constraints.as_slice())
    }

    /// Loads none of these relations after all (Eloquent's `without`), nor their nested ones.
    pub fn without(mut self, relations: impl IntoColumns) -> Self {
        let relations = relations.into_columns();
        if let Some(extras) = &mut self.extras {
            extras.eager.retain(|path| {
                !relations
                    .iter()
                    .any(|r| path == r || path.strip_prefix(r.as_str()).is_some_and(|rest| rest.starts_with('.')))
            });
        }
        self
    }

    /// The relation paths to load with the models.
    pub(crate) fn eager(&self) -> &[String] {
        self.extras.as_ref().map_or(&[], |e| e.eager.as_slice())
    }

    /// Models created or saved through this query get `column = value` (a relation's foreign key).
    pub(crate) fn with_attribute(mut self, column: String, value: Value) -> Self {
        self.extras().attributes.push((column, value));
        self
    }

    /// The columns models created or saved through this query get.
    pub(crate) fn attributes(&self) -> &[(String, Value)] {
        self.extras.as_ref().map_or(&[], |e| e.attributes.as_slice())
    }

    /// Makes this the query of a many-to-many relation of the parent whose key is `key`.
    pub(crate) fn with_pivot(mut self, pivot: crate::model::relations::Pivot, key: Value) -> Self {
        self.extras().pivot = Some((pivot, key));
        self
    }

    /// The pivot of a many-to-many relation query, and the parent's key.
    pub(crate) fn pivot(&self) -> Option<(&crate::model::relations::Pivot, &Value)> {
        self.extras.as_ref()?.pivot.as_ref().map(|(p, k)| (p, k))
    }

    /// The query, failing with `error` when it runs.
    pub(crate) fn failed(mut self, error: crate::Error) -> Self {
        self.base.fail(error);
        self
    }

    /// The same query, reading trashed rows as `mode` says.
    pub(super) fn trashed_mode(self, mode: Trashed) -> Self {
        ModelQuery { trashed: mode, ..self }
    }

    /// How the query reads trashed rows.
    pub(super) fn trashed(&self) -> Trashed {
        self.trashed
    }

    forward! {
        fn where_(column: &str, value: impl Into<Value>);
        fn where_op(column: &str, op: impl IntoOperator, value: impl Into<Value>);
        fn or_where(column: &str, value: impl Into<Value>);
        fn or_where_op(column: &str, op: impl IntoOperator, value: impl Into<Value>);
        fn where_group(f: impl FnOnce(Builder<M>) -> Builder<M>);
        fn or_where_group(f: impl FnOnce(Builder<M>) -> Builder<M>);
        fn where_in<V: Into<Value>>(column: &str, items: impl IntoIterator<Item = V>);
        fn where_not_in<V: Into<Value>>(column: &str, items: impl IntoIterator<Item = V>);
        fn or_where_in<V: Into<Value>>(column: &str, items: impl IntoIterator<Item = V>);
        fn or_where_not_in<V: Into<Value>>(column: &str, items: impl IntoIterator<Item = V>);
        fn where_null(column: &str);
        fn where_not_null(column: &str);
        fn or_where_null(column: &str);
        fn or_where_not_null(column: &str);
        fn where_between(column: &str, low: impl Into<Value>, high: impl Into<Value>);
        fn where_not_between(column: &str, low: impl Into<Value>, high: impl Into<Value>);
        fn or_where_between(column: &str, low: impl Into<Value>, high: impl Into<Value>);
        fn where_like(column: &str, pattern: impl Into<Value>);
        fn or_where_like(column: &str, pattern: impl Into<Value>);
        fn where_column(first: &str, op: impl IntoOperator, second: &str);
        fn or_where_column(first: &str, op: impl IntoOperator, second: &str);
        fn where_raw(sql: &str, bindings: impl IntoIterator<Item = Value>);
        fn or_where_raw(sql: &str, bindings: impl IntoIterator<Item = Value>);
        fn having(column: &str, op: impl IntoOperator, value: impl Into<Value>);
        fn or_having(column: &str, op: impl IntoOperator, value: impl Into<Value>);
        fn having_raw(sql: &str, bindings: impl IntoIterator<Item = Value>);
        fn select(columns: impl IntoColumns);
        fn select_raw(sql: &str, bindings: impl IntoIterator<Item = Value>);
        fn exclude(columns: impl IntoColumns);
        fn distinct();
        fn join(table: &str, first: &str, op: impl IntoOperator, second: &str);
        fn left_join(table: &str, first: &str, op: impl IntoOperator, second: &str);
        fn group_by(columns: impl IntoColumns);
        fn order_by(column: &str, direction: crate::query::Direction);
        fn order_by_desc(column: &str);
        fn order_by_asc(column: &str);
        fn latest_by(column: &str);
        fn oldest_by(column: &str);
        fn order_by_raw(sql: &str, bindings: impl IntoIterator<Item = Value>);
        fn reorder();
        fn limit(n: u64);
        fn offset(n: u64);
        fn take(n: u64);
        fn skip(n: u64);
        fn for_page(page: crate::query::Page, per_page: crate::query::PerPage);
        fn on(connection: impl Into<Connection>);
        fn where_not(f: impl FnOnce(Builder<M>) -> Builder<M>);
        fn or_where_not(f: impl FnOnce(Builder<M>) -> Builder<M>);
        fn where_any(columns: &[&str], op: &str, value: impl Into<Value>);
        fn where_all(columns: &[&str], op: &str, value: impl Into<Value>);
        fn where_none(columns: &[&str], op: &str, value: impl Into<Value>);
        fn where_in_sub<U: Sized>(column: &str, sub: Builder<U>);
        fn where_not_in_sub<U: Sized>(column: &str, sub: Builder<U>);
        fn where_sub<U: Sized>(column: &str, op: impl IntoOperator, sub: Builder<U>);
        fn where_exists<U: Sized>(sub: Builder<U>);
        fn where_not_exists<U: Sized>(sub: Builder<U>);
        fn select_sub<U: Sized>(sub: Builder<U>, alias: &str);
        fn join_sub<U: Sized>(sub: Builder<U>, alias: &str, first: &str, op: impl IntoOperator, second: &str);
        fn left_join_sub<U: Sized>(sub: Builder<U>, alias: &str, first: &str, op: impl IntoOperator, second: &str);
        fn right_join(table: &str, first: &str, op: impl IntoOperator, second: &str);
        fn cross_join(table: &str);
        fn join_with(table: &str, f: impl FnOnce(crate::query::JoinClause) -> crate::query::JoinClause);
        fn left_join_with(table: &str, f: impl FnOnce(crate::query::JoinClause) -> crate::query::JoinClause);
        fn where_json_contains(column: &str, value: impl Into<serde_json::Value>);
        fn where_json_doesnt_contain(column: &str, value: impl Into<serde_json::Value>);
        fn where_json_length(column: &str, op: impl IntoOperator, value: i64);
        fn where_json_contains_key(column: &str);
        fn where_json_doesnt_contain_key(column: &str);
        fn where_date(column: &str, op: impl IntoOperator, value: impl Into<Value>);
        fn where_time(column: &str, op: impl IntoOperator, value: impl Into<Value>);
        fn where_day(column: &str, op: impl IntoOperator, day: i64);
        fn where_month(column: &str, op: impl IntoOperator, month: i64);
        fn where_year(column: &str, op: impl IntoOperator, year: i64);
        fn where_past(column: &str);
        fn where_future(column: &str);
        fn where_today(column: &str);
        fn where_before_today(column: &str);
        fn where_after_today(column: &str);
        fn having_between(column: &str, low: impl Into<Value>, high: impl Into<Value>);
        fn having_null(column: &str);
        fn in_random_order();
        fn lock_for_update();
        fn shared_lock();
    }

    /// Applies `f` with the value when `value` is `Some` (as
    /// [`Builder::when_some`](crate::query::Builder::when_some)).
    pub fn when_some<V>(self, value: Option<V>, f: impl FnOnce(Self, V) -> Self) -> Self {
        match value {
            Some(v) => f(self, v),
            None => self,
        }
    }

    /// Applies `f` unless `condition` holds.
    pub fn unless(self, condition: bool, f: impl FnOnce(Self) -> Self) -> Self {
        if condition {
            self
        } else {
            f(self)
        }
    }

    /// Applies a local scope: a plain function from model query to model query.
    ///
    /// ```
    /// use bunary_orm::prelude::*;
    /// use bunary_orm::{model::ModelQuery, Dialect};
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "users", timestamps = false)]
    /// struct User { id: i64, active: bool, state: ModelState }
    ///
    /// fn active(q: ModelQuery<User>) -> ModelQuery<User> { q.where_("active", true) }
    /// let q = User::query().scope(active);
    /// assert_eq!(q.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT * FROM "users" WHERE "active" = ?"#);
    /// ```
    pub fn scope(self, f: impl FnOnce(Self) -> Self) -> Self {
        f(self)
    }

    /// Applies `f` when `condition` holds (Laravel's `when`).
    pub fn when(self, condition: bool, f: impl FnOnce(Self) -> Self) -> Self {
        if condition {
            f(self)
        } else {
            self
        }
    }

    /// Where the query runs (and where the models it loads save back).
    pub fn connection(&self) -> &Connection {
        self.base.connection()
    }

    /// The query builder underneath, without the model's scopes (Laravel's `getQuery`).
    pub fn get_query(&self) -> &Builder<M> {
        &self.base
    }
}

impl<M: Entity> ModelQuery<M> {
    /// The query builder with the model's scopes applied, returning rows (Laravel's `toBase`).
    /// Hidden columns are not removed from its rows.
    pub fn to_base(&self) -> Builder {
        self.scoped().into_owned().cast()
    }

    /// The `SELECT` this query runs, compiled for `dialect`, scopes included.
    ///
    /// # Errors
    /// The first identifier, operator or raw-fragment error met while building.
    pub fn to_sql(&self, dialect: Dialect) -> Result<Statement> {
        self.scoped().to_sql(dialect)
    }

    /// The query builder with the model's scopes applied: the builder itself when no scope
    /// adds anything.
    pub(crate) fn scoped(&self) -> Cow<'_, Builder<M>> {
        if M::GLOBAL_SCOPES.is_empty() {
            return match super::soft_deletes::scope::<M>(self.trashed) {
                None => Cow::Borrowed(&self.base),
                Some(scope) => Cow::Owned(self.base.clone().scoped(scope)),
            };
        }
        Cow::Owned(self.apply_scopes(self.base.clone()))
    }

    /// `builder` with the model's scopes applied: soft deletes, then the global scopes this
    /// query leaves on.
    pub(crate) fn apply_scopes(&self, builder: Builder<M>) -> Builder<M> {
        let builder = match super::soft_deletes::scope::<M>(self.trashed) {
            None => builder,
            Some(scope) => builder.scoped(scope),
        };
        if M::GLOBAL_SCOPES.is_empty() {
            return builder;
        }
        super::scopes::apply::<M>(builder, self.scopes_off)
    }

    /// Leaves the global scopes of the bits of `off` off this query.
    pub(crate) fn scopes_off(self, off: u32) -> Self {
        ModelQuery { scopes_off: self.scopes_off | off, ..self }
    }
}
