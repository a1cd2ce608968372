//! The driver registry: [`register_driver`] and [`create_driver`].
//!
//! A registered factory takes precedence over a built-in driver of the same name, so an
//! application can replace even the SQLite driver (for instrumentation, say).

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::RwLock;

use crate::config::DatabaseConfig;
use crate::driver::read_write::ReadWriteDriver;
use crate::driver::sqlite::SqliteDriver;
use crate::driver::DatabaseDriver;
use crate::error::{Error, Result};

/// Builds a driver from a configuration. Registered with [`register_driver`].
pub type DriverFactory = Arc<dyn Fn(&DatabaseConfig) -> Result<Arc<dyn DatabaseDriver>> + Send + Sync>;

/// The driver types built into the crate (with the default features).
pub const BUILT_IN_DRIVERS: &[&str] = &[
    "sqlite",
    #[cfg(feature = "postgres")]
    "postgres",
    #[cfg(feature = "mysql")]
    "mysql",
];

static REGISTRY: RwLock<BTreeMap<String, DriverFactory>> = RwLock::new(BTreeMap::new());

/// Registers a driver factory under `name`, replacing any earlier registration of that name.
/// A registered factory is used even for a built-in type such as `"sqlite"`.
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// use bunary_orm::{register_driver, create_driver, DatabaseConfig, DatabaseDriver};
/// use bunary_orm::driver::sqlite::SqliteDriver;
///
/// // A "memory" type that always opens a private in-memory SQLite database.
/// register_driver("memory", |_config: &DatabaseConfig| {
///     Ok(Arc::new(SqliteDriver::open(&DatabaseConfig::sqlite(":memory:"))?) as Arc<dyn DatabaseDriver>)
/// });
/// let driver = create_driver(&DatabaseConfig::custom("memory", Default::default())).unwrap();
/// assert_eq!(driver.name(), "sqlite");
/// ```
pub fn register_driver<F>(name: impl Into<String>, factory: F)
where
    F: Fn(&DatabaseConfig) -> Result<Arc<dyn DatabaseDriver>> + Send + Sync + 'static,
{
    REGISTRY.write().insert(name.into(), Arc::new(factory));
}

/// Removes a registration; the built-in driver of that name, if any, is used again.
/// Returns whether there was one.
pub fn unregister_driver(name: &str) -> bool {
    REGISTRY.write().remove(name).is_some()
}

/// Every driver type that [`create_driver`] accepts, built in and registered, sorted.
pub fn known_drivers() -> Vec<String> {
    let mut names: Vec<String> = BUILT_IN_DRIVERS.iter().map(|s| (*s).to_owned()).collect();
    names.extend(REGISTRY.read().keys().cloned());
    names.sort();
    names.dedup();
    names
}

/// Builds a new driver for `config`: the registered factory for its type if there is one,
/// else the built-in driver. With [`read_replicas`](DatabaseConfig::read_replicas), a
/// [`ReadWriteDriver`] over the primary and each replica.
///
/// # Errors
/// [`Error::UnknownDriver`] (naming the known types) for a type nobody provides;
/// [`Error::InvalidConfig`] when a built-in type lacks its settings; whatever the factory
/// returns.
pub fn create_driver(config: &DatabaseConfig) -> Result<Arc<dyn DatabaseDriver>> {
    if !config.read_replicas.is_empty() {
        let primary = create_driver(&DatabaseConfig { read_replicas: Vec::new(), ..config.clone() })?;
        let replicas = config.read_replicas.iter().map(create_driver).collect::<Result<Vec<_>>>()?;
        return Ok(Arc::new(ReadWriteDriver::new(primary, replicas, config.sticky)));
    }
    let registered = REGISTRY.read().get(&config.driver).cloned();
    if let Some(factory) = registered {
        return factory(config);
    }
    match config.driver.as_str() {
        "sqlite" => Ok(Arc::new(SqliteDriver::open(config)?)),
        #[cfg(feature = "postgres")]
        "postgres" => Ok(Arc::new(crate::driver::postgres::PostgresDriver::open(config)?)),
        #[cfg(feature = "mysql")]
        "mysql" => Ok(Arc::new(crate::driver::mysql::MySqlDriver::open(config)?)),
        _ => {
            let known = known_drivers();
            let suggestion = closest(&config.driver, &known);
            Err(Error::UnknownDriver { name: config.driver.clone(), suggestion, known })
        }
    }
}

/// The known driver (or URL scheme) closest to `name`, when it is at most two edits away.
fn closest(name: &str, known: &[String]) -> Option<String> {
    let name = name.to_ascii_lowercase();
    let aliases = [("postgresql", "postgres"), ("mariadb", "mysql"), ("sqlite3", "sqlite")];
    let candidates = known.iter().map(|k| (k.as_str(), k.as_str())).chain(aliases);
    candidates
        .map(|(spelled, driver)| (edit_distance(&name, spelled), driver))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, driver)| driver.to_owned())
}

/// Levenshtein distance over bytes (driver names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_get_a_suggestion() {
        let known: Vec<String> = ["mysql", "postgres", "sqlite"].map(String::from).to_vec();
        assert_eq!(closest("postgress", &known).as_deref(), Some("postgres"));
        assert_eq!(closest("postgresq", &known).as_deref(), Some("postgres"));
        assert_eq!(closest("maridb", &known).as_deref(), Some("mysql"));
        assert_eq!(closest("sqlit", &known).as_deref(), Some("sqlite"));
        assert_eq!(closest("oracle", &known), None);
    }
}
