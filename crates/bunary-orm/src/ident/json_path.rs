//! [`JsonPath`]: the path into a JSON column that `meta->a->b[0]` names, parsed into segments
//! and each segment validated, once, for every grammar.
//!
//! A key is 1 to 64 ASCII letters, digits and `_`; an index is `[n]`, a decimal integer. A
//! path therefore never holds a quote, a backslash, a dot, a `$` or a space, and each grammar
//! writes it into SQL as a literal its dialect cannot misread (the injection Laravel shipped in
//! 2019, and its PostgreSQL twin, came from escaping paths grammar by grammar). Values compared
//! with, or written to, a path are bound as always.
//!
//! ```
//! use bunary_orm::ident::{ColumnRef, JsonSegment};
//! let c = ColumnRef::parse("meta->tags[0]->name").unwrap();
//! let path = c.json.as_deref().unwrap();
//! assert_eq!(path.segments(), [JsonSegment::Key("tags".into()), JsonSegment::Index(0), JsonSegment::Key("name".into())]);
//! assert_eq!(path.to_string(), "$.\"tags\"[0].\"name\"");
//! assert!(ColumnRef::parse("meta->'a'").is_err());
//! assert!(ColumnRef::parse("meta->a.b").is_err());
//! assert!(ColumnRef::parse("meta->a\"))--").is_err());
//! ```

use std::fmt;

use compact_str::CompactString;

use crate::error::{Error, Result};

use super::MAX_LEN;

/// The most segments a path may have.
pub const MAX_SEGMENTS: usize = 32;

/// One step of a [`JsonPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JsonSegment {
    /// An object key: 1 to 64 ASCII letters, digits and `_`.
    Key(CompactString),
    /// An array index.
    Index(u32),
}

/// A validated path into a JSON value: at least one segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonPath {
    segments: Vec<JsonSegment>,
}

fn invalid(text: &str, reason: impl Into<String>) -> Error {
    Error::InvalidIdentifier { kind: "JSON path", value: text.to_owned(), reason: reason.into() }
}

impl JsonPath {
    /// Parses what follows a column: `->a->b`, `[0]->a`, `->a[1][2]`.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`] (kind `"JSON path"`) naming what is wrong.
    pub fn parse(text: &str) -> Result<Self> {
        let mut segments = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("->") {
                if after.starts_with('>') {
                    return Err(invalid(text, "`->>` is not a path step: `->` reads the value as text already"));
                }
                let end = after.find(['[', '-']).unwrap_or(after.len());
                let key = &after[..end];
                check_key(text, key)?;
                segments.push(JsonSegment::Key(CompactString::new(key)));
                rest = &after[end..];
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').ok_or_else(|| invalid(text, "an index `[` is not closed"))?;
                let digits = &after[..end];
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 9 {
                    return Err(invalid(text, format!("`[{digits}]` is not an array index (a decimal integer)")));
                }
                let index = digits.parse().map_err(|_| invalid(text, "the index is too large"))?;
                segments.push(JsonSegment::Index(index));
                rest = &after[end + 1..];
            } else {
                return Err(invalid(text, format!("expected `->key` or `[index]` at `{rest}`")));
            }
            if segments.len() > MAX_SEGMENTS {
                return Err(invalid(text, format!("a path has at most {MAX_SEGMENTS} steps")));
            }
        }
        if segments.is_empty() {
            return Err(invalid(text, "the path is empty"));
        }
        Ok(JsonPath { segments })
    }

    /// The steps, in order.
    pub fn segments(&self) -> &[JsonSegment] {
        &self.segments
    }

    /// The path without its last step (`None` for a path of one step), and that step.
    pub fn split_last(&self) -> (Option<JsonPath>, &JsonSegment) {
        let (last, init) = self.segments.split_last().expect("a path has a step");
        let parent = (!init.is_empty()).then(|| JsonPath { segments: init.to_vec() });
        (parent, last)
    }
}

fn check_key(text: &str, key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(invalid(text, "a key is empty"));
    }
    if key.len() > MAX_LEN {
        return Err(invalid(text, format!("the key `{key}` is longer than {MAX_LEN} characters")));
    }
    if let Some(bad) = key.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        return Err(invalid(
            text,
            format!("`{}` is not allowed in a key (keys are ASCII letters, digits and `_`)", bad.escape_default()),
        ));
    }
    Ok(())
}

/// The SQL/JSON path text (`$."a"[0]."b"`), as SQLite and MySQL read it: keys in double quotes
/// (they hold no quote), indexes in brackets.
impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for segment in &self.segments {
            match segment {
                JsonSegment::Key(key) => write!(f, ".\"{key}\"")?,
                JsonSegment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_into_checked_steps() {
        let p = JsonPath::parse("->a->b_2[3][4]->c").unwrap();
        assert_eq!(p.to_string(), "$.\"a\".\"b_2\"[3][4].\"c\"");
        assert_eq!(JsonPath::parse("[0]").unwrap().segments(), [JsonSegment::Index(0)]);
        assert_eq!(JsonPath::parse("->2024").unwrap().to_string(), "$.\"2024\"");
        let (parent, last) = p.split_last();
        assert_eq!(last, &JsonSegment::Key("c".into()));
        assert_eq!(parent.unwrap().to_string(), "$.\"a\".\"b_2\"[3][4]");
    }

    #[test]
    fn hostile_paths_are_refused() {
        for bad in [
            "",
            "->",
            "->a->",
            "->>a",
            "->a'",
            "->a\"",
            "->a.b",
            "->a b",
            "->a)",
            "->$",
            "->a\\",
            "->a[",
            "->a[-1]",
            "->a[1a]",
            "->a[]",
            "->a[99999999999]",
            "a",
            "->é",
            "->a--",
            "->a;drop",
        ] {
            let e = JsonPath::parse(bad).expect_err(bad);
            assert!(matches!(e, Error::InvalidIdentifier { kind: "JSON path", .. }), "{bad}: {e:?}");
        }
        let long = format!("->{}", "k".repeat(65));
        assert!(JsonPath::parse(&long).is_err());
        let deep = "->a".repeat(33);
        assert!(JsonPath::parse(&deep).is_err());
    }
}
