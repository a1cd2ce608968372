//! Raw SQL fragments, scanned the way each database will read them: which `?` are
//! placeholders and which sit in a string, a quoted name or a comment.
//!
//! A raw fragment is trusted SQL, but its placeholders are ours: a `?` inside `/* … */` must
//! not take a binding, and a placeholder the database sees that we did not count (`$1` on
//! PostgreSQL, `?1` or `:name` on SQLite) would bind another clause's value. So each dialect's
//! lexical rules are followed, and what cannot be counted safely is refused:
//!
//! | | strings and names | comments | refused |
//! | --- | --- | --- | --- |
//! | all | `'…'` (`''` inside), `"…"` | `/* … */`, `-- …` | an unclosed string, name or comment |
//! | SQLite | `` `…` `` | | `?NNN`, `:name`, `@name`, `$name` (other parameter forms) |
//! | PostgreSQL | `E'…'` (backslash escapes), `$$…$$` and `$tag$…$tag$` | nested `/* */` | `$1` (positional parameters) |
//! | MySQL | `` `…` ``, backslash escapes in `'…'` and `"…"` | `# …`; `-- ` needs a space after it | `/*! … */` (executable comments) |
//!
//! On PostgreSQL, `??` outside strings and comments is a literal `?` (for `jsonb ? key`); on
//! SQLite and MySQL, where a `?` is always a parameter, it is two placeholders.

use crate::dialect::Dialect;

/// A piece of a scanned fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// SQL text, written as it is.
    Text(&'a str),
    /// A placeholder, to be bound to the fragment's next value.
    Placeholder,
}

/// Why a fragment cannot be scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanError(pub(crate) String);

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// Scans `sql` as `dialect` reads it, handing each piece to `emit` in order. Returns the
/// number of placeholders.
pub(crate) fn scan<'a>(sql: &'a str, dialect: Dialect, mut emit: impl FnMut(Piece<'a>)) -> Result<usize, ScanError> {
    let bytes = sql.as_bytes();
    let mut count = 0;
    let mut at = 0; // start of the text not yet emitted
    let mut i = 0;
    let prev_is_ident = |i: usize| i > 0 && is_ident_byte(bytes[i - 1]);
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match b {
            // PostgreSQL only: there `?` is also a jsonb operator; elsewhere `??` is two placeholders.
            b'?' if next == Some(b'?') && dialect == Dialect::Postgres => {
                emit(Piece::Text(&sql[at..i + 1]));
                i += 2;
                at = i;
            }
            b'?' => {
                if dialect == Dialect::Sqlite && next.is_some_and(|n| n.is_ascii_digit()) {
                    return Err(ScanError("SQLite's numbered `?NNN` parameters cannot be used in raw SQL".into()));
                }
                emit(Piece::Text(&sql[at..i]));
                emit(Piece::Placeholder);
                count += 1;
                i += 1;
                at = i;
            }
            b'\'' => {
                let escapes = dialect == Dialect::MySql
                    || (dialect == Dialect::Postgres
                        && i > 0
                        && matches!(bytes[i - 1], b'E' | b'e')
                        && !prev_is_ident(i - 1));
                i = skip_quoted(bytes, i, b'\'', escapes).ok_or_else(|| ScanError("an unclosed quote `'`".into()))?;
            }
            b'"' => {
                let escapes = dialect == Dialect::MySql;
                i = skip_quoted(bytes, i, b'"', escapes).ok_or_else(|| ScanError("an unclosed quote `\"`".into()))?;
            }
            b'`' if dialect != Dialect::Postgres => {
                i = skip_quoted(bytes, i, b'`', false).ok_or_else(|| ScanError("an unclosed quote `` ` ``".into()))?;
            }
            b'-' if next == Some(b'-') => {
                let mysql_needs_space = dialect == Dialect::MySql
                    && !bytes.get(i + 2).is_none_or(|c| c.is_ascii_whitespace() || c.is_ascii_control());
                if mysql_needs_space {
                    i += 1;
                } else {
                    i = skip_line(bytes, i);
                }
            }
            b'#' if dialect == Dialect::MySql => i = skip_line(bytes, i),
            b'/' if next == Some(b'*') => {
                if dialect == Dialect::MySql && matches!(bytes.get(i + 2), Some(b'!') | Some(b'M')) {
                    return Err(ScanError("MySQL executable comments (`/*! … */`) cannot be used in raw SQL".into()));
                }
                i = skip_block_comment(bytes, i, dialect == Dialect::Postgres)
                    .ok_or_else(|| ScanError("an unclosed comment `/*`".into()))?;
            }
            b'$' if dialect == Dialect::Postgres && !prev_is_ident(i) => {
                if next.is_some_and(|n| n.is_ascii_digit()) {
                    return Err(ScanError(
                        "PostgreSQL's positional `$n` parameters cannot be used in raw SQL: write `?`".into(),
                    ));
                }
                match dollar_tag(bytes, i) {
                    Some(tag_end) => {
                        i = skip_dollar_quoted(bytes, i, tag_end)
                            .ok_or_else(|| ScanError("an unclosed dollar-quoted string".into()))?;
                    }
                    None => i += 1,
                }
            }
            b':' | b'@' | b'$'
                if dialect == Dialect::Sqlite
                    && !prev_is_ident(i)
                    && next.is_some_and(|n| is_ident_start(n) || n.is_ascii_digit()) =>
            {
                return Err(ScanError(format!(
                    "SQLite's named `{}name` parameters cannot be used in raw SQL: write `?`",
                    b as char
                )));
            }
            _ => i += 1,
        }
    }
    emit(Piece::Text(&sql[at..]));
    Ok(count)
}

