//! The migrations repository and the migrator against a real database.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bunary_orm::migrations::{
    create_migrator, Migration, MigrationsRepository, Migrator, MigratorOptions, Rollback, SqlMigration,
};
use bunary_orm::schema::Schema;
use bunary_orm::{Db, Error, MigrationProblem, Result};

use super::Harness;

/// A portable Rust migration: creates (and drops) one table with the schema builder.
struct CreateTable {
    name: &'static str,
    table: &'static str,
    pause: Duration,
}

#[async_trait]
impl Migration for CreateTable {
    fn name(&self) -> &str {
        self.name
    }
    async fn up(&self, db: &Db) -> Result<()> {
        Schema::on(db)
            .create_table(self.table, |t| {
                t.id();
                t.string("name", 50);
            })
            .await?;
        tokio::time::sleep(self.pause).await;
        Ok(())
    }
    async fn down(&self, db: &Db) -> Result<()> {
        Schema::on(db).drop_table(self.table).await
    }
}

fn create(name: &'static str, table: &'static str) -> Arc<dyn Migration> {
    Arc::new(CreateTable { name, table, pause: Duration::ZERO })
}

fn migrator(db: &Db, migrations: Vec<Arc<dyn Migration>>) -> Migrator {
    create_migrator(MigratorOptions { migrations_path: None, db: Some(db.clone()), migrations, ..Default::default() })
        .unwrap()
}

fn names(runs: &[bunary_orm::migrations::MigrationRun]) -> Vec<&str> {
    runs.iter().map(|r| r.name.as_str()).collect()
}

pub async fn repository_records_batches_in_order(h: &Harness) -> Result<()> {
    let repo = MigrationsRepository::on(&h.db, "migrations")?;
    repo.ensure_table().await?;
    repo.ensure_table().await?; // twice is fine
    assert_eq!(repo.get_last_batch().await?, 0);
    assert_eq!(repo.get_next_batch_number().await?, 1);
    repo.log("20260101000000_b", 1).await?;
    repo.log("20260101000000_a", 1).await?;
    repo.log("20260102000000_c", 2).await?;
    let applied = repo.list_applied().await?;
    assert_eq!(
        applied.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        ["20260101000000_b", "20260101000000_a", "20260102000000_c"],
        "insertion order"
    );
    assert_eq!(repo.get_last_batch().await?, 2);
    assert_eq!(repo.get_next_batch_number().await?, 3);
    assert_eq!(repo.list_batch(1).await?.len(), 2);
    repo.delete_log("20260102000000_c").await?;
    assert!(matches!(repo.delete_log("20260102000000_c").await, Err(Error::NotFound { .. })));
    assert_eq!(repo.delete_batch(1).await?, 2);
    assert!(repo.list_applied().await?.is_empty());
    Ok(())
}

pub async fn the_table_name_is_honoured(h: &Harness) -> Result<()> {
    let m = create_migrator(MigratorOptions {
        migrations_path: None,
        table_name: "schema_history".into(),
        db: Some(h.db.clone()),
        migrations: vec![create("20260101000000_create_a", "a")],
        ..Default::default()
    })?;
    m.up().await?;
    let schema = Schema::on(&h.db);
    assert!(schema.has_table("schema_history").await?);
    assert!(!schema.has_table("migrations").await?);
    assert!(matches!(
        create_migrator(MigratorOptions { table_name: "bad name".into(), ..Default::default() }),
        Err(Error::InvalidIdentifier { .. })
    ));
    Ok(())
}

