//! The parts a query is made of: plain data that the grammars turn into SQL.

use std::borrow::Cow;
use std::fmt;

use crate::error::{Error, Result};
use crate::ident::{ColumnRef, Ident, TableRef};
use crate::value::Value;

/// The direction of an `ORDER BY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// Ascending (`ASC`).
    #[default]
    Asc,
    /// Descending (`DESC`).
    Desc,
}

/// Reads `asc` or `desc` in any case (Laravel's `orderBy($column, $direction)` takes a string);
/// anything else is [`QueryProblem::InvalidDirection`](crate::error::QueryProblem), so a
/// direction taken from a request cannot reach SQL.
///
/// ```
/// use bunary_orm::query::Direction;
/// assert_eq!("DESC".parse::<Direction>()?, Direction::Desc);
/// assert!("desc; DROP TABLE users".parse::<Direction>().is_err());
/// # Ok::<(), bunary_orm::Error>(())
/// ```
impl std::str::FromStr for Direction {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        if s.eq_ignore_ascii_case("asc") {
            Ok(Direction::Asc)
        } else if s.eq_ignore_ascii_case("desc") {
            Ok(Direction::Desc)
        } else {
            let given = s.chars().take(64).collect();
            Err(Error::InvalidQuery { problem: crate::error::QueryProblem::InvalidDirection { given } })
        }
    }
}

/// How a condition joins the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Boolean {
    /// `AND`.
    And,
    /// `OR`.
    Or,
}

/// A comparison operator from the allow-list.
///
/// Parsed from text with [`Operator::parse`] (case and surrounding spaces do not matter):
/// `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`, `like`, `not like`, `ilike`, `not ilike`, the
/// null-safe `<=>` (`is not distinct from`), and the bitwise `&`, `|`, `^`, `<<`, `>>` (a
/// condition `(col & ?) <> 0`).
/// `ilike` is native on Postgres and compiled as `LOWER(col) LIKE LOWER(?)` elsewhere, so it
/// means the same everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `=`
    Eq,
    /// `!=` / `<>` (written `<>`)
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `LIKE`
    Like,
    /// `NOT LIKE`
    NotLike,
    /// Case-insensitive `LIKE`.
    ILike,
    /// Case-insensitive `NOT LIKE`.
    NotILike,
    /// Null-safe equality: `<=>` (MySQL), `IS NOT DISTINCT FROM` (PostgreSQL), `IS` (SQLite);
    /// `NULL <=> NULL` holds.
    NullSafeEq,
    /// Bitwise and, as a condition: `(col & ?) <> 0`, some bit of the mask set.
    BitAnd,
    /// Bitwise or, as a condition: `(col | ?) <> 0`.
    BitOr,
    /// Bitwise exclusive or, as a condition: `(col ^ ?) <> 0` (PostgreSQL's `#`).
    BitXor,
    /// Left shift, as a condition: `(col << ?) <> 0`.
    ShiftLeft,
    /// Right shift, as a condition: `(col >> ?) <> 0`.
    ShiftRight,
}

impl Operator {
    /// Parses an operator from the allow-list.
    ///
    /// # Errors
    /// [`Error::InvalidOperator`] for anything else.
    pub fn parse(text: &str) -> Result<Self> {
        // Usually written already normal (`=`, `not like`): then matched without a copy.
        let is_normal = !text.starts_with(' ')
            && !text.ends_with(' ')
            && !text.contains("  ")
            && text.bytes().all(|b| !b.is_ascii_uppercase() && (b == b' ' || !b.is_ascii_whitespace()));
        let normal: Cow<'_, str> = if is_normal {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(text.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase())
        };
        Ok(match &*normal {
            "=" | "==" => Operator::Eq,
            "!=" | "<>" => Operator::NotEq,
            "<" => Operator::Lt,
            "<=" => Operator::Le,
            ">" => Operator::Gt,
            ">=" => Operator::Ge,
            "like" => Operator::Like,
            "not like" => Operator::NotLike,
            "ilike" => Operator::ILike,
            "not ilike" => Operator::NotILike,
            "<=>" | "is not distinct from" => Operator::NullSafeEq,
            "&" => Operator::BitAnd,
            "|" => Operator::BitOr,
            "^" => Operator::BitXor,
            "<<" => Operator::ShiftLeft,
            ">>" => Operator::ShiftRight,
            _ => return Err(Error::InvalidOperator { operator: text.to_owned() }),
        })
    }

    /// The SQL text of the operator (for `ILIKE`, the native Postgres form).
    pub fn sql(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::NotEq => "<>",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Like => "LIKE",
            Operator::NotLike => "NOT LIKE",
            Operator::ILike => "ILIKE",
            Operator::NotILike => "NOT ILIKE",
            Operator::NullSafeEq => "<=>",
            Operator::BitAnd => "&",
            Operator::BitOr => "|",
            Operator::BitXor => "^",
            Operator::ShiftLeft => "<<",
            Operator::ShiftRight => ">>",
        }
    }

    /// The operator as `dialect` writes it.
    pub fn sql_in(self, dialect: crate::dialect::Dialect) -> &'static str {
        use crate::dialect::Dialect;
        match (self, dialect) {
            (Operator::NullSafeEq, Dialect::Postgres) => "IS NOT DISTINCT FROM",
            (Operator::NullSafeEq, Dialect::Sqlite) => "IS",
            (Operator::BitXor, Dialect::Postgres) => "#",
            (op, _) => op.sql(),
        }
    }

    /// Whether the operator is bitwise: its result is a number, compared with 0 to make a
    /// condition.
    pub fn is_bitwise(self) -> bool {
        matches!(
            self,
            Operator::BitAnd | Operator::BitOr | Operator::BitXor | Operator::ShiftLeft | Operator::ShiftRight
        )
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql())
    }
}

