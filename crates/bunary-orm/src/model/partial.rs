//! Column-limited loads (Eloquent's `select` on a model query and `with('author:id,name')`):
//! models built from some of their columns. A column left out holds its field type's empty
//! value (`None`, `0`, `""`), is left out of the model's JSON, and makes the model refuse to
//! save (a save cannot tell an untouched empty value from one the program set); `refresh`
//! loads it whole. The key is always selected; a column whose type has no empty value must be.

use std::sync::Arc;

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::ident::{ColumnRef, Ident, TableRef};
use crate::query::clause::Selection;
use crate::query::Builder;
use crate::row::{Columns, Layout, Row, ValuesSource};
use crate::value::Value;

use super::fields::ABSENT;
use super::{Entity, ModelState, Snapshots};

/// What a column-limited load of `M` reads and leaves out.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    selected: Vec<&'static str>,
    absent: Vec<&'static str>,
}

impl Plan {
    /// The plan of loading `M` with `columns` (and its key).
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for a column `M` lacks; [`Error::PartialModel`] for one left
    /// out whose field has no empty value.
    pub(crate) fn of<M: Entity>(columns: &[String]) -> Result<Plan> {
        if let Some(unknown) = columns.iter().find(|c| !M::COLUMNS.contains(&c.as_str())) {
            return Err(super::unknown_column::<M>(unknown));
        }
        let wanted = |c: &&'static str| *c == M::PRIMARY_KEY || columns.iter().any(|w| w == c);
        let (selected, absent): (Vec<&'static str>, Vec<&'static str>) = M::COLUMNS.iter().copied().partition(wanted);
        if let Some(column) = absent.iter().find(|c| !M::column_may_be_absent(c)) {
            return Err(Error::PartialModel { model: M::NAME, column });
        }
        Ok(Plan { selected, absent })
    }

    /// `builder` reading the selected columns, qualified by its table (or alias), in place of
    /// `*` or `table.*`; other selections (a pivot's columns) stay.
    pub(crate) fn select<T>(&self, mut builder: Builder<T>) -> Result<Builder<T>> {
        let qualifier =
            builder.query.table.as_ref().map(|t: &TableRef| t.alias.clone().unwrap_or_else(|| t.name.clone()));
        let mut columns = Vec::with_capacity(self.selected.len());
        for column in &self.selected {
            columns.push(Selection::Column(ColumnRef {
                table: qualifier.clone(),
                column: Some(Ident::new(column, "column")?),
                alias: None,
                json: None,
            }));
        }
        let others = std::mem::take(&mut builder.query.columns);
        builder.query.columns = columns;
        builder
            .query
            .columns
            .extend(others.into_iter().filter(|s| !matches!(s, Selection::Column(c) if c.column.is_none())));
        builder.excludes.clear();
        Ok(builder)
    }

    /// The models of `rows`, their left-out fields empty. The layout is worked out once for
    /// rows that share their column list (a result's rows do).
    pub(crate) fn decode<M: Entity>(&self, rows: Vec<Row>) -> Result<Vec<M>> {
        let mut known: Option<(Columns, Layout)> = None;
        let mut models = Vec::with_capacity(rows.len());
        for row in rows {
            let columns = Arc::clone(row.columns_arc());
            let layout = match &known {
                Some((seen, layout)) if Arc::ptr_eq(seen, &columns) => layout,
                _ => &known.insert((Arc::clone(&columns), self.layout::<M>(&columns)?)).1,
            };
            let mut values = row.into_values();
            models.push(M::from_source(layout, &columns, &ValuesSource::new(&mut values))?);
        }
        Ok(models)
    }

    /// Where each column of `M` is among `columns` ([`ABSENT`] for one the plan leaves out).
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for a selected column the result lacks.
    fn layout<M: Entity>(&self, columns: &[String]) -> Result<Layout> {
        let layout: Layout = M::COLUMNS.iter().map(|c| columns.iter().position(|r| r == c).unwrap_or(ABSENT)).collect();
        match M::COLUMNS.iter().zip(&layout).find(|(c, at)| **at == ABSENT && !self.absent.contains(c)) {
            Some((column, _)) => Err(super::unknown_column::<M>(column)),
            None => Ok(layout),
        }
    }

    /// Tells loaded models what they held, where they came from, and what they lack.
    pub(crate) fn mark_loaded<M: Entity>(&self, models: &mut [M], connection: &Connection) {
        if models.is_empty() {
            return;
        }
        let shared = Arc::new(Snapshots::of_models(connection.clone(), models).with_absent(self.absent.clone()));
        for (model, state) in models.iter_mut().zip(ModelState::loaded(shared)) {
            *model.state_mut() = state;
        }
    }
}

/// The value of `column` of a model that relations match on: an error, not an empty value,
/// when a column-limited load left it out.
///
/// # Errors
/// [`Error::PartialModel`] for a column left out; [`Error::ColumnNotFound`].
pub(crate) fn key_value<M: Entity>(model: &M, column: &str) -> Result<Value> {
    if model.state().is_absent(column) {
        let column = M::COLUMNS.iter().find(|c| **c == column).copied().unwrap_or("?");
        return Err(Error::PartialModel { model: M::NAME, column });
    }
    model.get_value(column)
}
