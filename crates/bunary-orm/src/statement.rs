//! [`Statement`]: SQL text and the values bound to its placeholders, what every grammar (query
//! and schema) produces and every executor runs.

use crate::value::Value;

/// Compiled SQL and its bindings, in placeholder order.
///
/// ```
/// use bunary_orm::Statement;
/// let drop = Statement::new("DROP TABLE \"t\"");
/// assert_eq!(drop, "DROP TABLE \"t\"");
/// assert!(drop.bindings.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The SQL text.
    pub sql: String,
    /// The values bound to its placeholders, in order.
    pub bindings: Vec<Value>,
}

impl Statement {
    /// A statement without bindings.
    pub fn new(sql: impl Into<String>) -> Self {
        Statement { sql: sql.into(), bindings: Vec::new() }
    }

    /// A statement with bindings.
    pub fn with_bindings(sql: impl Into<String>, bindings: Vec<Value>) -> Self {
        Statement { sql: sql.into(), bindings }
    }
}

impl From<String> for Statement {
    fn from(sql: String) -> Self {
        Statement::new(sql)
    }
}

impl From<&str> for Statement {
    fn from(sql: &str) -> Self {
        Statement::new(sql)
    }
}

/// A statement equals SQL text when it has that text and no bindings.
impl PartialEq<&str> for Statement {
    fn eq(&self, sql: &&str) -> bool {
        self.bindings.is_empty() && self.sql == *sql
    }
}

impl PartialEq<str> for Statement {
    fn eq(&self, sql: &str) -> bool {
        self.bindings.is_empty() && self.sql == sql
    }
}

impl PartialEq<String> for Statement {
    fn eq(&self, sql: &String) -> bool {
        self.bindings.is_empty() && &self.sql == sql
    }
}
