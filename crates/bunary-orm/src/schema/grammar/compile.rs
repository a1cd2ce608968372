//! The bodies of the schema grammar's larger statements (`CREATE TABLE`, `ALTER TABLE`, a
//! column change), written once for every dialect against [`SchemaGrammar`]'s parts, which
//! each dialect overrides where it differs.

use crate::error::{Error, Result, SchemaProblem};
use crate::schema::blueprint::{Blueprint, Command};
use crate::schema::column::ColumnDefinition;
use crate::statement::Statement;

use super::{refuse_in_change, SchemaGrammar};

/// `CREATE TABLE …` and its indexes ([`SchemaGrammar::compile_create`]).
pub(super) fn create<G: SchemaGrammar + ?Sized>(g: &G, blueprint: &Blueprint) -> Result<Vec<Statement>> {
    let table = blueprint.table();
    if blueprint.columns().is_empty() {
        return Err(Error::InvalidSchema { problem: SchemaProblem::NoColumns { table: table.to_owned() } });
    }
    if let Some(changed) = blueprint.columns().iter().find(|c| c.change) {
        return Err(Error::InvalidSchema {
            problem: SchemaProblem::AlterInCreate { command: format!("change() of `{}`", changed.name) },
        });
    }
    let mut parts: Vec<String> = blueprint.columns().iter().map(|c| g.column_sql(c)).collect::<Result<_>>()?;
    let mut indexes = g.column_indexes(table, blueprint.columns())?;
    let inline_primary = blueprint.columns().iter().filter(|c| c.primary).count();
    for c in blueprint.columns() {
        if let Some(key) = &c.foreign {
            parts.push(g.foreign_sql(table, key)?);
        }
    }
    for command in blueprint.commands() {
        match command {
            Command::Primary(columns) => {
                if inline_primary > 0 {
                    return Err(Error::InvalidSchema {
                        problem: SchemaProblem::TwoPrimaryKeys { table: table.to_owned() },
                    });
                }
                parts.push(format!("PRIMARY KEY ({})", g.columnize(columns)?));
            }
            Command::Foreign(key) => parts.push(g.foreign_sql(table, key)?),
            Command::Index { name, columns } => indexes.push(g.compile_index(table, name, columns, false)?),
            Command::Unique { name, columns } => indexes.push(g.compile_index(table, name, columns, true)?),
            Command::Fulltext { name, columns } => indexes.push(g.compile_fulltext(table, name, columns)?),
            other => {
                return Err(Error::InvalidSchema {
                    problem: SchemaProblem::AlterInCreate { command: format!("{other:?}") },
                })
            }
        }
    }
    if inline_primary > 1 {
        return Err(Error::InvalidSchema { problem: SchemaProblem::TwoPrimaryKeys { table: table.to_owned() } });
    }
    let mut statements = vec![Statement::new(format!("CREATE TABLE {} ({})", g.wrap_table(table)?, parts.join(", ")))];
    statements.append(&mut indexes);
    statements.extend(g.column_comments(table, blueprint.columns())?);
    Ok(statements)
}

/// A column change ([`SchemaGrammar::compile_change`]), PostgreSQL's form.
pub(super) fn change<G: SchemaGrammar + ?Sized>(
    g: &G,
    table: &str,
    column: &ColumnDefinition,
) -> Result<Vec<Statement>> {
    refuse_in_change(g.dialect(), column)?;
    let wrapped = g.wrap_table(table)?;
    let name = g.wrap(&column.name, "column")?;
    let ty = g.type_sql(column);
    let check = g.wrap(&format!("{}_{}_check", table.replace('.', "_"), column.name), "constraint")?;
    // The old default goes first: PostgreSQL converts it with the type, and one that does
    // not convert (`'none'` to an integer) would fail the change (its documented order).
    let mut alter = vec![
        format!("ALTER COLUMN {name} DROP DEFAULT"),
        format!("ALTER COLUMN {name} TYPE {ty} USING {name}::{ty}"),
        format!("ALTER COLUMN {name} {} NOT NULL", if column.nullable { "DROP" } else { "SET" }),
    ];
    if let Some(default) = g.modify_default(column)?.strip_prefix(' ') {
        alter.push(format!("ALTER COLUMN {name} SET {default}"));
    }
    let mut out = vec![
        Statement::new(format!("ALTER TABLE {wrapped} DROP CONSTRAINT IF EXISTS {check}")),
        Statement::new(format!("ALTER TABLE {wrapped} {}", alter.join(", "))),
    ];
    let enum_check = g.modify_check(column)?;
    if let Some(expression) = enum_check.strip_prefix(' ') {
        out.push(Statement::new(format!("ALTER TABLE {wrapped} ADD CONSTRAINT {check} {expression}")));
    }
    Ok(out)
}

/// The statements of `Schema::table` ([`SchemaGrammar::compile_alter`]).
pub(super) fn alter<G: SchemaGrammar + ?Sized>(g: &G, blueprint: &Blueprint) -> Result<Vec<Statement>> {
    let table = blueprint.table();
    let wrapped = g.wrap_table(table)?;
    let mut out = Vec::new();
    for column in blueprint.columns() {
        if column.change {
            out.extend(g.compile_change(table, column)?);
            if let Some(key) = &column.foreign {
                out.push(g.compile_add_foreign(table, key)?);
            }
        } else {
            out.extend(g.compile_add_column(table, column)?);
        }
    }
    out.extend(g.column_indexes(table, blueprint.columns())?);
    out.extend(g.column_comments(table, blueprint.columns())?);
    for command in blueprint.commands() {
        out.push(match command {
            Command::Index { name, columns } => g.compile_index(table, name, columns, false)?,
            Command::Unique { name, columns } => g.compile_index(table, name, columns, true)?,
            Command::Primary(columns) => {
                Statement::new(format!("ALTER TABLE {wrapped} ADD PRIMARY KEY ({})", g.columnize(columns)?))
            }
            Command::Foreign(key) => g.compile_add_foreign(table, key)?,
            Command::DropColumn(c) => {
                Statement::new(format!("ALTER TABLE {wrapped} DROP COLUMN {}", g.wrap(c, "column")?))
            }
            Command::RenameColumn { from, to } => Statement::new(format!(
                "ALTER TABLE {wrapped} RENAME COLUMN {} TO {}",
                g.wrap(from, "column")?,
                g.wrap(to, "column")?
            )),
            Command::DropIndex(name) => g.compile_drop_index(table, name)?,
            Command::DropForeign { name, .. } => g.compile_drop_foreign(table, name)?,
            Command::Fulltext { name, columns } => g.compile_fulltext(table, name, columns)?,
            Command::RenameIndex { from, to } => g.compile_rename_index(table, from, to)?,
            Command::DropPrimary(name) => g.compile_drop_primary(table, name.as_deref())?,
        });
    }
    Ok(out)
}
