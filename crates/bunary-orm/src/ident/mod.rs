//! Identifier validation: which table, column and alias names may reach SQL.
//!
//! Quoting is the grammar's job; this module decides what is *legal*, before any SQL is
//! written. The rule is deliberately strict and the same on every dialect:
//!
//! - a name is 1 to 64 ASCII letters, digits and `_`, not starting with a digit
//!   (so no spaces, quotes, semicolons, dashes or look-alike Unicode letters such as the
//!   Cyrillic `а` in `usеrs`);
//! - a column may be qualified by a table (`posts.title`) or be `*` / `posts.*`;
//! - a table may be qualified by a schema (`public.users`);
//! - either may carry an alias: `name as alias` (any case of `AS`);
//! - a column may be read at a path into its JSON: `meta->a->b`, `tags[0]` (see [`JsonPath`]).
//!
//! Anything else is [`Error::InvalidIdentifier`]. Where a name outside these rules is really
//! needed, the builder's `*_raw` methods are the one, explicitly marked, door for raw SQL.
//!
//! # Examples
//! ```
//! use bunary_orm::ident::{ColumnRef, Ident};
//! assert!(Ident::new("user_id", "column").is_ok());
//! assert!(Ident::new("users; DROP TABLE users", "table").is_err());
//! let c = ColumnRef::parse("p.title as heading").unwrap();
//! assert_eq!((c.table.unwrap().as_str(), c.alias.unwrap().as_str()), ("p", "heading"));
//! ```

use std::fmt;

use compact_str::CompactString;

use crate::error::{Error, Result};

mod json_path;

pub use self::json_path::{JsonPath, JsonSegment, MAX_SEGMENTS as MAX_JSON_SEGMENTS};

/// The longest legal identifier (MySQL's limit; Postgres allows 63 bytes and truncates).
pub const MAX_LEN: usize = 64;

/// One validated name segment. Names of up to 24 bytes are kept inline: building a query
/// allocates nothing for them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident(CompactString);

impl Ident {
    /// Validates `name` as one identifier segment; `kind` says what it names, for the error.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`] with the reason.
    pub fn new(name: &str, kind: &'static str) -> Result<Self> {
        if !is_plain(name) {
            check_segment(name, kind)?;
        }
        Ok(Ident(CompactString::new(name)))
    }

    /// `id`, the default key column.
    pub(crate) const fn id() -> Self {
        Ident(CompactString::const_new("id"))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn invalid(kind: &'static str, value: &str, reason: impl Into<String>) -> Error {
    Error::InvalidIdentifier { kind, value: value.to_owned(), reason: reason.into() }
}

fn check_segment(name: &str, kind: &'static str) -> Result<()> {
    if name.is_empty() {
        return Err(invalid(kind, name, "it is empty"));
    }
    if name.len() > MAX_LEN {
        return Err(invalid(kind, name, format!("it is longer than {MAX_LEN} characters")));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        let reason = if bad.is_alphabetic() {
            format!("`{bad}` is not an ASCII letter (names are ASCII letters, digits and `_`)")
        } else {
            format!("`{}` is not allowed (names are ASCII letters, digits and `_`)", bad.escape_default())
        };
        return Err(invalid(kind, name, reason));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(invalid(kind, name, "it starts with a digit"));
    }
    Ok(())
}

/// Whether `text` is one legal segment, checked byte by byte (the common case, parsed without
/// splitting).
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LEN
        && !bytes[0].is_ascii_digit()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// Splits `expr as alias` (any case of `as`, any spacing) into the expression and the alias.
fn split_alias<'a>(text: &'a str, kind: &'static str) -> Result<(&'a str, Option<Ident>)> {
    if text.trim() != text {
        // ` name` is not `name`: a name with whitespace around it is refused, never trimmed.
        return Err(invalid(kind, text, "it has leading or trailing whitespace"));
    }
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(expr), None, _, _) => Ok((expr, None)),
        (Some(expr), Some(as_kw), Some(alias), None) if as_kw.eq_ignore_ascii_case("as") => {
            Ok((expr, Some(Ident::new(alias, "alias")?)))
        }
        (None, ..) => Err(invalid(kind, text, "it is empty")),
        _ => Err(invalid(kind, text, "expected `name` or `name as alias`")),
    }
}

/// A column reference: `*`, `name`, `table.name`, `table.*`, each with an optional alias, and
/// a column read at a JSON path (`meta->a->b`, `table.meta->tags[0]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnRef {
    /// The qualifying table (or table alias), if any.
    pub table: Option<Ident>,
    /// The column; `None` for `*`.
    pub column: Option<Ident>,
    /// The alias, if any.
    pub alias: Option<Ident>,
    /// The path into the column's JSON, if any.
    pub json: Option<Box<JsonPath>>,
}

