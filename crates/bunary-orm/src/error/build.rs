//! [`BuildError`]: the error a query builder keeps, by value, from the call that met it to
//! the terminal call that returns it.

use crate::dialect::Dialect;

use super::{Error, QueryProblem};

/// An error met while a query was being built. A builder is cloned freely, so what it keeps
/// must clone: every error a builder can meet has its variant here, and converts to the
/// [`Error`] variant of the same name and fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BuildError {
    InvalidIdentifier {
        kind: &'static str,
        value: String,
        reason: String,
    },
    InvalidOperator {
        operator: String,
    },
    InvalidQuery {
        problem: QueryProblem,
    },
    RawSql {
        sql: String,
        dialect: Dialect,
        reason: String,
    },
    RawPlaceholders {
        sql: String,
        placeholders: usize,
        bindings: usize,
    },
    OutOfRange {
        what: String,
    },
    ZeroSize {
        what: &'static str,
    },
    NullComparison {
        operator: String,
    },
    Unsupported {
        dialect: Dialect,
        feature: String,
    },
    UnknownRelation {
        model: &'static str,
        relation: String,
        known: &'static [&'static str],
    },
    InvalidRelation {
        model: &'static str,
        relation: &'static str,
        column: String,
        owner: &'static str,
    },
    /// An error of another kind (none is met while building today), kept as its message.
    Other(String),
}

impl From<Error> for BuildError {
    fn from(error: Error) -> Self {
        match error {
            Error::InvalidIdentifier { kind, value, reason } => BuildError::InvalidIdentifier { kind, value, reason },
            Error::InvalidOperator { operator } => BuildError::InvalidOperator { operator },
            Error::InvalidQuery { problem } => BuildError::InvalidQuery { problem },
            Error::RawSql { sql, dialect, reason } => BuildError::RawSql { sql, dialect, reason },
            Error::RawPlaceholders { sql, placeholders, bindings } => {
                BuildError::RawPlaceholders { sql, placeholders, bindings }
            }
            Error::OutOfRange { what } => BuildError::OutOfRange { what },
            Error::ZeroSize { what } => BuildError::ZeroSize { what },
            Error::NullComparison { operator } => BuildError::NullComparison { operator },
            Error::Unsupported { dialect, feature } => BuildError::Unsupported { dialect, feature },
            Error::UnknownRelation { model, relation, known } => BuildError::UnknownRelation { model, relation, known },
            Error::InvalidRelation { model, relation, column, owner } => {
                BuildError::InvalidRelation { model, relation, column, owner }
            }
            other => BuildError::Other(other.to_string()),
        }
    }
}

impl From<BuildError> for Error {
    fn from(error: BuildError) -> Self {
        match error {
            BuildError::InvalidIdentifier { kind, value, reason } => Error::InvalidIdentifier { kind, value, reason },
            BuildError::InvalidOperator { operator } => Error::InvalidOperator { operator },
            BuildError::InvalidQuery { problem } => Error::InvalidQuery { problem },
            BuildError::RawSql { sql, dialect, reason } => Error::RawSql { sql, dialect, reason },
            BuildError::RawPlaceholders { sql, placeholders, bindings } => {
                Error::RawPlaceholders { sql, placeholders, bindings }
            }
            BuildError::OutOfRange { what } => Error::OutOfRange { what },
            BuildError::ZeroSize { what } => Error::ZeroSize { what },
            BuildError::NullComparison { operator } => Error::NullComparison { operator },
            BuildError::Unsupported { dialect, feature } => Error::Unsupported { dialect, feature },
            BuildError::UnknownRelation { model, relation, known } => Error::UnknownRelation { model, relation, known },
            BuildError::InvalidRelation { model, relation, column, owner } => {
                Error::InvalidRelation { model, relation, column, owner }
            }
            BuildError::Other(message) => Error::other(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builder_error_survives_the_round_trip() {
        let errors = [
            Error::InvalidIdentifier { kind: "column", value: "a b".into(), reason: "space".into() },
            Error::InvalidOperator { operator: "=~".into() },
            Error::InvalidQuery { problem: QueryProblem::NoTable },
            Error::RawSql { sql: "x".into(), dialect: Dialect::MySql, reason: "comment".into() },
            Error::RawPlaceholders { sql: "?".into(), placeholders: 1, bindings: 0 },
            Error::OutOfRange { what: "limit".into() },
            Error::ZeroSize { what: "per_page" },
            Error::NullComparison { operator: ">".into() },
            Error::Unsupported { dialect: Dialect::Sqlite, feature: "x".into() },
            Error::UnknownRelation { model: "User", relation: "autor".into(), known: &["author"] },
            Error::InvalidRelation { model: "Post", relation: "author", column: "x_id".into(), owner: "Post" },
        ];
        for error in errors {
            let text = error.to_string();
            let kept = BuildError::from(error);
            let back = Error::from(kept.clone());
            assert_eq!(back.to_string(), text);
            assert_eq!(BuildError::from(back), kept, "{text}: the same variant comes back");
        }
    }
}
