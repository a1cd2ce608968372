//! [`Migrator`]: status, up, down, reset, refresh, fresh and pretend, under a lock.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::connection::cache::get_driver;
use crate::connection::Db;
use crate::error::{Error, MigrationProblem, Result};
use crate::schema::Schema;

use super::checksums::changed_since_applied;
use super::events::{Direction, Listener, MigrationEvent};
use super::lock;
use super::repository::MigrationsRepository;
use super::source::{discover_sql, is_migration_name, Migration};
use crate::connection::pretend::RecordingDriver;

/// How to build a [`Migrator`] ([`create_migrator`]).
#[derive(Clone)]
pub struct MigratorOptions {
    /// The folder of SQL migrations; relative paths are resolved against the current
    /// directory once, when the migrator is created. `None`: no SQL files.
    pub migrations_path: Option<PathBuf>,
    /// The migrations table (default `migrations`).
    pub table_name: String,
    /// The database (default: the global one).
    pub db: Option<Db>,
    /// Rust migrations compiled into the application.
    pub migrations: Vec<Arc<dyn Migration>>,
    /// How long a MySQL migrator waits for another one to finish (default 60 s).
    pub lock_timeout: Duration,
    /// More folders of SQL migrations (Laravel's `--path` given again, `loadMigrationsFrom`):
    /// their migrations and those of `migrations_path` are sorted into one list by name; a
    /// name found twice is [`MigrationProblem::DuplicateName`].
    pub extra_paths: Vec<PathBuf>,
    /// Refuse to migrate while an applied migration's file differs from what ran
    /// ([`MigrationProblem::ChangedSinceApplied`]); otherwise each such migration is a
    /// [`MigrationEvent::Changed`] warning.
    pub strict: bool,
}

impl Default for MigratorOptions {
    fn default() -> Self {
        MigratorOptions {
            migrations_path: Some(PathBuf::from("migrations")),
            table_name: "migrations".to_owned(),
            db: None,
            migrations: Vec::new(),
            lock_timeout: Duration::from_secs(60),
            extra_paths: Vec::new(),
            strict: false,
        }
    }
}

/// One migration's place in [`Migrator::status`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MigrationStatus {
    /// The name.
    pub name: String,
    /// The batch it ran in, when it ran.
    pub batch: Option<i64>,
    /// Whether it ran.
    pub ran: bool,
    /// It ran, and its file has changed since (its checksum differs from the recorded one).
    pub changed: bool,
    /// When it ran (UTC).
    pub applied_at: Option<chrono::NaiveDateTime>,
}

/// A migration that ran (up or down) and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationRun {
    /// The name.
    pub name: String,
    /// How long it took.
    pub duration: Duration,
}

/// What `--pretend` shows: a pending migration and the statements it would run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PretendedMigration {
    /// The name.
    pub name: String,
    /// The SQL it would run, in order.
    pub statements: Vec<String>,
}

/// Runs migrations. Built by [`create_migrator`].
///
/// What [`Migrator::rollback`] rolls back, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollback {
    /// The last N batches (at least one): the seed's `down(n)`.
    Batches(u32),
    /// The last N migrations (at least one), whatever their batches: artisan's
    /// `migrate:rollback --step N`.
    Migrations(u32),
    /// Every migration of this batch: artisan's `--batch N`.
    Batch(i64),
}

/// Each `up`/`down` run holds a lock, so two migrators started at once apply every migration
/// exactly once: the write transaction on SQLite, `pg_advisory_xact_lock` on PostgreSQL,
/// `GET_LOCK` on MySQL. On SQLite and PostgreSQL a run is one transaction: a failing migration
/// leaves no table, no partial change and no log row (on SQLite foreign keys are checked once,
/// before the commit, so that table rebuilds are safe). MySQL commits DDL as it goes, so there
/// each migration is recorded as soon as it succeeds, and a failure keeps the ones before it.
pub struct Migrator {
    path: Option<PathBuf>,
    extra_paths: Vec<PathBuf>,
    listeners: Vec<Listener>,
    strict: bool,
    table: String,
    db: Option<Db>,
    registered: Vec<Arc<dyn Migration>>,
    lock_timeout: Duration,
}