impl ColumnRef {
    /// Parses and validates a column reference.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    pub fn parse(text: &str) -> Result<Self> {
        let dot = text.bytes().position(|b| b == b'.');
        if dot.is_none() && is_plain(text) {
            return Ok(ColumnRef::column(Ident(CompactString::new(text))));
        }
        let parts = dot.map(|at| (&text[..at], &text[at + 1..]));
        if let Some((table, column)) = parts.filter(|(t, c)| is_plain(t) && is_plain(c)) {
            return Ok(ColumnRef {
                table: Some(Ident(CompactString::new(table))),
                column: Some(Ident(CompactString::new(column))),
                alias: None,
                json: None,
            });
        }
        let (expr, alias) = split_alias(text, "column")?;
        // `meta->a`, `tags[0]`: the path starts at the first `->` or `[`.
        let (expr, json) = match expr.find("->").into_iter().chain(expr.find('[')).min() {
            Some(at) => (&expr[..at], Some(Box::new(JsonPath::parse(&expr[at..])?))),
            None => (expr, None),
        };
        let (table, column) = match expr.split_once('.') {
            Some((t, c)) => (Some(t), c),
            None => (None, expr),
        };
        let table = table.map(|t| Ident::new(t, "table")).transpose()?;
        let column = if column == "*" {
            if alias.is_some() || json.is_some() {
                return Err(invalid("column", text, "`*` cannot have an alias or a JSON path"));
            }
            None
        } else {
            Some(Ident::new(column, "column").map_err(|e| match e {
                Error::InvalidIdentifier { reason, .. } => invalid("column", text, reason),
                other => other,
            })?)
        };
        Ok(ColumnRef { table, column, alias, json })
    }

    /// Parses a plain column reference (`name` or `table.name`: no `*`, no alias), as used for
    /// conditions, writes and keys.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    pub fn plain(text: &str) -> Result<Self> {
        let c = Self::parse(text)?;
        if c.column.is_none() || c.alias.is_some() {
            return Err(invalid("column", text, "expected a column name"));
        }
        Ok(c)
    }

    /// A plain column reference to an already validated name.
    pub fn column(name: Ident) -> Self {
        ColumnRef { table: None, column: Some(name), alias: None, json: None }
    }

    /// The name a result row will use for this column (its alias, else its name; a column
    /// read at a JSON path has only its alias).
    pub fn output_name(&self) -> Option<&str> {
        match &self.json {
            Some(_) => self.alias.as_ref().map(Ident::as_str),
            None => self.alias.as_ref().or(self.column.as_ref()).map(Ident::as_str),
        }
    }

    /// This reference without its JSON path: the column itself.
    pub fn without_json(&self) -> ColumnRef {
        ColumnRef { json: None, ..self.clone() }
    }
}

/// A table reference: `name`, `schema.name`, each with an optional alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableRef {
    /// The schema, if any.
    pub schema: Option<Ident>,
    /// The table.
    pub name: Ident,
    /// The alias, if any.
    pub alias: Option<Ident>,
}

impl TableRef {
    /// Parses and validates a table reference.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    pub fn parse(text: &str) -> Result<Self> {
        if is_plain(text) {
            return Ok(TableRef { schema: None, name: Ident(CompactString::new(text)), alias: None });
        }
        let (expr, alias) = split_alias(text, "table")?;
        let (schema, name) = match expr.split_once('.') {
            Some((s, n)) => (Some(Ident::new(s, "schema")?), n),
            None => (None, expr),
        };
        let name = Ident::new(name, "table").map_err(|e| match e {
            Error::InvalidIdentifier { reason, .. } => invalid("table", text, reason),
            other => other,
        })?;
        Ok(TableRef { schema, name, alias })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_names() {
        for name in ["users", "_private", "user_id", "Users2", "a", &"x".repeat(64)] {
            assert!(Ident::new(name, "column").is_ok(), "{name}");
        }
    }

    #[test]
    fn hostile_and_malformed_names_are_rejected() {
        for name in [
            "users; DROP TABLE users",
            "name) OR 1=1 --",
            "\"quoted\"",
            "`backtick`",
            "",
            " ",
            "usеrs",  // Cyrillic е
            "ｕsers", // full-width u
            "1users",
            "user-name",
            "name\0",
            "a'b",
            &"x".repeat(65),
        ] {
            match Ident::new(name, "column") {
                Err(Error::InvalidIdentifier { kind: "column", value, reason }) => {
                    assert_eq!(value, name);
                    assert!(!reason.is_empty());
                }
                other => panic!("{name:?} should be rejected, got {other:?}"),
            }
        }
    }

    #[test]
    fn column_references() {
        let star = ColumnRef::parse("*").unwrap();
        assert_eq!((star.table, star.column, star.alias), (None, None, None));
        let qualified = ColumnRef::parse("posts.*").unwrap();
        assert_eq!(qualified.table.unwrap().as_str(), "posts");
        let aliased = ColumnRef::parse("users.name  AS  author").unwrap();
        assert_eq!(aliased.output_name(), Some("author"));
        for bad in [
            "name) OR 1=1 --",
            "a.b.c",
            "name as",
            "name alias",
            "* as x",
            "name as bad-alias",
            "",
            " name",
            "name ",
            "\tname",
            "name as x ",
        ] {
            assert!(ColumnRef::parse(bad).is_err(), "{bad:?}");
        }
        assert!(ColumnRef::plain("users.*").is_err());
        assert!(ColumnRef::plain("name as n").is_err());
    }

    #[test]
    fn table_references() {
        let t = TableRef::parse("public.users as u").unwrap();
        assert_eq!((t.schema.unwrap().as_str(), t.name.as_str(), t.alias.unwrap().as_str()), ("public", "users", "u"));
        assert!(TableRef::parse("users; DROP TABLE users").is_err());
        assert!(TableRef::parse("users u").is_err());
        for bad in [" name", "name ", " public.users", "users as u ", "\nusers"] {
            assert!(
                matches!(TableRef::parse(bad), Err(Error::InvalidIdentifier { .. })),
                "{bad:?} must be refused, not trimmed"
            );
        }
    }
}
