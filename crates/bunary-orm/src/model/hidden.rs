//! Hidden columns (Eloquent's `$hidden`): fields marked `#[orm(hidden)]` are loaded into the
//! model but left out of its serialised form, of the rows its query returns, and of `pluck`.

use crate::error::{Error, QueryProblem, Result};
use crate::row::Row;

use super::Entity;

/// Removes `M`'s hidden columns from `rows`.
pub(crate) fn strip<M: Entity>(rows: &mut [Row]) {
    if !M::HIDDEN.is_empty() {
        crate::row::drop_columns(rows, |c| M::HIDDEN.contains(&c));
    }
}

/// [`Error::InvalidQuery`] when `column` (`name` or `table.name`) is one of `M`'s hidden columns.
pub(crate) fn refuse<M: Entity>(column: &str) -> Result<()> {
    let name = column.rsplit('.').next().unwrap_or(column);
    if M::HIDDEN.contains(&name) {
        let problem = QueryProblem::HiddenColumn { model: M::NAME, column: name.to_owned() };
        return Err(Error::InvalidQuery { problem });
    }
    Ok(())
}

/// Which of a model's hidden and visible fields one serialisation changes: what
/// [`make_hidden`](crate::EntityExt::make_hidden) and
/// [`make_visible`](crate::EntityExt::make_visible) give the derive's serializer. Names are
/// column, appended-value and relation names (not the serialised names a serde `rename` gives).
#[derive(Debug, Clone, Copy, Default)]
pub struct View<'a> {
    hide: &'a [&'a str],
    show: &'a [&'a str],
}

impl<'a> View<'a> {
    /// The model's own `hidden`/`visible` rules, unchanged.
    pub const DEFAULT: View<'static> = View { hide: &[], show: &[] };

    /// Whether this view changes nothing.
    #[inline]
    pub fn is_default(&self) -> bool {
        self.hide.is_empty() && self.show.is_empty()
    }

    /// Whether `name` is serialised, `hidden` saying whether the model hides it by default.
    #[inline]
    pub fn shows(&self, name: &str, hidden: bool) -> bool {
        if self.hide.contains(&name) {
            false
        } else if hidden {
            self.show.contains(&name)
        } else {
            true
        }
    }
}

/// A model serialised with fields hidden or shown for this once (Eloquent's `makeHidden` and
/// `makeVisible`, without changing the model): what
/// [`make_hidden`](crate::EntityExt::make_hidden) and
/// [`make_visible`](crate::EntityExt::make_visible) return.
///
/// ```
/// use bunary_orm::prelude::*;
/// #[derive(Model, Debug, Clone, Default)]
/// #[orm(table = "users", timestamps = false)]
/// struct User {
///     id: i64,
///     name: String,
///     email: String,
///     #[orm(hidden)]
///     password: String,
///     state: ModelState,
/// }
/// let ada = User { id: 1, name: "Ada".into(), email: "ada@example.com".into(), password: "x".into(), ..Default::default() };
/// let public = serde_json::to_value(ada.make_hidden(&["email"])).unwrap();
/// assert_eq!(public, serde_json::json!({"id": 1, "name": "Ada"}));
/// let admin = serde_json::to_value(ada.make_visible(&["password"])).unwrap();
/// assert_eq!(admin["password"], "x");
/// let users = vec![ada];
/// let shown: Vec<_> = users.iter().map(|u| u.make_hidden(&["email", "name"])).collect();
/// assert_eq!(serde_json::to_value(shown).unwrap(), serde_json::json!([{"id": 1}]));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a, M> {
    model: &'a M,
    view: View<'a>,
}

impl<'a, M: Entity> Shown<'a, M> {
    pub(crate) fn new(model: &'a M, hide: &'a [&'a str], show: &'a [&'a str]) -> Self {
        Shown { model, view: View { hide, show } }
    }

    /// These fields hidden too.
    pub fn make_hidden(self, hide: &'a [&'a str]) -> Self {
        Shown { view: View { hide, ..self.view }, ..self }
    }

    /// These hidden fields shown too.
    pub fn make_visible(self, show: &'a [&'a str]) -> Self {
        Shown { view: View { show, ..self.view }, ..self }
    }
}

impl<M: Entity> serde::Serialize for Shown<'_, M> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.model.serialize_view(serializer, &self.view)
    }
}
