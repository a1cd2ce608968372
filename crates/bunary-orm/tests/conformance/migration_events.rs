//! Migrations from several folders, `should_run`, and migration events (issue 20), on each
//! database.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bunary_orm::migrations::{create_migrator, Migration, MigrationEvent, MigratorOptions};
use bunary_orm::schema::Schema;
use bunary_orm::{Db, Error, MigrationProblem, Result};

use super::Harness;

/// A migration that runs only when its switch is on.
struct WhenOn {
    on: Arc<Mutex<bool>>,
}

#[async_trait]
impl Migration for WhenOn {
    fn name(&self) -> &str {
        "20260101000005_when_on"
    }
    async fn up(&self, db: &Db) -> Result<()> {
        Schema::on(db)
            .create_table("e_optional", |t| {
                t.id();
            })
            .await
    }
    async fn down(&self, db: &Db) -> Result<()> {
        Schema::on(db).drop_table("e_optional").await
    }
    fn should_run(&self) -> bool {
        *self.on.lock().unwrap()
    }
}

fn write(dir: &std::path::Path, name: &str, up: &str, down: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("{name}.up.sql")), up).unwrap();
    std::fs::write(dir.join(format!("{name}.down.sql")), down).unwrap();
}

pub async fn folders_should_run_and_events(h: &Harness) -> Result<()> {
    let root = tempfile::tempdir().unwrap();
    let (app, billing) = (root.path().join("app"), root.path().join("billing"));
    write(&app, "20260101000001_e_a", "CREATE TABLE e_a (id INTEGER)", "DROP TABLE e_a");
    write(&billing, "20260101000002_e_b", "CREATE TABLE e_b (id INTEGER)", "DROP TABLE e_b");
    write(&app, "20260101000003_e_c", "CREATE TABLE e_c (id INTEGER)", "DROP TABLE e_c");
    let on = Arc::new(Mutex::new(false));
    let events = Arc::new(Mutex::new(Vec::new()));
    let make = |extra: Vec<std::path::PathBuf>| {
        let log = events.clone();
        create_migrator(MigratorOptions {
            migrations_path: Some(app.clone()),
            extra_paths: extra,
            db: Some(h.db.clone()),
            migrations: vec![Arc::new(WhenOn { on: on.clone() })],
            ..Default::default()
        })
        .map(|m| m.listen(move |e: &MigrationEvent| log.lock().unwrap().push(e.to_string())))
    };
    let migrator = make(vec![billing.clone()])?;
    let ran: Vec<String> = migrator.up().await?.into_iter().map(|r| r.name).collect();
    assert_eq!(ran, ["20260101000001_e_a", "20260101000002_e_b", "20260101000003_e_c"], "one order across folders");
    assert_eq!(
        events.lock().unwrap().as_slice(),
        [
            "migrations started (up)",
            "migration 20260101000001_e_a started (up)",
            "migration 20260101000001_e_a ended (up)",
            "migration 20260101000002_e_b started (up)",
            "migration 20260101000002_e_b ended (up)",
            "migration 20260101000003_e_c started (up)",
            "migration 20260101000003_e_c ended (up)",
            "migration 20260101000005_when_on skipped (up)",
            "migrations ended (up)",
        ]
    );
    let status = migrator.status().await?;
    assert!(!status.iter().find(|s| s.name == "20260101000005_when_on").unwrap().ran, "skipped: not recorded");
    assert!(!Schema::on(&h.db).has_table("e_optional").await?);
    // Switched on, it runs in the next batch.
    *on.lock().unwrap() = true;
    events.lock().unwrap().clear();
    assert_eq!(migrator.up().await?.len(), 1);
    assert!(Schema::on(&h.db).has_table("e_optional").await?);
    assert!(migrator.up().await?.is_empty());
    assert_eq!(events.lock().unwrap().last().map(String::as_str), Some("nothing to migrate (up)"));
    events.lock().unwrap().clear();
    migrator.down(1).await?;
    assert_eq!(
        events.lock().unwrap().as_slice(),
        [
            "migrations started (down)",
            "migration 20260101000005_when_on started (down)",
            "migration 20260101000005_when_on ended (down)",
            "migrations ended (down)",
        ]
    );
    // The same name in two folders: refused before anything runs.
    write(&billing, "20260101000001_e_a", "CREATE TABLE e_dup (id INTEGER)", "DROP TABLE e_dup");
    let duplicate = make(vec![billing.clone()])?.up().await;
    assert!(
        matches!(duplicate, Err(Error::InvalidMigrations { problem: MigrationProblem::DuplicateName { .. } })),
        "{duplicate:?}"
    );
    assert!(!Schema::on(&h.db).has_table("e_dup").await?);
    Ok(())
}

