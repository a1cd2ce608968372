//! Saving, deleting and reloading one model.

use crate::error::{Error, QueryProblem, Result};
use crate::ident::Ident;
use crate::query::{Builder, Record};
use crate::row::Row;
use crate::value::Value;

use super::{now, timestamps, Entity, KeyKind};

/// A query on the model's own row (by the key it was loaded with), without scopes.
fn own_row<M: Entity>(model: &M) -> Builder<Row> {
    let key = original_key(model).unwrap_or_else(|| model.key());
    Builder::new(M::TABLE).on(model.state().connection().clone()).key(M::PRIMARY_KEY).where_(M::PRIMARY_KEY, key)
}

fn original_key<M: Entity>(model: &M) -> Option<Value> {
    model.state().original().map(|original| original.key.into_owned())
}

/// The columns whose values differ from those last loaded or saved (all of them for a new model).
pub(crate) fn changes<M: Entity>(model: &M) -> Record {
    let Some(super::state::Original { hashes: original, .. }) = model.state().original() else {
        return M::COLUMNS.iter().copied().zip(model.to_values()).collect();
    };
    let now = model.field_hashes();
    if now.as_slice() == original {
        return Record::new();
    }
    M::COLUMNS
        .iter()
        .zip(model.to_values())
        .zip(now.iter().zip(original.iter()))
        .filter(|(_, (a, b))| a != b)
        .map(|((column, value), _)| (*column, value))
        .collect()
}

fn mark_saved<M: Entity>(model: &mut M) {
    mark_updated(model, Vec::new());
}

/// Marks the model saved by an update of `changed` (what [`Entity::get_changes`] reports).
fn mark_updated<M: Entity>(model: &mut M, changed: Vec<&'static str>) {
    let (hashes, key) = (model.field_hashes(), model.key());
    if !M::KEEP_ORIGINAL {
        return model.state_mut().set_saved(&hashes, key, changed);
    }
    // What the update overwrote: the kept values of the columns it wrote.
    let previous = match model.state().original_values() {
        Some(old) => changed.iter().filter_map(|c| Some((*c, old.get(column_index::<M>(c).ok()?)?.clone()))).collect(),
        None => Vec::new(),
    };
    let originals = model.to_values();
    model.state_mut().set_saved_with(&hashes, key, changed, originals, previous);
}

fn key_is_empty(key: &Value) -> bool {
    match key {
        Value::Null => true,
        Value::Int(0) => true,
        Value::Text(t) => t.is_empty(),
        Value::Uuid(u) => u.is_nil(),
        _ => false,
    }
}

/// Inserts a new model or updates the changed columns of a loaded one.
pub(crate) async fn save<M: Entity>(model: &mut M) -> Result<()> {
    let wrote = if model.exists() { update(model).await? } else { insert(model).await.map(|()| true)? };
    if wrote {
        touch_owners(model).await?;
    }
    Ok(())
}

/// Updates the `updated_at` of the parents this model `touches` (Eloquent's `$touches`).
async fn touch_owners<M: Entity>(model: &M) -> Result<()> {
    if M::TOUCHES {
        model.touch_owners().await?;
    }
    Ok(())
}

async fn insert<M: Entity>(model: &mut M) -> Result<()> {
    let empty_key = key_is_empty(&model.key());
    if M::KEY == KeyKind::Uuid && empty_key {
        model.set_value(M::PRIMARY_KEY, Value::Uuid(uuid::Uuid::now_v7()))?;
    }
    if let Some(ts) = timestamps::of::<M>() {
        let now = Value::Timestamp(now());
        model.set_value(ts.created_at, now.clone())?;
        model.set_value(ts.updated_at, now)?;
    }
    let mut record: Record = M::COLUMNS.iter().copied().zip(model.to_values()).collect();
    let builder = Builder::new(M::TABLE).on(model.state().connection().clone()).key(M::PRIMARY_KEY);
    if M::KEY == KeyKind::AutoIncrement && empty_key {
        record.remove(M::PRIMARY_KEY);
        let id = builder.insert_get_id(record).await?;
        model.set_value(M::PRIMARY_KEY, Value::Int(id))?;
    } else {
        builder.insert(record).await?;
    }
    mark_saved(model);
    Ok(())
}

