//! The keys relations match on: a hashable [`Key`], a map keyed by it with a cheap hasher (a
//! key's hash is already spread, [`hash_value`]), and [`Keyed`], the parents' distinct keys
//! with each parent's place among them, which groups the related rows (each group sized once)
//! and hands each parent its group.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::error::Result;
use crate::value::Value;

use super::super::casts::hash_value;
use super::super::partial::key_value;
use super::super::Entity;

/// A key value that can be hashed (keys are integers, text or UUIDs). A UUID and its text form
/// are the same key: a pivot or foreign key column read as a plain row may hold a UUID as text
/// (MySQL's `CHAR(36)`) where the model's field holds a `Uuid`.
#[derive(Debug, Clone)]
pub(super) struct Key(pub(super) Value);

impl Key {
    fn canonical(&self) -> std::borrow::Cow<'_, Value> {
        match &self.0 {
            Value::Uuid(u) => std::borrow::Cow::Owned(Value::Text(u.hyphenated().to_string())),
            other => std::borrow::Cow::Borrowed(other),
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Value::Int(a), Value::Int(b)) => a == b,
            _ => self.canonical() == other.canonical(),
        }
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.0 {
            Value::Int(i) => state.write_u64(*i as u64),
            _ => state.write_u64(hash_value(&self.canonical())),
        }
    }
}

/// The hasher of a [`KeyMap`]: a key writes one `u64`, which a folded multiply spreads over
/// all 64 bits (the table reads both its top and bottom bits). SipHash cost ≈ 300
/// instructions a related row on an eager load (callgrind).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        let folded = u128::from(self.0) * 0xA076_1D64_78BD_642F;
        (folded as u64) ^ ((folded >> 64) as u64)
    }
}

/// A map keyed by [`Key`].
pub(super) type KeyMap<V> = HashMap<Key, V, BuildHasherDefault<KeyHasher>>;

/// What a group of related rows is: a list, or one model (which can be sized).
pub(super) trait Group: Default + Clone {
    /// Makes room for `n` more rows.
    fn reserve(&mut self, n: usize);
}

impl<T: Clone> Group for Vec<T> {
    fn reserve(&mut self, n: usize) {
        self.reserve_exact(n);
    }
}

impl<T: Clone> Group for Option<T> {
    fn reserve(&mut self, _: usize) {}
}

impl<A: Clone, B: Clone> Group for (Vec<A>, Vec<B>) {
    fn reserve(&mut self, n: usize) {
        self.0.reserve_exact(n);
        self.1.reserve_exact(n);
    }
}

/// The parents' distinct keys, in first-seen order (no NULL), and each parent's place among
/// them.
pub(super) struct Keyed {
    pub(super) keys: Vec<Value>,
    index: KeyMap<usize>,
    of_parent: Vec<Option<usize>>,
}

impl Keyed {
    /// The keys of `models` in `column`.
    ///
    /// # Errors
    /// [`Error::PartialModel`](crate::Error::PartialModel) for a column a column-limited load
    /// left out; [`Error::ColumnNotFound`](crate::Error::ColumnNotFound).
    pub(super) fn of<M: Entity>(models: &[M], column: &str) -> Result<Keyed> {
        let mut keyed =
            Keyed { keys: Vec::new(), index: KeyMap::default(), of_parent: Vec::with_capacity(models.len()) };
        keyed.index.reserve(models.len());
        for model in models {
            let value = key_value(model, column)?;
            if value.is_null() {
                keyed.of_parent.push(None);
                continue;
            }
            let at = match keyed.index.entry(Key(value)) {
                Entry::Occupied(found) => *found.get(),
                Entry::Vacant(new) => {
                    let at = keyed.keys.len();
                    keyed.keys.push(new.key().0.clone());
                    new.insert(at);
                    at
                }
            };
            keyed.of_parent.push(Some(at));
        }
        Ok(keyed)
    }

    /// Whether no parent has a key.
    pub(super) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The place of `value` among the keys.
    pub(super) fn position(&self, value: Value) -> Option<usize> {
        self.index.get(&Key(value)).copied()
    }

    /// `items` grouped by key (`key_of`), each group sized once; items whose key no parent
    /// has are dropped. `add` puts an item in its group.
    pub(super) fn group<T, G: Group>(
        &self,
        items: Vec<T>,
        key_of: impl Fn(&T) -> Result<Value>,
        add: impl Fn(&mut G, T),
    ) -> Result<Vec<G>> {
        let slots = items.iter().map(|item| Ok(self.position(key_of(item)?))).collect::<Result<Vec<_>>>()?;
        let mut counts = vec![0usize; self.keys.len()];
        for slot in slots.iter().flatten() {
            counts[*slot] += 1;
        }
        let mut groups: Vec<G> = counts
            .iter()
            .map(|&n| {
                let mut group = G::default();
                group.reserve(n);
                group
            })
            .collect();
        for (item, slot) in items.into_iter().zip(slots) {
            if let Some(slot) = slot {
                add(&mut groups[slot], item);
            }
        }
        Ok(groups)
    }

    /// Hands each parent its group (of the same place as its key), moving a group to the last
    /// parent that wants it and cloning it for the others; a parent without a key gets an
    /// empty one.
    pub(super) fn distribute<P, G: Default + Clone>(
        &self,
        parents: &mut [P],
        mut groups: Vec<G>,
        mut give: impl FnMut(&mut P, G),
    ) {
        let mut wanted = vec![0u32; groups.len()];
        for slot in self.of_parent.iter().flatten() {
            wanted[*slot] += 1;
        }
        for (parent, slot) in parents.iter_mut().zip(&self.of_parent) {
            let share = match *slot {
                None => G::default(),
                Some(slot) => {
                    wanted[slot] -= 1;
                    if wanted[slot] == 0 {
                        std::mem::take(&mut groups[slot])
                    } else {
                        groups[slot].clone()
                    }
                }
            };
            give(parent, share);
        }
    }

    /// Each parent's place among the keys (`None` for a parent without a key).
    pub(super) fn of_parents(&self) -> &[Option<usize>] {
        &self.of_parent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuid_and_its_text_are_one_key() {
        let id = uuid::Uuid::now_v7();
        let mut map = KeyMap::default();
        map.insert(Key(Value::Uuid(id)), 1);
        assert_eq!(map.get(&Key(Value::Text(id.to_string()))), Some(&1));
    }

    #[test]
    fn keys_of_one_value_hash_alike() {
        let mut map = KeyMap::default();
        map.insert(Key(Value::Int(7)), 1);
        assert_eq!(map.get(&Key(Value::Int(7))), Some(&1));
        assert_eq!(map.get(&Key(Value::Text("7".into()))), None);
    }

    #[test]
    fn the_hasher_spreads_small_integers_over_the_top_bits() {
        let tops: std::collections::HashSet<u64> = (0..64u64)
            .map(|i| {
                let mut h = KeyHasher::default();
                h.write_u64(i);
                h.finish() >> 57
            })
            .collect();
        assert!(tops.len() > 32, "{} distinct top-7-bit values of 64", tops.len());
    }
}