/// Builds a migrator.
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::migrations::{create_migrator, MigratorOptions, SqlMigration};
/// use bunary_orm::{Db, DatabaseConfig};
/// use std::sync::Arc;
///
/// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
/// let users = SqlMigration::new("20260101000000_create_users_table",
///     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", Some("DROP TABLE users".into()));
/// let migrator = create_migrator(MigratorOptions {
///     migrations_path: None,
///     db: Some(db.clone()),
///     migrations: vec![Arc::new(users)],
///     ..Default::default()
/// })?;
/// assert_eq!(migrator.up().await?.len(), 1);
/// assert!(migrator.status().await?[0].ran);
/// migrator.down(1).await?;
/// assert!(migrator.down(1).await.is_err()); // nothing to roll back
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
///
/// # Errors
/// [`Error::InvalidIdentifier`] for a bad table name; [`Error::Other`] when the current
/// directory cannot be read to resolve a relative path.
pub fn create_migrator(options: MigratorOptions) -> Result<Migrator> {
    crate::ident::Ident::new(&options.table_name, "table")?;
    let path = options.migrations_path.map(|p| std::path::absolute(&p).map_err(Error::other)).transpose()?;
    let extra_paths =
        options.extra_paths.iter().map(|p| std::path::absolute(p).map_err(Error::other)).collect::<Result<_>>()?;
    Ok(Migrator {
        path,
        extra_paths,
        listeners: Vec::new(),
        strict: options.strict,
        table: options.table_name,
        db: options.db,
        registered: options.migrations,
        lock_timeout: options.lock_timeout,
    })
}

impl Migrator {
    /// The folder of SQL migrations (absolute).
    pub fn migrations_path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// Every folder of SQL migrations (absolute), the first one first.
    pub fn migrations_paths(&self) -> impl Iterator<Item = &std::path::Path> {
        self.path.iter().chain(&self.extra_paths).map(PathBuf::as_path)
    }

