//! Property tests (issue 12, item 23) for every parser between user input and SQL. Each asserts
//! the invariant, not a sample:
//! - a table or column name is refused before any SQL, or reaches SQL quoted as exactly the
//!   plain identifier(s) it names;
//! - an operator is refused, or is one of the allow-list;
//! - a raw fragment's placeholders are counted as the database counts them (on SQLite against
//!   SQLite's own parser; on PostgreSQL and MySQL against fragments built from tokens whose
//!   placeholders are known);
//! - a JSON path is refused before any SQL, or is exactly keys of ASCII letters, digits and `_`
//!   and integer indexes, and reaches SQL as those steps and nothing else;
//! - a server URL's parts come back as given, and its password never shows in a message.
//!
//! The number of cases is bounded (`PROPTEST_CASES`, 256 by default), so CI runs them in
//! seconds.

use bunary_orm::{Dialect, Error, Model, OrmConfig, Value};
use proptest::prelude::*;

const DIALECTS: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

fn plain(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && !b[0].is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

fn quoted(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

/// Strings that are often close to names: letters, digits, and the characters that matter.
fn name_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_]{0,70}",
        "[a-z_ .*\"`';()\\-\t\n]{0,12}",
        "[a-z]{1,8}(\\.[a-z*]{1,8})?( [aA][sS] [a-z]{1,8})?",
        any::<String>(),
    ]
}

/// Whether `suffix` is a legal JSON path (`->key`, `[n]`, …), by a checker written apart from
/// the library's parser: the steps it names, or `None`.
fn json_steps(suffix: &str) -> Option<Vec<String>> {
    let mut steps = Vec::new();
    let mut rest = suffix;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("->") {
            let n = after.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
            if n == 0 || n > 64 {
                return None;
            }
            steps.push(format!("key {}", &after[..n]));
            rest = &after[n..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 || n > 9 || after.as_bytes().get(n) != Some(&b']') {
                return None;
            }
            steps.push(format!("index {}", after[..n].parse::<u32>().ok()?));
            rest = &after[n + 1..];
        } else {
            return None;
        }
    }
    (!steps.is_empty() && steps.len() <= 32).then_some(steps)
}

fn json_suffix_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "(->[a-zA-Z0-9_]{1,8}|\\[[0-9]{1,4}\\]){1,5}",
        "(->|->>|\\[|\\]|[a-z0-9'\". $\\\\)*;-]){0,16}",
        any::<String>().prop_map(|s| format!("->{s}")),
    ]
}