/// Something that names an operator: an [`Operator`] or its text.
pub trait IntoOperator {
    /// The operator.
    ///
    /// # Errors
    /// [`Error::InvalidOperator`].
    fn into_operator(self) -> Result<Operator>;
}

impl IntoOperator for Operator {
    fn into_operator(self) -> Result<Operator> {
        Ok(self)
    }
}

impl IntoOperator for &str {
    fn into_operator(self) -> Result<Operator> {
        Operator::parse(self)
    }
}

/// A fragment of raw SQL with its own `?` placeholders and bindings. The only way raw SQL
/// enters a query; its placeholders are counted against its bindings when it is compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw {
    /// The SQL text, with `?` for each binding.
    pub sql: String,
    /// The bound values, in order.
    pub bindings: Vec<Value>,
}

/// One condition of a `WHERE` (or `ON`) list.
#[derive(Debug, Clone, PartialEq)]
pub enum Where {
    /// `column op ?`
    Basic {
        /// The column.
        column: ColumnRef,
        /// The operator.
        op: Operator,
        /// The bound value.
        value: Value,
    },
    /// `column [NOT] IN (?, ...)`; an empty list matches nothing (`NOT IN`: everything).
    In {
        /// The column.
        column: ColumnRef,
        /// The bound values.
        values: Vec<Value>,
        /// `NOT IN`.
        not: bool,
    },
    /// `column [NOT] IN (subquery)`.
    InSub {
        /// The column.
        column: ColumnRef,
        /// The subquery (one column).
        query: Box<Query>,
        /// `NOT IN`.
        not: bool,
    },
    /// `column op (subquery)`: a value a subquery computes, compared.
    Sub {
        /// The column.
        column: ColumnRef,
        /// The operator.
        op: Operator,
        /// The subquery (one row, one column).
        query: Box<Query>,
    },
    /// `column IS [NOT] NULL`
    Null {
        /// The column.
        column: ColumnRef,
        /// `IS NOT NULL`.
        not: bool,
    },
    /// `column [NOT] BETWEEN ? AND ?`
    Between {
        /// The column.
        column: ColumnRef,
        /// The lower bound.
        low: Value,
        /// The upper bound.
        high: Value,
        /// `NOT BETWEEN`.
        not: bool,
    },
    /// `first op second`, two columns.
    Column {
        /// The left column.
        first: ColumnRef,
        /// The operator.
        op: Operator,
        /// The right column.
        second: ColumnRef,
    },
    /// A parenthesised group.
    Nested(Vec<WhereClause>),
    /// `NOT (group)` (`where_not`, `where_none`).
    Not(Vec<WhereClause>),
    /// A part of a date or time column compared: `date(col) op ?`, `day`, `month`, … .
    Date {
        /// The column.
        column: ColumnRef,
        /// Which part.
        part: DatePart,
        /// The operator.
        op: Operator,
        /// The bound value.
        value: Value,
    },
    /// `[NOT] EXISTS (subquery)`.
    Exists {
        /// The subquery.
        query: Box<Query>,
        /// `NOT EXISTS`.
        not: bool,
    },
    /// `(SELECT COUNT(*) FROM … subquery) op ?`: how many rows a subquery matches, compared.
    Count {
        /// The subquery (its select list, order and limit are not used).
        query: Box<Query>,
        /// The operator.
        op: Operator,
        /// The bound count.
        value: Value,
    },
    /// `[NOT]` the JSON at `column` (a column or a path into one) contains `value`
    /// (`where_json_contains`).
    JsonContains {
        /// The column, with its path.
        column: ColumnRef,
        /// What it must contain.
        value: serde_json::Value,
        /// `where_json_doesnt_contain`.
        not: bool,
    },
    /// The length of the JSON array at `column`, compared (`where_json_length`).
    JsonLength {
        /// The column, with its path.
        column: ColumnRef,
        /// The operator.
        op: Operator,
        /// The bound length.
        value: i64,
    },
    /// `[NOT]` the JSON at `column` has the path's last key or index
    /// (`where_json_contains_key`).
    JsonContainsKey {
        /// The column, with its path.
        column: ColumnRef,
        /// `where_json_doesnt_contain_key`.
        not: bool,
    },
    /// Raw SQL, parenthesised.
    Raw(Raw),
}

