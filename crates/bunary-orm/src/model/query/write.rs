//! A model query's writes: inserts (rows, or models in one statement), updates that set
//! `updated_at`, increments, upserts and `truncate`. Deletes and restores are soft deletes'
//! (`model/soft_deletes.rs`).

use crate::error::Result;
use crate::query::{OnConflict, Record};
use crate::value::Value;

use super::super::{persistence, timestamps, Entity};
use super::ModelQuery;

impl<M: Entity> ModelQuery<M> {
    /// Inserts one row (a [`Record`], no model made; see [`create`](ModelQuery::create) and
    /// [`Entity::save`] for models). Returns the number of rows inserted.
    ///
    /// # Errors
    /// As [`Builder::insert`](crate::Builder::insert).
    pub async fn insert(&self, record: Record) -> Result<u64> {
        self.get_query().insert(record).await
    }

    /// Inserts many rows in one statement.
    ///
    /// # Errors
    /// As [`Builder::insert_many`](crate::Builder::insert_many).
    pub async fn insert_many(&self, records: Vec<Record>) -> Result<u64> {
        self.get_query().insert_many(records).await
    }

    /// Inserts one row and returns its generated integer primary key.
    ///
    /// # Errors
    /// As [`Builder::insert_get_id`](crate::Builder::insert_get_id).
    pub async fn insert_get_id(&self, record: Record) -> Result<i64> {
        self.get_query().insert_get_id(record).await
    }

    /// Inserts new models in one statement, as Eloquent's `User::insert([...])` and Diesel's
    /// `insert_into(users).values(&rows)`: the models are consumed and their keys are not read
    /// back (use [`Entity::save`] or [`create`](ModelQuery::create) for that). As in `save`,
    /// timestamps are set and an empty UUID key gets a new UUIDv7; an empty auto-increment key
    /// is left to the database. Returns the number of rows inserted.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::prelude::*;
    /// use bunary_orm::{DatabaseConfig, Db};
    /// #[derive(Model, Debug, Clone, Default)]
    /// #[orm(table = "users", timestamps = false)]
    /// struct User { id: i64, name: String, state: ModelState }
    ///
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)", &[]).await?;
    /// let users = ["Ada", "Bob"].map(|name| User { name: name.into(), ..Default::default() });
    /// assert_eq!(User::on(&db).insert_models(users.to_vec()).await?, 2);
    /// assert_eq!(User::on(&db).count().await?, 2);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidQuery`](crate::Error::InvalidQuery) when some auto-increment keys are
    /// set and others are empty; the database's error (nothing is inserted then).
    pub async fn insert_models(&self, models: Vec<M>) -> Result<u64> {
        persistence::insert_models(self.get_query(), models).await
    }

    /// Updates the matching rows, and their `updated_at` when the model keeps timestamps
    /// (unless `record` sets it). Returns how many the database changed.
    ///
    /// # Errors
    /// As [`Builder::update`](crate::Builder::update).
    pub async fn update(&self, mut record: Record) -> Result<u64> {
        timestamps::touch_record::<M>(&mut record);
        self.scoped().update(record).await
    }

    /// `column = column + amount` on the matching rows (and `updated_at`).
    ///
    /// # Errors
    /// As [`Builder::increment`](crate::Builder::increment).
    pub async fn increment(&self, column: &str, amount: impl Into<Value>) -> Result<u64> {
        self.increment_with(column, amount, Record::new()).await
    }

    /// `column = column - amount` on the matching rows (and `updated_at`).
    ///
    /// # Errors
    /// As [`Builder::decrement`](crate::Builder::decrement).
    pub async fn decrement(&self, column: &str, amount: impl Into<Value>) -> Result<u64> {
        self.decrement_with(column, amount, Record::new()).await
    }

    /// Increments `column` and sets the columns of `extra` (and `updated_at`) in one statement.
    ///
    /// # Errors
    /// As [`Builder::increment_with`](crate::Builder::increment_with).
    pub async fn increment_with(&self, column: &str, amount: impl Into<Value>, mut extra: Record) -> Result<u64> {
        timestamps::touch_record::<M>(&mut extra);
        self.scoped().increment_with(column, amount, extra).await
    }

    /// Decrements `column` and sets the columns of `extra` (and `updated_at`) in one statement.
    ///
    /// # Errors
    /// As [`Builder::decrement_with`](crate::Builder::decrement_with).
    pub async fn decrement_with(&self, column: &str, amount: impl Into<Value>, mut extra: Record) -> Result<u64> {
        timestamps::touch_record::<M>(&mut extra);
        self.scoped().decrement_with(column, amount, extra).await
    }

    /// Inserts rows, updating those that conflict (see [`Builder::upsert`](crate::Builder::upsert)).
    ///
    /// # Errors
    /// As [`Builder::upsert`](crate::Builder::upsert).
    pub async fn upsert(
        &self,
        records: Vec<Record>,
        unique_by: impl crate::query::IntoColumns,
        on_conflict: impl Into<OnConflict>,
    ) -> Result<u64> {
        self.get_query().upsert(records, unique_by, on_conflict).await
    }

    /// Deletes every row of the table (trashed or not) and resets its key sequence.
    ///
    /// # Errors
    /// The database's error.
    pub async fn truncate(&self) -> Result<()> {
        self.get_query().truncate().await
    }
}

impl<M: Entity + Default> ModelQuery<M> {
    /// A new model filled from `attributes` (mass assignment) and saved on this query's
    /// connection: `User::on(&db).create(record! { … })`.
    ///
    /// # Errors
    /// As [`Entity::fill`] and [`Entity::save`].
    pub async fn create(&self, attributes: impl Into<Record>) -> Result<M> {
        let mut model = M::default();
        model.fill(attributes)?;
        self.save(&mut model).await?;
        Ok(model)
    }

    /// New models, one per record, each filled and saved as [`create`](ModelQuery::create)
    /// does (in order; the first error stops).
    ///
    /// # Errors
    /// As [`create`](ModelQuery::create).
    pub async fn create_many(&self, records: impl IntoIterator<Item = impl Into<Record>>) -> Result<Vec<M>> {
        let mut out = Vec::new();
        for record in records {
            out.push(self.create(record).await?);
        }
        Ok(out)
    }
}

impl<M: Entity> ModelQuery<M> {
    /// Saves `model` on this query's connection; through a relation (`user.posts().save(&mut
    /// post)`) it first gets the relation's foreign key, as in Eloquent.
    ///
    /// # Errors
    /// As [`Entity::save`]; [`Error::ColumnNotFound`](crate::Error::ColumnNotFound) for an
    /// attribute the model does not have.
    pub async fn save(&self, model: &mut M) -> Result<()> {
        self.get_query().check()?;
        if !model.exists() {
            model.state_mut().set_connection(self.connection());
        }
        for (column, value) in self.attributes() {
            model.set_value(column, value.clone())?;
        }
        model.save().await
    }

    /// [`save`](ModelQuery::save) for each model, in order.
    ///
    /// # Errors
    /// As [`save`](ModelQuery::save); the first error stops.
    pub async fn save_many<'m>(&self, models: impl IntoIterator<Item = &'m mut M>) -> Result<()>
    where
        M: 'm,
    {
        for model in models {
            self.save(model).await?;
        }
        Ok(())
    }
}
