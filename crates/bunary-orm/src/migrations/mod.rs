//! Migrations: the [`MigrationsRepository`] (which ran, in which batch), migration sources
//! (SQL files and Rust [`Migration`]s), the [`Migrator`] and the [`creator`] of new files.
//!
//! SQL migrations are `<YYYYMMDDHHMMSS>_<name>.up.sql` (+ `.down.sql`) files in one folder, run
//! with nothing to compile (`bunary migrate`). Rust migrations implement [`Migration`] and are
//! registered in [`MigratorOptions::migrations`]; an application runs them through its own
//! binary (see `bunary_orm::cli` with the `cli` feature).

mod checksums;
pub mod creator;
mod events;
mod lock;
mod migrator;
mod repository;
mod source;

pub use self::events::{Direction, MigrationEvent};
pub use self::migrator::{
    create_migrator, MigrationRun, MigrationStatus, Migrator, MigratorOptions, PretendedMigration, Rollback,
};
pub use self::repository::{AppliedMigration, MigrationsRepository};
pub use self::source::{checksum_of, discover_sql, Migration, SqlMigration};
