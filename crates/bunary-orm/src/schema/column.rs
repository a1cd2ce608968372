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
    /// `CHAR(length)`: fixed-length text.
    Char(u32),
    /// An 8-bit integer (`TINYINT` on MySQL, `SMALLINT` on PostgreSQL).
    TinyInteger,
    /// A 24-bit integer (`MEDIUMINT` on MySQL, `INTEGER` elsewhere).
    MediumInteger,
    /// Short text (`TINYTEXT` on MySQL, `VARCHAR(255)` on PostgreSQL).
    TinyText,
    /// Medium text (`MEDIUMTEXT` on MySQL, `TEXT` elsewhere).
    MediumText,
    /// Long text (`LONGTEXT` on MySQL, `TEXT` elsewhere).
    LongText,
    /// A year (`YEAR` on MySQL, an integer elsewhere).
    Year,
    /// A date and time with a time zone (`TIMESTAMPTZ` on PostgreSQL; MySQL and SQLite have
    /// none and store UTC).
    TimestampTz,
    /// A ULID, 26 characters.
    Ulid,
    /// An IPv4 or IPv6 address (`INET` on PostgreSQL, checked there; text elsewhere).
    IpAddress,
    /// A MAC address (`MACADDR` on PostgreSQL, checked there; text elsewhere).
    MacAddress,
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
    /// The constraint's name; `None` for the default, `{table}_{columns}_foreign`.
    pub name: Option<String>,
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

/// Laravel's action shortcuts (`cascade_on_delete`, `null_on_delete`, …) on a type with
/// `on_delete` and `on_update` methods returning `Self` or `&mut Self`.
macro_rules! foreign_shortcuts {
    (@each [owned] $($(#[$doc:meta])* $name:ident => $method:ident($action:ident)),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(self) -> Self {
            self.$method($crate::schema::column::ForeignAction::$action)
        }
    )*};
    (@each [borrowed] $($(#[$doc:meta])* $name:ident => $method:ident($action:ident)),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(&mut self) -> &mut Self {
            self.$method($crate::schema::column::ForeignAction::$action)
        }
    )*};
    ($recv:ident) => {
        foreign_shortcuts! { @each [$recv]
            /// `ON DELETE CASCADE`.
            cascade_on_delete => on_delete(Cascade),
            /// `ON DELETE RESTRICT`.
            restrict_on_delete => on_delete(Restrict),
            /// `ON DELETE SET NULL` (the column must be nullable).
            null_on_delete => on_delete(SetNull),
            /// `ON DELETE NO ACTION`.
            no_action_on_delete => on_delete(NoAction),
            /// `ON UPDATE CASCADE`.
            cascade_on_update => on_update(Cascade),
            /// `ON UPDATE RESTRICT`.
            restrict_on_update => on_update(Restrict),
            /// `ON UPDATE SET NULL`.
            null_on_update => on_update(SetNull),
            /// `ON UPDATE NO ACTION`.
            no_action_on_update => on_update(NoAction),
        }
    };
}
pub(crate) use foreign_shortcuts;

/// A generated column's expression ([`ColumnDefinition::stored_as`],
/// [`ColumnDefinition::virtual_as`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// **Raw SQL**: the expression, written as is. Never from user input.
    pub expression: String,
    /// Stored (computed on write) rather than virtual (computed on read).
    pub stored: bool,
}

