//! Loading relations onto models already in hand (Eloquent's `load` and `loadMissing`):
//! `user.load(["posts"])`, `users.load(["posts.comments"])`, the same one query per relation
//! per level as [`with`](crate::ModelQuery::with).

use std::future::Future;

use crate::error::Result;
use crate::query::IntoColumns;

use super::super::Entity;
use crate::connection::Connection;

use super::eager::{column_limit, split_eager, Eager};

/// Loads relations onto the models, on the first model's connection. With `missing_only`, a
/// relation already loaded on every model is left as it is (its nested paths too).
pub(crate) async fn load_onto<M: Entity>(models: &mut [M], paths: Vec<String>, missing_only: bool) -> Result<()> {
    let mut columns = Vec::new();
    let paths: Vec<String> = paths
        .into_iter()
        .map(|path| {
            let (path, limit) = column_limit(path);
            if let Some(limit) = limit {
                columns.push((path.clone(), limit));
            }
            path
        })
        .collect();
    paths.iter().try_for_each(|path| M::check_relation(path))?;
    let Some(first) = models.first() else { return Ok(()) };
    let connection = first.state().connection().clone();
    for (relation, nested) in split_eager(&paths, &[], &columns) {
        if missing_only && models.iter().all(|m| m.is_relation_loaded(&relation)) {
            continue;
        }
        M::eager_load(models, &relation, nested, &connection).await?;
    }
    Ok(())
}

/// Loads `eager`'s paths (with their constraints) onto `models`, already loaded.
pub(crate) async fn load_nested<M: Entity>(models: &mut [M], eager: &Eager, connection: &Connection) -> Result<()> {
    let constraints: Vec<_> = eager.nested_constraints().cloned().collect();
    let columns: Vec<_> = eager.nested_columns().cloned().collect();
    for (relation, nested) in split_eager(&eager.paths, &constraints, &columns) {
        M::eager_load(models, &relation, nested, connection).await?;
    }
    Ok(())
}

/// `load` and `load_missing` on a list of models: `users.load(["posts"]).await?`.
pub trait LoadRelations {
    /// Loads these relations (dot-separated for nested ones) onto every model, one query per
    /// relation per level, replacing what was loaded.
    ///
    /// # Errors
    /// [`Error::UnknownRelation`](crate::Error::UnknownRelation) before any SQL; the queries'
    /// errors.
    fn load(&mut self, relations: impl IntoColumns) -> impl Future<Output = Result<()>> + Send;

    /// As [`load`](LoadRelations::load), leaving out relations every model has loaded already.
    ///
    /// # Errors
    /// As [`load`](LoadRelations::load).
    fn load_missing(&mut self, relations: impl IntoColumns) -> impl Future<Output = Result<()>> + Send;
}

impl<M: Entity> LoadRelations for [M] {
    fn load(&mut self, relations: impl IntoColumns) -> impl Future<Output = Result<()>> + Send {
        load_onto(self, relations.into_columns(), false)
    }

    fn load_missing(&mut self, relations: impl IntoColumns) -> impl Future<Output = Result<()>> + Send {
        load_onto(self, relations.into_columns(), true)
    }
}
