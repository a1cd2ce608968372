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

    fn compile_limit_offset(&self, w: &mut SqlWriter<'_>, limit: Option<u64>, offset: Option<u64>) {
        match (limit, offset) {
            (Some(limit), _) => {
                w.push(" LIMIT ");
                w.push_int(limit);
            }
            // SQLite has no OFFSET without LIMIT; -1 means no limit.
            (None, Some(_)) => w.push(" LIMIT -1"),
            (None, None) => {}
        }
        if let Some(offset) = offset {
            w.push(" OFFSET ");
            w.push_int(offset);
        }
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
