//! [`ModelState`]: whether a model is in the database, what it held when loaded, and where it
//! came from.
//!
//! A model carries two words of state. What it held when loaded (a hash of each column, and its
//! key unless the key is an integer, which its hash already is) lives in [`Snapshots`], one per query result, shared by the models of that result: a
//! load writes the hashes of all its rows into one vector instead of giving each model its own
//! copy, and the model itself stays as small as its fields (smaller models move faster and free
//! cheaper). A save gives the model snapshots of its own.

use std::borrow::Cow;
use std::sync::Arc;

use smallvec::SmallVec;

use crate::connection::Connection;
use crate::model::Entity;
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
///
/// An integer key is not kept apart: the hash of an integer column is the integer itself, so the
/// key is read back from its column's hash (`key_column`).
#[doc(hidden)]
#[derive(Debug)]
pub struct Snapshots {
    connection: Connection,
    width: usize,
    rows: usize,
    hashes: FieldHashes,
    /// The column whose hash is the key itself, if any; `keys` is then left empty.
    key_column: Option<usize>,
    /// Inline for one row (a find): a loaded model then costs one allocation, the `Arc`.
    keys: SmallVec<[Value; 1]>,
    /// The columns the save that made these snapshots updated (empty for a load or an insert).
    changed: Vec<&'static str>,
    /// The columns a column-limited load left out (empty for a whole load): such models hold
    /// their type's empty value there, leave them out of JSON, and refuse to save.
    absent: Vec<&'static str>,
    /// The values themselves, for a model that keeps them (`#[orm(keep_original)]`): boxed,
    /// so that the snapshots of other models stay one word larger, not six.
    kept: Option<Box<Kept>>,
}

/// The original values of models that keep them.
#[derive(Debug, Default)]
struct Kept {
    /// `width` values a row.
    originals: Vec<Value>,
    /// What the save that made these snapshots overwrote: each updated column's value before it.
    previous: Vec<(&'static str, Value)>,
}

impl Kept {
    fn boxed(originals: Vec<Value>, previous: Vec<(&'static str, Value)>) -> Option<Box<Kept>> {
        (!originals.is_empty() || !previous.is_empty()).then(|| Box::new(Kept { originals, previous }))
    }
}

/// What a model held when it was loaded or last saved: a hash of each column and its key.
#[derive(Debug, PartialEq)]
pub(crate) struct Original<'a> {
    pub(crate) hashes: &'a [u64],
    pub(crate) key: Cow<'a, Value>,
}

impl Snapshots {
    /// Remembers one more row: its column hashes and its key (asked for only when it is not
    /// among the hashes).
    pub(crate) fn push(&mut self, hashes: &[u64], key: impl FnOnce() -> Value) {
        debug_assert_eq!(hashes.len(), self.width);
        self.hashes.extend_from_slice(hashes);
        if self.key_column.is_none() {
            self.keys.push(key());
        }
        self.rows += 1;
    }

    /// The snapshots of `models`, loaded together from `connection`: each model's column hashes
    /// are written in place, a row's slice at a time, with no check per column.
    pub(crate) fn of_models<M: Entity>(connection: Connection, models: &[M]) -> Self {
        let width = M::COLUMNS.len();
        let key_column = M::key_in_hashes().filter(|&c| c < width);
        // Zeroed, then overwritten: in place for a find; for many rows, one exact allocation
        // filled by `resize` (measured cheaper than `calloc`'s clearing of reused memory).
        let total = models.len() * width;
        let mut hashes = if total <= FieldHashes::new().inline_size() {
            FieldHashes::from_elem(0, total)
        } else {
            let mut hashes = FieldHashes::with_capacity(total);
            hashes.resize(total, 0);
            hashes
        };
        if width > 0 {
            for (model, out) in models.iter().zip(hashes.chunks_exact_mut(width)) {
                model.hash_fields_into(out);
            }
        }
        let keys = if key_column.is_none() { models.iter().map(Entity::key).collect() } else { SmallVec::new() };
        let originals = if M::KEEP_ORIGINAL { models.iter().flat_map(Entity::to_values).collect() } else { Vec::new() };
        Snapshots {
            connection,
            width,
            rows: models.len(),
            hashes,
            key_column,
            keys,
            changed: Vec::new(),
            absent: Vec::new(),
            kept: Kept::boxed(originals, Vec::new()),
        }
    }

