//! Configuration: [`OrmConfig`], [`DatabaseConfig`], URL parsing and the global configuration.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use parking_lot::RwLock;
use serde::{Deserialize, Serialize};

use crate::error::{ConfigProblem, Error, Result};

/// The whole ORM configuration, as set with [`set_orm_config`].
///
/// # Examples
/// ```
/// use bunary_orm::{OrmConfig, DatabaseConfig};
///
/// let config = OrmConfig::sqlite(":memory:");
/// assert_eq!(config.database.driver, "sqlite");
/// assert_eq!(OrmConfig::from_url("sqlite://./app.db").unwrap().database, DatabaseConfig::sqlite("./app.db"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrmConfig {
    /// The database to use (the connection named `default`).
    pub database: DatabaseConfig,
    /// More databases, by name: `Model::on("analytics")`, `User::on("analytics")`,
    /// [`get_connection`](crate::get_connection).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub connections: BTreeMap<String, DatabaseConfig>,
}

/// Which database to use and how to reach it. Mirrors the seed's
/// `{ type, sqlite: { path }, postgres: {…}, mysql: {…} }`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DatabaseConfig {
    /// The driver type: `"sqlite"`, `"postgres"`, `"mysql"` or any name given to
    /// [`register_driver`](crate::register_driver). Serialised as `type`.
    #[serde(rename = "type")]
    pub driver: String,
    /// Settings of the SQLite driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sqlite: Option<SqliteConfig>,
    /// Settings of the PostgreSQL driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres: Option<ServerConfig>,
    /// Settings of the MySQL/MariaDB driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<ServerConfig>,
    /// A URL for a custom driver (set by [`OrmConfig::from_url`] for an unknown scheme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Free-form settings for custom drivers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// Read replicas: plain reads (`SELECT`) go to one of them in turn; writes, everything
    /// inside a transaction and everything else go to this (primary) database.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_replicas: Vec<DatabaseConfig>,
    /// With replicas: after a task writes, its reads go to the primary for a while (so it
    /// reads its own writes at once, whatever the replicas' lag). Laravel's `sticky`.
    #[serde(default)]
    pub sticky: bool,
}

/// Settings of the embedded SQLite driver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqliteConfig {
    /// A file path, or `":memory:"` for a private in-memory database.
    pub path: String,
    /// How many connections a file database may open at once (default 4). An in-memory
    /// database always has exactly one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_size: Option<usize>,
    /// How long a statement waits for another process's lock, in milliseconds (default 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub busy_timeout_ms: Option<u64>,
}

impl SqliteConfig {
    /// The in-memory path.
    pub const MEMORY: &'static str = ":memory:";

    /// `true` when the database lives in memory only.
    pub fn is_memory(&self) -> bool {
        self.path == Self::MEMORY || self.path.is_empty()
    }
}

/// Settings of a database server (PostgreSQL or MySQL/MariaDB). Either `url` or the separate
/// fields; `url` wins when both are given.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServerConfig {
    /// A full connection URL (`postgres://user:pass@host:5432/db`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Host name or address.
    #[serde(default)]
    pub host: String,
    /// TCP port (`None`: the server's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// User name.
    #[serde(default)]
    pub user: String,
    /// Password, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Database name.
    #[serde(default)]
    pub database: String,
    /// PostgreSQL only: the schema to use (sets `search_path` on every connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The most connections the pool opens (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_size: Option<usize>,
    /// How long to wait for a new connection, in milliseconds (default 10 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout_ms: Option<u64>,
    /// The server cancels a statement that runs longer than this, in milliseconds
    /// (PostgreSQL `statement_timeout`; MariaDB `max_statement_time`; MySQL
    /// `max_execution_time`, which MySQL applies to `SELECT`s only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_timeout_ms: Option<u64>,
    /// Whether connections must be encrypted. URL forms: `sslmode=require` (Postgres),
    /// `tls=required` (both).
    #[serde(default)]
    pub tls: TlsMode,
}

