//! Reading a SQLite `CREATE TABLE` statement, as `sqlite_master` keeps it, into its column
//! definitions and table constraints, each with its original text: what lets a rebuild keep
//! everything SQLite never reports apart from that text (`CHECK` constraints, collations,
//! generated columns, constraint names) instead of remaking the table from `pragma_table_info`
//! and losing them.
//!
//! The tokens are SQLite's: strings (`'it''s'`), quoted names (`"a""b"`, `` `a` ``, `[a]`),
//! comments and brackets; a comma splits two parts only at the top level of the column list.

use crate::error::{Error, Result, SchemaProblem};

/// One token: its text as written, and whether it names something (a bare word or a quoted
/// name, with the name it stands for).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token<'a> {
    text: &'a str,
    name: Option<String>,
}

/// What a part of the column list is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartKind {
    /// A column definition: the column's name.
    Column(String),
    /// A table constraint: its name when it has one (`CONSTRAINT name …`) and its kind.
    Constraint {
        /// `CONSTRAINT name`, when given.
        name: Option<String>,
        /// What it constrains.
        kind: ConstraintKind,
    },
}

/// The kind of a table constraint, with the columns it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstraintKind {
    /// `PRIMARY KEY (…)`.
    PrimaryKey(Vec<String>),
    /// `UNIQUE (…)`.
    Unique(Vec<String>),
    /// `FOREIGN KEY (…) REFERENCES …`: the referencing columns.
    ForeignKey(Vec<String>),
    /// `CHECK (…)`.
    Check,
}

/// A column definition or table constraint: its original text and what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The text, trimmed, as written.
    pub text: String,
    /// What it is.
    pub kind: PartKind,
    /// The names its expressions read (inside `CHECK (…)`, `AS (…)`, `DEFAULT (…)`),
    /// lower-cased: what a dropped column must not be among.
    pub mentions: Vec<String>,
    /// A column's own foreign key (`[CONSTRAINT name] REFERENCES …` in its definition).
    pub inline_foreign: Option<InlineForeign>,
}

/// A foreign key written in a column's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineForeign {
    /// Its name, when it has one.
    pub name: Option<String>,
    /// Where its clause is in the part's text (bytes): what dropping it removes.
    pub span: std::ops::Range<usize>,
}

impl Part {
    /// The part's text without its inline foreign key.
    pub fn without_inline_foreign(&self) -> String {
        match &self.inline_foreign {
            Some(f) => format!("{} {}", self.text[..f.span.start].trim_end(), self.text[f.span.end..].trim_start())
                .trim()
                .to_owned(),
            None => self.text.clone(),
        }
    }
}

/// A `CREATE TABLE` statement taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDefinition {
    /// The parts of the column list, in order.
    pub parts: Vec<Part>,
    /// What follows the column list (`WITHOUT ROWID`, `STRICT`), trimmed.
    pub options: String,
}

fn not_understood(table: &str, why: &str) -> Error {
    Error::InvalidSchema {
        problem: SchemaProblem::RebuildRefused {
            table: table.to_owned(),
            reason: format!("its CREATE TABLE statement could not be read ({why}); nothing was changed"),
        },
    }
}

/// Splits `sql` into tokens (whitespace and comments dropped).
fn tokens(sql: &str) -> Option<Vec<Token<'_>>> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            _ if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map(|n| i + 2 + n + 2)?;
                continue;
            }
            b'\'' | b'"' | b'`' => {
                let close = b;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return None,
                        Some(&c) if c == close && bytes.get(i + 1) == Some(&close) => i += 2,
                        Some(&c) if c == close => break,
                        Some(_) => i += 1,
                    }
                }
                i += 1;
                let text = &sql[start..i];
                let name = (b != b'\'').then(|| {
                    let q = char::from(b);
                    text[1..text.len() - 1].replace(&format!("{q}{q}"), &q.to_string())
                });
                out.push(Token { text, name });
                continue;
            }
            b'[' => {
                i = sql[i..].find(']').map(|n| i + n + 1)?;
                out.push(Token { text: &sql[start..i], name: Some(sql[start + 1..i - 1].to_owned()) });
                continue;
            }
            b'(' | b')' | b',' => i += 1,
            _ if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 || b == b'$' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'$') || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                let text = &sql[start..i];
                let word = !text.as_bytes()[0].is_ascii_digit();
                out.push(Token { text, name: word.then(|| text.to_owned()) });
                continue;
            }
            _ => i += 1,
        }
        out.push(Token { text: &sql[start..i], name: None });
    }
    Some(out)
}

