//! [`SqlWriter`]: SQL text and its bindings written together, and the quoting and integer
//! helpers the grammars share.

use crate::error::{Error, Result};
use crate::ident::{ColumnRef, Ident, JsonSegment, TableRef};
use crate::query::clause::Raw;
use crate::value::Value;

use super::{raw, Grammar, JsonRead, Statement};

/// Writes SQL and its bindings together, so that a placeholder is written exactly when its
/// value is bound: the two can never drift apart.
pub struct SqlWriter<'g> {
    grammar: &'g dyn Grammar,
    pub(super) sql: String,
    pub(super) bindings: Vec<Value>,
    /// Values are written as literals instead of bound (`to_raw_sql`, for reading only).
    inline: bool,
}

/// Writes a non-negative integer in decimal, without going through `fmt`.
pub(crate) fn push_uint(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

impl<'g> SqlWriter<'g> {
    /// An empty writer for `grammar`.
    pub fn new(grammar: &'g dyn Grammar) -> Self {
        SqlWriter { grammar, sql: String::with_capacity(256), bindings: Vec::new(), inline: false }
    }

    /// A writer that writes values as the dialect's literals, for reading SQL only
    /// ([`Builder::to_raw_sql`](crate::Builder::to_raw_sql)): never run what it writes.
    pub(crate) fn inlining(grammar: &'g dyn Grammar) -> Self {
        SqlWriter { inline: true, ..SqlWriter::new(grammar) }
    }

    /// Makes room for `sql` more bytes of text and `bindings` more values.
    pub fn reserve(&mut self, sql: usize, bindings: usize) {
        self.sql.reserve(sql);
        self.bindings.reserve(bindings);
    }

    /// Appends SQL text written by the grammar itself.
    pub fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    /// Appends an integer literal (`LIMIT`/`OFFSET`).
    pub fn push_int(&mut self, n: u64) {
        push_uint(&mut self.sql, n);
    }

    /// Writes ` op ` as the dialect spells it.
    pub fn operator(&mut self, op: crate::query::clause::Operator) {
        self.sql.push(' ');
        self.sql.push_str(op.sql_in(self.grammar.dialect()));
        self.sql.push(' ');
    }

    /// Ends a comparison: a bitwise one is compared with 0 (`col & ? <> 0`: the operators
    /// bind tighter than `<>` in every dialect).
    pub fn operator_end(&mut self, op: crate::query::clause::Operator) {
        if op.is_bitwise() {
            self.sql.push_str(" <> 0");
        }
    }

    /// Binds a value and writes its placeholder.
    pub fn bind(&mut self, value: Value) {
        if self.inline {
            return super::literal::write(&mut self.sql, self.grammar.dialect(), &value);
        }
        self.bindings.push(value);
        self.grammar.placeholder(&mut self.sql, self.bindings.len());
    }

    /// Binds a value and writes `CAST(<placeholder> AS <ty>)`; `ty` is the grammar's own text.
    pub fn bind_cast(&mut self, value: Value, ty: &str) {
        self.sql.push_str("CAST(");
        self.bind(value);
        self.sql.push_str(" AS ");
        self.sql.push_str(ty);
        self.sql.push(')');
    }

    /// Writes a quoted identifier.
    pub fn ident(&mut self, ident: &Ident) {
        self.grammar.wrap(&mut self.sql, ident.as_str());
    }

    /// Writes a quoted column reference (`"t"."c"`, `"t".*`, `*`), without its alias; a
    /// column read at a JSON path as its dialect reads a value there (as text where the
    /// dialect distinguishes).
    pub fn column(&mut self, column: &ColumnRef) {
        if let Some(path) = &column.json {
            let grammar = self.grammar;
            return grammar.write_json(self, column, path, JsonRead::Text);
        }
        self.plain_column(column);
    }

    /// Writes a column reference's table and column, leaving any JSON path out.
    pub fn plain_column(&mut self, column: &ColumnRef) {
        if let Some(table) = &column.table {
            self.ident(table);
            self.sql.push('.');
        }
        match &column.column {
            Some(c) => self.ident(c),
            None => self.sql.push('*'),
        }
    }

    /// Writes a column reference with its alias (`"c" AS "a"`).
    pub fn column_with_alias(&mut self, column: &ColumnRef) {
        self.column(column);
        if let Some(alias) = &column.alias {
            self.sql.push_str(" AS ");
            self.ident(alias);
        }
    }

    /// Writes a quoted table reference with its alias.
    pub fn table(&mut self, table: &TableRef) {
        if let Some(schema) = &table.schema {
            self.ident(schema);
            self.sql.push('.');
        }
        self.ident(&table.name);
        if let Some(alias) = &table.alias {
            self.sql.push_str(" AS ");
            self.ident(alias);
        }
    }

    /// Writes a raw fragment, turning each `?` outside strings, quoted names and comments
    /// into this dialect's placeholder and binding the fragment's values in order (see
    /// [`raw`] for how each dialect is scanned).
    ///
    /// # Errors
    /// [`Error::RawPlaceholders`] when the number of placeholders differs from the number of
    /// bindings, [`Error::RawSql`] when the fragment holds what cannot be counted safely (an
    /// unclosed quote or comment, another parameter syntax).
    pub fn raw(&mut self, raw: &Raw) -> Result<()> {
        let dialect = self.grammar.dialect();
        let mut values = raw.bindings.iter();
        let mut missing = false;
        let scanned = raw::scan(&raw.sql, dialect, |piece| match piece {
            raw::Piece::Text(text) => self.sql.push_str(text),
            raw::Piece::Placeholder => match values.next() {
                Some(v) => self.bind(v.clone()),
                None => missing = true,
            },
        });
        match scanned {
            Err(raw::ScanError(reason)) => Err(Error::RawSql { sql: raw.sql.clone(), dialect, reason }),
            Ok(count) if missing || count != raw.bindings.len() => {
                Err(Error::RawPlaceholders { sql: raw.sql.clone(), placeholders: count, bindings: raw.bindings.len() })
            }
            Ok(_) => Ok(()),
        }
    }

    /// Writes a JSON path as a SQL string literal in the SQL/JSON form (`'$."a"[0]'`): its keys
    /// hold only letters, digits and `_` ([`JsonPath`](crate::ident::JsonPath)), so nothing in
    /// it needs escaping.
    pub fn json_path_literal(&mut self, path: &crate::ident::JsonPath) {
        self.sql.push('\'');
        self.sql.push_str(&path.to_string());
        self.sql.push('\'');
    }

    /// Writes PostgreSQL's operator chain for `steps` (`->'a'->0`), the last with `->>`
    /// when `text_last`.
    pub fn pg_json_steps(&mut self, steps: &[JsonSegment], text_last: bool) {
        for (i, step) in steps.iter().enumerate() {
            self.sql.push_str(if text_last && i + 1 == steps.len() { "->>" } else { "->" });
            match step {
                JsonSegment::Key(key) => {
                    self.sql.push('\'');
                    self.sql.push_str(key);
                    self.sql.push('\'');
                }
                JsonSegment::Index(n) => push_uint(&mut self.sql, u64::from(*n)),
            }
        }
    }

    /// The finished statement.
    pub fn finish(self) -> Statement {
        Statement { sql: self.sql, bindings: self.bindings }
    }
}
