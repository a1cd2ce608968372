//! Query grammars: [`Grammar`] turns a [`Query`] into SQL text and bindings for one dialect.
//!
//! The trait's default methods write the SQL the three dialects share; `sqlite.rs`,
//! `postgres.rs` and `mysql.rs` override only what differs (quoting, placeholders, `LIMIT`
//! forms, `RETURNING`, upserts, truncation). Values are always bindings; `LIMIT`/`OFFSET` are
//! integers written as literals.

mod dates;
pub mod in_list;
mod insert;
mod json;
mod literal;
mod mysql;
mod postgres;
pub mod raw;
mod sources;
mod sqlite;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_depth;
#[cfg(test)]
mod tests_json;
pub mod update_delete;
mod writer;

use crate::dialect::Dialect;
use crate::error::{Error, QueryProblem, Result};
use crate::ident::{ColumnRef, Ident, TableRef};
use crate::query::clause::{Boolean, Operator, OrderBy, Query, Selection, Where, WhereClause};
use crate::value::Value;

pub use self::json::JsonRead;
pub use self::mysql::MySqlGrammar;
pub use self::postgres::PostgresGrammar;
pub use self::sqlite::SqliteGrammar;
pub(crate) use self::writer::push_uint;
pub use self::writer::SqlWriter;

pub use crate::statement::Statement;

/// The grammar of `dialect`.
pub fn grammar_for(dialect: Dialect) -> &'static dyn Grammar {
    match dialect {
        Dialect::Sqlite => &SqliteGrammar,
        Dialect::Postgres => &PostgresGrammar,
        Dialect::MySql => &MySqlGrammar,
    }
}

/// An aggregate function for [`Grammar::compile_aggregate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// `COUNT`
    Count,
    /// `SUM`
    Sum,
    /// `AVG`
    Avg,
    /// `MIN`
    Min,
    /// `MAX`
    Max,
}

impl Aggregate {
    fn sql(self) -> &'static str {
        match self {
            Aggregate::Count => "COUNT",
            Aggregate::Sum => "SUM",
            Aggregate::Avg => "AVG",
            Aggregate::Min => "MIN",
            Aggregate::Max => "MAX",
        }
    }
}

fn table_of(query: &Query) -> Result<&TableRef> {
    query.table.as_ref().ok_or_else(|| Error::InvalidQuery { problem: QueryProblem::NoTable })
}

/// A dialect's SQL. Defaults are the shared SQL; each dialect overrides what differs.
pub trait Grammar: Send + Sync {
    /// The dialect.
    fn dialect(&self) -> Dialect;

    /// Writes `name` quoted ([`Dialect::quote_identifier`], the one place identifiers are
    /// quoted).
    fn wrap(&self, out: &mut String, name: &str) {
        self.dialect().quote_identifier(out, name);
    }

    /// Writes the placeholder of the `n`-th binding (1-based).
    fn placeholder(&self, out: &mut String, _n: usize) {
        out.push('?');
    }