/// [`Builder::insert_models`]: the models' values, row after row, in one `INSERT`.
pub(crate) async fn insert_models<M: Entity>(builder: &Builder<M>, models: Vec<M>) -> Result<u64> {
    let Some(first) = models.first() else {
        builder.check()?;
        return Ok(0);
    };
    let omit_key = M::KEY == KeyKind::AutoIncrement && key_is_empty(&first.key());
    let key_at = column_index::<M>(M::PRIMARY_KEY)?;
    let now = timestamps::of::<M>().map(|_| Value::Timestamp(now()));
    let width = M::COLUMNS.len() - usize::from(omit_key);
    let mut values = Vec::with_capacity(models.len() * M::COLUMNS.len());
    for (i, mut model) in models.into_iter().enumerate() {
        let empty_key = key_is_empty(&model.key());
        if M::KEY == KeyKind::AutoIncrement && empty_key != omit_key {
            let problem = QueryProblem::MixedKeys { index: i + 1, has_key: !empty_key };
            return Err(Error::InvalidQuery { problem });
        }
        if M::KEY == KeyKind::Uuid && empty_key {
            model.set_value(M::PRIMARY_KEY, Value::Uuid(uuid::Uuid::now_v7()))?;
        }
        if let (Some(ts), Some(now)) = (timestamps::of::<M>(), &now) {
            model.set_value(ts.created_at, now.clone())?;
            model.set_value(ts.updated_at, now.clone())?;
        }
        let start = values.len();
        model.append_values(&mut values, omit_key.then_some(key_at));
        debug_assert_eq!(values.len() - start, width);
    }
    let columns = M::COLUMNS
        .iter()
        .enumerate()
        .filter(|&(i, _)| !(omit_key && i == key_at))
        .map(|(_, c)| Ident::new(c, "column"))
        .collect::<Result<Vec<_>>>()?;
    builder.insert_values(&columns, values).await
}

/// Writes the model's changes; `false` when there were none.
async fn update<M: Entity>(model: &mut M) -> Result<bool> {
    if let Some(column) = model.state().absent_columns().first() {
        return Err(Error::PartialModel { model: M::NAME, column });
    }
    let mut dirty = changes(model);
    if dirty.is_empty() {
        return Ok(false);
    }
    if let Some(ts) = timestamps::of::<M>() {
        let now = Value::Timestamp(now());
        model.set_value(ts.updated_at, now)?;
        let stored = model.to_values().swap_remove(column_index::<M>(ts.updated_at)?);
        dirty.insert(ts.updated_at, stored);
    }
    let changed: Vec<&'static str> = M::COLUMNS.iter().copied().filter(|c| dirty.contains(c)).collect();
    let matched = own_row(model).update(dirty).await?;
    if matched == 0 {
        return Err(Error::ModelNotFound { model: M::NAME, key: Some(model.key().to_string()) });
    }
    mark_updated(model, changed);
    Ok(true)
}

fn column_index<M: Entity>(column: &str) -> Result<usize> {
    M::COLUMNS.iter().position(|c| *c == column).ok_or_else(|| Error::ColumnNotFound {
        column: column.to_owned(),
        available: M::COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
    })
}

/// Deletes the model: sets `deleted_at` on a soft-deleting model, removes the row otherwise.
pub(crate) async fn delete<M: Entity>(model: &mut M) -> Result<()> {
    require_saved(model, "delete")?;
    match M::SOFT_DELETES {
        Some(column) => {
            model.set_value(column, Value::Timestamp(now()))?;
            let stored = model.to_values().swap_remove(column_index::<M>(column)?);
            own_row(model).update(Record::new().set(column, stored)).await?;
            mark_saved(model);
            touch_owners(model).await
        }
        None => force_delete(model).await,
    }
}

/// [`Error::ModelNotSaved`] for a model with no row.
pub(crate) fn require_saved<M: Entity>(model: &M, action: &'static str) -> Result<()> {
    if model.exists() {
        Ok(())
    } else {
        Err(Error::ModelNotSaved { model: M::NAME, action })
    }
}

/// Removes the model's row for good.
pub(crate) async fn force_delete<M: Entity>(model: &mut M) -> Result<()> {
    require_saved(model, "delete")?;
    own_row(model).delete().await?;
    model.state_mut().forget();
    touch_owners(model).await
}

/// Clears `deleted_at` on a soft-deleted model.
pub(crate) async fn restore<M: Entity>(model: &mut M) -> Result<()> {
    let column = check_restore(model)?;
    model.set_value(column, Value::Null)?;
    own_row(model).update(Record::new().set(column, Value::Null)).await?;
    mark_saved(model);
    Ok(())
}

/// The soft-delete column of a saved model, which [`restore`] needs.
pub(crate) fn check_restore<M: Entity>(model: &M) -> Result<&'static str> {
    let column = M::SOFT_DELETES
        .ok_or_else(|| Error::InvalidQuery { problem: QueryProblem::NoSoftDeletes { model: M::NAME } })?;
    require_saved(model, "restore")?;
    Ok(column)
}