pub async fn checksums_catch_a_changed_migration(h: &Harness) -> Result<()> {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("m");
    write(&dir, "20260101000001_k_a", "CREATE TABLE k_a (id INTEGER);\n", "DROP TABLE k_a;\n");
    // A migrations table made before checksums were kept: the column is added, old rows kept.
    bunary_orm::migrations::MigrationsRepository::on(&h.db, "migrations")?.ensure_table().await?;
    Schema::on(&h.db).table("migrations", |t| t.drop_column("checksum")).await?;
    let make = |strict: bool| {
        create_migrator(MigratorOptions {
            migrations_path: Some(dir.clone()),
            db: Some(h.db.clone()),
            strict,
            ..Default::default()
        })
    };
    make(false)?.up().await?;
    assert!(Schema::on(&h.db).has_column("migrations", "checksum").await?);
    let changed = |s: &[bunary_orm::migrations::MigrationStatus]| {
        s.iter().filter(|m| m.changed).map(|m| m.name.clone()).collect::<Vec<_>>()
    };
    assert!(changed(&make(false)?.status().await?).is_empty());
    // The same file checked out with CRLF line endings: not a change.
    write(&dir, "20260101000001_k_a", "CREATE TABLE k_a (id INTEGER);\r\n", "DROP TABLE k_a;\r\n\r\n");
    assert!(changed(&make(false)?.status().await?).is_empty());
    // A real change, and a new pending migration.
    write(&dir, "20260101000001_k_a", "CREATE TABLE k_a (id BIGINT);\n", "DROP TABLE k_a;\n");
    write(&dir, "20260101000002_k_b", "CREATE TABLE k_b (id INTEGER);\n", "DROP TABLE k_b;\n");
    assert_eq!(changed(&make(false)?.status().await?), ["20260101000001_k_a"]);
    let strict = make(true)?.up().await;
    assert!(
        matches!(strict, Err(Error::InvalidMigrations { problem: MigrationProblem::ChangedSinceApplied { .. } })),
        "{strict:?}"
    );
    assert!(!Schema::on(&h.db).has_table("k_b").await?, "strict refused before running anything");
    let warned = Arc::new(Mutex::new(Vec::new()));
    let log = warned.clone();
    let lenient = make(false)?.listen(move |e| {
        if matches!(e, MigrationEvent::Changed { .. }) {
            log.lock().unwrap().push(e.to_string());
        }
    });
    assert_eq!(lenient.up().await?.len(), 1, "the pending one runs");
    assert_eq!(warned.lock().unwrap().as_slice(), ["migration 20260101000001_k_a changed since it ran"]);
    assert_eq!(make(false)?.accept_changes().await?, ["20260101000001_k_a"]);
    assert!(changed(&make(true)?.status().await?).is_empty());
    assert!(make(true)?.up().await?.is_empty(), "strict runs again once accepted");
    Ok(())
}

pub async fn refresh_by_steps_and_when_each_ran(h: &Harness) -> Result<()> {
    use bunary_orm::migrations::SqlMigration;
    let sql = |name: &str, table: &str| -> Arc<dyn Migration> {
        Arc::new(SqlMigration::new(
            name,
            format!("CREATE TABLE {table} (id INTEGER)"),
            Some(format!("DROP TABLE {table}")),
        ))
    };
    let migrator = create_migrator(MigratorOptions {
        migrations_path: None,
        db: Some(h.db.clone()),
        migrations: vec![
            sql("20260101000001_r_a", "r_a"),
            sql("20260101000002_r_b", "r_b"),
            sql("20260101000003_r_c", "r_c"),
        ],
        ..Default::default()
    })?;
    migrator.up().await?;
    let (down, up) = migrator.refresh_steps(2).await?;
    let names = |runs: &[bunary_orm::migrations::MigrationRun]| runs.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&down), ["20260101000003_r_c", "20260101000002_r_b"]);
    assert_eq!(names(&up), ["20260101000002_r_b", "20260101000003_r_c"]);
    let status = migrator.status().await?;
    assert_eq!(status.iter().map(|s| s.batch).collect::<Vec<_>>(), [Some(1), Some(2), Some(2)]);
    let now = chrono::Utc::now().naive_utc();
    assert!(status.iter().all(|s| s.applied_at.is_some_and(|at| (now - at).num_minutes().abs() < 10)), "{status:?}");
    Ok(())
}