    /// The `LIMIT` that means "no limit", for dialects that accept no `OFFSET` without a
    /// `LIMIT` (`None`: `OFFSET` may stand alone).
    fn unlimited(&self) -> Option<&'static str> {
        None
    }

    /// `LIMIT`/`OFFSET`: `LIMIT n` and `OFFSET m`, each when set (with the dialect's
    /// [`unlimited`](Grammar::unlimited) limit before an offset alone).
    fn compile_limit_offset(&self, w: &mut SqlWriter<'_>, limit: Option<u64>, offset: Option<u64>) {
        if let Some(limit) = limit {
            w.push(" LIMIT ");
            w.push_int(limit);
        } else if let (Some(_), Some(unlimited)) = (offset, self.unlimited()) {
            w.push(" LIMIT ");
            w.push(unlimited);
        }
        if let Some(offset) = offset {
            w.push(" OFFSET ");
            w.push_int(offset);
        }
    }

    /// Writes `column` read at its JSON `path` (SQLite's `json_extract`, MySQL's
    /// `json_unquote(json_extract(…))`, PostgreSQL's `->`/`->>`).
    fn write_json(&self, w: &mut SqlWriter<'_>, column: &ColumnRef, path: &crate::ident::JsonPath, read: JsonRead) {
        json::write(w, self.dialect(), column, path, read);
    }

    /// `column IS [NOT] NULL`.
    fn compile_null(&self, w: &mut SqlWriter<'_>, column: &ColumnRef, not: bool) {
        w.column(column);
        w.push(if not { " IS NOT NULL" } else { " IS NULL" });
    }

    /// A comparison `column op ?`; case-insensitive `LIKE` becomes `LOWER(..) LIKE LOWER(?)`.
    fn compile_comparison(&self, w: &mut SqlWriter<'_>, column: &ColumnRef, op: Operator, value: Value) {
        write_comparison(w, column, op, value);
    }

    /// Whether `INSERT … RETURNING` is available.
    fn supports_returning(&self) -> bool {
        true
    }

    /// The conflict clause of an upsert. The default is SQLite's and Postgres's
    /// `ON CONFLICT (…) DO UPDATE SET c = excluded.c`.
    fn compile_upsert_tail(&self, w: &mut SqlWriter<'_>, unique_by: &[Ident], update: &[Ident]) -> Result<()> {
        if unique_by.is_empty() {
            return Err(Error::InvalidQuery { problem: QueryProblem::NoColumns { what: "an upsert's unique key" } });
        }
        w.push(" ON CONFLICT (");
        for (i, c) in unique_by.iter().enumerate() {
            if i > 0 {
                w.push(", ");
            }
            w.ident(c);
        }
        if update.is_empty() {
            w.push(") DO NOTHING");
            return Ok(());
        }
        w.push(") DO UPDATE SET ");
        for (i, c) in update.iter().enumerate() {
            if i > 0 {
                w.push(", ");
            }
            w.ident(c);
            w.push(" = ");
            w.push("excluded.");
            w.ident(c);
        }
        Ok(())
    }

    /// The statements that empty a table and reset its key sequence.
    fn compile_truncate(&self, table: &TableRef) -> Vec<Statement> {
        let mut w = SqlWriter::new(self.as_dyn());
        w.push("TRUNCATE TABLE ");
        w.table(table);
        vec![w.finish()]
    }

    /// After [`compile_truncate`](Grammar::compile_truncate), where the key sequence is kept
    /// apart from the table: a probe (a row when the sequence table exists) and the reset.
    fn compile_sequence_reset(&self, _table: &TableRef) -> Option<(Statement, Statement)> {
        None
    }

    /// `self` as a trait object (each dialect returns `self`).
    fn as_dyn(&self) -> &dyn Grammar;

    /// A full `SELECT`.
    ///
    /// # Errors
    /// [`Error::InvalidQuery`] without a table or with a malformed raw fragment.
    fn compile_select(&self, query: &Query) -> Result<Statement> {
        let mut w = SqlWriter::new(self.as_dyn());
        self.write_select(&mut w, query)?;
        Ok(w.finish())
    }

    /// Writes a `SELECT` into `w` (shared by selects, subqueries and aggregates).
    fn write_select(&self, w: &mut SqlWriter<'_>, query: &Query) -> Result<()> {
        if !query.unions.is_empty() {
            return sources::write_union(self.as_dyn(), w, query);
        }
        self.write_select_body(w, query)?;
        self.write_orders(w, &query.orders)?;
        self.compile_limit_offset(w, query.limit, query.offset);
        if let Some(lock) = query.lock {
            self.write_lock(w, lock);
        }
        Ok(())
    }

    /// What goes around each member of a union.
    fn union_member(&self) -> (&'static str, &'static str) {
        ("(", ")")
    }

    /// Writes `FOR UPDATE` / `FOR SHARE` (SQLite: nothing, as its write transaction locks the
    /// database already).
    fn write_lock(&self, w: &mut SqlWriter<'_>, lock: crate::query::clause::Lock) {
        w.push(match lock {
            crate::query::clause::Lock::Update => " FOR UPDATE",
            crate::query::clause::Lock::Shared => " FOR SHARE",
        });
    }

    /// Writes a `SELECT` up to its `HAVING`: no order, limit or lock.
    fn write_select_body(&self, w: &mut SqlWriter<'_>, query: &Query) -> Result<()> {
        w.push(if query.distinct { "SELECT DISTINCT " } else { "SELECT " });
        if query.columns.is_empty() {
            w.push("*");
        }
        for (i, item) in query.columns.iter().enumerate() {
            if i > 0 {
                w.push(", ");
            }
            match item {
                Selection::Column(c) => w.column_with_alias(c),
                Selection::Raw(raw) => w.raw(raw)?,
                Selection::Sub(sub, alias) => {
                    w.push("(");
                    self.write_select(w, sub)?;
                    w.push(") AS ");
                    w.ident(alias);
                }
            }
        }
        w.push(" FROM ");
        sources::write_from(self.as_dyn(), w, query)?;
        sources::write_joins(self.as_dyn(), w, &query.joins)?;
        self.write_conditions(w, " WHERE ", &query.wheres)?;
        self.write_groups(w, query)?;
        Ok(())
    }

    /// Writes `GROUP BY` and `HAVING`.
    fn write_groups(&self, w: &mut SqlWriter<'_>, query: &Query) -> Result<()> {
        for (i, g) in query.groups.iter().enumerate() {
            w.push(if i == 0 { " GROUP BY " } else { ", " });
            w.column(g);
        }
        self.write_conditions(w, " HAVING ", &query.havings)
    }

    /// Writes `ORDER BY`.
    fn write_orders(&self, w: &mut SqlWriter<'_>, orders: &[OrderBy]) -> Result<()> {
        for (i, order) in orders.iter().enumerate() {
            w.push(if i == 0 { " ORDER BY " } else { ", " });
            match order {
                OrderBy::Column(c, dir) => {
                    match &c.alias {
                        // Ordering by an alias of the select list names just the alias.
                        Some(alias) => w.ident(alias),
                        None => w.column(c),
                    }
                    w.push(match dir {
                        crate::query::clause::Direction::Asc => " ASC",
                        crate::query::clause::Direction::Desc => " DESC",
                    });
                }
                OrderBy::Raw(raw) => w.raw(raw)?,
                OrderBy::Random => w.push(if self.dialect() == Dialect::MySql { "RAND()" } else { "RANDOM()" }),
            }
        }
        Ok(())
    }

    /// Writes `keyword` and the conditions, when there are any.
    fn write_conditions(&self, w: &mut SqlWriter<'_>, keyword: &str, conditions: &[WhereClause]) -> Result<()> {
        if conditions.iter().all(|c| is_empty_group(&c.condition)) {
            return Ok(());
        }
        w.push(keyword);
        self.write_condition_list(w, conditions)
    }

    /// Writes conditions joined by their booleans (the first one's boolean is not written).
    fn write_condition_list(&self, w: &mut SqlWriter<'_>, conditions: &[WhereClause]) -> Result<()> {
        let mut first = true;
        for clause in conditions.iter().filter(|c| !is_empty_group(&c.condition)) {
            if !first {
                w.push(match clause.boolean {
                    Boolean::And => " AND ",
                    Boolean::Or => " OR ",
                });
            }
            first = false;
            self.write_where(w, &clause.condition)?;
        }
        Ok(())
    }

    /// Writes one condition.
    fn write_where(&self, w: &mut SqlWriter<'_>, condition: &Where) -> Result<()> {
        match condition {
            Where::Basic { column, op, value } => self.compile_comparison(w, column, *op, value.clone()),
            Where::In { column, values, not } => {
                if values.is_empty() {
                    // `IN ()` is a syntax error: nothing is in an empty list.
                    w.push(if *not { "1 = 1" } else { "0 = 1" });
                } else {
                    in_list::write_in(w, self.dialect(), column, values, *not);
                }
            }
            Where::Null { column, not } => self.compile_null(w, column, *not),
            Where::Between { column, low, high, not } => {
                w.column(column);
                w.push(if *not { " NOT BETWEEN " } else { " BETWEEN " });
                w.bind(low.clone());
                w.push(" AND ");
                w.bind(high.clone());
            }
            Where::Column { first, op, second } => {
                w.column(first);
                w.operator(*op);
                w.column(second);
                w.operator_end(*op);
            }
            Where::Nested(inner) => {
                w.push("(");
                self.write_condition_list(w, inner)?;
                w.push(")");
            }
            Where::Raw(raw) => {
                w.push("(");
                w.raw(raw)?;
                w.push(")");
            }
            Where::Not(inner) => {
                w.push("NOT (");
                self.write_condition_list(w, inner)?;
                w.push(")");
            }
            Where::Date { column, part, op, value } => {
                dates::write(w, self.dialect(), column, *part, *op, value.clone());
            }
            Where::InSub { column, query, not } => {
                w.column(column);
                w.push(if *not { " NOT IN (" } else { " IN (" });
                self.write_select(w, query)?;
                w.push(")");
            }
            Where::Sub { column, op, query } => {
                w.column(column);
                w.operator(*op);
                w.push("(");
                self.write_select(w, query)?;
                w.push(")");
                w.operator_end(*op);
            }
            Where::Exists { query, not } => {
                w.push(if *not { "NOT EXISTS (" } else { "EXISTS (" });
                self.write_select(w, query)?;
                w.push(")");
            }
            Where::JsonContains { column, value, not } => json::write_contains(w, self.dialect(), column, value, *not)?,
            Where::JsonLength { column, op, value } => json::write_length(w, self.dialect(), column, *op, *value),
            Where::JsonContainsKey { column, not } => json::write_contains_key(w, self.dialect(), column, *not)?,
            Where::Count { query, op, value } => {
                w.push("(SELECT COUNT(*) FROM ");
                sources::write_from(self.as_dyn(), w, query)?;
                sources::write_joins(self.as_dyn(), w, &query.joins)?;
                self.write_conditions(w, " WHERE ", &query.wheres)?;
                w.push(")");
                w.operator(*op);
                w.bind(value.clone());
                w.operator_end(*op);
            }
        }
        Ok(())
    }

    /// `SELECT FN(column) AS aggregate …`, ignoring the select list, order, limit and offset.
    /// A grouped or distinct query is counted as a subquery, so that `count()` counts rows of
    /// the result rather than of the table.
    ///
    /// # Errors
    /// As [`Grammar::compile_select`].
    fn compile_aggregate(&self, query: &Query, function: Aggregate, column: Option<&ColumnRef>) -> Result<Statement> {
        let mut w = SqlWriter::new(self.as_dyn());
        let wrap = !query.groups.is_empty() || query.distinct || !query.unions.is_empty();
        w.push("SELECT ");
        w.push(function.sql());
        w.push("(");
        match column {
            Some(c) if !wrap => w.column(c),
            Some(c) => match c.output_name() {
                Some(name) => w.ident(&Ident::new(name, "column")?),
                None => w.push("*"),
            },
            None => w.push("*"),
        }
        w.push(") AS ");
        w.ident(&Ident::new("aggregate", "alias")?);
        if wrap {
            let mut inner = Query { orders: Vec::new(), limit: None, offset: None, lock: None, ..query.clone() };
            if inner.columns.is_empty() && !inner.groups.is_empty() {
                // `SELECT *` with `GROUP BY` is refused by Postgres (and MySQL's ONLY_FULL_GROUP_BY):
                // a group is counted by its key columns.
                inner.columns = inner.groups.iter().cloned().map(Selection::Column).collect();
            }
            w.push(" FROM (");
            self.write_select(&mut w, &inner)?;
            w.push(") AS ");
            w.ident(&Ident::new("aggregate_table", "alias")?);
        } else {
            w.push(" FROM ");
            sources::write_from(self.as_dyn(), &mut w, query)?;
            sources::write_joins(self.as_dyn(), &mut w, &query.joins)?;
            self.write_conditions(&mut w, " WHERE ", &query.wheres)?;
        }
        Ok(w.finish())
    }

    /// `SELECT EXISTS (…) AS "exists"`.
    ///
    /// # Errors
    /// As [`Grammar::compile_select`].
    fn compile_exists(&self, query: &Query) -> Result<Statement> {
        let mut w = SqlWriter::new(self.as_dyn());
        w.push("SELECT EXISTS (");
        self.write_select(&mut w, query)?;
        w.push(") AS ");
        w.ident(&Ident::new("exists", "alias")?);
        Ok(w.finish())
    }

    /// `INSERT INTO t (cols) VALUES (…), (…)`: one statement for every row.
    ///
    /// # Errors
    /// [`Error::InvalidQuery`] when a row's width differs from the column list.
    fn compile_insert(&self, table: &TableRef, columns: &[Ident], values: Vec<Value>) -> Result<Statement> {
        let mut w = SqlWriter::new(self.as_dyn());
        self.write_insert(&mut w, table, columns, values)?;
        Ok(w.finish())
    }

    /// Writes the `INSERT … VALUES` part: `values` holds the rows one after another,
    /// `columns.len()` values each.
    fn write_insert(
        &self,
        w: &mut SqlWriter<'_>,
        table: &TableRef,
        columns: &[Ident],
        values: Vec<Value>,
    ) -> Result<()> {
        w.push("INSERT INTO ");
        w.table(table);
        insert::write_rows(self.as_dyn(), w, columns, values)
    }

    /// `INSERT … VALUES …` that skips rows colliding with a unique key (SQLite `INSERT OR
    /// IGNORE`, PostgreSQL `ON CONFLICT DO NOTHING`, MySQL `INSERT IGNORE`).
    ///
    /// # Errors
    /// As [`Grammar::compile_insert`].
    fn compile_insert_or_ignore(&self, table: &TableRef, columns: &[Ident], values: Vec<Value>) -> Result<Statement> {
        insert::compile_or_ignore(self.as_dyn(), table, columns, values)
    }

    /// `INSERT INTO t (cols) SELECT …` (Laravel's `insertUsing`).
    ///
    /// # Errors
    /// A building error of the select.
    fn compile_insert_using(&self, table: &TableRef, columns: &[Ident], query: &Query) -> Result<Statement> {
        insert::compile_using(self.as_dyn(), table, columns, query)
    }

    /// A row of defaults only.
    fn write_default_values(&self, w: &mut SqlWriter<'_>) {
        w.push(" DEFAULT VALUES");
    }

    /// An insert that returns the generated key (`RETURNING "key"` where available).
    ///
    /// # Errors
    /// As [`Grammar::compile_insert`].
    fn compile_insert_get_id(
        &self,
        table: &TableRef,
        columns: &[Ident],
        row: Vec<Value>,
        key: &Ident,
    ) -> Result<Statement> {
        let mut w = SqlWriter::new(self.as_dyn());
        self.write_insert(&mut w, table, columns, row)?;
        if self.supports_returning() {
            w.push(" RETURNING ");
            w.ident(key);
        }
        Ok(w.finish())
    }

    /// An insert that updates (or ignores) rows that collide on `unique_by`.
    ///
    /// # Errors
    /// As [`Grammar::compile_insert`]; [`Error::InvalidQuery`] without `unique_by` where the
    /// dialect needs it.
    fn compile_upsert(
        &self,
        table: &TableRef,
        columns: &[Ident],
        values: Vec<Value>,
        unique_by: &[Ident],
        update: &[Ident],
    ) -> Result<Statement> {
        let mut w = SqlWriter::new(self.as_dyn());
        self.write_insert(&mut w, table, columns, values)?;
        self.compile_upsert_tail(&mut w, unique_by, update)?;
        Ok(w.finish())
    }

    /// `UPDATE t SET c = ?, … WHERE …`. Values may be raw expressions (for increments). A
    /// limit, offset or order picks the rows to write (see [`update_delete`]).
    ///
    /// # Errors
    /// [`Error::InvalidQuery`] without values; [`Error::Unsupported`] with joins or grouping,
    /// or with a limit the dialect cannot apply to an `UPDATE`.
    fn compile_update(&self, query: &Query, sets: &[(Ident, SetValue)]) -> Result<Statement> {
        update_delete::compile_update(self.as_dyn(), query, sets)
    }

    /// `DELETE FROM t WHERE …`; a limit, offset or order picks the rows to delete.
    ///
    /// # Errors
    /// [`Error::Unsupported`] with joins or grouping, or with a limit the dialect cannot apply
    /// to a `DELETE`.
    fn compile_delete(&self, query: &Query) -> Result<Statement> {
        update_delete::compile_delete(self.as_dyn(), query)
    }

    /// How this dialect picks the rows of a limited `UPDATE`/`DELETE`: by a row locator
    /// column in a subquery (`rowid`, `ctid`), or, with `None`, by the statement's own
    /// `ORDER BY … LIMIT` (MySQL, which takes no offset there).
    fn row_locator(&self) -> Option<&'static str> {
        None
    }
}

/// The new value of a column in an `UPDATE`.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    /// `column = ?`
    Value(Value),
    /// `column = column + ?` (increment; a negative amount decrements).
    Add(Value),
    /// `column = json_set(column, path, ?, …)`: paths inside a JSON column set, the rest of it
    /// kept (`update(record! { "meta->a" => 1 })`).
    Json(Vec<(crate::ident::JsonPath, Value)>),
}

/// The shared comparison: `column op ?`, and `LOWER(column) LIKE LOWER(?)` for `ILIKE`.
pub(crate) fn write_comparison(w: &mut SqlWriter<'_>, column: &ColumnRef, op: Operator, value: Value) {
    match op {
        Operator::ILike | Operator::NotILike => {
            w.push("LOWER(");
            w.column(column);
            w.push(if op == Operator::ILike { ") LIKE LOWER(" } else { ") NOT LIKE LOWER(" });
            w.bind(value);
            w.push(")");
        }
        _ => {
            w.column(column);
            w.operator(op);
            w.bind(value);
            w.operator_end(op);
        }
    }
}

fn is_empty_group(condition: &Where) -> bool {
    matches!(condition, Where::Nested(inner) | Where::Not(inner) if inner.iter().all(|c| is_empty_group(&c.condition)))
}