    /// No rows yet, for models loaded from `connection` with `width` columns, the key's hash at
    /// `key_column` when the key is an integer (see [`Entity::key_in_hashes`]).
    pub(crate) fn new(connection: Connection, width: usize, key_column: Option<usize>) -> Self {
        let key_column = key_column.filter(|&c| c < width);
        Snapshots {
            connection,
            width,
            rows: 0,
            hashes: FieldHashes::new(),
            key_column,
            keys: SmallVec::new(),
            changed: Vec::new(),
            absent: Vec::new(),
            kept: None,
        }
    }

    /// Marks these models as loaded without the columns `absent`.
    pub(crate) fn with_absent(mut self, absent: Vec<&'static str>) -> Self {
        self.absent = absent;
        self
    }

    /// The number of rows remembered.
    pub(crate) fn len(&self) -> usize {
        self.rows
    }

    /// Row `row`'s values, when kept.
    fn values(&self, row: u32) -> Option<&[Value]> {
        let row = row as usize;
        let originals = &self.kept.as_ref()?.originals;
        if row >= self.rows || originals.is_empty() {
            return None;
        }
        originals.get(row * self.width..(row + 1) * self.width)
    }

    fn row(&self, row: u32) -> Option<Original<'_>> {
        let row = row as usize;
        if row >= self.rows {
            return None;
        }
        let hashes = self.hashes.get(row * self.width..(row + 1) * self.width)?;
        let key = match self.key_column {
            // The fingerprint of an integer is its value (`casts::exact_fingerprints`).
            Some(column) => Cow::Owned(Value::Int(hashes[column] as i64)),
            None => Cow::Borrowed(self.keys.get(row)?),
        };
        Some(Original { hashes, key })
    }
}

