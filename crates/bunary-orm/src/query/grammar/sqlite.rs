//! SQLite: double-quoted names, `?` placeholders, `LIMIT -1` for an offset alone.

use crate::dialect::Dialect;
use crate::ident::TableRef;

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

    /// SQLite has no OFFSET without LIMIT; -1 means no limit.
    fn unlimited(&self) -> Option<&'static str> {
        Some("-1")
    }

    /// SQLite has no `TRUNCATE`: delete every row. (The key sequence of an `AUTOINCREMENT`
    /// table is reset by the builder, which first checks that `sqlite_sequence` exists.)
    fn compile_truncate(&self, table: &TableRef) -> Vec<Statement> {
        let mut w = SqlWriter::new(self);
        w.push("DELETE FROM ");
        w.table(table);
        vec![w.finish()]
    }
}