/// Whether a server connection must use TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain TCP (the default).
    #[default]
    Off,
    /// The connection is encrypted or fails. The server's certificate is not checked
    /// against a certificate authority (as libpq's `sslmode=require`): this protects against
    /// eavesdropping, not against a server impersonated on the network path.
    Required,
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("url", &self.url.as_deref().map(redact_url))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("database", &self.database)
            .field("schema", &self.schema)
            .field("pool_size", &self.pool_size)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("statement_timeout_ms", &self.statement_timeout_ms)
            .field("tls", &self.tls)
            .finish()
    }
}

impl DatabaseConfig {
    /// A SQLite configuration for `path` (a file, or `":memory:"`).
    pub fn sqlite(path: impl Into<String>) -> Self {
        DatabaseConfig {
            driver: "sqlite".to_owned(),
            sqlite: Some(SqliteConfig { path: path.into(), pool_size: None, busy_timeout_ms: None }),
            ..Default::default()
        }
    }

    /// A configuration for a driver registered under `driver`, with free-form options.
    pub fn custom(driver: impl Into<String>, options: BTreeMap<String, String>) -> Self {
        DatabaseConfig { driver: driver.into(), options, ..Default::default() }
    }

    /// Checks that the block the type needs is there and sensible.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming what is missing.
    pub fn validate(&self) -> Result<()> {
        let invalid = |problem: ConfigProblem| Err(Error::InvalidConfig { problem });
        if self.driver.trim().is_empty() {
            return invalid(ConfigProblem::EmptyDriver);
        }
        match self.driver.as_str() {
            "sqlite" => match &self.sqlite {
                None => invalid(ConfigProblem::MissingBlock {
                    driver: "sqlite".into(),
                    hint: "DatabaseConfig::sqlite(path)",
                }),
                Some(s) if s.path.trim().is_empty() => invalid(ConfigProblem::EmptySqlitePath),
                Some(s) if s.pool_size == Some(0) => {
                    invalid(ConfigProblem::BadPoolSize { driver: "sqlite".into(), size: 0 })
                }
                Some(_) => Ok(()),
            },
            "postgres" | "mysql" => {
                let block = if self.driver == "postgres" { &self.postgres } else { &self.mysql };
                match block {
                    None => invalid(ConfigProblem::MissingBlock {
                        driver: self.driver.clone(),
                        hint: "OrmConfig::from_url(url)",
                    }),
                    Some(s) if s.url.is_none() && s.host.trim().is_empty() => {
                        invalid(ConfigProblem::NoHost { driver: self.driver.clone() })
                    }
                    Some(_) => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}

impl OrmConfig {
    /// A configuration with the given database.
    pub fn new(database: DatabaseConfig) -> Self {
        OrmConfig { database, connections: BTreeMap::new() }
    }

    /// A SQLite configuration for `path` (a file, or `":memory:"`).
    pub fn sqlite(path: impl Into<String>) -> Self {
        OrmConfig::new(DatabaseConfig::sqlite(path))
    }

    /// Adds a named connection.
    pub fn with_connection(mut self, name: impl Into<String>, database: DatabaseConfig) -> Self {
        self.connections.insert(name.into(), database);
        self
    }

    /// The configuration of the connection `name` (`default` is [`OrmConfig::database`]).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the known connections when there is none of that name.
    pub fn connection(&self, name: &str) -> Result<&DatabaseConfig> {
        if let Some(config) = self.connections.get(name) {
            return Ok(config);
        }
        if name == "default" {
            return Ok(&self.database);
        }
        let mut known: Vec<String> = self.connections.keys().cloned().collect();
        known.insert(0, "default".into());
        Err(Error::UnknownConnection { name: redact_url(name), looks_like_url: name.contains("://"), known })
    }

    /// Parses a database URL.
    ///
    /// - `sqlite://./database.sqlite`, `sqlite:///abs/path.db`, `sqlite::memory:`, `sqlite://:memory:`
    /// - `postgres://user:pass@host:5432/db` (or `postgresql://`)
    /// - `mysql://user:pass@host:3306/db` (or `mariadb://`)
    /// - any other `scheme://…` selects the driver registered under `scheme`, with the URL in
    ///   [`DatabaseConfig::url`].
    ///
    /// # Examples
    /// ```
    /// use bunary_orm::OrmConfig;
    /// let pg = OrmConfig::from_url("postgres://app:secret@db.internal:5433/shop").unwrap();
    /// let server = pg.database.postgres.unwrap();
    /// assert_eq!((server.host.as_str(), server.port, server.database.as_str()), ("db.internal", Some(5433), "shop"));
    /// assert!(OrmConfig::from_url("not a url").is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] when the URL has no scheme, an empty path, or a malformed host part.
    pub fn from_url(url: &str) -> Result<Self> {
        let url = url.trim();
        let bad = |reason: &str| Error::InvalidUrl { url: redact_url(url), reason: reason.to_owned() };
        if url.is_empty() {
            return Err(bad("the URL is empty"));
        }
        let (scheme, rest) =
            url.split_once(':').ok_or_else(|| bad("expected `scheme://…`, for example sqlite://./database.sqlite"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme.is_empty()
            || !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return Err(bad("expected `scheme://…`, for example sqlite://./database.sqlite"));
        }
        let database = match scheme.as_str() {
            "sqlite" | "sqlite3" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() {
                    return Err(bad("the SQLite path is empty; use sqlite://./file.db or sqlite::memory:"));
                }
                DatabaseConfig::sqlite(path)
            }
            "postgres" | "postgresql" => DatabaseConfig {
                driver: "postgres".into(),
                postgres: Some(ServerConfig::parse_url(url, 5432)?),
                ..Default::default()
            },
            "mysql" | "mariadb" => DatabaseConfig {
                driver: "mysql".into(),
                mysql: Some(ServerConfig::parse_url(url, 3306)?),
                ..Default::default()
            },
            other => {
                if !rest.starts_with("//") {
                    return Err(bad("expected `scheme://…`, for example sqlite://./database.sqlite"));
                }
                DatabaseConfig { driver: other.to_owned(), url: Some(url.to_owned()), ..Default::default() }
            }
        };
        Ok(OrmConfig::new(database))
    }

    /// Reads `DATABASE_URL` from the environment and parses it with [`OrmConfig::from_url`].
    ///
    /// # Errors
    /// [`Error::ConfigMissing`] when `DATABASE_URL` is unset or empty, [`Error::InvalidUrl`]
    /// when it does not parse.
    pub fn from_env() -> Result<Self> {
        match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => Self::from_url(&url),
            _ => Err(Error::ConfigMissing),
        }
    }
}

impl ServerConfig {
    /// Where this block points, for messages: `host:port/database (user name)`, never the
    /// password.
    pub(crate) fn describe(&self, default_port: u16) -> String {
        let mut target = format!("{}:{}", self.host, self.port.unwrap_or(default_port));
        if !self.database.is_empty() {
            target.push('/');
            target.push_str(&self.database);
        }
        if !self.user.is_empty() {
            target.push_str(&format!(" (user {})", self.user));
        }
        target
    }

    /// Parses a server URL (`scheme://user:pass@host:port/database`), filling in
    /// `default_port` when none is given.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] when there is no host or the URL is malformed.
    pub fn parse_url(raw: &str, default_port: u16) -> Result<Self> {
        let bad = |reason: String| Error::InvalidUrl { url: redact_url(raw), reason };
        let parsed = url::Url::parse(raw).map_err(|e| bad(e.to_string()))?;
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("the URL has no host".into()))?;
        let mut tls = TlsMode::Off;
        let mut statement_timeout_ms = None;
        for (key, value) in parsed.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("sslmode", "require" | "verify-ca" | "verify-full") | ("tls", "required") => tls = TlsMode::Required,
                ("sslmode", _) | ("tls", "off") => tls = TlsMode::Off,
                ("tls", other) => return Err(bad(format!("tls must be `off` or `required`, not `{other}`"))),
                ("statement_timeout_ms", ms) => {
                    statement_timeout_ms =
                        Some(ms.parse().map_err(|_| bad(format!("statement_timeout_ms `{ms}` is not a number")))?)
                }
                _ => {}
            }
        }
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        Ok(ServerConfig {
            url: Some(raw.to_owned()),
            host: host.to_owned(),
            port: Some(parsed.port().unwrap_or(default_port)),
            user: decode(parsed.username()),
            password: parsed.password().map(decode),
            database: decode(parsed.path().trim_start_matches('/')),
            tls,
            statement_timeout_ms,
            ..Default::default()
        })
    }
}