proptest! {
    #[test]
    fn a_json_path_is_refused_or_reaches_sql_as_its_steps(suffix in json_suffix_like()) {
        // Anything else changes the column's name, the property above.
        prop_assume!(suffix.starts_with("->") || suffix.starts_with('['));
        let steps = json_steps(&suffix);
        for dialect in DIALECTS {
            match Model::table("t").where_(&format!("meta{suffix}"), 1).to_sql(dialect) {
                Ok(statement) => {
                    let Some(steps) = &steps else {
                        return Err(TestCaseError::fail(format!("{suffix:?} reached SQL: {}", statement.sql)));
                    };
                    // Only the steps' own characters, and the grammar's, are in the SQL.
                    let path: String = steps.iter().map(|s| match s.split_once(' ') {
                        Some(("key", k)) => if dialect == Dialect::Postgres { format!("'{k}'") } else { format!(".\"{k}\"") },
                        Some((_, i)) => if dialect == Dialect::Postgres { i.to_owned() } else { format!("[{i}]") },
                        None => unreachable!(),
                    }).collect::<Vec<_>>().join(if dialect == Dialect::Postgres { "->" } else { "" });
                    prop_assert!(statement.sql.contains(&path), "{suffix:?}: {} lacks {path}", statement.sql);
                    prop_assert_eq!(statement.bindings, vec![Value::Int(1)]);
                }
                Err(Error::InvalidIdentifier { .. }) => prop_assert!(steps.is_none(), "{suffix:?} was refused"),
                Err(other) => prop_assert!(false, "{suffix:?}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn a_column_in_a_condition_is_refused_or_quoted_as_plain_identifiers(name in name_like()) {
        // A JSON path (`meta->a`, `tags[0]`) has a property of its own, below.
        prop_assume!(!name.contains("->") && !name.contains('['));
        for dialect in DIALECTS {
            let compiled = Model::table("t").where_(&name, 1).to_sql(dialect);
            let parts: Vec<&str> = name.split('.').collect();
            let legal = (parts.len() == 1 || parts.len() == 2) && parts.iter().all(|p| plain(p));
            match compiled {
                Ok(statement) => {
                    prop_assert!(legal, "{name:?} reached SQL: {}", statement.sql);
                    let column: Vec<String> = parts.iter().map(|p| quoted(dialect, p)).collect();
                    let placeholder = if dialect == Dialect::Postgres { "$1" } else { "?" };
                    let expected = format!("SELECT * FROM {} WHERE {} = {placeholder}", quoted(dialect, "t"), column.join("."));
                    prop_assert_eq!(statement.sql, expected);
                }
                Err(Error::InvalidIdentifier { .. }) => prop_assert!(!legal, "{name:?} was refused"),
                Err(other) => prop_assert!(false, "{name:?}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn a_table_name_is_refused_or_quoted_as_plain_identifiers(name in name_like()) {
        for dialect in DIALECTS {
            match Model::table(&name).to_sql(dialect) {
                Ok(statement) => {
                    let from = statement.sql.strip_prefix("SELECT * FROM ").expect("a select");
                    // `a`, `s.a`, each optionally ` AS b`: every part plain and quoted.
                    let (table, alias) = match from.split_once(" AS ") {
                        Some((t, a)) => (t, Some(a)),
                        None => (from, None),
                    };
                    for part in table.split('.').chain(alias) {
                        let inner = &part[1..part.len() - 1];
                        prop_assert!(plain(inner), "{name:?} gave {from}");
                        prop_assert_eq!(part, quoted(dialect, inner));
                    }
                    prop_assert_eq!(name.trim(), name.as_str(), "no whitespace around an accepted name");
                }
                Err(Error::InvalidIdentifier { .. }) => {}
                Err(other) => prop_assert!(false, "{name:?}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn an_operator_is_refused_or_from_the_allow_list(op in prop_oneof!["[=<>!&|^#a-zA-Z ]{0,12}", any::<String>()]) {
        const ALLOWED: [&str; 16] = [
            "=", "<>", "<", "<=", ">", ">=", "LIKE", "NOT LIKE", "ILIKE", "NOT ILIKE",
            "IS NOT DISTINCT FROM", "&", "|", "#", "<<", ">>",
        ];
        match Model::table("t").where_op("c", op.as_str(), 1).to_sql(Dialect::Postgres) {
            Ok(statement) => {
                let written = statement.sql.strip_prefix("SELECT * FROM \"t\" WHERE \"c\" ")
                    .and_then(|s| s.strip_suffix(" $1").or_else(|| s.strip_suffix(" $1 <> 0")));
                prop_assert!(written.is_some_and(|w| ALLOWED.contains(&w)), "{op:?} gave {}", statement.sql);
            }
            Err(e) => prop_assert!(matches!(e, Error::InvalidOperator { .. }), "{e:?}"),
        }
    }
}

/// One token of a raw fragment and the placeholders the database sees in it.
#[derive(Debug, Clone)]
enum Token {
    Placeholder,
    Escaped,
    Text(String),
    Quoted(String),
    LineComment(String),
    BlockComment(String),
}

fn token() -> impl Strategy<Value = Token> {
    let filler = "[a-z0-9 ?'\"`;=]{0,10}";
    prop_oneof![
        Just(Token::Placeholder),
        Just(Token::Escaped),
        "[a-z0-9 =<>+,]{1,6}".prop_map(Token::Text),
        filler.prop_map(Token::Quoted),
        filler.prop_map(Token::LineComment),
        filler.prop_map(Token::BlockComment),
    ]
}

/// The fragment as SQL for `dialect`, with the number of real placeholders in it.
fn render(tokens: &[Token], dialect: Dialect) -> (String, usize) {
    let mut sql = String::new();
    let mut count = 0;
    for t in tokens {
        match t {
            Token::Placeholder => {
                sql.push_str(" ? ");
                count += 1;
            }
            Token::Escaped => {
                // A literal `?` on PostgreSQL; two placeholders where `?` is always one.
                sql.push_str(" ?? ");
                if dialect != Dialect::Postgres {
                    count += 2;
                }
            }
            Token::Text(text) => sql.push_str(text),
            Token::Quoted(text) => {
                let escaped = text.replace('\'', "''");
                let escaped = if dialect == Dialect::MySql { escaped.replace('\\', "\\\\") } else { escaped };
                sql.push_str(&format!(" '{escaped}' "));
            }
            Token::LineComment(text) => sql.push_str(&format!(" -- {}\n", text.replace('\n', " "))),
            Token::BlockComment(text) => {
                sql.push_str(&format!(" /* {} */ ", text.replace("*/", "* /").replace("/*", "/ *")))
            }
        }
    }
    (sql, count)
}

proptest! {
    #[test]
    fn raw_fragments_count_the_placeholders_the_database_sees(tokens in prop::collection::vec(token(), 0..12)) {
        for dialect in DIALECTS {
            let (fragment, count) = render(&tokens, dialect);
            let bindings: Vec<Value> = (0..count as i64).map(Value::from).collect();
            let compiled = Model::table("t").where_raw(&fragment, bindings.clone()).to_sql(dialect);
            let statement = compiled.map_err(|e| TestCaseError::fail(format!("{fragment:?} on {dialect}: {e}")))?;
            prop_assert_eq!(statement.bindings.len(), count);
            // One binding too many or too few is refused.
            let more: Vec<Value> = bindings.iter().cloned().chain([Value::from(0)]).collect();
            prop_assert!(Model::table("t").where_raw(&fragment, more).to_sql(dialect).is_err());
        }
    }

    /// On SQLite the oracle is SQLite itself: the statement it prepares has exactly as many
    /// parameters as the builder bound.
    #[test]
    fn sqlite_agrees_on_the_placeholder_count(tokens in prop::collection::vec(token(), 0..12)) {
        let (fragment, count) = render(&tokens, Dialect::Sqlite);
        let bindings: Vec<Value> = (0..count as i64).map(Value::from).collect();
        let statement = Model::table("t").where_raw(&fragment, bindings).to_sql(Dialect::Sqlite).unwrap();
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER)").unwrap();
        let parameters = conn.prepare(&statement.sql).map(|prepared| prepared.parameter_count());
        if let Ok(parameters) = parameters {
            prop_assert_eq!(parameters, count, "{}", statement.sql);
        }
    }

    #[test]
    fn a_server_url_comes_back_as_given_and_hides_its_password(
        user in "[a-z][a-z0-9_]{0,10}",
        password in "[A-Za-z0-9!*()~_.-]{6,16}",
        host in "[a-z][a-z0-9-]{0,10}(\\.[a-z]{2,5})?",
        port in 1u16..,
        database in "[a-z][a-z0-9_]{0,10}",
    ) {
        let url = format!("postgres://{user}:{password}@{host}:{port}/{database}");
        let config = OrmConfig::from_url(&url).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let server = config.database.postgres.expect("a postgres block");
        prop_assert_eq!((server.user.as_str(), server.host.as_str(), server.port, server.database.as_str()),
            (user.as_str(), host.as_str(), Some(port), database.as_str()));
        prop_assert_eq!(server.password.as_deref(), Some(password.as_str()));
        let broken = format!("postgres://{user}:{password}@{host}:{port}/{database}?tls=sometimes");
        let message = OrmConfig::from_url(&broken).unwrap_err().to_string();
        prop_assert!(!message.contains(&password), "{message}");
    }

    #[test]
    fn parsing_any_url_never_panics(url in any::<String>()) {
        let _ = OrmConfig::from_url(&url);
    }
}
