//! Inserts: rows of values, rows skipped on a unique collision (`insert_or_ignore`), and rows
//! from a select (`insert_using`).

use crate::dialect::Dialect;
use crate::error::{Error, QueryProblem, Result};
use crate::ident::{Ident, TableRef};
use crate::query::clause::Query;
use crate::value::Value;

use super::{Grammar, SqlWriter, Statement};

/// Writes ` (cols) VALUES (…), (…)` (or the dialect's row of defaults): `values` holds the rows
/// one after another, `columns.len()` values each.
pub(super) fn write_rows(
    grammar: &dyn Grammar,
    w: &mut SqlWriter<'_>,
    columns: &[Ident],
    values: Vec<Value>,
) -> Result<()> {
    if columns.is_empty() {
        if !values.is_empty() {
            let problem = QueryProblem::RaggedValues { values: values.len(), columns: 0 };
            return Err(Error::InvalidQuery { problem });
        }
        grammar.write_default_values(w);
        return Ok(());
    }
    w.push(" (");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(c);
    }
    w.push(") VALUES ");
    if values.is_empty() || !values.len().is_multiple_of(columns.len()) {
        let problem = QueryProblem::RaggedValues { values: values.len(), columns: columns.len() };
        return Err(Error::InvalidQuery { problem });
    }
    w.reserve(values.len() * 4, values.len());
    // The values are bound all at once; the placeholders are written row by row (no
    // division per value, no dynamic call per placeholder).
    let first = w.bindings.len();
    let width = columns.len();
    let rows = values.len() / width;
    w.bindings.extend(values);
    for row in 0..rows {
        w.sql.push_str(if row == 0 { "(" } else { "), (" });
        for column in 0..width {
            if column > 0 {
                w.sql.push_str(", ");
            }
            grammar.placeholder(&mut w.sql, first + row * width + column + 1);
        }
    }
    w.sql.push(')');
    Ok(())
}

pub(super) fn compile_or_ignore(
    grammar: &dyn Grammar,
    table: &TableRef,
    columns: &[Ident],
    values: Vec<Value>,
) -> Result<Statement> {
    let mut w = SqlWriter::new(grammar);
    w.push(match grammar.dialect() {
        Dialect::Sqlite => "INSERT OR IGNORE INTO ",
        Dialect::MySql => "INSERT IGNORE INTO ",
        Dialect::Postgres => "INSERT INTO ",
    });
    w.table(table);
    write_rows(grammar, &mut w, columns, values)?;
    if grammar.dialect() == Dialect::Postgres {
        w.push(" ON CONFLICT DO NOTHING");
    }
    Ok(w.finish())
}

pub(super) fn compile_using(
    grammar: &dyn Grammar,
    table: &TableRef,
    columns: &[Ident],
    query: &Query,
) -> Result<Statement> {
    if columns.is_empty() {
        return Err(Error::InvalidQuery { problem: QueryProblem::NoColumns { what: "insert_using" } });
    }
    let mut w = SqlWriter::new(grammar);
    w.push("INSERT INTO ");
    w.table(table);
    w.push(" (");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(c);
    }
    w.push(") ");
    grammar.write_select(&mut w, query)?;
    Ok(w.finish())
}
