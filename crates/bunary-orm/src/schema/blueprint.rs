//! [`Blueprint`]: what a `create_table` or `table` closure declares.

use super::column::{ColumnDefinition, ColumnType, ForeignAction, ForeignKey};

/// A table-level change of [`Schema::table`](super::Schema::table) (and the indexes and keys
/// of [`Schema::create_table`](super::Schema::create_table)).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Command {
    /// A plain index.
    Index {
        /// Its name (`{table}_{columns}_index` by default).
        name: String,
        /// Its columns.
        columns: Vec<String>,
    },
    /// A unique index.
    Unique {
        /// Its name (`{table}_{columns}_unique` by default).
        name: String,
        /// Its columns.
        columns: Vec<String>,
    },
    /// A composite primary key.
    Primary(Vec<String>),
    /// A foreign key.
    Foreign(ForeignKey),
    /// Drop a column.
    DropColumn(String),
    /// Rename a column.
    RenameColumn {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Drop an index (plain or unique) by name.
    DropIndex(String),
}

/// A table's columns and commands, filled by the closure given to the schema builder.
///
/// ```
/// use bunary_orm::schema::{Blueprint, ForeignAction};
/// let mut t = Blueprint::new("posts");
/// t.big_increments("id");
/// t.string("title", 200);
/// t.text("body").nullable();
/// t.foreign_id("user_id").references("users", "id").on_delete(ForeignAction::Cascade);
/// t.boolean("published").default(false);
/// t.timestamps();
/// t.index(["user_id", "published"]);
/// assert_eq!(t.columns().len(), 7);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Blueprint {
    table: String,
    columns: Vec<ColumnDefinition>,
    commands: Vec<Command>,
}

macro_rules! column_types {
    ($($(#[$doc:meta])* $method:ident => $kind:expr),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $method(&mut self, name: &str) -> &mut ColumnDefinition {
            self.add(name, $kind)
        }
    )*};
}

impl Blueprint {
    /// An empty blueprint for `table`.
    pub fn new(table: &str) -> Self {
        Blueprint { table: table.to_owned(), columns: Vec::new(), commands: Vec::new() }
    }

    /// The table.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The columns added, in order.
    pub fn columns(&self) -> &[ColumnDefinition] {
        &self.columns
    }

    /// The table-level commands, in order.
    pub fn commands(&self) -> &[Command] {
        &self.commands
    }

    /// Adds a column of any type.
    pub fn add(&mut self, name: &str, kind: ColumnType) -> &mut ColumnDefinition {
        self.columns.push(ColumnDefinition::new(name, kind));
        self.columns.last_mut().expect("just pushed")
    }

    column_types! {
        /// An auto-incrementing integer primary key.
        increments => ColumnType::Increments,
        /// An auto-incrementing 64-bit primary key.
        big_increments => ColumnType::BigIncrements,
        /// A 32-bit integer.
        integer => ColumnType::Integer,
        /// A 64-bit integer.
        big_integer => ColumnType::BigInteger,
        /// A 16-bit integer.
        small_integer => ColumnType::SmallInteger,
        /// A single-precision float.
        float => ColumnType::Float,
        /// A double-precision float.
        double => ColumnType::Double,
        /// Unbounded text.
        text => ColumnType::Text,
        /// A boolean.
        boolean => ColumnType::Boolean,
        /// A date.
        date => ColumnType::Date,
        /// A time of day.
        time => ColumnType::Time,
        /// A date and time.
        datetime => ColumnType::DateTime,
        /// A date and time (Laravel's `timestamp`).
        timestamp => ColumnType::Timestamp,
        /// A UUID.
        uuid => ColumnType::Uuid,
        /// A JSON document.
        json => ColumnType::Json,
        /// Bytes.
        binary => ColumnType::Binary,
    }

    /// Laravel's `id()`: `big_increments("id")`.
    pub fn id(&mut self) -> &mut ColumnDefinition {
        self.big_increments("id")
    }

    /// `VARCHAR(length)`.
    pub fn string(&mut self, name: &str, length: u32) -> &mut ColumnDefinition {
        self.add(name, ColumnType::String(length))
    }

    /// An exact decimal.
    pub fn decimal(&mut self, name: &str, precision: u8, scale: u8) -> &mut ColumnDefinition {
        self.add(name, ColumnType::Decimal { precision, scale })
    }

    /// Text limited to `values` (a `CHECK` constraint on every dialect).
    pub fn enumeration<S: AsRef<str>>(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = S>,
    ) -> &mut ColumnDefinition {
        self.add(name, ColumnType::Enum(values.into_iter().map(|v| v.as_ref().to_owned()).collect()))
    }

    /// An unsigned 64-bit integer meant for a foreign key: chain
    /// [`references`](ColumnDefinition::references).
    pub fn foreign_id(&mut self, name: &str) -> &mut ColumnDefinition {
        self.add(name, ColumnType::BigInteger).unsigned()
    }

