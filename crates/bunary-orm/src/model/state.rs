//! [`ModelState`]: whether a model is in the database, what it held when loaded, and where it
//! came from.
//!
//! A model carries two words of state. What it held when loaded (a hash of each column and its
//! key) lives in [`Snapshots`], one per query result, shared by the models of that result: a
//! load writes the hashes of all its rows into one vector instead of giving each model its own
//! copy, and the model itself stays as small as its fields (smaller models move faster and free
//! cheaper). A save gives the model snapshots of its own.

use std::sync::Arc;

use smallvec::SmallVec;

use crate::query::Connection;
use crate::value::Value;

/// One 64-bit hash per column (inline up to 8 columns, no allocation).
pub type FieldHashes = SmallVec<[u64; 8]>;

/// Marks a model that is not in the database (never saved, or deleted).
const NOT_STORED: u32 = u32::MAX;

/// The connection of a model that was given none: the global database.
static GLOBAL: Connection = Connection::Global;

/// What the models of one result (or one saved model) held when loaded or saved: a hash of each
/// column, `width` a row, to tell which changed without keeping a copy of every value; and each
/// row's key, to find the row even if the key field is changed. Plus where they came from.
#[doc(hidden)]
#[derive(Debug)]
pub struct Snapshots {
    connection: Connection,
    width: usize,
    hashes: FieldHashes,
    /// Inline for one row (a find): a loaded model then costs one allocation, the `Arc`.
    keys: SmallVec<[Value; 1]>,
}

impl Snapshots {
    /// Remembers one more row: its column hashes (pushed by `hash`) and its key.
    pub(crate) fn push(&mut self, key: Value, hash: impl FnOnce(&mut FieldHashes)) {
        hash(&mut self.hashes);
        self.keys.push(key);
        debug_assert_eq!(self.hashes.len(), self.keys.len() * self.width);
    }

    /// No rows yet, room for `rows`, for models loaded from `connection` with `width` columns.
    pub(crate) fn with_capacity(connection: Connection, width: usize, rows: usize) -> Self {
        let mut hashes = FieldHashes::new();
        hashes.reserve_exact(width * rows);
        let mut keys = SmallVec::new();
        keys.reserve_exact(rows);
        Snapshots { connection, width, hashes, keys }
    }

    /// The number of rows remembered.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    fn row(&self, row: u32) -> Option<(&[u64], &Value)> {
        let row = row as usize;
        let key = self.keys.get(row)?;
        Some((self.hashes.get(row * self.width..(row + 1) * self.width)?, key))
    }
}

/// The persistence state a model carries in a field of this type (any name; mark it
/// `#[serde(skip)]` is not needed: the derive leaves it out of serialised output).
///
/// `Default` is a new model, not yet saved. Two states always compare equal, so that
/// `#[derive(PartialEq)]` on a model compares its data only. Cloning a loaded model shares its
/// snapshot (nothing is copied); saving either clone gives it a snapshot of its own.
///
/// The models of one result share one snapshot (a hash per column and the key, per row), which
/// lives as long as any of them that was not saved since: keeping one model of a large result
/// keeps that result's hashes (8 bytes a column a row), not its models.
#[derive(Clone)]
pub struct ModelState {
    /// The snapshots this model's row is in, and its connection; `None` for a new model on the
    /// global database.
    shared: Option<Arc<Snapshots>>,
    /// This model's row in `shared`, or [`NOT_STORED`].
    row: u32,
}

impl Default for ModelState {
    fn default() -> Self {
        ModelState { shared: None, row: NOT_STORED }
    }
}

impl std::fmt::Debug for ModelState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelState").field("exists", &self.exists()).field("connection", self.connection()).finish()
    }
}

impl ModelState {
    /// The state of a new model that saves to `connection` (an explicit [`Db`](crate::Db), a
    /// transaction, a named connection) rather than the global database.
    pub fn on(connection: impl Into<Connection>) -> Self {
        match connection.into() {
            Connection::Global => ModelState::default(),
            connection => {
                ModelState { shared: Some(Arc::new(Snapshots::with_capacity(connection, 0, 0))), row: NOT_STORED }
            }
        }
    }

