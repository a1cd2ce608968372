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

/// The current time as models store it: UTC, to the microsecond (what every dialect keeps).
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// Adds `updated_at = now` to an update's record, unless the caller sets it.
pub(crate) fn touch_record<M: Entity>(record: &mut Record) {
    if let Some(ts) = M::TIMESTAMPS {
        if !record.contains(ts.updated_at) {
            record.insert(ts.updated_at, Value::Timestamp(now()));
        }
    }
}

/// Adds `updated_at = now` to an update's assignments, unless they set it.
pub(crate) fn touch_sets<M: Entity>(sets: &mut Vec<(Ident, SetValue)>) -> Result<()> {
    if let Some(ts) = M::TIMESTAMPS {
        if !sets.iter().any(|(c, _)| c.as_str() == ts.updated_at) {
            sets.push((Ident::new(ts.updated_at, "column")?, SetValue::Value(Value::Timestamp(now()))));
        }
    }
    Ok(())
}