pub async fn up_runs_pending_migrations_as_one_batch(h: &Harness) -> Result<()> {
    let sql = Arc::new(SqlMigration::new(
        "20260101000002_create_c",
        "CREATE TABLE c (id INTEGER); INSERT INTO c (id) VALUES (1);",
        Some("DROP TABLE c;".into()),
    ));
    let first = migrator(
        &h.db,
        vec![create("20260101000001_create_b", "b"), create("20260101000000_create_a", "a"), sql.clone()],
    );
    let status = first.status().await?;
    assert!(status.iter().all(|s| !s.ran), "all pending before the first run");
    let ran = first.up().await?;
    assert_eq!(
        names(&ran),
        ["20260101000000_create_a", "20260101000001_create_b", "20260101000002_create_c"],
        "name order"
    );
    assert!(first.up().await?.is_empty(), "nothing pending the second time");
    let second = migrator(
        &h.db,
        vec![
            create("20260101000001_create_b", "b"),
            create("20260101000000_create_a", "a"),
            sql,
            create("20260101000003_create_d", "d"),
        ],
    );
    assert_eq!(names(&second.up().await?), ["20260101000003_create_d"]);
    let status = second.status().await?;
    assert_eq!(status.iter().map(|s| s.batch).collect::<Vec<_>>(), [Some(1), Some(1), Some(1), Some(2)]);
    assert_eq!(h.db.table("c").count().await?, 1);
    Ok(())
}

pub async fn down_rolls_back_whole_batches_newest_first(h: &Harness) -> Result<()> {
    let all = vec![
        create("20260101000000_create_a", "a"),
        create("20260101000001_create_b", "b"),
        create("20260101000002_create_c", "c"),
    ];
    migrator(&h.db, all[..1].to_vec()).up().await?;
    migrator(&h.db, all[..2].to_vec()).up().await?;
    let m = migrator(&h.db, all.clone());
    m.up().await?;
    let schema = Schema::on(&h.db);
    assert_eq!(names(&m.down(1).await?), ["20260101000002_create_c"]);
    assert!(!schema.has_table("c").await? && schema.has_table("b").await?);
    m.up().await?;
    let rolled = m.down(2).await?;
    assert_eq!(names(&rolled), ["20260101000002_create_c", "20260101000001_create_b"]);
    assert!(schema.has_table("a").await? && !schema.has_table("b").await?);
    assert_eq!(m.status().await?.iter().filter(|s| s.ran).count(), 1);
    Ok(())
}

pub async fn rollback_by_migrations_or_by_batch_and_up_step(h: &Harness) -> Result<()> {
    let all = vec![
        create("20260101000000_create_a", "a"),
        create("20260101000001_create_b", "b"),
        create("20260101000002_create_c", "c"),
        create("20260101000003_create_d", "d"),
        create("20260101000004_create_e", "e"),
    ];
    let m = migrator(&h.db, all.clone());
    let schema = Schema::on(&h.db);
    assert!(matches!(m.rollback(Rollback::Migrations(1)).await, Err(Error::NothingToRollback)));
    // Five migrations in one batch: two of them, not the batch (artisan's --step 2).
    m.up().await?;
    let two = m.rollback(Rollback::Migrations(2)).await?;
    assert_eq!(names(&two), ["20260101000004_create_e", "20260101000003_create_d"]);
    assert!(schema.has_table("c").await? && !schema.has_table("d").await?);
    // up_step: a batch per migration.
    let stepped = m.up_step().await?;
    assert_eq!(names(&stepped), ["20260101000003_create_d", "20260101000004_create_e"]);
    let batches: Vec<i64> = m.status().await?.iter().filter_map(|s| s.batch).collect();
    assert_eq!(batches, [1, 1, 1, 2, 3]);
    assert_eq!(names(&m.down(1).await?), ["20260101000004_create_e"], "a batch is one migration now");
    // One batch by number.
    assert_eq!(m.rollback(Rollback::Batch(1)).await?.len(), 3);
    assert!(matches!(m.rollback(Rollback::Batch(1)).await, Err(Error::NothingToRollback)));
    assert_eq!(m.status().await?.iter().filter(|s| s.ran).count(), 1);
    assert!(schema.has_table("d").await? && !schema.has_table("a").await?);
    // An applied migration whose source is gone cannot be rolled back: a typed problem.
    let without_d = migrator(&h.db, all[..3].to_vec());
    let gone = without_d.rollback(Rollback::Batches(1)).await;
    assert!(
        matches!(&gone, Err(Error::InvalidMigrations { problem: MigrationProblem::MissingSource { name } }) if name == "20260101000003_create_d"),
        "{gone:?}"
    );
    Ok(())
}

/// Fails after doing some work.
struct Broken;

