//! The migration command line (feature `cli`): what the `bunary` binary runs, and what an
//! application's own binary runs to apply its Rust migrations.
//!
//! ```no_run
//! // src/bin/migrate.rs of an application with Rust migrations:
//! use std::sync::Arc;
//! # struct CreateUsersTable;
//! # #[async_trait::async_trait]
//! # impl bunary_orm::migrations::Migration for CreateUsersTable {
//! #     fn name(&self) -> &str { "20260101000000_create_users_table" }
//! #     async fn up(&self, _db: &bunary_orm::Db) -> bunary_orm::Result<()> { Ok(()) }
//! #     async fn down(&self, _db: &bunary_orm::Db) -> bunary_orm::Result<()> { Ok(()) }
//! # }
//!
//! #[tokio::main]
//! async fn main() -> std::process::ExitCode {
//!     bunary_orm::cli::run_from_env(vec![Arc::new(CreateUsersTable)]).await
//! }
//! ```
//! Then `cargo run --bin migrate -- migrate`, or `bunary --app "cargo run -q --bin migrate --" migrate`.

mod commands;
pub mod output;
pub mod settings;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::migrations::{Migration, Rollback};

use self::output::Printer;
use self::settings::Settings;

/// bunary: migrations for bunary-orm, in the spirit of `artisan migrate`.
#[derive(Debug, Parser)]
#[command(name = "bunary", version, about)]
pub struct Args {
    /// The database URL (else DATABASE_URL, else database_url in bunary.toml).
    #[arg(long, global = true, value_name = "URL")]
    database: Option<String>,
    /// The folder of SQL migrations (default: ./migrations); give it again for more folders,
    /// whose migrations run in one order by name (`migration:make` writes to the first).
    #[arg(long, global = true, value_name = "DIR")]
    path: Vec<PathBuf>,
    /// The migrations table (default: migrations).
    #[arg(long, global = true, value_name = "NAME")]
    table: Option<String>,
    /// Run this command line instead, with the same arguments: an application binary that
    /// embeds bunary_orm::cli with its Rust migrations.
    #[arg(long, global = true, value_name = "COMMAND")]
    app: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a migration: <YYYYMMDDHHMMSS>_<name>.up.sql / .down.sql (or .rs with --rust).
    #[command(name = "migration:make", alias = "make:migration")]
    MigrationMake {
        /// snake_case name, e.g. create_users_table or add_phone_to_users.
        name: String,
        /// Write a Rust migration (schema builder) instead of SQL files.
        #[arg(long)]
        rust: bool,
        /// The table the migration creates (instead of guessing it from the name).
        #[arg(long, conflicts_with = "table", value_name = "TABLE")]
        create: Option<String>,
        /// The table the migration changes (instead of guessing it from the name).
        #[arg(long, value_name = "TABLE")]
        table: Option<String>,
    },
    /// Run the pending migrations.
    #[command(name = "migrate")]
    Migrate {
        /// Print the SQL instead of running it.
        #[arg(long)]
        pretend: bool,
        /// Give each migration a batch of its own, so that a rollback undoes one at a time.
        #[arg(long)]
        step: bool,
        /// Run even when the environment is production.
        #[arg(long)]
        force: bool,
        /// Refuse to run while an applied migration's file has changed since it ran.
        #[arg(long)]
        strict: bool,
    },
    /// Take the changes to applied migrations' files as what ran (records their checksums).
    #[command(name = "migrate:accept")]
    Accept {
        /// Run even when the environment is production.
        #[arg(long)]
        force: bool,
    },
    /// Roll back the last batch (or the last N migrations with --step N, or batch N with --batch N).
    #[command(name = "migrate:rollback")]
    Rollback {
        /// How many migrations (not batches) to roll back, newest first, as artisan's --step.
        #[arg(long, conflicts_with = "batch", value_parser = clap::value_parser!(u32).range(1..))]
        step: Option<u32>,
        /// Roll back this batch only.
        #[arg(long)]
        batch: Option<i64>,
        /// Run even when the environment is production.
        #[arg(long)]
        force: bool,
    },
    /// Show each migration, ran or pending.
    #[command(name = "migrate:status")]
    Status,
    /// Roll back every migration.
    #[command(name = "migrate:reset")]
    Reset {
        /// Run even when the environment is production.
        #[arg(long)]
        force: bool,
    },
    /// Roll back every migration (or the last N with --step N), then run them all.
    #[command(name = "migrate:refresh")]
    Refresh {
        /// Roll back only the last N migrations before running them again.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        step: Option<u32>,
        /// Run even when the environment is production.
        #[arg(long)]
        force: bool,
    },
    /// Drop every table, then run every migration.
    #[command(name = "migrate:fresh")]
    Fresh {
        /// Run even when the environment is production.
        #[arg(long)]
        force: bool,
    },
}

