//! MySQL/MariaDB: backquoted names, `?` placeholders, a huge `LIMIT` for an offset alone,
//! `ON DUPLICATE KEY UPDATE`, no `RETURNING` (keys come from `LAST_INSERT_ID()`).

use crate::dialect::Dialect;
use crate::error::Result;
use crate::ident::{ColumnRef, Ident};
use crate::query::clause::Operator;
use crate::value::Value;

use super::{Grammar, JsonRead, SqlWriter};

/// The MySQL/MariaDB query grammar.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySqlGrammar;

impl Grammar for MySqlGrammar {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn as_dyn(&self) -> &dyn Grammar {
        self
    }

    /// MySQL has no OFFSET without LIMIT; its manual suggests the largest BIGINT UNSIGNED.
    fn unlimited(&self) -> Option<&'static str> {
        Some("18446744073709551615")
    }

    fn supports_returning(&self) -> bool {
        false
    }

    /// `LOCK IN SHARE MODE`: MariaDB's and MySQL's shared lock (MySQL 8 also reads `FOR SHARE`).
    fn write_lock(&self, w: &mut SqlWriter<'_>, lock: crate::query::clause::Lock) {
        w.push(match lock {
            crate::query::clause::Lock::Update => " FOR UPDATE",
            crate::query::clause::Lock::Shared => " LOCK IN SHARE MODE",
        });
    }

    /// A boolean compared with a value at a JSON path is compared with its JSON text
    /// (`json_unquote` gives `'true'`, which is not `1`).
    fn compile_comparison(&self, w: &mut SqlWriter<'_>, column: &ColumnRef, op: Operator, value: Value) {
        let value = match (&column.json, value) {
            (Some(_), Value::Bool(b)) => Value::Text(if b { "true" } else { "false" }.into()),
            (_, value) => value,
        };
        super::write_comparison(w, column, op, value);
    }

    /// A JSON `null` at a path is NULL too (`json_unquote` would give the text `null`).
    fn compile_null(&self, w: &mut SqlWriter<'_>, column: &ColumnRef, not: bool) {
        let Some(path) = &column.json else {
            w.column(column);
            return w.push(if not { " IS NOT NULL" } else { " IS NULL" });
        };
        w.push(if not { "NOT (" } else { "(" });
        self.write_json(w, column, path, JsonRead::Json);
        w.push(" IS NULL OR json_type(");
        self.write_json(w, column, path, JsonRead::Json);
        w.push(") = 'NULL')");
    }

    fn write_default_values(&self, w: &mut SqlWriter<'_>) {
        w.push(" () VALUES ()");
    }

    /// MySQL matches on any unique key (it has no conflict target); `unique_by` documents the
    /// intent. With nothing to update, the duplicate is left as it is.
    fn compile_upsert_tail(&self, w: &mut SqlWriter<'_>, unique_by: &[Ident], update: &[Ident]) -> Result<()> {
        w.push(" ON DUPLICATE KEY UPDATE ");
        let targets = if update.is_empty() { unique_by } else { update };
        for (i, c) in targets.iter().enumerate() {
            if i > 0 {
                w.push(", ");
            }
            w.ident(c);
            w.push(" = ");
            if update.is_empty() {
                w.ident(c);
            } else {
                w.push("VALUES(");
                w.ident(c);
                w.push(")");
            }
        }
        Ok(())
    }
}
