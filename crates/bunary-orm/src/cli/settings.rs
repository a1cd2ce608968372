//! Where the CLI's database, migrations folder and table come from: flags, then the
//! environment (`DATABASE_URL`), then `bunary.toml` in the current directory.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::OrmConfig;
use crate::error::{Error, Result};

/// `bunary.toml`:
///
/// ```toml
/// database_url = "sqlite://./database.sqlite"
/// migrations_path = "migrations"      # default
/// migrations_table = "migrations"     # default
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// The database URL.
    pub database_url: Option<String>,
    /// The folder of SQL migrations.
    pub migrations_path: Option<PathBuf>,
    /// The migrations table.
    pub migrations_table: Option<String>,
}

/// The settings in force for one command.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The database URL, if any source gave one.
    pub database_url: Option<String>,
    /// The folder of SQL migrations.
    pub migrations_path: PathBuf,
    /// The migrations table.
    pub migrations_table: String,
}

impl Settings {
    /// Resolves the settings: `flag` > `DATABASE_URL` > `bunary.toml` > defaults.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a `bunary.toml` that does not parse.
    pub fn resolve(database: Option<String>, path: Option<PathBuf>, table: Option<String>, dir: &Path) -> Result<Self> {
        let file = dir.join("bunary.toml");
        let from_file: FileSettings = if file.exists() {
            let text = std::fs::read_to_string(&file).map_err(Error::other)?;
            toml::from_str(&text).map_err(|e| Error::InvalidConfig {
                problem: crate::error::ConfigProblem::BadFile {
                    file: file.display().to_string(),
                    reason: e.to_string(),
                },
            })?
        } else {
            FileSettings::default()
        };
        let env_url = std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty());
        Ok(Settings {
            database_url: database.or(env_url).or(from_file.database_url),
            migrations_path: path.or(from_file.migrations_path).unwrap_or_else(|| PathBuf::from("migrations")),
            migrations_table: table.or(from_file.migrations_table).unwrap_or_else(|| "migrations".to_owned()),
        })
    }

    /// The database configuration.
    ///
    /// # Errors
    /// [`Error::ConfigMissing`] when no source named a database; [`Error::InvalidUrl`].
    pub fn orm_config(&self) -> Result<OrmConfig> {
        match &self.database_url {
            Some(url) => OrmConfig::from_url(url),
            None => Err(Error::InvalidConfig { problem: crate::error::ConfigProblem::NoDatabase }),
        }
    }
}