/// The part of a date-time a date condition compares (`where_date`, `where_day`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    /// The date (`YYYY-MM-DD`).
    Date,
    /// The time of day.
    Time,
    /// The day of the month, 1–31.
    Day,
    /// The month, 1–12.
    Month,
    /// The year.
    Year,
}

/// A [`Where`] with the boolean that joins it to the previous condition.
#[derive(Debug, Clone, PartialEq)]
pub struct WhereClause {
    /// `AND` or `OR` (ignored on the first condition of a list).
    pub boolean: Boolean,
    /// The condition.
    pub condition: Where,
}

/// One item of the select list.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// A column reference.
    Column(ColumnRef),
    /// Raw SQL.
    Raw(Raw),
    /// `(subquery) AS alias`.
    Sub(Box<Query>, Ident),
}

/// The kind of a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// `INNER JOIN`
    Inner,
    /// `LEFT JOIN`
    Left,
    /// `RIGHT JOIN`
    Right,
    /// `CROSS JOIN` (no `ON`)
    Cross,
}

/// A join: `kind JOIN table ON conditions`.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// Inner, left, right or cross.
    pub kind: JoinKind,
    /// The joined table (for a subquery, its alias).
    pub table: TableRef,
    /// A subquery joined under the alias `table` (`join_sub`).
    pub sub: Option<Box<Query>>,
    /// The `ON` condition.
    pub on: JoinOn,
}

/// What a join matches rows on.
#[derive(Debug, Clone, PartialEq)]
pub enum JoinOn {
    /// `first op second`: the common join, kept apart so that it costs no list.
    Columns(ColumnRef, Operator, ColumnRef),
    /// Several conditions (`join_with`): column comparisons and bound ones.
    Conditions(Vec<WhereClause>),
    /// None: a cross join.
    Nothing,
}

/// One item of the `ORDER BY` list.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderBy {
    /// A column and a direction.
    Column(ColumnRef, Direction),
    /// Raw SQL.
    Raw(Raw),
    /// At random.
    Random,
}

/// The state of one `SELECT` (also the filter of an `UPDATE` or `DELETE`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    /// The table (`None` until set); with `from_sub`, the subquery's alias.
    pub table: Option<TableRef>,
    /// `FROM (subquery) AS alias` (`from_sub`), the alias in `table`.
    pub from_sub: Option<Box<Query>>,
    /// The select list; empty means `*`.
    pub columns: Vec<Selection>,
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// Joins, in order.
    pub joins: Vec<Join>,
    /// `WHERE` conditions.
    pub wheres: Vec<WhereClause>,
    /// `GROUP BY` columns.
    pub groups: Vec<ColumnRef>,
    /// `HAVING` conditions.
    pub havings: Vec<WhereClause>,
    /// `ORDER BY` items, in order.
    pub orders: Vec<OrderBy>,
    /// `LIMIT` (rendered as a literal: a bound limit makes SQLite re-prepare every time).
    pub limit: Option<u64>,
    /// `OFFSET` (a literal too).
    pub offset: Option<u64>,
    /// Queries joined by `UNION` (`true`: `UNION ALL`); this query's order, limit and offset
    /// then apply to the whole union.
    pub unions: Vec<(Query, bool)>,
    /// `FOR UPDATE` / `FOR SHARE`.
    pub lock: Option<Lock>,
}

/// A row lock taken by a select inside a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// `FOR UPDATE`: no other transaction may lock or change the rows until this one ends.
    Update,
    /// `FOR SHARE` (MySQL: `LOCK IN SHARE MODE`): others may read-lock, not change.
    Shared,
}

impl Where {
    /// `clauses` as one condition: the condition itself when there is one, parenthesised
    /// otherwise.
    pub(crate) fn group(mut clauses: Vec<WhereClause>) -> Where {
        if clauses.len() == 1 {
            if let Some(only) = clauses.pop() {
                return only.condition;
            }
        }
        Where::Nested(clauses)
    }
}

impl Query {
    /// Adds `condition` with `AND` to all the conditions so far, grouped first, so that an `OR`
    /// among them cannot escape it (a scope, a key lookup, a key bound).
    pub(crate) fn and_where_all(&mut self, condition: Where) {
        let existing = std::mem::take(&mut self.wheres);
        if !existing.is_empty() {
            self.wheres.push(WhereClause { boolean: Boolean::And, condition: Where::Nested(existing) });
        }
        self.wheres.push(WhereClause { boolean: Boolean::And, condition });
    }
}
