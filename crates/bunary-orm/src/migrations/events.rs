//! Migration events (Laravel's `MigrationsStarted`, `MigrationStarted`, `MigrationEnded`,
//! `MigrationSkipped`, `NoPendingMigrations`, `MigrationsEnded`): sent to a migrator's
//! listeners ([`Migrator::listen`](super::Migrator::listen)) and to `tracing` at target
//! `bunary_orm::migrations`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Which way a run goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Applying (`migrate`).
    Up,
    /// Rolling back.
    Down,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "up",
            Direction::Down => "down",
        })
    }
}

/// Something a migrator did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationEvent {
    /// A run with something to do begins.
    RunStarted {
        /// Up or down.
        direction: Direction,
        /// Statements only printed, not run (`--pretend`).
        pretend: bool,
    },
    /// One migration begins.
    Started {
        /// Its name.
        name: String,
        /// Up or down.
        direction: Direction,
        /// `--pretend`.
        pretend: bool,
    },
    /// One migration is done (and recorded).
    Ended {
        /// Its name.
        name: String,
        /// Up or down.
        direction: Direction,
        /// `--pretend`.
        pretend: bool,
        /// How long it took.
        duration: Duration,
    },
    /// A pending migration whose [`should_run`](super::Migration::should_run) said no: not run,
    /// not recorded.
    Skipped {
        /// Its name.
        name: String,
        /// Up or down.
        direction: Direction,
    },
    /// A run is over.
    RunEnded {
        /// Up or down.
        direction: Direction,
        /// `--pretend`.
        pretend: bool,
        /// How long the run took.
        duration: Duration,
    },
    /// An applied migration's file changed since it ran (a warning; refused instead with
    /// [`MigratorOptions::strict`](super::MigratorOptions::strict)).
    Changed {
        /// Its name.
        name: String,
    },
    /// Nothing to migrate.
    NothingPending {
        /// Up or down.
        direction: Direction,
    },
}

impl fmt::Display for MigrationEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pretending = |p: &bool| if *p { ", pretend" } else { "" };
        match self {
            MigrationEvent::RunStarted { direction, pretend } => {
                write!(f, "migrations started ({direction}{})", pretending(pretend))
            }
            MigrationEvent::Started { name, direction, pretend } => {
                write!(f, "migration {name} started ({direction}{})", pretending(pretend))
            }
            MigrationEvent::Ended { name, direction, pretend, .. } => {
                write!(f, "migration {name} ended ({direction}{})", pretending(pretend))
            }
            MigrationEvent::Skipped { name, direction } => write!(f, "migration {name} skipped ({direction})"),
            MigrationEvent::RunEnded { direction, pretend, .. } => {
                write!(f, "migrations ended ({direction}{})", pretending(pretend))
            }
            MigrationEvent::NothingPending { direction } => write!(f, "nothing to migrate ({direction})"),
            MigrationEvent::Changed { name } => write!(f, "migration {name} changed since it ran"),
        }
    }
}

/// A listener of [`Migrator::listen`](super::Migrator::listen).
pub(crate) type Listener = Arc<dyn Fn(&MigrationEvent) + Send + Sync>;

/// The event as a `tracing` event (`info`, with its timing as a field where it has one).
pub(crate) fn trace(event: &MigrationEvent) {
    match event {
        MigrationEvent::Ended { duration, .. } | MigrationEvent::RunEnded { duration, .. } => {
            tracing::info!(target: "bunary_orm::migrations", duration_ms = duration.as_secs_f64() * 1e3, "{event}");
        }
        MigrationEvent::Changed { .. } => tracing::warn!(target: "bunary_orm::migrations", "{event}"),
        _ => tracing::info!(target: "bunary_orm::migrations", "{event}"),
    }
}