/// The URL without the query parameters `names` (ours, which a driver's own parser would
/// refuse).
pub(crate) fn strip_params(raw: &str, names: &[&str]) -> String {
    let Ok(mut parsed) = url::Url::parse(raw) else { return raw.to_owned() };
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| !names.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    parsed.to_string()
}

/// The URL with its password replaced by `***`, for messages and logs.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

static CONFIG: RwLock<Option<Arc<OrmConfig>>> = RwLock::new(None);

/// Sets the global configuration, replacing any earlier one. The cached driver
/// ([`get_driver`](crate::get_driver)) notices the change and reconnects on its next use.
///
/// # Examples
/// ```
/// use bunary_orm::{get_orm_config, set_orm_config, OrmConfig};
/// set_orm_config(OrmConfig::sqlite(":memory:"));
/// assert_eq!(get_orm_config().unwrap().database.driver, "sqlite");
/// ```
pub fn set_orm_config(config: OrmConfig) {
    *CONFIG.write() = Some(Arc::new(config));
}

/// The global configuration.
///
/// # Errors
/// [`Error::ConfigMissing`] (its message says how to set one) when none is set.
pub fn get_orm_config() -> Result<Arc<OrmConfig>> {
    CONFIG.read().clone().ok_or(Error::ConfigMissing)
}

