//! [`ModelState`]: whether a model is in the database, what it held when loaded, and where it
//! came from.

use smallvec::SmallVec;

use crate::query::Connection;
use crate::value::Value;

/// One 64-bit hash per column (inline up to 8 columns, no allocation).
pub type FieldHashes = SmallVec<[u64; 8]>;

/// What a model held when it was loaded or last saved: a hash of each column (to tell which
/// changed without keeping a copy of every value) and its key (to find its row even if the
/// key field is changed).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) hashes: FieldHashes,
    pub(crate) key: Value,
}

/// The persistence state a model carries in a field of this type (any name; mark it
/// `#[serde(skip)]` is not needed: the derive leaves it out of serialised output).
///
/// `Default` is a new model, not yet saved. Two states always compare equal, so that
/// `#[derive(PartialEq)]` on a model compares its data only.
#[derive(Debug, Clone, Default)]
pub struct ModelState {
    /// The columns as last loaded or saved; `None` for a model not in the database.
    pub(crate) original: Option<Snapshot>,
    /// Where the model was loaded from; saves go there.
    pub(crate) connection: Connection,
}

impl ModelState {
    /// The state of a new model that saves to `connection` (an explicit [`Db`](crate::Db), a
    /// transaction, a named connection) rather than the global database.
    pub fn on(connection: impl Into<Connection>) -> Self {
        ModelState { original: None, connection: connection.into() }
    }

    /// The state of a new model that saves inside the transaction `tx`.
    pub fn in_transaction(tx: &crate::transaction::Tx) -> Self {
        ModelState { original: None, connection: Connection::Tx(tx.clone()) }
    }

    /// Whether the model was loaded from, or saved to, the database.
    pub fn exists(&self) -> bool {
        self.original.is_some()
    }

    /// Where the model saves itself.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Makes the model save to `connection` (an explicit [`Db`](crate::Db) or a transaction).
    pub fn set_connection(&mut self, connection: Connection) {
        self.connection = connection;
    }
}

impl PartialEq for ModelState {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}
