//! PostgreSQL: double-quoted names, `$n` placeholders, native `ILIKE`, `TRUNCATE … RESTART IDENTITY`.

use crate::dialect::Dialect;
use crate::ident::{ColumnRef, TableRef};
use crate::query::clause::Operator;
use crate::value::Value;

use super::{Grammar, SqlWriter, Statement};

/// The PostgreSQL query grammar.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresGrammar;

impl Grammar for PostgresGrammar {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn as_dyn(&self) -> &dyn Grammar {
        self
    }

    fn row_locator(&self) -> Option<&'static str> {
        Some("ctid")
    }

    fn placeholder(&self, out: &mut String, n: usize) {
        out.push('$');
        super::push_uint(out, n as u64);
    }

    fn compile_comparison(&self, w: &mut SqlWriter<'_>, column: &ColumnRef, op: Operator, value: Value) {
        if column.json.is_some() && super::json::write_pg_typed_comparison(w, column, op, &value) {
            return;
        }
        w.column(column);
        w.operator(op);
        w.bind(value);
        w.operator_end(op);
    }

    fn compile_truncate(&self, table: &TableRef) -> Vec<Statement> {
        let mut w = SqlWriter::new(self);
        w.push("TRUNCATE TABLE ");
        w.table(table);
        w.push(" RESTART IDENTITY");
        vec![w.finish()]
    }
}