    /// Nullable `created_at` and `updated_at` timestamps (the model layer fills them).
    pub fn timestamps(&mut self) {
        self.timestamp("created_at").nullable();
        self.timestamp("updated_at").nullable();
    }

    /// A nullable `deleted_at` timestamp for soft deletes.
    pub fn soft_deletes(&mut self) -> &mut ColumnDefinition {
        self.timestamp("deleted_at").nullable()
    }

    fn index_name(&self, columns: &[String], suffix: &str) -> String {
        format!("{}_{}_{suffix}", self.table.replace('.', "_"), columns.join("_"))
    }

    fn names<S: AsRef<str>>(columns: impl IntoIterator<Item = S>) -> Vec<String> {
        columns.into_iter().map(|c| c.as_ref().to_owned()).collect()
    }

    /// A plain index on `columns`, named `{table}_{columns}_index`.
    pub fn index<S: AsRef<str>>(&mut self, columns: impl IntoIterator<Item = S>) {
        let columns = Self::names(columns);
        let name = self.index_name(&columns, "index");
        self.commands.push(Command::Index { name, columns });
    }

    /// A unique index on `columns`, named `{table}_{columns}_unique`.
    pub fn unique<S: AsRef<str>>(&mut self, columns: impl IntoIterator<Item = S>) {
        let columns = Self::names(columns);
        let name = self.index_name(&columns, "unique");
        self.commands.push(Command::Unique { name, columns });
    }

    /// A composite primary key (create only).
    pub fn primary<S: AsRef<str>>(&mut self, columns: impl IntoIterator<Item = S>) {
        self.commands.push(Command::Primary(Self::names(columns)));
    }

    /// A foreign key from `column`: chain [`ForeignBuilder::references`].
    pub fn foreign(&mut self, column: &str) -> ForeignBuilder<'_> {
        self.commands.push(Command::Foreign(ForeignKey {
            columns: vec![column.to_owned()],
            on_table: String::new(),
            references: Vec::new(),
            on_delete: None,
            on_update: None,
        }));
        match self.commands.last_mut() {
            Some(Command::Foreign(f)) => ForeignBuilder { key: f },
            _ => unreachable!("a foreign key was just pushed"),
        }
    }

    /// Drops a column.
    pub fn drop_column(&mut self, name: &str) {
        self.commands.push(Command::DropColumn(name.to_owned()));
    }

    /// Renames a column.
    pub fn rename_column(&mut self, from: &str, to: &str) {
        self.commands.push(Command::RenameColumn { from: from.to_owned(), to: to.to_owned() });
    }

    /// Drops an index by name.
    pub fn drop_index(&mut self, name: &str) {
        self.commands.push(Command::DropIndex(name.to_owned()));
    }

    /// Splits off what a SQLite rebuild handles: dropped columns, foreign keys, a primary key.
    pub(crate) fn split_for_rebuild(mut self) -> (Blueprint, Vec<String>, Vec<ForeignKey>, Option<Vec<String>>) {
        let (mut drops, mut foreign, mut primary) = (Vec::new(), Vec::new(), None);
        self.commands.retain(|c| match c {
            Command::DropColumn(name) => {
                drops.push(name.clone());
                false
            }
            Command::Foreign(key) => {
                foreign.push(key.clone());
                false
            }
            Command::Primary(columns) => {
                primary = Some(columns.clone());
                false
            }
            _ => true,
        });
        (self, drops, foreign, primary)
    }

    /// Inserts a `DropIndex` before the first `DropColumn(column)` (SQLite's indexed columns).
    pub(crate) fn drop_index_before_column(&mut self, index: &str, column: &str) {
        let at = self
            .commands
            .iter()
            .position(|c| matches!(c, Command::DropColumn(name) if name == column))
            .unwrap_or(self.commands.len());
        self.commands.insert(at, Command::DropIndex(index.to_owned()));
    }

    /// Drops the unique index [`unique`](Self::unique) made on `columns`.
    pub fn drop_unique<S: AsRef<str>>(&mut self, columns: impl IntoIterator<Item = S>) {
        let name = self.index_name(&Self::names(columns), "unique");
        self.commands.push(Command::DropIndex(name));
    }
}

/// Completes a table-level foreign key.
pub struct ForeignBuilder<'a> {
    key: &'a mut ForeignKey,
}

impl ForeignBuilder<'_> {
    /// The referenced `table(column)`.
    pub fn references(self, table: &str, column: &str) -> Self {
        self.key.on_table = table.to_owned();
        self.key.references = vec![column.to_owned()];
        self
    }

    /// `ON DELETE`.
    pub fn on_delete(self, action: ForeignAction) -> Self {
        self.key.on_delete = Some(action);
        self
    }

    /// `ON UPDATE`.
    pub fn on_update(self, action: ForeignAction) -> Self {
        self.key.on_update = Some(action);
        self
    }
}
