//! Global scopes (Eloquent's `addGlobalScope`): named conditions every query of a model gets,
//! declared on the model, `#[orm(global_scopes(published = "Self::published"))]`, each a
//! function, a closure (`"|q| q.where_(\"active\", true)"`) or a value of a type implementing
//! [`Scope`] (`"Published"`, a unit struct) that adds conditions to the query builder. The soft-delete scope is one more,
//! named `soft_deletes`. What a scope adds is joined to the query's own conditions with `AND`,
//! in parentheses, so no `or_where` escapes it; a query removes scopes by name.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::prelude::*;
//! use bunary_orm::{DatabaseConfig, Db};
//!
//! #[derive(Model, Debug, Clone, Default)]
//! #[orm(table = "posts", timestamps = false, global_scopes(published = "Post::published"))]
//! struct Post { id: i64, title: String, published: bool, state: ModelState }
//!
//! impl Post {
//!     fn published(q: Builder) -> Builder {
//!         q.where_("published", true)
//!     }
//! }
//!
//! let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
//! db.exec_batch("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, published BOOLEAN);
//!                INSERT INTO posts (title, published) VALUES ('out', 1), ('draft', 0);").await?;
//! assert_eq!(Post::on(&db).count().await?, 1);
//! // An `or_where` stays inside the query's own conditions.
//! assert_eq!(Post::on(&db).where_("title", "out").or_where("title", "draft").count().await?, 1);
//! assert_eq!(Post::on(&db).without_global_scope("published").count().await?, 2);
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```

use crate::error::{Error, QueryProblem};
use crate::query::Builder;

use super::query::ModelQuery;
use super::Entity;

/// What a global scope does to a model's queries: a type implementing it is Eloquent's scope
/// class; functions and closures from `Builder` to `Builder` implement it.
///
/// ```
/// use bunary_orm::model::Scope;
/// use bunary_orm::prelude::*;
///
/// /// Only rows of the current tenant (a unit struct: the derive takes its value).
/// struct Tenant;
/// impl Scope for Tenant {
///     fn apply(&self, query: Builder) -> Builder {
///         query.where_("tenant_id", 1)
///     }
/// }
///
/// #[derive(Model, Debug, Clone, Default)]
/// #[orm(table = "invoices", timestamps = false, global_scopes(tenant = "Tenant", open = "|q| q.where_(\"open\", true)"))]
/// struct Invoice { id: i64, tenant_id: i64, open: bool, state: ModelState }
///
/// let sql = Invoice::query().to_sql(bunary_orm::Dialect::Sqlite).unwrap().sql;
/// assert_eq!(sql, r#"SELECT * FROM "invoices" WHERE ("tenant_id" = ?) AND "open" = ?"#);
/// ```
pub trait Scope: Sync {
    /// `query` with the scope's conditions added.
    fn apply(&self, query: Builder) -> Builder;
}

impl<F: Fn(Builder) -> Builder + Sync> Scope for F {
    fn apply(&self, query: Builder) -> Builder {
        self(query)
    }
}

/// Gives a closure written in `#[orm(global_scopes(...))]` its argument type. Derive plumbing.
#[doc(hidden)]
pub const fn scope_fn<F: Fn(Builder) -> Builder + Sync>(f: F) -> F {
    f
}

/// A global scope: its name and what adds its conditions.
pub type GlobalScope = (&'static str, &'static dyn Scope);

/// The name of the soft-delete scope among a model's global scopes.
pub const SOFT_DELETES: &str = "soft_deletes";

/// `builder` with the global scopes of `M` applied, but those whose bit is set in `off`.
pub(crate) fn apply<M: Entity>(builder: Builder<M>, off: u32) -> Builder<M> {
    M::GLOBAL_SCOPES
        .iter()
        .enumerate()
        .filter(|(i, _)| off & (1 << i) == 0)
        .fold(builder, |builder, (_, (_, scope))| builder.scoped(|q| scope.apply(q.cast()).cast()))
}

impl<M: Entity> ModelQuery<M> {
    /// Leaves the global scope `name` off this query (`"soft_deletes"`: trashed rows too, as
    /// [`with_trashed`](ModelQuery::with_trashed)). Eloquent's `withoutGlobalScope`.
    ///
    /// # Errors
    /// The terminal call returns [`QueryProblem::UnknownScope`] (naming the model's scopes) for
    /// a name the model has no scope by, before any SQL.
    pub fn without_global_scope(self, name: &str) -> Self {
        if name == SOFT_DELETES && M::SOFT_DELETES.is_some() {
            return self.with_trashed();
        }
        match M::GLOBAL_SCOPES.iter().position(|(n, _)| *n == name) {
            Some(i) => self.scopes_off(1 << i),
            None => {
                let mut known: Vec<&'static str> = M::GLOBAL_SCOPES.iter().map(|(n, _)| *n).collect();
                if M::SOFT_DELETES.is_some() {
                    known.push(SOFT_DELETES);
                }
                let problem = QueryProblem::UnknownScope { model: M::NAME, scope: name.to_owned(), known };
                self.failed(Error::InvalidQuery { problem })
            }
        }
    }

    /// Leaves every global scope off this query, the soft-delete scope too (Eloquent's
    /// `withoutGlobalScopes`).
    pub fn without_global_scopes(self) -> Self {
        self.with_trashed().scopes_off(u32::MAX)
    }
}