/// Whether a soft-deleting model is trashed.
pub(crate) fn trashed<M: Entity>(model: &M) -> bool {
    M::SOFT_DELETES.and_then(|column| column_index::<M>(column).ok()).is_some_and(|i| !model.to_values()[i].is_null())
}

/// Reloads the model's columns from its row.
pub(crate) async fn refresh<M: Entity>(model: &mut M) -> Result<()> {
    let key = original_key(model).unwrap_or_else(|| model.key());
    let fresh = M::query()
        .with_trashed()
        .on(model.state().connection().clone())
        .find(key.clone())
        .await?
        .ok_or_else(|| Error::ModelNotFound { model: M::NAME, key: Some(key.to_string()) })?;
    *model = fresh;
    Ok(())
}

/// `current + amount` (`- amount` with `down`) as the database computes it: integers stay
/// integers (an overflow is an error, not a wrap), a float on either side makes a float, NULL
/// counts as 0.
fn stepped(current: &Value, amount: &Value, down: bool) -> Result<Value> {
    let action = if down { "decrement" } else { "increment" };
    let overflow = || Error::OutOfRange { what: format!("{action} of {current} by {amount}") };
    Ok(match (current, amount) {
        (Value::Int(_) | Value::Null, Value::Int(b)) => {
            let a = match current {
                Value::Int(a) => *a,
                _ => 0,
            };
            Value::Int(if down { a.checked_sub(*b) } else { a.checked_add(*b) }.ok_or_else(overflow)?)
        }
        (Value::Int(_) | Value::Float(_) | Value::Null, Value::Int(_) | Value::Float(_)) => {
            let number = |v: &Value| match v {
                Value::Int(i) => *i as f64,
                Value::Float(f) => *f,
                _ => 0.0,
            };
            let (a, b) = (number(current), number(amount));
            Value::Float(if down { a - b } else { a + b })
        }
        (_, Value::Int(_) | Value::Float(_)) => {
            let problem = QueryProblem::NotNumeric { action, kind: current.kind_name() };
            return Err(Error::InvalidQuery { problem });
        }
        _ => {
            let problem = QueryProblem::NotNumeric { action, kind: amount.kind_name() };
            return Err(Error::InvalidQuery { problem });
        }
    })
}

/// Adds `amount` to `column` (subtracts it with `down`) in the model's row and in the model,
/// with `updated_at`, in one statement (Eloquent's `increment` on a model). Those columns are
/// then saved; the model's other changes stay unsaved.
pub(crate) async fn increment<M: Entity>(model: &mut M, column: String, amount: Value, down: bool) -> Result<()> {
    require_saved(model, if down { "decrement" } else { "increment" })?;
    let column = column.as_str();
    let at = column_index::<M>(column)?;
    if model.state().is_absent(column) {
        return Err(Error::PartialModel { model: M::NAME, column: M::COLUMNS[at] });
    }
    let next = stepped(&model.get_value(column)?, &amount, down)?;
    let mut synced = vec![M::COLUMNS[at]];
    let mut extra = Record::new();
    if let Some(ts) = timestamps::of::<M>() {
        model.set_value(ts.updated_at, Value::Timestamp(now()))?;
        extra.insert(ts.updated_at, model.get_value(ts.updated_at)?);
        synced.push(ts.updated_at);
    }
    let row = own_row(model);
    let matched = if down {
        row.decrement_with(column, amount, extra).await?
    } else {
        row.increment_with(column, amount, extra).await?
    };
    if matched == 0 {
        return Err(Error::ModelNotFound { model: M::NAME, key: Some(model.key().to_string()) });
    }
    model.set_value(column, next)?;
    // Only the written columns become what the model holds in the database.
    let now_hashes = model.field_hashes();
    let (mut hashes, key) = match model.state().original() {
        Some(original) => (original.hashes.to_vec(), original.key.into_owned()),
        None => (now_hashes.to_vec(), model.key()),
    };
    let mut originals = model.state().original_values().map(<[Value]>::to_vec).unwrap_or_default();
    let (current, mut previous) = (model.to_values(), Vec::new());
    for column in &synced {
        let i = column_index::<M>(column)?;
        hashes[i] = now_hashes[i];
        if let Some(kept) = originals.get_mut(i) {
            previous.push((*column, std::mem::replace(kept, current[i].clone())));
        }
    }
    model.state_mut().set_saved_with(&hashes, key, synced, originals, previous);
    Ok(())
}