fn is(token: &Token<'_>, word: &str) -> bool {
    token.name.is_some() && token.text.eq_ignore_ascii_case(word)
}

/// The names in the first bracketed list at or after `from` (`(a, b COLLATE nocase DESC)`:
/// the first name of each comma-separated item).
fn bracketed_names(tokens: &[Token<'_>], from: usize) -> Vec<String> {
    let Some(open) = tokens[from..].iter().position(|t| t.text == "(").map(|p| from + p) else {
        return Vec::new();
    };
    let (mut names, mut depth, mut first) = (Vec::new(), 0, true);
    for t in &tokens[open..] {
        match t.text {
            "(" => depth += 1,
            ")" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            "," if depth == 1 => first = true,
            _ if depth == 1 && first => {
                if let Some(n) = &t.name {
                    names.push(n.clone());
                }
                first = false;
            }
            _ => {}
        }
    }
    names
}

fn part(tokens: &[Token<'_>], text: &str) -> Option<Part> {
    let first = tokens.first()?;
    let (name, body) = if is(first, "CONSTRAINT") { (tokens.get(1)?.name.clone(), 2) } else { (None, 0) };
    let head = tokens.get(body)?;
    let kind = if is(head, "PRIMARY") {
        Some(ConstraintKind::PrimaryKey(bracketed_names(tokens, body)))
    } else if is(head, "UNIQUE") {
        Some(ConstraintKind::Unique(bracketed_names(tokens, body)))
    } else if is(head, "FOREIGN") {
        Some(ConstraintKind::ForeignKey(bracketed_names(tokens, body)))
    } else if is(head, "CHECK") {
        Some(ConstraintKind::Check)
    } else {
        None
    };
    let (kind, rest) = match kind {
        Some(kind) => (PartKind::Constraint { name, kind }, &tokens[body..]),
        None if body == 0 => (PartKind::Column(head.name.clone()?), &tokens[1..]),
        None => return None,
    };
    let inline_foreign = match kind {
        PartKind::Column(_) => inline_foreign(rest, text.trim()),
        PartKind::Constraint { .. } => None,
    };
    Some(Part { text: text.trim().to_owned(), kind, mentions: expression_names(rest), inline_foreign })
}

/// The `[CONSTRAINT name] REFERENCES parent [(…)] [ON DELETE|UPDATE …] [MATCH …]
/// [[NOT] DEFERRABLE [INITIALLY …]]` clause of a column definition's tokens.
fn inline_foreign(tokens: &[Token<'_>], text: &str) -> Option<InlineForeign> {
    let at = |t: &Token<'_>| t.text.as_ptr() as usize - text.as_ptr() as usize;
    let mut depth = 0usize;
    let mut r = None;
    for (i, t) in tokens.iter().enumerate() {
        match t.text {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            _ if depth == 0 && is(t, "REFERENCES") => {
                r = Some(i);
                break;
            }
            _ => {}
        }
    }
    let r = r?;
    let (start, name) = match r.checked_sub(2) {
        Some(c) if is(&tokens[c], "CONSTRAINT") => (c, tokens[c + 1].name.clone()),
        _ => (r, None),
    };
    let word = |j: usize, w: &str| tokens.get(j).is_some_and(|t| is(t, w));
    let mut j = r + 2;
    if tokens.get(j).is_some_and(|t| t.text == "(") {
        j += tokens[j..].iter().position(|t| t.text == ")")? + 1;
    }
    loop {
        if word(j, "ON") {
            j += if word(j + 2, "SET") || word(j + 2, "NO") { 4 } else { 3 };
        } else if word(j, "MATCH") {
            j += 2;
        } else if word(j, "NOT") && word(j + 1, "DEFERRABLE") || word(j, "DEFERRABLE") {
            j += if word(j, "NOT") { 2 } else { 1 };
            if word(j, "INITIALLY") {
                j += 2;
            }
        } else {
            break;
        }
    }
    let last = tokens.get(j.min(tokens.len()) - 1)?;
    Some(InlineForeign { name, span: at(&tokens[start])..at(last) + last.text.len() })
}

/// The names inside brackets (the expressions of `CHECK (…)`, `AS (…)`, `DEFAULT (…)`), not
/// the column list of a `REFERENCES parent (…)`: the columns a part's expressions read.
fn expression_names(tokens: &[Token<'_>]) -> Vec<String> {
    let (mut names, mut depth, mut skip_at) = (Vec::new(), 0usize, None);
    for (i, t) in tokens.iter().enumerate() {
        match t.text {
            "(" => {
                depth += 1;
                let after_references = i >= 2 && is(&tokens[i - 2], "REFERENCES");
                if skip_at.is_none() && after_references {
                    skip_at = Some(depth);
                }
            }
            ")" => {
                if skip_at == Some(depth) {
                    skip_at = None;
                }
                depth = depth.saturating_sub(1);
            }
            _ if depth > 0 && skip_at.is_none() => {
                if let Some(n) = &t.name {
                    names.push(n.to_lowercase());
                }
            }
            _ => {}
        }
    }
    names
}

/// Takes `create` (the `sql` of a table in `sqlite_master`) apart.
///
/// # Errors
/// [`SchemaProblem::RebuildRefused`] when it is not a `CREATE TABLE … ( … )` statement this
/// reader understands (nothing is then changed).
pub fn parse(table: &str, create: &str) -> Result<TableDefinition> {
    let toks = tokens(create).ok_or_else(|| not_understood(table, "an unclosed string, name or comment"))?;
    let open = toks.iter().position(|t| t.text == "(").ok_or_else(|| not_understood(table, "no column list"))?;
    if !toks.first().is_some_and(|t| is(t, "CREATE")) || toks[..open].iter().any(|t| is(t, "AS")) {
        return Err(not_understood(table, "not a CREATE TABLE with a column list"));
    }
    let offset = |t: &Token<'_>| t.text.as_ptr() as usize - create.as_ptr() as usize;
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, open + 1);
    let mut close = None;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.text {
            "(" => depth += 1,
            ")" | "," if depth == 1 => {
                let slice = &toks[start..i];
                let (Some(a), Some(b)) = (slice.first(), slice.last()) else {
                    return Err(not_understood(table, "an empty part"));
                };
                let text = &create[offset(a)..offset(b) + b.text.len()];
                parts.push(
                    part(slice, text)
                        .ok_or_else(|| not_understood(table, "a part that is neither a column nor a constraint"))?,
                );
                start = i + 1;
                if t.text == ")" {
                    close = Some(i);
                    break;
                }
            }
            ")" => depth -= 1,
            _ => {}
        }
    }
    let close = close.ok_or_else(|| not_understood(table, "an unclosed column list"))?;
    let options = toks.get(close + 1).map_or("", |t| create[offset(t)..].trim()).to_owned();
    Ok(TableDefinition { parts, options })
}

/// The name of the foreign key on `columns` among a table's `parts`: a table constraint's
/// `CONSTRAINT name`, or a column's own `CONSTRAINT name REFERENCES …`.
pub fn foreign_key_name(parts: &[Part], columns: &[String]) -> Option<String> {
    let same = |a: &[String]| a.len() == columns.len() && a.iter().zip(columns).all(|(x, y)| x.eq_ignore_ascii_case(y));
    parts.iter().find_map(|p| match (&p.kind, &p.inline_foreign) {
        (PartKind::Constraint { name: Some(n), kind: ConstraintKind::ForeignKey(cols) }, _) if same(cols) => {
            Some(n.clone())
        }
        (PartKind::Column(c), Some(InlineForeign { name: Some(n), .. })) if same(std::slice::from_ref(c)) => {
            Some(n.clone())
        }
        _ => None,
    })
}

/// `create` (an index's `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON …`, as `sqlite_master`
/// keeps it) with the index's name replaced by `quoted` (already quoted): how SQLite, which
/// cannot rename an index, makes it again under another name. `None` when it is not such a
/// statement.
pub fn with_index_name(create: &str, quoted: &str) -> Option<String> {
    let toks = tokens(create)?;
    let index = toks.iter().position(|t| is(t, "INDEX"))?;
    let mut at = index + 1;
    if toks.get(at).is_some_and(|t| is(t, "IF")) {
        at += 3;
    }
    let name = toks.get(at).filter(|t| t.name.is_some())?;
    if !toks.get(at + 1).is_some_and(|t| is(t, "ON")) {
        return None;
    }
    let start = name.text.as_ptr() as usize - create.as_ptr() as usize;
    Some(format!("{}{quoted}{}", &create[..start], &create[start + name.text.len()..]))
}

/// Whether `sql` (a trigger's, a view's, an index's) names `name` anywhere outside strings.
pub fn mentions(sql: &str, name: &str) -> bool {
    tokens(sql).is_none_or(|toks| toks.iter().any(|t| t.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn quoted(name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    fn xinfo(conn: &rusqlite::Connection, table: &str) -> Vec<(String, String, i64, Option<String>, i64, i64)> {
        let sql = "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid";
        let mut statement = conn.prepare(sql).unwrap();
        let rows = statement
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .unwrap();
        rows.collect::<std::result::Result<_, _>>().unwrap()
    }

    proptest! {
        /// Whatever names, strings and comments a table's definition holds, its parts put back
        /// together make the same table: same columns, types, nullability, defaults, keys.
        #[test]
        fn parts_put_back_together_make_the_same_table(
            names in proptest::collection::btree_set("[a-z]{1,3}[ ,()'\"\\[\\]-]{0,2}[a-z]{0,2}", 1..5),
            defaults in proptest::collection::vec(proptest::option::of("[a-z ,()'-]{0,6}"), 5),
            comment in "[a-z ,()]{0,8}",
            check in any::<bool>(),
        ) {
            let names: Vec<String> = names.into_iter().collect();
            let mut parts = Vec::new();
            for (i, name) in names.iter().enumerate() {
                let mut def = format!("{} TEXT", quoted(name));
                if let Some(Some(d)) = defaults.get(i) {
                    def.push_str(&format!(" DEFAULT '{}'", d.replace('\'', "''")));
                }
                if i == 0 {
                    def.push_str(&format!(" /* {comment} */ NOT NULL -- {comment}\n"));
                }
                parts.push(def);
            }
            if check {
                parts.push(format!("CHECK (length({}) < 100)", quoted(&names[0])));
            }
            parts.push(format!("UNIQUE ({})", quoted(names.last().unwrap())));
            let create = format!("CREATE TABLE t ({})", parts.join(", "));
            let conn = rusqlite::Connection::open_in_memory().unwrap();
            conn.execute(&create, []).unwrap();
            let stored: String = conn.query_row("SELECT sql FROM sqlite_master WHERE name = 't'", [], |r| r.get(0)).unwrap();
            let d = parse("t", &stored).unwrap();
            let columns: Vec<String> = d.parts.iter().filter_map(|p| match &p.kind {
                PartKind::Column(n) => Some(n.clone()),
                PartKind::Constraint { .. } => None,
            }).collect();
            prop_assert_eq!(&columns, &names);
            let again = format!("CREATE TABLE u ({})", d.parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(", "));
            conn.execute(&again, []).unwrap();
            prop_assert_eq!(xinfo(&conn, "t"), xinfo(&conn, "u"));
        }
    }

    fn kinds(d: &TableDefinition) -> Vec<String> {
        d.parts.iter().map(|p| format!("{:?}", p.kind)).collect()
    }

    #[test]
    fn parts_keep_their_text_and_what_they_name() {
        let sql = r#"CREATE TABLE "po,sts" (
            id INTEGER PRIMARY KEY AUTOINCREMENT, -- the key, (with a comment)
            [status] VARCHAR(20) NOT NULL DEFAULT 'a, b' CHECK (status IN ('a, b', 'c')),
            "total" NUMERIC(8, 2) GENERATED ALWAYS AS (price * 2) STORED,
            price REAL COLLATE NOCASE,
            CONSTRAINT "posts_user_id_foreign" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
            UNIQUE (status COLLATE nocase, price DESC),
            CHECK (price > 0) /* a comment, with a comma */
        ) STRICT, WITHOUT ROWID"#;
        let d = parse("posts", sql).unwrap();
        assert_eq!(
            kinds(&d),
            [
                r#"Column("id")"#,
                r#"Column("status")"#,
                r#"Column("total")"#,
                r#"Column("price")"#,
                r#"Constraint { name: Some("posts_user_id_foreign"), kind: ForeignKey(["user_id"]) }"#,
                r#"Constraint { name: None, kind: Unique(["status", "price"]) }"#,
                "Constraint { name: None, kind: Check }",
            ]
        );
        assert_eq!(d.parts[1].text, "[status] VARCHAR(20) NOT NULL DEFAULT 'a, b' CHECK (status IN ('a, b', 'c'))");
        assert_eq!(d.parts[6].text, "CHECK (price > 0)");
        assert!(d.parts[2].mentions.contains(&"price".to_owned()));
        assert_eq!(d.options, "STRICT, WITHOUT ROWID");
    }

    #[test]
    fn a_columns_own_foreign_key_can_be_cut_out() {
        let d = parse(
            "t",
            r#"CREATE TABLE t (a INTEGER NOT NULL CONSTRAINT "t_a_foreign" REFERENCES "u" ("id") ON DELETE SET NULL ON UPDATE CASCADE DEFAULT 1, b INT REFERENCES u MATCH FULL NOT DEFERRABLE INITIALLY DEFERRED, c INT CHECK (c > 0))"#,
        )
        .unwrap();
        assert_eq!(d.parts[0].inline_foreign.as_ref().unwrap().name.as_deref(), Some("t_a_foreign"));
        assert_eq!(d.parts[0].without_inline_foreign(), "a INTEGER NOT NULL DEFAULT 1");
        assert_eq!(d.parts[1].without_inline_foreign(), "b INT");
        assert!(d.parts[2].inline_foreign.is_none());
    }

    #[test]
    fn what_it_cannot_read_is_refused() {
        for bad in [
            "CREATE TABLE t AS SELECT 1",
            "CREATE TABLE t (a TEXT DEFAULT 'x)",
            "CREATE TABLE t (a, , b)",
            "CREATE TABLE t (a /* open",
            "CREATE TABLE t (a INTEGER",
            "CREATE TABLE t (CONSTRAINT c)",
        ] {
            assert!(
                matches!(parse("t", bad), Err(Error::InvalidSchema { problem: SchemaProblem::RebuildRefused { .. } })),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_index_takes_another_name() {
        assert_eq!(
            with_index_name(r#"CREATE UNIQUE INDEX "a" ON t ("on")"#, r#""b""#).as_deref(),
            Some(r#"CREATE UNIQUE INDEX "b" ON t ("on")"#)
        );
        assert_eq!(
            with_index_name("CREATE INDEX IF NOT EXISTS [a] ON t (x) WHERE x > 0", "\"b\"").as_deref(),
            Some("CREATE INDEX IF NOT EXISTS \"b\" ON t (x) WHERE x > 0")
        );
        assert!(with_index_name("CREATE INDEX main.a ON t (x)", "\"b\"").is_none(), "schema-qualified: not ours");
    }

    #[test]
    fn mentions_are_names_not_text_in_strings() {
        assert!(mentions("CREATE TRIGGER x AFTER UPDATE ON t BEGIN UPDATE t SET \"Price\" = 1; END", "price"));
        assert!(!mentions("CREATE VIEW v AS SELECT 'price' AS p FROM t", "price"));
        assert!(mentions("CREATE VIEW v AS SELECT 'unclosed", "price"), "unreadable counts as naming it");
    }
}
