//! One function per command.

use std::sync::Arc;

use crate::connection::Db;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::migrations::creator::{create_migration_for, MigrationKind, TableIntent};
use crate::migrations::{create_migrator, Migration, MigrationRun, Migrator, MigratorOptions, Rollback};

use super::output::Printer;
use super::settings::Settings;

/// `migration:make <name> [--rust]`.
pub fn make(settings: &Settings, name: &str, rust: bool, intent: TableIntent, p: &mut Printer<'_>) -> Result<()> {
    let dialect = settings.orm_config().ok().map(|c| match c.database.driver.as_str() {
        "postgres" => Dialect::Postgres,
        "mysql" => Dialect::MySql,
        _ => Dialect::Sqlite,
    });
    let kind = if rust { MigrationKind::Rust } else { MigrationKind::Sql };
    let made = create_migration_for(
        &settings.migrations_path,
        name,
        kind,
        dialect.unwrap_or(Dialect::Sqlite),
        chrono::Utc::now(),
        intent,
    )?;
    p.info(&format!("Migration [{}] created successfully.", made.name)).map_err(Error::other)?;
    for file in &made.files {
        p.text(&format!("  {}", file.display())).map_err(Error::other)?;
    }
    Ok(())
}

/// Connects and builds the migrator.
pub async fn migrator(
    settings: &Settings,
    migrations: Vec<Arc<dyn Migration>>,
    strict: bool,
) -> Result<(Db, Migrator)> {
    let db = Db::connect(&settings.orm_config()?.database)?;
    let migrator = create_migrator(MigratorOptions {
        migrations_path: Some(settings.migrations_path.clone()),
        extra_paths: settings.extra_paths.clone(),
        strict,
        table_name: settings.migrations_table.clone(),
        db: Some(db.clone()),
        migrations,
        ..Default::default()
    })?;
    Ok((db, migrator))
}

fn print_runs(p: &mut Printer<'_>, runs: &[MigrationRun]) -> Result<()> {
    for run in runs {
        p.ran(&run.name, run.duration).map_err(Error::other)?;
    }
    p.blank().map_err(Error::other)
}

/// `migrate [--pretend] [--step]`.
pub async fn migrate(m: &Migrator, pretend: bool, step: bool, p: &mut Printer<'_>) -> Result<()> {
    if pretend {
        let plan = m.pretend_up().await?;
        if plan.is_empty() {
            return p.info("Nothing to migrate.").map_err(Error::other);
        }
        for migration in plan {
            p.line(&migration.name, "", "PRETEND", true).map_err(Error::other)?;
            for sql in migration.statements {
                p.text(&format!("    ⇂ {sql}")).map_err(Error::other)?;
            }
        }
        return p.blank().map_err(Error::other);
    }
    let status = m.status().await?;
    for changed in status.iter().filter(|s| s.changed) {
        p.line(&changed.name, "", "CHANGED since it ran (migrate:accept takes the change)", false)
            .map_err(Error::other)?;
    }
    if let (true, Some(changed)) = (m.is_strict(), status.iter().find(|s| s.changed)) {
        return Err(Error::InvalidMigrations {
            problem: crate::error::MigrationProblem::ChangedSinceApplied { name: changed.name.clone() },
        });
    }
    let pending = status.iter().any(|s| !s.ran);
    if !pending {
        p.info("Nothing to migrate.").map_err(Error::other)?;
        return missing_folders(m, p);
    }
    p.info("Running migrations.").map_err(Error::other)?;
    let runs = if step { m.up_step().await? } else { m.up().await? };
    print_runs(p, &runs)
}

/// Says which migrations folders do not exist: where a newcomer's "nothing to migrate" comes
/// from when the folder is elsewhere (or `--path` is mistyped).
fn missing_folders(m: &Migrator, p: &mut Printer<'_>) -> Result<()> {
    for folder in m.migrations_paths().filter(|f| !f.exists()) {
        p.text(&format!("  No migrations folder at {} (set --path or migrations_path).", folder.display()))
            .map_err(Error::other)?;
    }
    Ok(())
}