/// Where MySQL puts a new column ([`ColumnDefinition::after`], [`ColumnDefinition::first`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// `FIRST`.
    First,
    /// `AFTER column`.
    After(String),
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
    /// Modifies the existing column instead of adding one ([`change`](Self::change)).
    pub change: bool,
    /// A generated column's expression.
    pub generated: Option<Generated>,
    /// A comment (PostgreSQL `COMMENT ON COLUMN`, MySQL `COMMENT`; SQLite keeps none).
    pub comment: Option<String>,
    /// A collation (`COLLATE name`).
    pub collation: Option<String>,
    /// MySQL's column position (`FIRST`, `AFTER c`); the other databases add at the end.
    pub position: Option<Position>,
    /// MySQL's `ON UPDATE CURRENT_TIMESTAMP`.
    pub use_current_on_update: bool,
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
            change: false,
            generated: None,
            comment: None,
            collation: None,
            position: None,
            use_current_on_update: false,
        }
    }

    /// Changes the existing column to this definition (Laravel's `change()`), in
    /// [`Schema::table`](crate::schema::Schema::table). The column is restated whole: a
    /// modifier left out is gone (`nullable` not restated makes it `NOT NULL`, a default not
    /// restated is dropped). Its indexes are kept; `.unique()`/`.index()` add one. PostgreSQL
    /// converts the rows with `USING column::type`, MySQL with `MODIFY`, SQLite by rebuilding
    /// the table (keeping everything else it has). Rows that do not fit the new definition fail
    /// the change, which then changes nothing (on MySQL, whose DDL commits, the statement fails
    /// whole).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{DatabaseConfig, Db, schema::Schema};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// let schema = Schema::on(&db);
    /// schema.create_table("users", |t| { t.id(); t.string("name", 20); }).await?;
    /// db.table("users").insert(bunary_orm::record! { "name" => "Ada" }).await?;
    /// schema.table("users", |t| { t.string("name", 100).nullable().default("anonymous").change(); }).await?;
    /// db.table("users").insert(bunary_orm::record! { "name" => None::<String> }).await?;
    /// assert_eq!(db.table("users").count().await?, 2);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    pub fn change(&mut self) -> &mut Self {
        self.change = true;
        self
    }

    /// A stored generated column: **raw SQL** `expression`, computed when a row is written
    /// (`GENERATED ALWAYS AS (expression) STORED`). Never from user input.
    pub fn stored_as(&mut self, expression: &str) -> &mut Self {
        self.generated = Some(Generated { expression: expression.to_owned(), stored: true });
        self
    }

    /// A virtual generated column: **raw SQL** `expression`, computed when read. PostgreSQL
    /// (before 18) has none: [`Error::Unsupported`](crate::Error::Unsupported) there.
    pub fn virtual_as(&mut self, expression: &str) -> &mut Self {
        self.generated = Some(Generated { expression: expression.to_owned(), stored: false });
        self
    }

    /// A comment on the column (PostgreSQL `COMMENT ON COLUMN`, MySQL `COMMENT '…'`, escaped
    /// as a literal). SQLite has no column comments: there it is not stored.
    pub fn comment(&mut self, text: &str) -> &mut Self {
        self.comment = Some(text.to_owned());
        self
    }

    /// The column's collation (`utf8mb4_bin`, `NOCASE`, `C`): letters, digits, `_`, `-`, `.`
    /// and `@` only, anything else is [`Error::InvalidIdentifier`](crate::Error::InvalidIdentifier).
    pub fn collation(&mut self, name: &str) -> &mut Self {
        self.collation = Some(name.to_owned());
        self
    }

    /// MySQL: add the column after `column` (the other databases add at the end).
    pub fn after(&mut self, column: &str) -> &mut Self {
        self.position = Some(Position::After(column.to_owned()));
        self
    }

    /// MySQL: add the column first (the other databases add at the end).
    pub fn first(&mut self) -> &mut Self {
        self.position = Some(Position::First);
        self
    }

    /// MySQL's `ON UPDATE CURRENT_TIMESTAMP`: the database sets the column on every update.
    /// PostgreSQL and SQLite have no such clause: [`Error::Unsupported`](crate::Error::Unsupported)
    /// there (the model layer's `updated_at` does it on every database).
    pub fn use_current_on_update(&mut self) -> &mut Self {
        self.use_current_on_update = true;
        self
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

    /// A foreign key to `table(column)`. The key's actions may come before or after it
    /// (`.on_delete(..).references(..)` keeps the action); a key given actions but never a
    /// table is [`SchemaProblem::ForeignWithoutReferences`](crate::error::SchemaProblem), not
    /// silently dropped.
    pub fn references(&mut self, table: &str, column: &str) -> &mut Self {
        let key = self.foreign_key();
        key.on_table = table.to_owned();
        key.references = vec![column.to_owned()];
        self
    }

    /// Laravel's `constrained()`: a foreign key to `id` of the table named for the column
    /// (`user_id` → `users`, `category_id` → `categories`: the part before `_id`, plural).
    ///
    /// ```
    /// use bunary_orm::schema::Blueprint;
    /// let mut t = Blueprint::new("posts");
    /// t.foreign_id("author_category_id").constrained().cascade_on_delete();
    /// let key = t.columns()[0].foreign.as_ref().unwrap();
    /// assert_eq!((key.on_table.as_str(), key.references[0].as_str()), ("author_categories", "id"));
    /// ```
    pub fn constrained(&mut self) -> &mut Self {
        let stem = self.name.strip_suffix("_id").unwrap_or(&self.name);
        let table = match stem.rsplit_once('_') {
            Some((head, last)) => format!("{head}_{}", cruet::to_plural(last)),
            None => cruet::to_plural(stem),
        };
        self.references(&table, "id")
    }

    /// A foreign key to `table(column)`: Laravel's `constrained($table, $column)`.
    pub fn constrained_on(&mut self, table: &str, column: &str) -> &mut Self {
        self.references(table, column)
    }

    /// The foreign key constraint's name (default `{table}_{column}_foreign`).
    pub fn foreign_name(&mut self, name: &str) -> &mut Self {
        self.foreign_key().name = Some(name.to_owned());
        self
    }

    fn foreign_key(&mut self) -> &mut ForeignKey {
        let column = self.name.clone();
        self.foreign.get_or_insert_with(|| ForeignKey::on_columns(vec![column]))
    }

    /// `ON DELETE` of this column's foreign key.
    pub fn on_delete(&mut self, action: ForeignAction) -> &mut Self {
        self.foreign_key().on_delete = Some(action);
        self
    }

    /// `ON UPDATE` of this column's foreign key.
    pub fn on_update(&mut self, action: ForeignAction) -> &mut Self {
        self.foreign_key().on_update = Some(action);
        self
    }

    foreign_shortcuts!(borrowed);
}

impl ForeignKey {
    /// A key from `columns` with no referenced table yet.
    pub(crate) fn on_columns(columns: Vec<String>) -> Self {
        ForeignKey {
            name: None,
            columns,
            on_table: String::new(),
            references: Vec::new(),
            on_delete: None,
            on_update: None,
        }
    }
}
