//! Timestamps (Eloquent's `HasTimestamps`): `created_at` and `updated_at`, set by `save`, and
//! `updated_at` set by every update a model's query runs (`update`, `increment`, a soft
//! `delete`, `restore`), as in Eloquent.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::ident::Ident;
use crate::query::grammar::SetValue;
use crate::query::Record;
use crate::value::Value;

use super::Entity;

/// The names of a model's timestamp columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamps {
    /// Set when the row is inserted (default `created_at`).
    pub created_at: &'static str,
    /// Set when the row is inserted or updated (default `updated_at`).
    pub updated_at: &'static str,
}

tokio::task_local! {
    /// Set while [`without_timestamps`] runs its future.
    static OFF: ();
}

/// Runs `work` with timestamps off on this task (Eloquent's `Model::withoutTimestamps`):
/// saves, inserts, updates and `touch` inside it leave `created_at` and `updated_at` as they
/// are.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::prelude::*;
/// use bunary_orm::{DatabaseConfig, Db};
/// #[derive(Model, Debug, Clone, Default)]
/// #[orm(table = "posts")]
/// struct Post {
///     id: i64,
///     title: String,
///     created_at: Option<chrono::NaiveDateTime>,
///     updated_at: Option<chrono::NaiveDateTime>,
///     state: ModelState,
/// }
/// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
/// db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, created_at TEXT, updated_at TEXT)", &[]).await?;
/// let imported = bunary_orm::without_timestamps(Post::on(&db).create(record! { "title" => "old" })).await?;
/// assert!(imported.created_at.is_none() && imported.updated_at.is_none());
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
pub async fn without_timestamps<F: std::future::Future>(work: F) -> F::Output {
    OFF.scope((), work).await
}

/// The timestamp columns `M`'s writes set: none inside [`without_timestamps`].
pub(crate) fn of<M: Entity>() -> Option<Timestamps> {
    match M::TIMESTAMPS {
        Some(ts) if OFF.try_with(|()| ()).is_err() => Some(ts),
        _ => None,
    }
}

/// The current time as models store it: UTC, to the microsecond (what every dialect keeps).
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// Adds `updated_at = now` to an update's record, unless the caller sets it.
pub(crate) fn touch_record<M: Entity>(record: &mut Record) {
    if let Some(ts) = of::<M>() {
        if !record.contains(ts.updated_at) {
            record.insert(ts.updated_at, Value::Timestamp(now()));
        }
    }
}

/// Adds `updated_at = now` to an update's assignments, unless they set it.
pub(crate) fn touch_sets<M: Entity>(sets: &mut Vec<(Ident, SetValue)>) -> Result<()> {
    if let Some(ts) = of::<M>() {
        if !sets.iter().any(|(c, _)| c.as_str() == ts.updated_at) {
            sets.push((Ident::new(ts.updated_at, "column")?, SetValue::Value(Value::Timestamp(now()))));
        }
    }
    Ok(())
}