    /// The state of a new model that saves inside the transaction `tx`.
    pub fn in_transaction(tx: &crate::transaction::Tx) -> Self {
        ModelState::on(Connection::Tx(tx.clone()))
    }

    /// Whether the model was loaded from, or saved to, the database.
    pub fn exists(&self) -> bool {
        self.original().is_some()
    }

    /// Where the model saves itself.
    pub fn connection(&self) -> &Connection {
        self.shared.as_ref().map_or(&GLOBAL, |s| &s.connection)
    }

    /// Makes the model save to `connection` (an explicit [`Db`](crate::Db) or a transaction).
    pub fn set_connection(&mut self, connection: Connection) {
        let original = self.original().map(|(hashes, key)| (FieldHashes::from_slice(hashes), key.clone()));
        *self = ModelState::on(connection);
        if let Some((hashes, key)) = original {
            self.set_original(&hashes, key);
        }
    }

    /// The column hashes and key the model was loaded or last saved with.
    pub(crate) fn original(&self) -> Option<(&[u64], &Value)> {
        self.shared.as_ref()?.row(self.row)
    }

    /// Remembers `hashes` and `key` as what the model holds in the database (after a save).
    pub(crate) fn set_original(&mut self, hashes: &[u64], key: Value) {
        let mut own = Snapshots::with_capacity(self.connection().clone(), hashes.len(), 1);
        own.push(key, |out| out.extend_from_slice(hashes));
        *self = ModelState { shared: Some(Arc::new(own)), row: 0 };
    }

    /// Forgets the row (after a delete); the connection stays.
    pub(crate) fn forget(&mut self) {
        self.row = NOT_STORED;
    }

    /// The states of the models of one result, in row order (row `i` of `snapshots` is model `i`).
    pub(crate) fn loaded(shared: Arc<Snapshots>) -> impl Iterator<Item = ModelState> {
        let rows = u32::try_from(shared.len()).unwrap_or(NOT_STORED);
        let mut shared = Some(shared);
        // The last row takes the handle itself: one reference count less to touch.
        (0..rows).map(move |row| {
            let handle = if row + 1 == rows { shared.take() } else { shared.clone() };
            ModelState { shared: handle, row }
        })
    }
}

impl PartialEq for ModelState {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_two_words() {
        assert_eq!(std::mem::size_of::<ModelState>(), 16);
    }

    #[test]
    fn loaded_models_share_one_snapshot_and_a_save_gives_one_its_own() {
        let mut snapshots = Snapshots::with_capacity(Connection::Named("main".into()), 2, 2);
        snapshots.push(Value::Int(1), |out| out.extend([10, 11]));
        snapshots.push(Value::Int(2), |out| out.extend([20, 21]));
        let mut states: Vec<ModelState> = ModelState::loaded(Arc::new(snapshots)).collect();
        assert_eq!(states.len(), 2);
        assert_eq!(states[0].original(), Some((&[10, 11][..], &Value::Int(1))));
        assert_eq!(states[1].original(), Some((&[20, 21][..], &Value::Int(2))));
        assert!(matches!(states[1].connection(), Connection::Named(n) if n == "main"));

        states[0].set_original(&[12, 13], Value::Int(1));
        assert_eq!(states[0].original(), Some((&[12, 13][..], &Value::Int(1))));
        assert_eq!(states[1].original(), Some((&[20, 21][..], &Value::Int(2))));
        assert!(matches!(states[0].connection(), Connection::Named(n) if n == "main"));

        states[1].set_connection(Connection::Named("other".into()));
        assert_eq!(states[1].original(), Some((&[20, 21][..], &Value::Int(2))));
        assert!(matches!(states[1].connection(), Connection::Named(n) if n == "other"));

        states[1].forget();
        assert!(!states[1].exists());
        assert!(matches!(states[1].connection(), Connection::Named(n) if n == "other"));
    }

    #[test]
    fn a_new_state_is_not_stored_and_saves_to_its_connection() {
        let state = ModelState::default();
        assert!(!state.exists());
        assert!(matches!(state.connection(), Connection::Global));
        let state = ModelState::on(Connection::Named("x".into()));
        assert!(!state.exists());
        assert!(matches!(state.connection(), Connection::Named(n) if n == "x"));
    }
}
