//! Where rows come from: the `FROM` table or subquery (`from_sub`) and the joins, tables or
//! subqueries (`join_sub`). A subquery is compiled into the same writer, its bindings in
//! their place.

use crate::error::{Error, QueryProblem, Result};
use crate::query::clause::{Join, JoinKind, Query};

use super::{table_of, Grammar, SqlWriter};

/// Writes the table, or `(subquery) AS "alias"`.
pub(super) fn write_from(grammar: &dyn Grammar, w: &mut SqlWriter<'_>, query: &Query) -> Result<()> {
    let table = table_of(query)?;
    match &query.from_sub {
        Some(sub) => {
            w.push("(");
            grammar.write_select(w, sub)?;
            w.push(") AS ");
            w.ident(&table.name);
        }
        None => w.table(table),
    }
    Ok(())
}

/// Writes the joins.
pub(super) fn write_joins(grammar: &dyn Grammar, w: &mut SqlWriter<'_>, joins: &[Join]) -> Result<()> {
    for join in joins {
        w.push(match join.kind {
            JoinKind::Inner => " INNER JOIN ",
            JoinKind::Left => " LEFT JOIN ",
        });
        match &join.sub {
            Some(sub) => {
                w.push("(");
                grammar.write_select(w, sub)?;
                w.push(") AS ");
                w.ident(&join.table.name);
            }
            None => w.table(&join.table),
        }
        w.push(" ON ");
        w.column(&join.first);
        w.push(" ");
        w.push(join.op.sql());
        w.push(" ");
        w.column(&join.second);
    }
    Ok(())
}

/// A write (`UPDATE`, `DELETE`) reads from its table: a query from a subquery cannot write.
pub(super) fn refuse_sub_source(query: &Query, statement: &'static str) -> Result<()> {
    if query.from_sub.is_some() {
        let problem = QueryProblem::WriteFromSubquery { statement };
        return Err(Error::InvalidQuery { problem });
    }
    Ok(())
}