#[async_trait]
impl Migration for Broken {
    fn name(&self) -> &str {
        "20260101000001_broken"
    }
    async fn up(&self, db: &Db) -> Result<()> {
        Schema::on(db)
            .create_table("half_done", |t| {
                t.id();
            })
            .await?;
        db.exec_batch("INSERT INTO no_such_table VALUES (1)").await
    }
    async fn down(&self, _db: &Db) -> Result<()> {
        Ok(())
    }
}

pub async fn a_failing_migration_is_named_and_leaves_no_trace(h: &Harness) -> Result<()> {
    let m = migrator(&h.db, vec![create("20260101000000_create_a", "a"), Arc::new(Broken)]);
    match m.up().await {
        Err(Error::Migration { name, source }) => {
            assert_eq!(name, "20260101000001_broken");
            assert!(matches!(*source, Error::Database { .. }), "{source}");
        }
        other => panic!("expected a migration error, got {other:?}"),
    }
    let schema = Schema::on(&h.db);
    if !h.dialect().capabilities().transactional_ddl {
        // MySQL commits DDL as it goes: the migration before the broken one stays, recorded.
        assert!(schema.has_table("a").await?);
        let applied = MigrationsRepository::on(&h.db, "migrations")?.list_applied().await?;
        assert_eq!(applied.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["20260101000000_create_a"]);
    } else {
        assert!(!schema.has_table("a").await?, "the first migration of the run is undone too");
        assert!(!schema.has_table("half_done").await?, "no partial change");
        let repo = MigrationsRepository::on(&h.db, "migrations")?;
        assert!(!repo.exists().await? || repo.list_applied().await?.is_empty(), "no log row");
    }
    Ok(())
}

pub async fn rollback_with_nothing_applied_is_a_typed_error(h: &Harness) -> Result<()> {
    let m = migrator(&h.db, vec![create("20260101000000_create_a", "a")]);
    assert!(matches!(m.down(1).await, Err(Error::NothingToRollback)));
    m.up().await?;
    m.down(1).await?;
    assert!(matches!(m.down(1).await, Err(Error::NothingToRollback)));
    Ok(())
}

pub async fn reset_refresh_and_fresh(h: &Harness) -> Result<()> {
    let all = vec![create("20260101000000_create_a", "a"), create("20260101000001_create_b", "b")];
    migrator(&h.db, all[..1].to_vec()).up().await?;
    let m = migrator(&h.db, all);
    m.up().await?;
    h.db.table("a").insert(bunary_orm::record! { "name" => "kept?" }).await?;
    let (down, up) = m.refresh().await?;
    assert_eq!(names(&down), ["20260101000001_create_b", "20260101000000_create_a"]);
    assert_eq!(up.len(), 2);
    assert_eq!(h.db.table("a").count().await?, 0, "refresh rebuilt the table");
    Schema::on(&h.db)
        .create_table("stray", |t| {
            t.id();
        })
        .await?;
    assert_eq!(m.fresh().await?.len(), 2);
    assert!(!Schema::on(&h.db).has_table("stray").await?, "fresh drops every table");
    assert_eq!(m.reset().await?.len(), 2);
    assert!(m.reset().await?.is_empty(), "reset with nothing applied is fine");
    Ok(())
}

pub async fn pretend_shows_the_sql_and_runs_nothing(h: &Harness) -> Result<()> {
    let m = migrator(&h.db, vec![create("20260101000000_create_a", "a")]);
    let plan = m.pretend_up().await?;
    assert_eq!(plan.len(), 1);
    assert!(plan[0].statements.iter().any(|s| s.starts_with("CREATE TABLE")), "{:?}", plan[0].statements);
    assert!(!Schema::on(&h.db).has_table("a").await?);
    assert!(!Schema::on(&h.db).has_table("migrations").await?);
    Ok(())
}

pub async fn two_migrators_at_once_apply_each_migration_once(h: &Harness) -> Result<()> {
    let slow = |name, table| -> Arc<dyn Migration> {
        Arc::new(CreateTable { name, table, pause: Duration::from_millis(100) })
    };
    let migrations = vec![slow("20260101000000_create_a", "a"), slow("20260101000001_create_b", "b")];
    let other = Db::connect(&h.config)?;
    let first = migrator(&h.db, migrations.clone());
    let second = migrator(&other, migrations);
    let (one, two) = tokio::join!(first.up(), second.up());
    let (one, two) = (one?, two?);
    assert_eq!(one.len() + two.len(), 2, "each migration ran exactly once: {:?} / {:?}", names(&one), names(&two));
    let applied = MigrationsRepository::on(&h.db, "migrations")?.list_applied().await?;
    assert_eq!(applied.len(), 2);
    other.close().await?;
    Ok(())
}

