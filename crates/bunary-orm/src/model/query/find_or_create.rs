//! Finding and creating (Eloquent's `firstOrNew`, `firstOrCreate`, `createOrFirst`,
//! `updateOrCreate`, `findOrNew`, `findMany`, `sole`, `destroy`): the model query's reads that
//! create, and its reads of several keys.

use crate::error::{DatabaseErrorKind, Error, Result};
use crate::query::Record;
use crate::value::Value;

use super::super::Entity;
use super::ModelQuery;

/// `attributes` then `values`, one record (a column in both takes `values`' value).
fn merged(attributes: &Record, values: Record) -> Record {
    let mut all = attributes.clone();
    for (column, value) in values.into_fields() {
        all.insert(column, value);
    }
    all
}

impl<M: Entity> ModelQuery<M> {
    /// This query with `column = value` for each attribute (`IS NULL` for a NULL).
    fn matching(&self, attributes: &Record) -> Self {
        attributes.iter().fold(self.clone(), |q, (column, value)| match value {
            Value::Null => q.where_null(column),
            value => q.where_(column, value.clone()),
        })
    }

    /// The models whose primary keys are `ids` (Eloquent's `findMany`); no query for no key.
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get).
    pub async fn find_many<V: Into<Value>>(&self, ids: impl IntoIterator<Item = V>) -> Result<Vec<M>> {
        let ids: Vec<Value> = ids.into_iter().map(Into::into).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.clone().where_in(M::PRIMARY_KEY, ids).get().await
    }

    /// [`find_many`](ModelQuery::find_many), every key found.
    ///
    /// # Errors
    /// [`Error::ModelsNotFound`] listing the keys not found, in the order given; as
    /// [`get`](ModelQuery::get).
    pub async fn find_many_or_fail<V: Into<Value>>(&self, ids: impl IntoIterator<Item = V>) -> Result<Vec<M>> {
        let ids: Vec<Value> = ids.into_iter().map(Into::into).collect();
        let found = self.find_many(ids.clone()).await?;
        let keys: Vec<String> = found.iter().map(|m| m.key().to_string()).collect();
        let mut missing: Vec<String> = Vec::new();
        for id in ids.iter().map(Value::to_string) {
            if !keys.contains(&id) && !missing.contains(&id) {
                missing.push(id);
            }
        }
        if missing.is_empty() {
            Ok(found)
        } else {
            Err(Error::ModelsNotFound { model: M::NAME, missing })
        }
    }

    /// The one matching model (Eloquent's `sole`).
    ///
    /// # Errors
    /// [`Error::ModelNotFound`] for none; [`Error::MultipleRecordsFound`] with the number of
    /// matching rows for more than one; as [`get`](ModelQuery::get).
    pub async fn sole(&self) -> Result<M> {
        let mut found = self.clone().limit(2).get().await?;
        match found.len() {
            0 => Err(Error::ModelNotFound { model: M::NAME, key: None }),
            1 => Ok(found.remove(0)),
            _ => {
                let count = u64::try_from(self.clone().reorder().count().await?).unwrap_or(u64::MAX);
                Err(Error::MultipleRecordsFound { model: M::NAME, count })
            }
        }
    }

    /// Deletes the models whose keys are `ids`, each loaded and deleted in turn (soft-deleted
    /// on a soft-deleting model) with their events, as Eloquent's `destroy`; returns how many
    /// (one an observer cancels is not counted). No query for no key.
    ///
    /// # Errors
    /// As [`find_many`](ModelQuery::find_many) and [`Entity::delete`].
    pub async fn destroy<V: Into<Value>>(&self, ids: impl IntoIterator<Item = V>) -> Result<u64> {
        let mut count = 0;
        for mut model in self.find_many(ids).await? {
            match model.delete().await {
                Ok(()) => count += 1,
                // An observer kept this one: it is not counted, the others go on.
                Err(Error::EventCancelled { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(count)
    }
}

impl<M: Entity + Default> ModelQuery<M> {
    /// A new model (not saved) on this query's connection, filled from `attributes`.
    fn new_model(&self, attributes: Record) -> Result<M> {
        let mut model = M::default();
        model.state_mut().set_connection(self.connection());
        for (column, value) in self.attributes() {
            model.set_value(column, value.clone())?;
        }
        model.fill(attributes)?;
        Ok(model)
    }

    /// The model whose key is `id`, or a new one, not saved (Eloquent's `findOrNew`).
    ///
    /// # Errors
    /// As [`find`](ModelQuery::find).
    pub async fn find_or_new(&self, id: impl Into<Value>) -> Result<M> {
        match self.find(id).await? {
            Some(model) => Ok(model),
            None => self.new_model(Record::new()),
        }
    }

    /// The first model matching `attributes`, or a new one filled from `attributes` and
    /// `values`, not saved (Eloquent's `firstOrNew`).
    ///
    /// # Errors
    /// As [`first`](ModelQuery::first) and [`Entity::fill`].
    pub async fn first_or_new(&self, attributes: impl Into<Record>, values: impl Into<Record>) -> Result<M> {
        let attributes = attributes.into();
        match self.matching(&attributes).first().await? {
            Some(model) => Ok(model),
            None => self.new_model(merged(&attributes, values.into())),
        }
    }

    /// The first model matching `attributes`, or a new one from `attributes` and `values`,
    /// saved (Eloquent's `firstOrCreate`). The insert is [`create_or_first`](ModelQuery::create_or_first)'s:
    /// when another writer creates the row between the read and the insert, that row is
    /// returned.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::prelude::*;
    /// use bunary_orm::{DatabaseConfig, Db};
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "tags", timestamps = false)]
    /// struct Tag { id: i64, name: String, color: String, state: ModelState }
    ///
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT UNIQUE, color TEXT)", &[]).await?;
    /// let rust = Tag::on(&db).first_or_create(record! { "name" => "rust" }, record! { "color" => "orange" }).await?;
    /// let again = Tag::on(&db).first_or_create(record! { "name" => "rust" }, record! { "color" => "blue" }).await?;
    /// assert_eq!((again.id, again.color.as_str()), (rust.id, "orange"));
    /// let updated = Tag::on(&db).update_or_create(record! { "name" => "rust" }, record! { "color" => "red" }).await?;
    /// assert_eq!((updated.id, updated.color.as_str()), (rust.id, "red"));
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`create_or_first`](ModelQuery::create_or_first).
    pub async fn first_or_create(&self, attributes: impl Into<Record>, values: impl Into<Record>) -> Result<M> {
        let attributes = attributes.into();
        match self.matching(&attributes).first().await? {
            Some(model) => Ok(model),
            None => self.create_or_first(attributes, values).await,
        }
    }

    /// Creates a model from `attributes` and `values`; when a unique index refuses the row,
    /// returns the first model matching `attributes` instead (Eloquent's `createOrFirst`: for
    /// a table with a unique index on the attributes, safe against a concurrent create).
    /// Inside a transaction the insert runs in a savepoint, so that the refused insert leaves
    /// the transaction usable.
    ///
    /// # Errors
    /// As [`create`](ModelQuery::create); a unique violation with no matching row afterwards
    /// (the index is on other columns) is returned as it came.
    pub async fn create_or_first(&self, attributes: impl Into<Record>, values: impl Into<Record>) -> Result<M> {
        let attributes = attributes.into();
        let mut model = self.new_model(merged(&attributes, values.into()))?;
        let exec = self.connection().executor().await?;
        let created = if exec.is_transaction() {
            let query = self.clone();
            exec.transaction(|tx| {
                let query = query.on(&tx);
                async move {
                    query.save(&mut model).await?;
                    Ok(model)
                }
            })
            .await
            .map(|mut model| {
                model.state_mut().set_connection(self.connection());
                model
            })
        } else {
            self.save(&mut model).await.map(|()| model)
        };
        match created {
            Err(Error::Database { kind: DatabaseErrorKind::UniqueViolation, .. }) => {
                match self.matching(&attributes).first().await? {
                    Some(found) => Ok(found),
                    None => created,
                }
            }
            other => other,
        }
    }

    /// The first model matching `attributes` updated with `values`, or a new one from both,
    /// saved (Eloquent's `updateOrCreate`).
    ///
    /// # Errors
    /// As [`first_or_create`](ModelQuery::first_or_create) and [`Entity::save`].
    pub async fn update_or_create(&self, attributes: impl Into<Record>, values: impl Into<Record>) -> Result<M> {
        let (attributes, values) = (attributes.into(), values.into());
        match self.matching(&attributes).first().await? {
            Some(mut model) => {
                model.fill(values)?;
                model.save().await?;
                Ok(model)
            }
            None => self.create_or_first(attributes, values).await,
        }
    }
}
