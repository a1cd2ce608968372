//! [`ColumnDefinition`]: one column of a [`Blueprint`](super::Blueprint) and its modifiers.

use crate::value::Value;

/// The type of a column. Each dialect's schema grammar maps it to SQL (`type_*` methods).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ColumnType {
    /// An auto-incrementing integer primary key (`INTEGER PRIMARY KEY AUTOINCREMENT`,
    /// `SERIAL`, `INT UNSIGNED AUTO_INCREMENT`).
    Increments,
    /// An auto-incrementing 64-bit primary key (`BIGSERIAL`, `BIGINT UNSIGNED AUTO_INCREMENT`).
    BigIncrements,
    /// A 16-bit integer.
    SmallInteger,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    BigInteger,
    /// A single-precision float.
    Float,
    /// A double-precision float.
    Double,
    /// An exact decimal with `precision` digits, `scale` after the point.
    Decimal {
        /// Total digits.
        precision: u8,
        /// Digits after the point.
        scale: u8,
    },
    /// `VARCHAR(length)`.
    String(u32),
    /// Unbounded text.
    Text,
    /// A boolean.
    Boolean,
    /// A date.
    Date,
    /// A time of day.
    Time,
    /// A date and time (no time zone; the model layer stores UTC).
    DateTime,
    /// Like `DateTime` (Laravel's `timestamp`).
    Timestamp,
    /// A UUID.
    Uuid,
    /// A JSON document (`jsonb` on Postgres).
    Json,
    /// Bytes.
    Binary,
    /// Text limited to `values` by a `CHECK` constraint.
    Enum(Vec<String>),
}

impl ColumnType {
    /// Whether the type is an auto-incrementing key (and so the primary key).
    pub fn is_auto_increment(&self) -> bool {
        matches!(self, ColumnType::Increments | ColumnType::BigIncrements)
    }
}

/// What a foreign key does when its parent row is deleted or updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignAction {
    /// `CASCADE`
    Cascade,
    /// `SET NULL`
    SetNull,
    /// `RESTRICT`
    Restrict,
    /// `NO ACTION`
    NoAction,
}

impl ForeignAction {
    /// The SQL words.
    pub fn sql(self) -> &'static str {
        match self {
            ForeignAction::Cascade => "CASCADE",
            ForeignAction::SetNull => "SET NULL",
            ForeignAction::Restrict => "RESTRICT",
            ForeignAction::NoAction => "NO ACTION",
        }
    }
}

/// A foreign key: `columns` reference `on_table(references)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignKey {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub on_table: String,
    /// The referenced columns.
    pub references: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: Option<ForeignAction>,
    /// `ON UPDATE`.
    pub on_update: Option<ForeignAction>,
}

/// A column default: a literal value (escaped by the grammar) or an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnDefault {
    /// A literal, written as a quoted and escaped SQL literal.
    Value(Value),
    /// **Raw SQL**: an expression written as is (`CURRENT_TIMESTAMP`). Never from user input.
    Expression(String),
    /// The current date, time or date-time, whichever the column holds
    /// ([`use_current`](ColumnDefinition::use_current)).
    Current,
}

/// One column and its modifiers. Columns are `NOT NULL` unless [`nullable`](Self::nullable).
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDefinition {
    /// The column name.
    pub name: String,
    /// Its type.
    pub kind: ColumnType,
    /// `NULL` allowed.
    pub nullable: bool,
    /// The default.
    pub default: Option<ColumnDefault>,
    /// A unique index on this column alone.
    pub unique: bool,
    /// A plain index on this column alone.
    pub index: bool,
    /// The primary key (alone).
    pub primary: bool,
    /// `UNSIGNED` (MySQL only; ignored elsewhere).
    pub unsigned: bool,
    /// A foreign key from this column.
    pub foreign: Option<ForeignKey>,
}

impl ColumnDefinition {
    pub(crate) fn new(name: &str, kind: ColumnType) -> Self {
        let primary = kind.is_auto_increment();
        ColumnDefinition {
            name: name.to_owned(),
            kind,
            nullable: false,
            default: None,
            unique: false,
            index: false,
            primary,
            unsigned: false,
            foreign: None,
        }
    }

    /// Allows `NULL`.
    pub fn nullable(&mut self) -> &mut Self {
        self.nullable = true;
        self
    }

    /// Refuses `NULL` (the default).
    pub fn not_null(&mut self) -> &mut Self {
        self.nullable = false;
        self
    }

    /// A literal default, escaped by the grammar (`'it''s'`).
    pub fn default(&mut self, value: impl Into<Value>) -> &mut Self {
        self.default = Some(ColumnDefault::Value(value.into()));
        self
    }

    /// **Raw SQL** default expression, written as is: `default_raw("CURRENT_TIMESTAMP")`.
    pub fn default_raw(&mut self, expression: &str) -> &mut Self {
        self.default = Some(ColumnDefault::Expression(expression.to_owned()));
        self
    }

    /// Defaults to the current moment in the column's own kind: the current date on a `date`
    /// column (`CURRENT_DATE`), the current time on a `time` column, `CURRENT_TIMESTAMP` on
    /// date-times and timestamps.
    pub fn use_current(&mut self) -> &mut Self {
        self.default = Some(ColumnDefault::Current);
        self
    }

    /// A unique index on this column.
    pub fn unique(&mut self) -> &mut Self {
        self.unique = true;
        self
    }

    /// A plain index on this column.
    pub fn index(&mut self) -> &mut Self {
        self.index = true;
        self
    }

    /// This column is the primary key.
    pub fn primary(&mut self) -> &mut Self {
        self.primary = true;
        self
    }

    /// `UNSIGNED` (MySQL; ignored by SQLite and Postgres).
    pub fn unsigned(&mut self) -> &mut Self {
        self.unsigned = true;
        self
    }

    /// A foreign key to `table(column)`.
    pub fn references(&mut self, table: &str, column: &str) -> &mut Self {
        self.foreign = Some(ForeignKey {
            columns: vec![self.name.clone()],
            on_table: table.to_owned(),
            references: vec![column.to_owned()],
            on_delete: None,
            on_update: None,
        });
        self
    }

    /// `ON DELETE` of this column's foreign key (call after [`references`](Self::references)).
    pub fn on_delete(&mut self, action: ForeignAction) -> &mut Self {
        if let Some(f) = &mut self.foreign {
            f.on_delete = Some(action);
        }
        self
    }

    /// `ON UPDATE` of this column's foreign key.
    pub fn on_update(&mut self, action: ForeignAction) -> &mut Self {
        if let Some(f) = &mut self.foreign {
            f.on_update = Some(action);
        }
        self
    }

    /// `ON DELETE CASCADE`.
    pub fn cascade_on_delete(&mut self) -> &mut Self {
        self.on_delete(ForeignAction::Cascade)
    }
}
