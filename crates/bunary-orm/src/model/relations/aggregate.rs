//! Aggregates of relations loaded with the models (Eloquent's `withCount`, `withExists`,
//! `withSum`, `withAvg`, `withMin`, `withMax`): one grouped query per relation, whatever the
//! number of parents, read back from the relation field (`user.posts.count()`).

use crate::connection::Connection;
use crate::error::{Error, QueryProblem, Result};
use crate::ident::{Ident, TableRef};
use crate::value::Value;

use super::super::query::ModelQuery;
use super::super::Entity;
use super::eager::{has_keys, morph_type};
use super::keys::Keyed;
use super::many::pivot;
use super::{HasMany, RelationDef, RelationKind};

/// An aggregate of a relation's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationAggregate {
    /// `COUNT(*)`.
    Count,
    /// Whether there is any row.
    Exists,
    /// `SUM(column)`.
    Sum,
    /// `AVG(column)`.
    Avg,
    /// `MIN(column)`.
    Min,
    /// `MAX(column)`.
    Max,
}

impl RelationAggregate {
    fn function(self) -> &'static str {
        match self {
            RelationAggregate::Count | RelationAggregate::Exists => "COUNT",
            RelationAggregate::Sum => "SUM",
            RelationAggregate::Avg => "AVG",
            RelationAggregate::Min => "MIN",
            RelationAggregate::Max => "MAX",
        }
    }

    /// The key the relation field keeps the result under.
    fn key(self, column: Option<&str>) -> String {
        match (self, column) {
            (RelationAggregate::Count, _) => "count".to_owned(),
            (RelationAggregate::Exists, _) => "exists".to_owned(),
            (other, column) => format!("{}:{}", other.function().to_ascii_lowercase(), column.unwrap_or("")),
        }
    }
}

/// The error of an aggregate asked of a relation that is not a list.
#[doc(hidden)]
pub fn not_a_list<M: Entity>(relation: &str) -> Error {
    Error::InvalidQuery { problem: QueryProblem::NotAList { model: M::NAME, relation: relation.to_owned() } }
}

/// Loads one aggregate of a has-many or many-to-many relation onto `parents`.
///
/// # Errors
/// [`Error::InvalidIdentifier`] for a bad column; [`Error::InvalidRelation`]; the query's
/// errors.
#[doc(hidden)]
pub async fn load_aggregate<P: Entity, C: Entity>(
    parents: &mut [P],
    def: RelationDef,
    slot: fn(&mut P) -> &mut HasMany<C>,
    function: RelationAggregate,
    column: Option<String>,
    connection: &Connection,
) -> Result<()> {
    let related_table = TableRef::parse(C::TABLE)?.name;
    let mut query = C::query().on(connection);
    let (group, parent_key) = match def.kind {
        RelationKind::BelongsToMany => {
            let pivot = pivot::<P, C>(&def)?;
            query = pivot.joined(query, &[]);
            (pivot.pivot_column(&pivot.foreign), pivot.parent_key().to_owned())
        }
        _ => {
            let (foreign, local) = has_keys::<P, C>(&def)?;
            if let Some((column, name)) = morph_type::<P, C>(&def)? {
                let column = format!("{}.{column}", related_table.as_str());
                query = query.map_base(|base| base.scoped(|q| q.where_(&column, name)));
            }
            (format!("{}.{foreign}", related_table.as_str()), local)
        }
    };
    let grouped = Grouped { query, group, parent_key, related_table: related_table.as_str().to_owned() };
    aggregate_onto(parents, grouped, slot, function, column, connection).await
}

/// Loads one aggregate of a has-many-through relation onto `parents`.
///
/// # Errors
/// As [`load_aggregate`].
#[doc(hidden)]
pub async fn load_aggregate_through<P: Entity, I: Entity, C: Entity>(
    parents: &mut [P],
    def: RelationDef,
    slot: fn(&mut P) -> &mut HasMany<C>,
    function: RelationAggregate,
    column: Option<String>,
    connection: &Connection,
) -> Result<()> {
    let pivot = super::many::through::<P, I, C>(&def)?;
    let grouped = Grouped {
        query: pivot.joined(C::query().on(connection), &[]),
        group: pivot.pivot_column(&pivot.foreign),
        parent_key: pivot.parent_key().to_owned(),
        related_table: TableRef::parse(C::TABLE)?.name.as_str().to_owned(),
    };
    aggregate_onto(parents, grouped, slot, function, column, connection).await
}

/// The related rows of an aggregate and how they group by parent.
struct Grouped<C> {
    /// The related model's query (joined to a pivot or intermediate table, if any).
    query: ModelQuery<C>,
    /// The column the rows group by: the parent's key among them.
    group: String,
    /// The parent's key column.
    parent_key: String,
    /// The related table, to qualify the aggregated column.
    related_table: String,
}

/// Runs one grouped aggregate query and records each parent's result on its field.
async fn aggregate_onto<P: Entity, C: Entity>(
    parents: &mut [P],
    grouped: Grouped<C>,
    slot: fn(&mut P) -> &mut HasMany<C>,
    function: RelationAggregate,
    column: Option<String>,
    connection: &Connection,
) -> Result<()> {
    let Grouped { query, group, parent_key, related_table } = grouped;
    let dialect = connection.executor().await?.dialect();
    let argument = match (function, &column) {
        (RelationAggregate::Count | RelationAggregate::Exists, _) => "*".to_owned(),
        (_, Some(column)) => {
            let column = Ident::new(column, "column")?;
            let mut quoted = String::new();
            dialect.quote_identifier(&mut quoted, &related_table);
            quoted.push('.');
            dialect.quote_identifier(&mut quoted, column.as_str());
            quoted
        }
        (_, None) => {
            return Err(Error::InvalidIdentifier {
                kind: "column",
                value: String::new(),
                reason: "an aggregate needs a column".into(),
            })
        }
    };
    let keyed = Keyed::of(parents, &parent_key)?;
    let none = match function {
        RelationAggregate::Count | RelationAggregate::Exists => Value::Int(0),
        _ => Value::Null,
    };
    let mut values = vec![none.clone(); keyed.keys.len()];
    if !keyed.is_empty() {
        let mut base = query.to_base();
        // Only the key and the aggregate: a joined relation selects the related columns.
        base.query.columns.clear();
        let rows = base
            .select([format!("{group} as bunary_key")])
            .select_raw(&format!("{}({argument}) AS bunary_aggregate", function.function()), [])
            .where_in(&group, keyed.keys.iter().cloned())
            .group_by(group.as_str())
            .rows()
            .await?;
        for mut row in rows {
            if let Some(at) = keyed.position(row.take("bunary_key")?) {
                values[at] = row.take("bunary_aggregate")?;
            }
        }
    }
    let name = function.key(column.as_deref());
    for (parent, at) in parents.iter_mut().zip(keyed.of_parents()) {
        let value = at.map_or_else(|| none.clone(), |at| values[at].clone());
        slot(parent).set_aggregate(name.clone(), value);
    }
    Ok(())
}
