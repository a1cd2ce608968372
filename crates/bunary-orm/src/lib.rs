//! # bunary-orm
//!
//! An Eloquent-style ORM for Rust: one async API over SQLite (embedded, the default),
//! PostgreSQL and MySQL/MariaDB. Values are always bound parameters; identifiers are validated
//! and quoted.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::{get_driver, params, set_orm_config, OrmConfig};
//!
//! set_orm_config(OrmConfig::sqlite(":memory:"));
//! let db = get_driver().await?;
//! db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)", &[]).await?;
//! db.transaction(|tx| async move {
//!     tx.exec("INSERT INTO users (name) VALUES (?)", &params!["Alice"]).await?;
//!     tx.exec("INSERT INTO users (name) VALUES (?)", &params!["Bob"]).await?;
//!     Ok::<_, bunary_orm::Error>(())
//! })
//! .await?;
//! let bob = db.query_one("SELECT * FROM users WHERE name = ?", &params!["Bob"]).await?;
//! assert_eq!(bob.get::<i64>("id")?, 2);
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```
//!
//! ## Where to find things
//! - [`config`]: [`OrmConfig`], [`DatabaseConfig`], URL parsing, the global configuration.
//! - [`value`], [`row`] and [`statement`]: [`Value`] (one SQL value), [`Row`] (a result row, and
//!   [`RowSink`](row::RowSink), the one way rows leave a driver), [`Statement`] (SQL and bindings).
//! - [`driver`]: the [`DatabaseDriver`] trait, the registry ([`register_driver`]), the cached
//!   global driver ([`get_driver`]) and the built-in drivers.
//! - [`connection`]: where SQL runs: the [`Db`] handle, [`Tx`] (transactions and savepoints),
//!   [`Connection`] (where a builder or model runs) and the global and named handles.
//! - [`query`]: the query [`Builder`] (reached by [`Model::table`], [`Db::table`], [`Tx::table`]),
//!   which knows no model; `query::grammar` holds the SQL of each dialect; [`ident`] says which
//!   names are legal.
//! - [`model`]: typed models ([`Entity`], `#[derive(Model)]`) and their query, [`ModelQuery`],
//!   which holds a query builder and adds the model's policy (scopes such as soft deletes,
//!   hidden columns, timestamps, loaded-model tracking), one file per Eloquent concern.
//!
//! Layers, bottom up: base ([`value`], [`row`], [`statement`], [`error`], [`config`], [`ident`],
//! [`dialect`]) →
//! [`driver`] → [`connection`] → [`query`] → [`model`]; [`schema`] and [`migrations`] sit on
//! [`connection`]. A module imports only from below it (`tests/layering.rs` checks it).
//! - [`schema`]: [`Schema`](schema::Schema) (create, alter, drop tables) and its grammars.
//! - [`migrations`]: the repository, SQL and Rust migrations, the [`Migrator`](migrations::Migrator).
//! - [`error`]: [`Error`], [`DatabaseErrorKind`].
#![warn(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod connection;
pub mod dialect;
pub mod driver;
pub mod error;
pub mod ident;
pub mod migrations;
pub mod model;
pub mod query;
pub mod row;
pub mod schema;
pub mod statement;
pub mod value;

pub use config::{
    clear_orm_config, define_orm_config, get_orm_config, set_orm_config, DatabaseConfig, OrmConfig, ServerConfig,
    SqliteConfig, TlsMode,
};
pub use connection::cache::{close_driver, get_connection, get_driver, reset_driver};
pub use connection::{Connection, Db, Tx};
pub use dialect::{Capabilities, Dialect};
pub use driver::registry::{create_driver, known_drivers, register_driver, unregister_driver, DriverFactory};
pub use driver::{DatabaseDriver, ExecResult, TransactionConnection};
pub use error::{ConfigProblem, DatabaseErrorKind, Error, MigrationProblem, QueryProblem, Result, SchemaProblem};
pub use model::{
    unguarded, without_events, without_timestamps, BelongsTo, BelongsToMany, Entity, EntityExt, HasMany, HasOne, Json,
    KeyKind, LoadRelations, Model, ModelQuery, ModelState, MorphTarget, MorphTo, SyncChanges, Trashed,
};
pub use query::{
    Builder, CursorPaginated, Direction, OnConflict, Operator, Page, Paginated, PerPage, Record, SimplePaginated,
    Statement,
};
pub use row::FromRow;
pub use row::Row;

/// The derive for typed models: `#[derive(Model)] #[orm(table = "users")] struct User { … }`.
pub use bunary_orm_derive::Model;

/// The derive for the target of a `morph_to` relation: an enum with one variant per model,
/// `#[derive(MorphTarget)] enum Commentable { Post(Post), Video(Video) }`.
pub use bunary_orm_derive::MorphTarget;

/// Everything a model file needs: `use bunary_orm::prelude::*;`.
pub mod prelude {
    pub use crate::{
        close_driver, get_driver, params, record, set_orm_config, BelongsTo, BelongsToMany, Builder, Db, Direction,
        Entity, EntityExt, Error, FromRow, FromValue, HasMany, HasOne, Json, LoadRelations, Model, ModelQuery,
        ModelState, OnConflict, OrmConfig, Page, PerPage, Record, Result, Row, Value,
    };
}

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
pub use value::{FromValue, Value};

/// The README's examples, compiled as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