/// What artisan prints when there is nothing to roll back (and exits 0).
const NOTHING_TO_ROLLBACK: &str = "Nothing to rollback.";

/// `migrate:rollback [--step N | --batch N]`.
pub async fn rollback(m: &Migrator, what: Rollback, p: &mut Printer<'_>) -> Result<()> {
    match m.rollback(what).await {
        Err(Error::NothingToRollback) => p.info(NOTHING_TO_ROLLBACK).map_err(Error::other),
        Err(e) => Err(e),
        Ok(runs) => {
            p.info("Rolling back migrations.").map_err(Error::other)?;
            print_runs(p, &runs)
        }
    }
}

/// `migrate:status`.
pub async fn status(m: &Migrator, p: &mut Printer<'_>) -> Result<()> {
    let status = m.status().await?;
    if status.is_empty() {
        p.info("No migrations found.").map_err(Error::other)?;
        return missing_folders(m, p);
    }
    p.blank().map_err(Error::other)?;
    p.line("Migration name", "", "Batch / Status", true).map_err(Error::other)?;
    for s in status {
        match s.batch {
            Some(batch) if s.changed => p.line(&s.name, &format!("[{batch}]"), "Ran, changed since", false),
            Some(batch) => {
                let at = s.applied_at.map(|at| format!(" {}", at.format("%Y-%m-%d %H:%M:%S"))).unwrap_or_default();
                p.line(&s.name, &format!("[{batch}]"), &format!("Ran{at}"), true)
            }
            None => p.line(&s.name, "", "Pending", false),
        }
        .map_err(Error::other)?;
    }
    p.blank().map_err(Error::other)
}

/// `migrate:accept`.
pub async fn accept(m: &Migrator, p: &mut Printer<'_>) -> Result<()> {
    let accepted = m.accept_changes().await?;
    if accepted.is_empty() {
        return p.info("No applied migration has changed.").map_err(Error::other);
    }
    p.info("Accepted the changes to these migrations.").map_err(Error::other)?;
    for name in accepted {
        p.line(&name, "", "ACCEPTED", true).map_err(Error::other)?;
    }
    p.blank().map_err(Error::other)
}

/// `migrate:reset`.
pub async fn reset(m: &Migrator, p: &mut Printer<'_>) -> Result<()> {
    let runs = m.reset().await?;
    if runs.is_empty() {
        return p.info(NOTHING_TO_ROLLBACK).map_err(Error::other);
    }
    p.info("Rolling back all migrations.").map_err(Error::other)?;
    print_runs(p, &runs)
}

/// `migrate:refresh [--step N]`.
pub async fn refresh(m: &Migrator, step: Option<u32>, p: &mut Printer<'_>) -> Result<()> {
    let down = match step {
        Some(n) => {
            p.info(&format!("Rolling back the last {n} migration(s).")).map_err(Error::other)?;
            m.rollback(Rollback::Migrations(n)).await.or_else(|e| match e {
                Error::NothingToRollback => Ok(Vec::new()),
                e => Err(e),
            })?
        }
        None => {
            p.info("Rolling back all migrations.").map_err(Error::other)?;
            m.reset().await?
        }
    };
    print_runs(p, &down)?;
    p.info("Running migrations.").map_err(Error::other)?;
    let up = m.up().await?;
    print_runs(p, &up)
}

/// `migrate:fresh`.
pub async fn fresh(m: &Migrator, p: &mut Printer<'_>) -> Result<()> {
    p.info("Dropping all tables.").map_err(Error::other)?;
    p.info("Running migrations.").map_err(Error::other)?;
    let runs = m.fresh().await?;
    print_runs(p, &runs)
}

/// Refuses destructive commands in production without `--force`.
pub fn guard_production(force: bool) -> Result<()> {
    let env = std::env::var("BUNARY_ENV").or_else(|_| std::env::var("APP_ENV")).unwrap_or_default();
    if env.eq_ignore_ascii_case("production") && !force {
        return Err(Error::InvalidConfig { problem: crate::error::ConfigProblem::Production });
    }
    Ok(())
}