/// The persistence state a model carries in a field of this type (any name; mark it
/// `#[serde(skip)]` is not needed: the derive leaves it out of serialised output).
///
/// `Default` is a new model, not yet saved. Two states always compare equal, so that
/// `#[derive(PartialEq)]` on a model compares its data only. Cloning a loaded model shares its
/// snapshot (nothing is copied); saving either clone gives it a snapshot of its own.
///
/// The models of one result share one snapshot (a hash per column per row, and each row's key
/// unless it is an integer), which lives as long as any of them that was not saved since:
/// keeping one model of a large result keeps that result's hashes (8 bytes a column a row), not
/// its models.
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
            connection => ModelState { shared: Some(Arc::new(Snapshots::new(connection, 0, None))), row: NOT_STORED },
        }
    }

    /// Whether the model was loaded from, or saved to, the database.
    pub fn exists(&self) -> bool {
        self.shared.as_ref().is_some_and(|s| (self.row as usize) < s.rows)
    }

    /// Where the model saves itself.
    pub fn connection(&self) -> &Connection {
        self.shared.as_ref().map_or(&GLOBAL, |s| &s.connection)
    }

    /// Makes the model save to `connection` (a handle, a transaction or a named connection).
    pub fn set_connection(&mut self, connection: impl Into<Connection>) {
        let connection = connection.into();
        let original = self.original().map(|o| (FieldHashes::from_slice(o.hashes), o.key.into_owned()));
        let absent = self.absent_columns().to_vec();
        let values = self.original_values().map(<[Value]>::to_vec).unwrap_or_default();
        let (changed, previous) = (self.changed().to_vec(), self.previous().to_vec());
        *self = ModelState::on(connection);
        if let Some((hashes, key)) = original {
            let mut own = Snapshots::new(self.connection().clone(), hashes.len(), None);
            own.push(&hashes, || key);
            own.kept = Kept::boxed(values, previous);
            own.changed = changed;
            *self = ModelState { shared: Some(Arc::new(own.with_absent(absent))), row: 0 };
        }
    }

    /// The columns a column-limited load left out of this model (`with(["author:id,name"])`,
    /// [`select_partial`](crate::ModelQuery::select_partial)); empty for a model loaded whole.
    /// Such a model holds its type's empty value (`None`, `0`, `""`) in those fields, leaves
    /// them out of its JSON and refuses to save ([`Error::PartialModel`](crate::Error::PartialModel)):
    /// [`refresh`](crate::Entity::refresh) loads it whole.
    pub fn absent_columns(&self) -> &[&'static str] {
        self.shared.as_ref().map_or(&[], |s| s.absent.as_slice())
    }

    /// Whether a column-limited load left `column` out of this model.
    pub fn is_absent(&self, column: &str) -> bool {
        self.absent_columns().contains(&column)
    }

    /// The column hashes and key the model was loaded or last saved with.
    pub(crate) fn original(&self) -> Option<Original<'_>> {
        self.shared.as_ref()?.row(self.row)
    }

    /// Remembers `hashes` and `key` as what the model holds in the database, after a save
    /// that updated `changed` (the columns a column-limited load left out stay so).
    pub(crate) fn set_saved(&mut self, hashes: &[u64], key: Value, changed: Vec<&'static str>) {
        self.set_saved_with(hashes, key, changed, Vec::new(), Vec::new());
    }

    /// [`set_saved`](ModelState::set_saved) for a model that keeps its original values:
    /// `originals` now, and `previous`, what the save overwrote.
    pub(crate) fn set_saved_with(
        &mut self,
        hashes: &[u64],
        key: Value,
        changed: Vec<&'static str>,
        originals: Vec<Value>,
        previous: Vec<(&'static str, Value)>,
    ) {
        let mut own = Snapshots::new(self.connection().clone(), hashes.len(), None);
        own.push(hashes, || key);
        own.changed = changed;
        own.absent = self.absent_columns().to_vec();
        own.kept = Kept::boxed(originals, previous);
        *self = ModelState { shared: Some(Arc::new(own)), row: 0 };
    }

    /// The values the model was loaded or last saved with, when it keeps them
    /// (`#[orm(keep_original)]`).
    pub(crate) fn original_values(&self) -> Option<&[Value]> {
        self.shared.as_ref()?.values(self.row)
    }

    /// What the last save overwrote, column by column (models that keep originals).
    pub(crate) fn previous(&self) -> &[(&'static str, Value)] {
        match self.shared.as_ref().and_then(|s| s.kept.as_ref()) {
            Some(kept) => &kept.previous,
            None => &[],
        }
    }

    /// The columns the last save updated.
    pub(crate) fn changed(&self) -> &[&'static str] {
        self.shared.as_ref().map_or(&[], |s| s.changed.as_slice())
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

    fn original(hashes: &[u64], key: i64) -> Option<Original<'_>> {
        Some(Original { hashes, key: Cow::Owned(Value::Int(key)) })
    }

    #[test]
    fn loaded_models_share_one_snapshot_and_a_save_gives_one_its_own() {
        let mut snapshots = Snapshots::new(Connection::Named("main".into()), 2, None);
        snapshots.push(&[10, 11], || Value::Int(1));
        snapshots.push(&[20, 21], || Value::Int(2));
        let mut states: Vec<ModelState> = ModelState::loaded(Arc::new(snapshots)).collect();
        assert_eq!(states.len(), 2);
        assert_eq!(states[0].original(), original(&[10, 11], 1));
        assert_eq!(states[1].original(), original(&[20, 21], 2));
        assert!(matches!(states[1].connection(), Connection::Named(n) if n == "main"));

        states[0].set_saved(&[12, 13], Value::Int(1), Vec::new());
        assert_eq!(states[0].original(), original(&[12, 13], 1));
        assert_eq!(states[1].original(), original(&[20, 21], 2));
        assert!(matches!(states[0].connection(), Connection::Named(n) if n == "main"));

        states[1].set_connection(Connection::Named("other".into()));
        assert_eq!(states[1].original(), original(&[20, 21], 2));
        assert!(matches!(states[1].connection(), Connection::Named(n) if n == "other"));

        states[1].forget();
        assert!(!states[1].exists());
        assert!(states[1].original().is_none());
        assert!(matches!(states[1].connection(), Connection::Named(n) if n == "other"));
    }

    #[test]
    fn an_integer_key_is_read_back_from_its_hash_and_others_are_kept() {
        let mut snapshots = Snapshots::new(Connection::Global, 2, Some(0));
        snapshots.push(&[7, 70], || unreachable!("an integer key is not asked for"));
        snapshots.push(&[(-3i64) as u64, 30], || unreachable!("an integer key is not asked for"));
        assert!(snapshots.keys.is_empty());
        let states: Vec<ModelState> = ModelState::loaded(Arc::new(snapshots)).collect();
        assert_eq!(states[0].original(), original(&[7, 70], 7));
        assert_eq!(states[1].original(), original(&[(-3i64) as u64, 30], -3));

        let mut snapshots = Snapshots::new(Connection::Global, 1, None);
        snapshots.push(&[5], || Value::Text("ada".into()));
        let state = ModelState::loaded(Arc::new(snapshots)).next().unwrap();
        assert_eq!(state.original().unwrap().key.as_ref(), &Value::Text("ada".into()));
        assert!(state.exists());
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
