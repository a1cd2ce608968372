//! SQLite: double-quoted names, `?` placeholders, `LIMIT -1` for an offset alone.

use crate::dialect::Dialect;
use crate::ident::TableRef;
use crate::value::Value;

use super::{Grammar, SqlWriter, Statement};

/// The SQLite query grammar.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteGrammar;

impl Grammar for SqliteGrammar {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn as_dyn(&self) -> &dyn Grammar {
        self
    }

    fn row_locator(&self) -> Option<&'static str> {
        Some("rowid")
    }

    /// A compound select takes no parentheses around its members.
    fn union_member(&self) -> (&'static str, &'static str) {
        ("SELECT * FROM (", ")")
    }

    /// No row locks: a write transaction holds the database's lock (documented on
    /// `lock_for_update`).
    fn write_lock(&self, _w: &mut SqlWriter<'_>, _lock: crate::query::clause::Lock) {}

    /// SQLite has no OFFSET without LIMIT; -1 means no limit.
    fn unlimited(&self) -> Option<&'static str> {
        Some("-1")
    }

    /// SQLite has no `TRUNCATE`: delete every row (the key sequence of an `AUTOINCREMENT`
    /// table: [`compile_sequence_reset`](Grammar::compile_sequence_reset)).
    fn compile_truncate(&self, table: &TableRef) -> Vec<Statement> {
        let mut w = SqlWriter::new(self);
        w.push("DELETE FROM ");
        w.table(table);
        vec![w.finish()]
    }

    /// `sqlite_sequence` exists only once an `AUTOINCREMENT` table was made: probed first.
    fn compile_sequence_reset(&self, table: &TableRef) -> Option<(Statement, Statement)> {
        let probe = Statement {
            sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'".into(),
            bindings: Vec::new(),
        };
        let reset = Statement {
            sql: "DELETE FROM sqlite_sequence WHERE name = ?".into(),
            bindings: vec![Value::from(table.name.as_str())],
        };
        Some((probe, reset))
    }
}
