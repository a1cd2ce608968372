//! The fields that hold loaded relations. A relation that was not loaded holds nothing and is
//! never loaded behind the caller's back: reading it gives `None`.

use serde::{Serialize, Serializer};

/// A has-many relation field (`posts: HasMany<Post>`): the related models once loaded
/// (`with(["posts"])`), nothing before.
#[derive(Debug, Clone, PartialEq)]
pub struct HasMany<T> {
    loaded: Option<Vec<T>>,
    /// Aggregates and pivot values, out of line: most relations have neither, and a model
    /// stays small.
    extras: Option<Box<ListExtras>>,
}

/// What a list relation may carry besides its models.
#[derive(Debug, Clone, Default, PartialEq)]
struct ListExtras {
    /// Aggregates of the related rows loaded with `with_count`, `with_sum`, … (`count`,
    /// `sum:votes`, …).
    aggregates: Vec<(String, crate::value::Value)>,
    /// A many-to-many relation's pivot columns, one record per loaded model, in order.
    pivots: Vec<crate::query::Record>,
}

impl<T> Default for HasMany<T> {
    fn default() -> Self {
        HasMany { loaded: None, extras: None }
    }
}

impl<T> HasMany<T> {
    /// The related models, `None` when the relation was not loaded (no query is run).
    pub fn loaded(&self) -> Option<&[T]> {
        self.loaded.as_deref()
    }

    /// The related models, mutably, `None` when the relation was not loaded.
    pub fn loaded_mut(&mut self) -> Option<&mut Vec<T>> {
        self.loaded.as_mut()
    }

    /// Whether the relation was loaded.
    pub fn is_loaded(&self) -> bool {
        self.loaded.is_some()
    }

    /// Takes the related models out, leaving the relation not loaded.
    pub fn take(&mut self) -> Option<Vec<T>> {
        self.loaded.take()
    }

    /// Sets the relation as loaded with `models`.
    pub fn set(&mut self, models: Vec<T>) {
        self.loaded = Some(models);
    }

    /// The pivot columns (`pivot("role")` on the field) of the loaded model at `index`, for a
    /// many-to-many relation (Eloquent's `$tag->pivot`): `post.tags.pivot(0)`.
    pub fn pivot(&self, index: usize) -> Option<&crate::query::Record> {
        self.extras.as_ref()?.pivots.get(index)
    }

    /// The loaded models with their pivot columns.
    pub fn with_pivots(&self) -> impl Iterator<Item = (&T, &crate::query::Record)> {
        let pivots: &[crate::query::Record] = self.extras.as_ref().map_or(&[], |e| e.pivots.as_slice());
        self.loaded.iter().flatten().zip(pivots)
    }

    /// Sets the relation as loaded with `models` and, for each, its pivot columns.
    pub(crate) fn set_with_pivots(&mut self, models: Vec<T>, pivots: Vec<crate::query::Record>) {
        self.loaded = Some(models);
        if !pivots.is_empty() || self.extras.is_some() {
            self.extras.get_or_insert_with(Box::default).pivots = pivots;
        }
    }

    /// The number of related rows, when loaded with
    /// [`with_count`](crate::ModelQuery::with_count) (no query is run).
    pub fn count(&self) -> Option<i64> {
        match self.aggregate("count")? {
            crate::value::Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether there is any related row, when loaded with
    /// [`with_exists`](crate::ModelQuery::with_exists).
    pub fn exists(&self) -> Option<bool> {
        self.aggregate("exists").map(|v| matches!(v, crate::value::Value::Int(n) if *n > 0))
    }

    /// `SUM(column)` of the related rows, when loaded with
    /// [`with_sum`](crate::ModelQuery::with_sum) (`Null` when there is none).
    pub fn sum(&self, column: &str) -> Option<&crate::value::Value> {
        self.aggregate(&format!("sum:{column}"))
    }

    /// `AVG(column)`, when loaded with [`with_avg`](crate::ModelQuery::with_avg).
    pub fn avg(&self, column: &str) -> Option<&crate::value::Value> {
        self.aggregate(&format!("avg:{column}"))
    }

    /// `MIN(column)`, when loaded with [`with_min`](crate::ModelQuery::with_min).
    pub fn min(&self, column: &str) -> Option<&crate::value::Value> {
        self.aggregate(&format!("min:{column}"))
    }

    /// `MAX(column)`, when loaded with [`with_max`](crate::ModelQuery::with_max).
    pub fn max(&self, column: &str) -> Option<&crate::value::Value> {
        self.aggregate(&format!("max:{column}"))
    }

    fn aggregate(&self, key: &str) -> Option<&crate::value::Value> {
        self.extras.as_ref()?.aggregates.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Records an aggregate of the related rows (`count`, `sum:votes`, …).
    pub(crate) fn set_aggregate(&mut self, key: String, value: crate::value::Value) {
        let aggregates = &mut self.extras.get_or_insert_with(Box::default).aggregates;
        match aggregates.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => aggregates.push((key, value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_relation_is_four_words() {
        assert_eq!(std::mem::size_of::<HasMany<u64>>(), 32);
    }
}

impl<T: Serialize> Serialize for HasMany<T> {
    /// The list when loaded (the derive leaves a relation that was not loaded out of a model's
    /// serialised form), `null` otherwise.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.loaded.serialize(serializer)
    }
}

/// A many-to-many relation field (`tags: BelongsToMany<Tag>`, through a pivot table): the
/// related models once loaded. The same list as [`HasMany`].
pub type BelongsToMany<T> = HasMany<T>;

/// The inverse of a polymorphic relation (`commentable: MorphTo<Commentable>`, an enum of the
/// models the row may point at, `#[derive(MorphTarget)]`): the parent once loaded.
pub type MorphTo<T> = BelongsTo<T>;

macro_rules! one_slot {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name<T> {
            /// `None`: not loaded; `Some(None)`: loaded, no related row.
            loaded: Option<Option<Box<T>>>,
        }

        impl<T> Default for $name<T> {
            fn default() -> Self {
                $name { loaded: None }
            }
        }

        impl<T> $name<T> {
            /// The related model when the relation was loaded and found one; `None` otherwise
            /// (see [`loaded`](Self::loaded) to tell the two apart). No query is run.
            pub fn get(&self) -> Option<&T> {
                self.loaded.as_ref().and_then(|m| m.as_deref())
            }

            /// `None` when the relation was not loaded; `Some(None)` when it was and no row
            /// is related.
            pub fn loaded(&self) -> Option<Option<&T>> {
                self.loaded.as_ref().map(|m| m.as_deref())
            }

            /// The related model, mutably, when loaded and present.
            pub fn get_mut(&mut self) -> Option<&mut T> {
                self.loaded.as_mut().and_then(|m| m.as_deref_mut())
            }

            /// Whether the relation was loaded.
            pub fn is_loaded(&self) -> bool {
                self.loaded.is_some()
            }

            /// Sets the relation as loaded, with the related model or none.
            pub fn set(&mut self, model: Option<T>) {
                self.loaded = Some(model.map(Box::new));
            }

            /// Takes the related model out, leaving the relation not loaded.
            pub fn take(&mut self) -> Option<T> {
                self.loaded.take().flatten().map(|m| *m)
            }
        }

        impl<T: Serialize> Serialize for $name<T> {
            /// The related model, or `null` when there is none.
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.get().serialize(serializer)
            }
        }
    };
}

one_slot! {
    /// A has-one relation field (`profile: HasOne<Profile>`): the related model once loaded.
    HasOne
}

one_slot! {
    /// A belongs-to relation field (`author: BelongsTo<User>`): the parent model once loaded.
    BelongsTo
}
