//! The cached global driver: [`get_driver`], [`close_driver`], [`reset_driver`].

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::config::{get_orm_config, OrmConfig};
use crate::connection::Db;
use crate::error::Result;

struct Cached {
    config: Arc<OrmConfig>,
    db: Db,
}

static CACHE: Mutex<Option<Cached>> = Mutex::new(None);

struct NamedCached {
    config: crate::config::DatabaseConfig,
    db: Db,
}

static NAMED: Mutex<Option<HashMap<String, NamedCached>>> = Mutex::new(None);

/// The handle of the named connection `name` from [`OrmConfig::connections`] (`default` is
/// the main database, the same handle as [`get_driver`]). Cached like [`get_driver`]: the same
/// instance while that connection's configuration is unchanged.
///
/// # Errors
/// [`Error::ConfigMissing`](crate::Error::ConfigMissing);
/// [`Error::UnknownConnection`](crate::Error::UnknownConnection) for an unknown name (a URL
/// passed by mistake says so); the errors of
/// [`create_driver`](crate::create_driver).
pub async fn get_connection(name: &str) -> Result<Db> {
    let config = get_orm_config()?;
    if name == "default" && !config.connections.contains_key("default") {
        return get_driver().await;
    }
    let wanted = config.connection(name)?.clone();
    let old = {
        let mut named = NAMED.lock();
        let map = named.get_or_insert_with(HashMap::new);
        if let Some(c) = map.get(name) {
            if c.config == wanted {
                return Ok(c.db.clone());
            }
        }
        let db = Db::connect(&wanted)?;
        let old = map.insert(name.to_owned(), NamedCached { config: wanted, db: db.clone() });
        (db, old)
    };
    let (db, old) = old;
    if let Some(old) = old {
        old.db.close().await?;
    }
    Ok(db)
}

/// The global database handle for the current configuration ([`set_orm_config`](crate::set_orm_config)).
///
/// The first call builds the driver; later calls return the same instance
/// ([`Db::same`] is `true`) while the configuration is unchanged. When the configuration
/// changed, the old driver is closed and a new one built.
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::{get_driver, set_orm_config, OrmConfig};
/// set_orm_config(OrmConfig::sqlite(":memory:"));
/// let a = get_driver().await?;
/// let b = get_driver().await?;
/// assert!(a.same(&b));
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
///
/// # Errors
/// [`Error::ConfigMissing`](crate::Error::ConfigMissing) without a configuration; the errors
/// of [`create_driver`](crate::create_driver).
pub async fn get_driver() -> Result<Db> {
    let config = get_orm_config()?;
    let replaced = {
        let mut cache = CACHE.lock();
        match cache.as_ref() {
            Some(c) if Arc::ptr_eq(&c.config, &config) || *c.config == *config => return Ok(c.db.clone()),
            _ => {}
        }
        let db = Db::connect(&config.database)?;
        let old = cache.replace(Cached { config, db: db.clone() });
        (db, old)
    };
    let (db, old) = replaced;
    if let Some(old) = old {
        // The old driver belongs to a configuration that is no longer in force.
        old.db.close().await?;
    }
    Ok(db)
}

/// Closes the cached driver (and the named connections) and clears the cache. Safe to call twice, or with nothing cached.
///
/// # Errors
/// When the driver fails to close cleanly (the cache is cleared all the same).
pub async fn close_driver() -> Result<()> {
    let old = CACHE.lock().take();
    let named: Vec<NamedCached> = NAMED.lock().take().map(|m| m.into_values().collect()).unwrap_or_default();
    let mut result = match old {
        Some(old) => old.db.close().await,
        None => Ok(()),
    };
    for n in named {
        if let Err(e) = n.db.close().await {
            result = result.and(Err(e));
        }
    }
    result
}

/// Clears the cache without closing the driver: handles already given out keep working, and
/// the next [`get_driver`] builds a new driver.
pub fn reset_driver() {
    CACHE.lock().take();
    NAMED.lock().take();
}