/// The index just past the quote that closes the one at `start`, or `None` when it is unclosed.
fn skip_quoted(bytes: &[u8], start: usize, quote: u8, backslash_escapes: bool) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if backslash_escapes => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_line(bytes: &[u8], start: usize) -> usize {
    bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| start + p + 1)
}

fn skip_block_comment(bytes: &[u8], start: usize, nests: bool) -> Option<usize> {
    let mut depth = 1;
    let mut i = start + 2;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            (b'/', b'*') if nests => {
                depth += 1;
                i += 2;
            }
            _ => i += 1,
        }
    }
    None
}

/// When a `$tag$` opens at `start`, the index just past it.
fn dollar_tag(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if bytes.get(i).is_some_and(|&b| is_ident_start(b)) {
        while bytes.get(i).is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80) {
            i += 1;
        }
    }
    (bytes.get(i) == Some(&b'$')).then_some(i + 1)
}

fn skip_dollar_quoted(bytes: &[u8], start: usize, tag_end: usize) -> Option<usize> {
    let tag = &bytes[start..tag_end];
    bytes[tag_end..].windows(tag.len()).position(|w| w == tag).map(|p| tag_end + p + tag.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(sql: &str, dialect: Dialect) -> Result<(String, usize), ScanError> {
        let mut out = String::new();
        let n = scan(sql, dialect, |p| match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Placeholder => out.push('#'),
        })?;
        Ok((out, n))
    }

    const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

    #[test]
    fn placeholders_outside_strings_and_comments() {
        for d in ALL {
            assert_eq!(pieces("a = ? AND b = '?'", d).unwrap(), ("a = # AND b = '?'".into(), 1));
            assert_eq!(pieces("a = ? /* ? */", d).unwrap(), ("a = # /* ? */".into(), 1));
            assert_eq!(pieces("a = ? -- it's ?\n AND b = ?", d).unwrap(), ("a = # -- it's ?\n AND b = #".into(), 2));
            assert_eq!(pieces("a = 'it''s ?' AND b = ?", d).unwrap().1, 1);
            let escaped = if d == Dialect::Postgres { ("data ? 'key'".into(), 0) } else { ("data ## 'key'".into(), 2) };
            assert_eq!(pieces("data ?? 'key'", d).unwrap(), escaped);
            assert!(pieces("a = 'open", d).is_err());
            assert!(pieces("a = ? /* open", d).is_err());
        }
    }

    #[test]
    fn mysql_rules() {
        assert_eq!(pieces(r"a = 'it\'s ?' AND b = ?", Dialect::MySql).unwrap().1, 1);
        assert_eq!(pieces("a = ? # ?\n", Dialect::MySql).unwrap().1, 1);
        // `--` without a space is two minus signs on MySQL.
        assert_eq!(pieces("a = 1--?", Dialect::MySql).unwrap().1, 1);
        assert!(pieces("/*! ? */ a = ?", Dialect::MySql).is_err());
        assert_eq!(pieces("`we?ird` = ?", Dialect::MySql).unwrap().1, 1);
    }

    #[test]
    fn postgres_rules() {
        assert_eq!(pieces("a = $$ ? $$ AND b = ?", Dialect::Postgres).unwrap().1, 1);
        assert_eq!(pieces("a = $t$ ' ? $t$ AND b = ?", Dialect::Postgres).unwrap().1, 1);
        assert_eq!(pieces(r"a = E'\' ?' AND b = ?", Dialect::Postgres).unwrap().1, 1);
        assert_eq!(pieces("/* /* ? */ ? */ a = ?", Dialect::Postgres).unwrap().1, 1);
        assert!(pieces("name = $1", Dialect::Postgres).is_err());
        assert!(pieces("a = $$ open", Dialect::Postgres).is_err());
        // `$` inside a name is not a parameter.
        assert_eq!(pieces("a$1 = ?", Dialect::Postgres).unwrap().1, 1);
        // a backslash is plain in a standard string
        assert_eq!(pieces(r"a = '\' AND b = ?", Dialect::Postgres).unwrap().1, 1);
    }

    #[test]
    fn sqlite_rules() {
        for bad in ["a = ?1", "a = :name", "a = @name", "a = $name"] {
            assert!(pieces(bad, Dialect::Sqlite).is_err(), "{bad}");
        }
        assert_eq!(pieces("a = '12:30' AND b = ?", Dialect::Sqlite).unwrap().1, 1);
    }
}