    /// Whether it refuses to migrate while an applied migration has changed
    /// ([`MigratorOptions::strict`]).
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// Calls `listener` with each [`MigrationEvent`] of this migrator's runs (Laravel's
    /// migration events), besides the `tracing` events at target `bunary_orm::migrations`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::migrations::{create_migrator, MigrationEvent, MigratorOptions, SqlMigration};
    /// use std::sync::{Arc, Mutex};
    /// let db = bunary_orm::Db::connect(&bunary_orm::DatabaseConfig::sqlite(":memory:"))?;
    /// let users = SqlMigration::new("20260101000000_users", "CREATE TABLE users (id INTEGER)", None);
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = seen.clone();
    /// let migrator = create_migrator(MigratorOptions {
    ///     migrations_path: None, db: Some(db), migrations: vec![Arc::new(users)], ..Default::default()
    /// })?
    /// .listen(move |e| log.lock().unwrap().push(e.to_string()));
    /// migrator.up().await?;
    /// assert_eq!(seen.lock().unwrap().as_slice(), [
    ///     "migrations started (up)", "migration 20260101000000_users started (up)",
    ///     "migration 20260101000000_users ended (up)", "migrations ended (up)",
    /// ]);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn listen(mut self, listener: impl Fn(&MigrationEvent) + Send + Sync + 'static) -> Self {
        self.listeners.push(Arc::new(listener));
        self
    }

    fn fire(&self, event: MigrationEvent) {
        super::events::trace(&event);
        for listener in &self.listeners {
            listener(&event);
        }
    }

    pub(super) async fn db(&self) -> Result<Db> {
        match &self.db {
            Some(db) => Ok(db.clone()),
            None => get_driver().await,
        }
    }

    pub(super) fn repository(&self, db: &Db) -> Result<MigrationsRepository> {
        MigrationsRepository::on(db, &self.table)
    }

    /// Every known migration (SQL files and Rust ones), sorted by name.
    ///
    /// # Errors
    /// [`Error::InvalidMigrations`] for a bad file or name, or a name used twice.
    pub fn migrations(&self) -> Result<Vec<Arc<dyn Migration>>> {
        let mut all = Vec::new();
        for path in self.path.iter().chain(&self.extra_paths) {
            all.extend(discover_sql(path)?);
        }
        all.extend(self.registered.iter().cloned());
        all.sort_by(|a, b| a.name().cmp(b.name()));
        for pair in all.windows(2) {
            if pair[0].name() == pair[1].name() {
                return Err(Error::InvalidMigrations {
                    problem: MigrationProblem::DuplicateName { name: pair[0].name().to_owned() },
                });
            }
        }
        if let Some(bad) = all.iter().find(|m| !is_migration_name(m.name())) {
            return Err(Error::InvalidMigrations {
                problem: MigrationProblem::BadName { name: bad.name().to_owned() },
            });
        }
        Ok(all)
    }

    /// Runs `f` under the migration lock (and, on SQLite and PostgreSQL, in one transaction).
    ///
    /// The lock is let go on every path (see `lock::run_locked`).
    pub(super) async fn locked<T, F, Fut>(&self, db: &Db, f: F) -> Result<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let table = self.table.clone();
        let timeout = self.lock_timeout;
        db.schema_transaction(|tx| async move { lock::run_locked(&tx, &table, timeout, f).await }).await
    }

    /// Where DDL cannot roll back (MySQL), each migration's work and its log row are committed
    /// as soon as it succeeds, so that a later failure keeps it recorded.
    pub(super) async fn commit_each(&self, db: &Db) -> Result<()> {
        if db.dialect().capabilities().transactional_ddl {
            return Ok(());
        }
        db.exec_batch(&crate::schema::grammar::schema_grammar_for(db.dialect()).compile_commit().sql).await
    }

    /// Each known migration, ran or pending, with its batch; then applied migrations whose
    /// source is gone.
    ///
    /// # Errors
    /// As [`Migrator::migrations`]; the database's error.
    pub async fn status(&self) -> Result<Vec<MigrationStatus>> {
        let db = self.db().await?;
        let repo = self.repository(&db)?;
        let applied = if repo.exists().await? { repo.list_applied().await? } else { Vec::new() };
        let batches: HashMap<&str, (i64, chrono::NaiveDateTime)> =
            applied.iter().map(|m| (m.name.as_str(), (m.batch, m.applied_at))).collect();
        let migrations = self.migrations()?;
        let changed = changed_since_applied(&migrations, &applied);
        let known: HashSet<&str> = migrations.iter().map(|m| m.name()).collect();
        let mut out: Vec<MigrationStatus> = migrations
            .iter()
            .map(|m| {
                let ran = batches.get(m.name()).copied();
                let changed = changed.iter().any(|(n, _)| n == m.name());
                MigrationStatus {
                    name: m.name().to_owned(),
                    batch: ran.map(|(b, _)| b),
                    ran: ran.is_some(),
                    changed,
                    applied_at: ran.map(|(_, at)| at),
                }
            })
            .collect();
        out.extend(applied.iter().filter(|m| !known.contains(m.name.as_str())).map(|m| MigrationStatus {
            name: m.name.clone(),
            batch: Some(m.batch),
            ran: true,
            changed: false,
            applied_at: Some(m.applied_at),
        }));
        Ok(out)
    }

    /// Applies every pending migration, in name order, as one new batch.
    ///
    /// # Errors
    /// [`Error::Migration`] naming the migration that failed; [`Error::InvalidMigrations`].
    pub async fn up(&self) -> Result<Vec<MigrationRun>> {
        self.run_up(false).await
    }

    /// Applies every pending migration, each as a batch of its own, so that a rollback undoes
    /// one migration at a time (artisan's `migrate --step`).
    ///
    /// # Errors
    /// As [`up`](Migrator::up).
    pub async fn up_step(&self) -> Result<Vec<MigrationRun>> {
        self.run_up(true).await
    }

    async fn run_up(&self, batch_each: bool) -> Result<Vec<MigrationRun>> {
        let migrations = self.migrations()?;
        let db = self.db().await?;
        let repo = self.repository(&db)?;
        self.locked(&db, || async {
            repo.ensure_table().await?;
            let records = repo.list_applied().await?;
            for (name, _) in changed_since_applied(&migrations, &records) {
                if self.strict {
                    return Err(Error::InvalidMigrations { problem: MigrationProblem::ChangedSinceApplied { name } });
                }
                self.fire(MigrationEvent::Changed { name });
            }
            let applied: HashSet<String> = records.into_iter().map(|m| m.name).collect();
            let pending: Vec<_> = migrations.iter().filter(|m| !applied.contains(m.name())).collect();
            if pending.is_empty() {
                self.fire(MigrationEvent::NothingPending { direction: Direction::Up });
                return Ok(Vec::new());
            }
            let mut batch = repo.get_next_batch_number().await?;
            self.in_run(Direction::Up, false, async {
                let mut runs = Vec::new();
                for migration in pending {
                    let name = migration.name();
                    if !migration.should_run() {
                        self.fire(MigrationEvent::Skipped { name: name.to_owned(), direction: Direction::Up });
                        continue;
                    }
                    let run = self.timed(name, Direction::Up, false, async {
                        migration.up(&db).await.map_err(|e| failed(name, e))?;
                        repo.record(name, batch, migration.checksum().as_deref()).await?;
                        self.commit_each(&db).await
                    });
                    runs.push(run.await?);
                    if batch_each {
                        batch += 1;
                    }
                }
                Ok(runs)
            })
            .await
        })
        .await
    }

    /// Rolls back the last `steps` batches (at least one), newest first, each batch's
    /// migrations in reverse order (the seed's `down`; see [`rollback`](Migrator::rollback)
    /// for the other ways to choose).
    ///
    /// # Errors
    /// [`Error::NothingToRollback`] when no migration ran; [`Error::Migration`] naming the
    /// migration whose `down` failed; [`Error::InvalidMigrations`] when an applied migration's
    /// source is gone.
    pub async fn down(&self, steps: u32) -> Result<Vec<MigrationRun>> {
        self.rollback(Rollback::Batches(steps)).await
    }

    /// Rolls back what `what` chooses, newest first: the last batches, the last migrations
    /// (artisan's `migrate:rollback --step N`), or one batch (`--batch N`).
    ///
    /// # Errors
    /// As [`down`](Migrator::down); [`Error::NothingToRollback`] too when the chosen batch
    /// holds no migration.
    pub async fn rollback(&self, what: Rollback) -> Result<Vec<MigrationRun>> {
        let migrations = self.migrations()?;
        let db = self.db().await?;
        let repo = self.repository(&db)?;
        self.locked(&db, || async {
            if !repo.exists().await? {
                return Err(Error::NothingToRollback);
            }
            // Applied in order: newest batch last, a batch's migrations in the order they ran.
            let applied = repo.list_applied().await?;
            let chosen: Vec<_> = match what {
                Rollback::Batches(steps) => {
                    let mut batches: Vec<i64> = applied.iter().map(|m| m.batch).collect();
                    batches.sort_unstable();
                    batches.dedup();
                    let keep = batches.len().saturating_sub(steps.max(1) as usize);
                    let from = batches.get(keep).copied().unwrap_or(i64::MAX);
                    applied.iter().rev().filter(|m| m.batch >= from).collect()
                }
                Rollback::Migrations(n) => applied.iter().rev().take(n.max(1) as usize).collect(),
                Rollback::Batch(batch) => applied.iter().rev().filter(|m| m.batch == batch).collect(),
            };
            if chosen.is_empty() {
                return Err(Error::NothingToRollback);
            }
            let by_name: HashMap<&str, &Arc<dyn Migration>> = migrations.iter().map(|m| (m.name(), m)).collect();
            self.in_run(Direction::Down, false, async {
                let mut runs = Vec::new();
                for record in chosen {
                    let name = record.name.as_str();
                    let migration = by_name.get(name).ok_or_else(|| Error::InvalidMigrations {
                        problem: MigrationProblem::MissingSource { name: name.to_owned() },
                    })?;
                    let run = self.timed(name, Direction::Down, false, async {
                        migration.down(&db).await.map_err(|e| failed(name, e))?;
                        repo.delete_log(name).await?;
                        self.commit_each(&db).await
                    });
                    runs.push(run.await?);
                }
                Ok(runs)
            })
            .await
        })
        .await
    }

    /// Rolls back every batch. Nothing applied is not an error here.
    ///
    /// # Errors
    /// As [`Migrator::down`].
    pub async fn reset(&self) -> Result<Vec<MigrationRun>> {
        match self.down(u32::MAX).await {
            Err(Error::NothingToRollback) => Ok(Vec::new()),
            other => other,
        }
    }

    /// [`reset`](Migrator::reset), then [`up`](Migrator::up).
    ///
    /// # Errors
    /// As both.
    pub async fn refresh(&self) -> Result<(Vec<MigrationRun>, Vec<MigrationRun>)> {
        let down = self.reset().await?;
        let up = self.up().await?;
        Ok((down, up))
    }

    /// Rolls back the last `steps` migrations (at least one), then runs what is pending
    /// (artisan's `migrate:refresh --step N`). Nothing applied is not an error.
    ///
    /// # Errors
    /// As [`rollback`](Migrator::rollback) and [`up`](Migrator::up).
    pub async fn refresh_steps(&self, steps: u32) -> Result<(Vec<MigrationRun>, Vec<MigrationRun>)> {
        let down = match self.rollback(Rollback::Migrations(steps)).await {
            Err(Error::NothingToRollback) => Vec::new(),
            other => other?,
        };
        let up = self.up().await?;
        Ok((down, up))
    }

    /// Drops every table (the migrations table too), then [`up`](Migrator::up).
    ///
    /// # Errors
    /// As [`up`](Migrator::up); the database's error while dropping.
    pub async fn fresh(&self) -> Result<Vec<MigrationRun>> {
        self.migrations()?;
        let db = self.db().await?;
        Schema::on(&db).drop_all_tables().await?;
        self.up().await
    }

    /// The statements each pending migration would run, without running anything.
    ///
    /// # Errors
    /// As [`Migrator::migrations`]; a Rust migration's own error.
    pub async fn pretend_up(&self) -> Result<Vec<PretendedMigration>> {
        let migrations = self.migrations()?;
        let db = self.db().await?;
        let repo = self.repository(&db)?;
        let applied: HashSet<String> = if repo.exists().await? {
            repo.list_applied().await?.into_iter().map(|m| m.name).collect()
        } else {
            HashSet::new()
        };
        let recorder = RecordingDriver::new(db.dialect());
        let pretend = Db::from_driver(Arc::new(recorder.clone()));
        self.in_run(Direction::Up, true, async {
            let mut out = Vec::new();
            for migration in migrations.iter().filter(|m| !applied.contains(m.name())) {
                let name = migration.name();
                if !migration.should_run() {
                    self.fire(MigrationEvent::Skipped { name: name.to_owned(), direction: Direction::Up });
                    continue;
                }
                let run = self.timed(name, Direction::Up, true, async {
                    migration.up(&pretend).await.map_err(|e| failed(name, e))
                });
                run.await?;
                out.push(PretendedMigration { name: name.to_owned(), statements: recorder.take() });
            }
            Ok(out)
        })
        .await
    }

    /// `work`, a run going `direction`, between its `RunStarted` and `RunEnded` events (no
    /// `RunEnded` when it fails).
    async fn in_run<T>(&self, direction: Direction, pretend: bool, work: impl Future<Output = Result<T>>) -> Result<T> {
        let started = Instant::now();
        self.fire(MigrationEvent::RunStarted { direction, pretend });
        let out = work.await?;
        self.fire(MigrationEvent::RunEnded { direction, pretend, duration: started.elapsed() });
        Ok(out)
    }

    /// `work`, one migration going `direction`, between its `Started` and `Ended` events, timed.
    async fn timed(
        &self,
        name: &str,
        direction: Direction,
        pretend: bool,
        work: impl Future<Output = Result<()>>,
    ) -> Result<MigrationRun> {
        let started = Instant::now();
        self.fire(MigrationEvent::Started { name: name.to_owned(), direction, pretend });
        work.await?;
        let duration = started.elapsed();
        self.fire(MigrationEvent::Ended { name: name.to_owned(), direction, pretend, duration });
        Ok(MigrationRun { name: name.to_owned(), duration })
    }
}

