//! [`MigrationsRepository`]: the table that records which migrations ran, in which batch.

use chrono::NaiveDateTime;

use crate::error::{Error, Result};
use crate::ident::Ident;
use crate::query::{Builder, Connection, Direction};
use crate::record;
use crate::schema::Schema;

/// One applied migration, as recorded.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AppliedMigration {
    /// The row id (insertion order).
    pub id: i64,
    /// The migration's name.
    pub name: String,
    /// The batch it ran in.
    pub batch: i64,
    /// When it ran (UTC).
    pub applied_at: NaiveDateTime,
    /// The migration's [`checksum`](super::Migration::checksum) when it ran (`None` for Rust
    /// migrations, and for rows recorded before checksums were kept).
    pub checksum: Option<String>,
}

/// The migrations table: `(id, name, batch, applied_at)`, named `migrations` unless told
/// otherwise (the seed accepted a name and ignored it; this one uses it).
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::{Db, DatabaseConfig, migrations::MigrationsRepository};
/// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
/// let repo = MigrationsRepository::on(&db, "migrations")?;
/// repo.ensure_table().await?;
/// repo.log("20260101000000_create_users", repo.get_next_batch_number().await?).await?;
/// assert_eq!(repo.list_applied().await?[0].batch, 1);
/// assert_eq!(repo.get_next_batch_number().await?, 2);
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct MigrationsRepository {
    table: String,
    connection: Connection,
}

impl MigrationsRepository {
    /// The repository on the global database, with the table `table`.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`] for a bad table name.
    pub fn new(table: &str) -> Result<Self> {
        Self::on(Connection::Global, table)
    }

    /// The repository on `connection` (a handle, a transaction or a named connection).
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`] for a bad table name.
    pub fn on(connection: impl Into<Connection>, table: &str) -> Result<Self> {
        Ident::new(table, "table")?;
        Ok(MigrationsRepository { table: table.to_owned(), connection: connection.into() })
    }

    /// The table's name.
    pub fn table_name(&self) -> &str {
        &self.table
    }

    fn query(&self) -> Builder {
        Builder::new(&self.table).on(self.connection.clone())
    }

    /// Creates the table when it is missing, and adds the `checksum` column to a table made
    /// before checksums were kept.
    ///
    /// # Errors
    /// The database's error.
    pub async fn ensure_table(&self) -> Result<()> {
        let schema = Schema::on(self.connection.clone());
        if schema.has_table(&self.table).await? {
            if !schema.has_column(&self.table, "checksum").await? {
                schema
                    .table(&self.table, |t| {
                        t.string("checksum", 64).nullable();
                    })
                    .await?;
            }
            return Ok(());
        }
        schema
            .create_table(&self.table, |t| {
                t.increments("id");
                t.string("name", 255).unique();
                t.integer("batch");
                t.timestamp("applied_at");
                t.string("checksum", 64).nullable();
            })
            .await
    }

    /// Whether the table exists.
    ///
    /// # Errors
    /// The database's error.
    pub async fn exists(&self) -> Result<bool> {
        Schema::on(self.connection.clone()).has_table(&self.table).await
    }

    /// Records that `name` ran in `batch`.
    ///
    /// # Errors
    /// The database's error (a name logged twice is a unique violation).
    pub async fn log(&self, name: &str, batch: i64) -> Result<()> {
        self.record(name, batch, None).await
    }

    /// Records that `name` ran in `batch`, with its checksum.
    ///
    /// # Errors
    /// As [`log`](Self::log).
    pub async fn record(&self, name: &str, batch: i64, checksum: Option<&str>) -> Result<()> {
        let mut row = record! { "name" => name, "batch" => batch, "applied_at" => crate::model::now().naive_utc() };
        if let Some(sum) = checksum {
            row.insert("checksum", sum);
        }
        self.query().insert(row).await.map(|_| ())
    }

    /// Records `checksum` as `name`'s (accepting a change to an applied migration).
    ///
    /// # Errors
    /// The database's error.
    pub async fn set_checksum(&self, name: &str, checksum: &str) -> Result<()> {
        self.query().where_("name", name).update(record! { "checksum" => checksum }).await.map(|_| ())
    }

    /// Every applied migration, in the order they ran.
    ///
    /// # Errors
    /// The database's error.
    pub async fn list_applied(&self) -> Result<Vec<AppliedMigration>> {
        let rows = self.query().order_by("id", Direction::Asc).get().await?;
        rows.into_iter()
            .map(|r| {
                Ok(AppliedMigration {
                    id: r.get("id")?,
                    name: r.get("name")?,
                    batch: r.get("batch")?,
                    applied_at: r.get("applied_at")?,
                    // A table made before checksums were kept has no such column.
                    checksum: r.get::<Option<String>>("checksum").ok().flatten(),
                })
            })
            .collect()
    }

    /// The last batch number, 0 when nothing ran.
    ///
    /// # Errors
    /// The database's error.
    pub async fn get_last_batch(&self) -> Result<i64> {
        Ok(self.query().max::<Option<i64>>("batch").await?.unwrap_or(0))
    }

    /// The number the next run's batch gets.
    ///
    /// # Errors
    /// The database's error.
    pub async fn get_next_batch_number(&self) -> Result<i64> {
        Ok(self.get_last_batch().await? + 1)
    }

    /// The migrations of one batch, in the order they ran.
    ///
    /// # Errors
    /// The database's error.
    pub async fn list_batch(&self, batch: i64) -> Result<Vec<AppliedMigration>> {
        Ok(self.list_applied().await?.into_iter().filter(|m| m.batch == batch).collect())
    }

    /// Forgets that `name` ran.
    ///
    /// # Errors
    /// [`Error::NotFound`] when it was not recorded.
    pub async fn delete_log(&self, name: &str) -> Result<()> {
        match self.query().where_("name", name).delete().await? {
            0 => Err(Error::NotFound { what: format!("migration {name} in {}", self.table) }),
            _ => Ok(()),
        }
    }

    /// Forgets every migration of `batch`. Returns how many.
    ///
    /// # Errors
    /// The database's error.
    pub async fn delete_batch(&self, batch: i64) -> Result<u64> {
        self.query().where_("batch", batch).delete().await
    }
}
