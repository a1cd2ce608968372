//! Where SQL runs: the one home between the drivers and the query builder, schema builder and
//! migrator.
//!
//! - [`Db`] (`handle.rs`): an explicit handle on one database (a shared driver);
//! - [`Tx`] (`transaction.rs`): an open transaction, nested transactions as savepoints;
//! - [`Connection`] (`target.rs`): where a builder, a model or the schema builder runs — the
//!   global database, a named connection, a handle or a transaction — and the executor it
//!   resolves to;
//! - `cache.rs`: the global and named handles ([`get_driver`], [`get_connection`]).
//!
//! Drivers (`driver/`) run statements and build no SQL; the query builder and the grammars
//! (`query/`) build SQL and run it only through this module.

pub mod cache;
mod callbacks;
mod handle;
pub(crate) mod pretend;
mod retry;
mod target;
pub(crate) mod transaction;

pub use self::cache::{close_driver, get_connection, get_driver, reset_driver};
pub use self::handle::Db;
pub use self::target::Connection;
pub(crate) use self::target::Executor;
pub use self::transaction::Tx;