/// A migration's own error, named.
fn failed(name: &str, error: Error) -> Error {
    Error::Migration { name: name.to_owned(), source: Box::new(error) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_path_is_resolved_against_the_current_directory_once() {
        let m =
            create_migrator(MigratorOptions { migrations_path: Some("db/migrations".into()), ..Default::default() })
                .unwrap();
        let expected = std::env::current_dir().unwrap().join("db/migrations");
        assert_eq!(m.migrations_path(), Some(expected.as_path()));
        let absolute = create_migrator(MigratorOptions {
            migrations_path: Some("/srv/app/migrations".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(absolute.migrations_path(), Some(std::path::Path::new("/srv/app/migrations")));
    }

    #[test]
    fn registered_migrations_need_timestamped_unique_names() {
        let bad = super::super::SqlMigration::new("create_users", "", None);
        let m = create_migrator(MigratorOptions {
            migrations_path: None,
            migrations: vec![Arc::new(bad)],
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(m.migrations(), Err(Error::InvalidMigrations { problem: MigrationProblem::BadName { .. } })));
        let a = super::super::SqlMigration::new("20260101000000_a", "", None);
        let m = create_migrator(MigratorOptions {
            migrations_path: None,
            migrations: vec![Arc::new(a.clone()), Arc::new(a)],
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(
            m.migrations(),
            Err(Error::InvalidMigrations { problem: MigrationProblem::DuplicateName { .. } })
        ));
    }
}
