//! Global scopes (Eloquent's `addGlobalScope`): named conditions every query of a model gets,
//! declared on the model, `#[orm(global_scopes(published = "Self::published"))]`, each a
//! function that adds conditions to the query builder. The soft-delete scope is one more,
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

/// A global scope: its name and the function that adds its conditions.
pub type GlobalScope = (&'static str, fn(Builder) -> Builder);

/// The name of the soft-delete scope among a model's global scopes.
pub const SOFT_DELETES: &str = "soft_deletes";

/// `builder` with the global scopes of `M` applied, but those whose bit is set in `off`.
pub(crate) fn apply<M: Entity>(builder: Builder<M>, off: u32) -> Builder<M> {
    M::GLOBAL_SCOPES
        .iter()
        .enumerate()
        .filter(|(i, _)| off & (1 << i) == 0)
        .fold(builder, |builder, (_, (_, scope))| builder.scoped(|q| scope(q.cast()).cast()))
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