/// Removes the global configuration. The cached driver is left alone: close it with
/// [`close_driver`](crate::close_driver).
pub fn clear_orm_config() {
    *CONFIG.write() = None;
}

/// Checks a configuration and makes it the global one, as the seed's `defineOrmConfig` does;
/// returns the configuration now in force. An invalid configuration is refused and the
/// global configuration is left as it was.
///
/// # Examples
/// ```
/// use bunary_orm::{define_orm_config, get_orm_config, OrmConfig};
/// define_orm_config(OrmConfig::sqlite(":memory:"))?;
/// assert_eq!(get_orm_config()?.database.driver, "sqlite");
/// assert!(define_orm_config(OrmConfig::sqlite(" ")).is_err());
/// assert_eq!(get_orm_config()?.database.sqlite.as_ref().unwrap().path, ":memory:");
/// # Ok::<(), bunary_orm::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidConfig`] as [`DatabaseConfig::validate`].
pub fn define_orm_config(config: OrmConfig) -> Result<Arc<OrmConfig>> {
    config.database.validate()?;
    let config = Arc::new(config);
    *CONFIG.write() = Some(Arc::clone(&config));
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_in_all_their_forms() {
        for (url, path) in [
            ("sqlite://./db.sqlite", "./db.sqlite"),
            ("sqlite:///var/data/app.db", "/var/data/app.db"),
            ("sqlite::memory:", ":memory:"),
            ("sqlite://:memory:", ":memory:"),
            ("SQLITE://rel.db", "rel.db"),
        ] {
            let config = OrmConfig::from_url(url).unwrap();
            assert_eq!(config.database, DatabaseConfig::sqlite(path), "{url}");
        }
    }

    #[test]
    fn server_urls_fill_every_field_and_decode_the_password() {
        let c = OrmConfig::from_url("mysql://root:p%40ss@127.0.0.1/test").unwrap().database;
        assert_eq!(c.driver, "mysql");
        let m = c.mysql.unwrap();
        assert_eq!(m.host, "127.0.0.1");
        assert_eq!(m.port, Some(3306));
        assert_eq!(m.user, "root");
        assert_eq!(m.password.as_deref(), Some("p@ss"));
        assert_eq!(m.database, "test");
        let pg = OrmConfig::from_url("postgresql://postgres@localhost/test").unwrap().database;
        assert_eq!(pg.driver, "postgres");
        assert_eq!(pg.postgres.unwrap().port, Some(5432));
    }

    #[test]
    fn tls_and_timeouts_come_from_the_url() {
        let pg = OrmConfig::from_url("postgres://u@h/db?sslmode=require&statement_timeout_ms=1500").unwrap().database;
        let server = pg.postgres.unwrap();
        assert_eq!((server.tls, server.statement_timeout_ms), (TlsMode::Required, Some(1500)));
        let my = OrmConfig::from_url("mysql://u@h/db?tls=required").unwrap().database;
        assert_eq!(my.mysql.unwrap().tls, TlsMode::Required);
        assert!(OrmConfig::from_url("mysql://u@h/db?tls=maybe").is_err());
        assert!(OrmConfig::from_url("postgres://u@h/db?statement_timeout_ms=soon").is_err());
    }

    #[test]
    fn bad_urls_are_clear_errors() {
        for url in ["", "   ", "no-scheme-here", "sqlite://", "sqlite:", "postgres://", "1abc://x", "custom:x"] {
            match OrmConfig::from_url(url) {
                Err(Error::InvalidUrl { reason, .. }) => assert!(!reason.is_empty()),
                other => panic!("{url:?} should be an invalid URL, got {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_schemes_select_a_custom_driver() {
        let c = OrmConfig::from_url("redisql://host/db").unwrap().database;
        assert_eq!(c.driver, "redisql");
        assert_eq!(c.url.as_deref(), Some("redisql://host/db"));
    }

    #[test]
    fn passwords_never_appear_in_errors_or_debug_output() {
        let err = OrmConfig::from_url("postgres://u:hunter2@:99999/x").unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
        let c = OrmConfig::from_url("postgres://u:hunter2@h/x").unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn validate_names_the_missing_block() {
        let mut c = DatabaseConfig::sqlite("");
        assert!(matches!(c.validate(), Err(Error::InvalidConfig { problem: ConfigProblem::EmptySqlitePath })));
        c.sqlite = None;
        let err = c.validate().unwrap_err();
        assert!(
            matches!(&err, Error::InvalidConfig { problem: ConfigProblem::MissingBlock { driver, .. } } if driver == "sqlite")
        );
        assert!(err.to_string().contains("no sqlite block"), "{err}");
        let pg = DatabaseConfig { driver: "postgres".into(), ..Default::default() };
        let err = pg.validate().unwrap_err();
        assert!(
            matches!(&err, Error::InvalidConfig { problem: ConfigProblem::MissingBlock { driver, .. } } if driver == "postgres")
        );
        let no_host = DatabaseConfig { driver: "mysql".into(), mysql: Some(Default::default()), ..Default::default() };
        assert!(matches!(no_host.validate(), Err(Error::InvalidConfig { problem: ConfigProblem::NoHost { .. } })));
        assert!(DatabaseConfig::sqlite(":memory:").validate().is_ok());
    }

    #[test]
    fn deserialises_the_seed_shape() {
        let c: OrmConfig =
            serde_json::from_str(r#"{"database":{"type":"sqlite","sqlite":{"path":"./database.sqlite"}}}"#).unwrap();
        assert_eq!(c, OrmConfig::sqlite("./database.sqlite"));
    }
}
