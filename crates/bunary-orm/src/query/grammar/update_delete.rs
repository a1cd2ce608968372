//! `UPDATE` and `DELETE`, with every clause of the query they filter by honoured or refused.
//!
//! A limit, offset or order on an update or delete picks the rows it writes
//! (`where_("k", 1).limit(1).delete()` deletes one row):
//! - SQLite and PostgreSQL: `… WHERE rowid IN (SELECT rowid FROM t WHERE … ORDER BY … LIMIT n OFFSET m)`
//!   (`ctid` on PostgreSQL), the dialect's [`row_locator`](super::Grammar::row_locator);
//! - MySQL/MariaDB: the statement's own `ORDER BY … LIMIT n`; an offset there is
//!   [`Error::Unsupported`], as MySQL has none for writes.
//!
//! Joins, `GROUP BY` and `HAVING` cannot filter a write and are [`Error::Unsupported`].

use crate::error::{Error, QueryProblem, Result};
use crate::ident::Ident;
use crate::query::clause::Query;

use super::{table_of, Grammar, SetValue, SqlWriter, Statement};

fn unsupported(grammar: &dyn Grammar, feature: &str) -> Error {
    Error::Unsupported { dialect: grammar.dialect(), feature: feature.to_owned() }
}

/// Refuses what no write can take, before any SQL is written.
fn refuse_unwritable(grammar: &dyn Grammar, query: &Query, statement: &'static str) -> Result<()> {
    super::sources::refuse_sub_source(query, statement)?;
    if !query.joins.is_empty() {
        return Err(unsupported(grammar, &format!("{statement} with joins")));
    }
    if !query.groups.is_empty() || !query.havings.is_empty() {
        return Err(unsupported(grammar, &format!("{statement} with GROUP BY or HAVING")));
    }
    if grammar.row_locator().is_none() && query.offset.is_some() {
        return Err(unsupported(grammar, &format!("{statement} with an offset")));
    }
    Ok(())
}

fn is_limited(query: &Query) -> bool {
    query.limit.is_some() || query.offset.is_some() || !query.orders.is_empty()
}

/// Writes the `WHERE` of a write, and its limit in whichever form the dialect takes.
fn write_filter(grammar: &dyn Grammar, w: &mut SqlWriter<'_>, query: &Query) -> Result<()> {
    if !is_limited(query) {
        return grammar.write_conditions(w, " WHERE ", &query.wheres);
    }
    match grammar.row_locator() {
        Some(locator) => {
            w.push(" WHERE ");
            w.push(locator);
            w.push(" IN (SELECT ");
            w.push(locator);
            w.push(" FROM ");
            w.table(table_of(query)?);
            grammar.write_conditions(w, " WHERE ", &query.wheres)?;
            grammar.write_orders(w, &query.orders)?;
            grammar.compile_limit_offset(w, query.limit, query.offset);
            w.push(")");
        }
        None => {
            grammar.write_conditions(w, " WHERE ", &query.wheres)?;
            grammar.write_orders(w, &query.orders)?;
            grammar.compile_limit_offset(w, query.limit, None);
        }
    }
    Ok(())
}

/// `UPDATE t SET … WHERE …`, limited as the module says.
pub(super) fn compile_update(grammar: &dyn Grammar, query: &Query, sets: &[(Ident, SetValue)]) -> Result<Statement> {
    if sets.is_empty() {
        return Err(Error::InvalidQuery { problem: QueryProblem::NoColumns { what: "an update" } });
    }
    refuse_unwritable(grammar, query, "UPDATE")?;
    let mut w = SqlWriter::new(grammar);
    w.push("UPDATE ");
    w.table(table_of(query)?);
    w.push(" SET ");
    for (i, (column, value)) in sets.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        if let SetValue::Json(paths) = value {
            super::json::write_set_paths(&mut w, grammar.dialect(), column, paths);
            continue;
        }
        w.ident(column);
        w.push(" = ");
        match value {
            SetValue::Value(v) => w.bind(v.clone()),
            SetValue::Add(amount) => {
                w.ident(column);
                w.push(" + ");
                w.bind(amount.clone());
            }
            SetValue::Json(_) => {}
        }
    }
    write_filter(grammar, &mut w, query)?;
    Ok(w.finish())
}

/// `DELETE FROM t WHERE …`, limited as the module says.
pub(super) fn compile_delete(grammar: &dyn Grammar, query: &Query) -> Result<Statement> {
    refuse_unwritable(grammar, query, "DELETE")?;
    let mut w = SqlWriter::new(grammar);
    w.push("DELETE FROM ");
    w.table(table_of(query)?);
    write_filter(grammar, &mut w, query)?;
    Ok(w.finish())
}

#[cfg(test)]
mod tests {
    use crate::dialect::Dialect;
    use crate::query::grammar::grammar_for;
    use crate::query::Builder;

    fn delete_sql(dialect: Dialect, q: crate::Builder) -> crate::Result<String> {
        Ok(grammar_for(dialect).compile_delete(q.query())?.sql)
    }

    #[test]
    fn limits_pick_the_rows_of_a_delete() {
        let q = || Builder::new("t").where_("k", 1).order_by_desc("id").limit(2);
        assert_eq!(
            delete_sql(Dialect::Sqlite, q()).unwrap(),
            r#"DELETE FROM "t" WHERE rowid IN (SELECT rowid FROM "t" WHERE "k" = ? ORDER BY "id" DESC LIMIT 2)"#
        );
        assert_eq!(
            delete_sql(Dialect::Postgres, q().offset(1)).unwrap(),
            r#"DELETE FROM "t" WHERE ctid IN (SELECT ctid FROM "t" WHERE "k" = $1 ORDER BY "id" DESC LIMIT 2 OFFSET 1)"#
        );
        assert_eq!(
            delete_sql(Dialect::MySql, q()).unwrap(),
            "DELETE FROM `t` WHERE `k` = ? ORDER BY `id` DESC LIMIT 2"
        );
        assert!(matches!(delete_sql(Dialect::MySql, q().offset(1)), Err(crate::Error::Unsupported { .. })));
        assert_eq!(
            delete_sql(Dialect::Sqlite, Builder::new("t").where_("k", 1)).unwrap(),
            r#"DELETE FROM "t" WHERE "k" = ?"#
        );
    }

    #[test]
    fn grouping_cannot_filter_a_write() {
        let q = Builder::new("t").group_by("k");
        for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
            assert!(matches!(delete_sql(d, q.clone()), Err(crate::Error::Unsupported { .. })));
        }
    }
}