/// A migration that panics, or sleeps until its run is cancelled.
struct Misbehaving {
    name: &'static str,
    panics: bool,
}

#[async_trait]
impl Migration for Misbehaving {
    fn name(&self) -> &str {
        self.name
    }
    async fn up(&self, _db: &Db) -> Result<()> {
        if self.panics {
            panic!("a migration that panics");
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(())
    }
    async fn down(&self, _db: &Db) -> Result<()> {
        Ok(())
    }
}

fn impatient(db: &Db, migrations: Vec<Arc<dyn Migration>>) -> Migrator {
    waiting_at_most(db, migrations, Duration::from_secs(2))
}

fn waiting_at_most(db: &Db, migrations: Vec<Arc<dyn Migration>>, lock_timeout: Duration) -> Migrator {
    create_migrator(MigratorOptions {
        migrations_path: None,
        db: Some(db.clone()),
        migrations,
        lock_timeout,
        ..Default::default()
    })
    .unwrap()
}

pub async fn the_lock_is_let_go_after_a_panic_or_a_cancelled_run(h: &Harness) -> Result<()> {
    let panicking: Arc<dyn Migration> = Arc::new(Misbehaving { name: "20260101000000_panics", panics: true });
    let first = impatient(&h.db, vec![panicking]);
    let run = tokio::spawn(async move { first.up().await.map(|_| ()) });
    assert!(run.await.unwrap_err().is_panic());
    let ok = vec![create("20260101000001_create_a", "a")];
    let after_panic = impatient(&h.db, ok.clone()).up().await?;
    assert_eq!(names(&after_panic), ["20260101000001_create_a"], "the lock was free after the panic");

    let sleeping: Arc<dyn Migration> = Arc::new(Misbehaving { name: "20260101000002_sleeps", panics: false });
    let slow = impatient(&h.db, vec![sleeping]);
    assert!(tokio::time::timeout(Duration::from_millis(300), slow.up()).await.is_err(), "cancelled");
    let other = Db::connect(&h.config)?;
    let after_cancel = impatient(&other, vec![create("20260101000003_create_b", "b")]).up().await?;
    assert_eq!(names(&after_cancel), ["20260101000003_create_b"], "the lock was free after the cancelled run");
    other.close().await?;
    Ok(())
}

pub async fn a_held_lock_times_out_with_its_own_error(h: &Harness) -> Result<()> {
    if !h.dialect().capabilities().migration_lock {
        // No lock of their own: the schema transaction queues migrators, and two of them at
        // once both finish, the migration run once.
        let one = migrator(&h.db, vec![create("20260101000001_create_a", "a")]);
        let two = migrator(&h.db, vec![create("20260101000001_create_a", "a")]);
        let (first, second) = tokio::join!(one.up(), two.up());
        let mut ran = names(&first?).into_iter().map(str::to_owned).collect::<Vec<_>>();
        ran.extend(names(&second?).into_iter().map(str::to_owned));
        assert_eq!(ran, ["20260101000001_create_a"], "run once, by one of them");
        assert!(Schema::on(&h.db).has_table("a").await?);
        return Ok(());
    }
    let sleeping: Arc<dyn Migration> = Arc::new(Misbehaving { name: "20260101000000_sleeps", panics: false });
    let holder = impatient(&h.db, vec![sleeping]);
    let holding = tokio::spawn(async move { holder.up().await.map(|_| ()) });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let other = Db::connect(&h.config)?;
    let waiting = waiting_at_most(&other, vec![create("20260101000001_create_a", "a")], Duration::from_secs(1));
    let refused = waiting.up().await;
    assert!(matches!(refused, Err(Error::MigrationLockTimeout { .. })), "{refused:?}");
    assert!(!Schema::on(&other).has_table("a").await?, "nothing was run");
    holding.abort();
    let _ = holding.await;
    other.close().await?;
    Ok(())
}