/// Parses the process's arguments and runs the command with `migrations` (Rust migrations
/// besides the SQL files of the migrations folder). Prints to stdout/stderr.
pub async fn run_from_env(migrations: Vec<Arc<dyn Migration>>) -> ExitCode {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let code = run(std::env::args_os(), migrations, &mut std::io::stdout(), &mut std::io::stderr(), color).await;
    ExitCode::from(code)
}

/// Runs one command line. Returns the exit code: 0 on success, 1 on failure (the error on
/// `err`), 2 for bad arguments.
pub async fn run<I, T>(
    args: I,
    migrations: Vec<Arc<dyn Migration>>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    color: bool,
) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let parsed = match Args::try_parse_from(&args) {
        Ok(a) => a,
        Err(e) => {
            if e.use_stderr() {
                let _ = write!(err, "{e}");
                return 2;
            }
            let _ = write!(out, "{e}");
            return 0;
        }
    };
    if let Some(app) = &parsed.app {
        return delegate(app, &args, err);
    }
    let result = execute(parsed, migrations, out, color).await;
    match result {
        Ok(()) => 0,
        Err(e) => {
            let label = if color { "\x1b[1;37;41m ERROR \x1b[0m" } else { " ERROR " };
            let _ = writeln!(err, "\n  {label} {e}\n");
            1
        }
    }
}

async fn execute(args: Args, migrations: Vec<Arc<dyn Migration>>, out: &mut dyn Write, color: bool) -> Result<()> {
    let cwd = std::env::current_dir().map_err(Error::other)?;
    let settings = Settings::resolve(args.database, args.path, args.table, &cwd)?;
    let mut printer = Printer::new(out, color);
    let p = &mut printer;
    if let Command::MigrationMake { name, rust, create, table } = &args.command {
        use crate::migrations::creator::{table_intent, TableIntent};
        let intent = match (create, table) {
            (Some(t), _) => TableIntent::Create(t.clone()),
            (None, Some(t)) => TableIntent::Alter(t.clone()),
            (None, None) => table_intent(name),
        };
        return commands::make(&settings, name, *rust, intent, p);
    }
    let force = match &args.command {
        Command::Migrate { pretend, force, .. } => Some(*force || *pretend),
        Command::Rollback { force, .. }
        | Command::Accept { force }
        | Command::Reset { force }
        | Command::Refresh { force, .. }
        | Command::Fresh { force } => Some(*force),
        Command::Status | Command::MigrationMake { .. } => None,
    };
    if let Some(force) = force {
        commands::guard_production(force)?;
    }
    let strict = matches!(args.command, Command::Migrate { strict: true, .. });
    let (db, m) = commands::migrator(&settings, migrations, strict).await?;
    let result = match args.command {
        Command::MigrationMake { .. } => unreachable!("handled above"),
        Command::Migrate { pretend, step, .. } => commands::migrate(&m, pretend, step, p).await,
        Command::Rollback { step, batch, .. } => {
            let what = match (step, batch) {
                (Some(n), _) => Rollback::Migrations(n),
                (None, Some(batch)) => Rollback::Batch(batch),
                (None, None) => Rollback::Batches(1),
            };
            commands::rollback(&m, what, p).await
        }
        Command::Status => commands::status(&m, p).await,
        Command::Accept { .. } => commands::accept(&m, p).await,
        Command::Reset { .. } => commands::reset(&m, p).await,
        Command::Refresh { step, .. } => commands::refresh(&m, step, p).await,
        Command::Fresh { .. } => commands::fresh(&m, p).await,
    };
    let _ = db.close().await;
    result
}

/// Runs `app` (split on whitespace) with the original arguments minus `--app …`.
fn delegate(app: &str, args: &[OsString], err: &mut dyn Write) -> u8 {
    let mut words = app.split_whitespace();
    let Some(program) = words.next() else {
        let _ = writeln!(err, "--app needs a command");
        return 2;
    };
    let mut rest = Vec::new();
    let mut skip = false;
    for arg in args.iter().skip(1) {
        if skip {
            skip = false;
            continue;
        }
        match arg.to_str() {
            Some("--app") => skip = true,
            Some(a) if a.starts_with("--app=") => {}
            _ => rest.push(arg.clone()),
        }
    }
    match std::process::Command::new(program).args(words).args(rest).status() {
        Ok(status) => status.code().map(|c| c.clamp(0, 255) as u8).unwrap_or(1),
        Err(e) => {
            let _ = writeln!(err, "cannot run `{app}`: {e}");
            1
        }
    }
}
