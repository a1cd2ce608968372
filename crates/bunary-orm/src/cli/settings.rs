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
/// migrations_path = "migrations"      # default; or a list: ["migrations", "modules/billing/migrations"]
/// migrations_table = "migrations"     # default
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// The database URL.
    pub database_url: Option<String>,
    /// The folder of SQL migrations, or several.
    pub migrations_path: Option<Folders>,
    /// The migrations table.
    pub migrations_table: Option<String>,
}

/// One folder or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Folders {
    /// One folder.
    One(PathBuf),
    /// Several, sorted into one list of migrations by name.
    Many(Vec<PathBuf>),
}

/// The settings in force for one command.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The database URL, if any source gave one.
    pub database_url: Option<String>,
    /// The folder of SQL migrations (where `migration:make` writes).
    pub migrations_path: PathBuf,
    /// Further folders of SQL migrations (`--path` given again, or a list in `bunary.toml`).
    pub extra_paths: Vec<PathBuf>,
    /// The migrations table.
    pub migrations_table: String,
}

impl Settings {
    /// Resolves the settings: `flag` > `DATABASE_URL` > `bunary.toml` > defaults.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a `bunary.toml` that does not parse.
    pub fn resolve(database: Option<String>, paths: Vec<PathBuf>, table: Option<String>, dir: &Path) -> Result<Self> {
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
        let mut folders = if paths.is_empty() {
            match from_file.migrations_path {
                Some(Folders::One(path)) => vec![path],
                Some(Folders::Many(paths)) => paths,
                None => Vec::new(),
            }
        } else {
            paths
        };
        if folders.is_empty() {
            folders.push(PathBuf::from("migrations"));
        }
        let migrations_path = folders.remove(0);
        Ok(Settings {
            database_url: database.or(env_url).or(from_file.database_url),
            migrations_path,
            extra_paths: folders,
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
