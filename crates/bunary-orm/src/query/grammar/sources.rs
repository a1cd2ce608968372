//! Where rows come from: the `FROM` table or subquery (`from_sub`) and the joins, tables or
//! subqueries (`join_sub`). A subquery is compiled into the same writer, its bindings in
//! their place.

use crate::error::{Error, QueryProblem, Result};
use crate::query::clause::{Join, JoinKind, JoinOn, Query};

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
            JoinKind::Right => " RIGHT JOIN ",
            JoinKind::Cross => " CROSS JOIN ",
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
        match &join.on {
            JoinOn::Columns(first, op, second) => {
                w.push(" ON ");
                w.column(first);
                w.operator(*op);
                w.column(second);
                w.operator_end(*op);
            }
            JoinOn::Conditions(conditions) => grammar.write_conditions(w, " ON ", conditions)?,
            JoinOn::Nothing => {}
        }
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

/// `(first) UNION [ALL] (second) … ORDER BY … LIMIT …`: each member in parentheses (on SQLite,
/// which takes none around a compound's members, as `SELECT * FROM (member)`), the query's own
/// order, limit and offset applying to the whole union.
pub(super) fn write_union(grammar: &dyn Grammar, w: &mut SqlWriter<'_>, query: &Query) -> Result<()> {
    let (open, close) = grammar.union_member();
    w.push(open);
    grammar.write_select_body(w, query)?;
    w.push(close);
    for (member, all) in &query.unions {
        w.push(if *all { " UNION ALL " } else { " UNION " });
        w.push(open);
        grammar.write_select(w, member)?;
        w.push(close);
    }
    grammar.write_orders(w, &query.orders)?;
    grammar.compile_limit_offset(w, query.limit, query.offset);
    Ok(())
}
