//! [`Blueprint`]: what a `create_table` or `table` closure declares.

use super::column::{foreign_shortcuts, ColumnDefinition, ColumnType, ForeignAction, ForeignKey};
use super::grammar::sqlite_rebuild::RebuildChanges;

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
    /// A full-text index (MySQL `FULLTEXT`, PostgreSQL a GIN index on `to_tsvector`).
    Fulltext {
        /// Its name (`{table}_{columns}_fulltext` by default).
        name: String,
        /// Its columns.
        columns: Vec<String>,
    },
    /// Rename an index.
    RenameIndex {
        /// Its name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Drop the primary key: by name where the database names it (PostgreSQL; default
    /// `{table}_pkey`).
    DropPrimary(Option<String>),
    /// Drop a foreign key by name; `columns` when it was named by its columns (what a SQLite
    /// rebuild also matches a key made without a name by).
    DropForeign {
        /// The constraint's name.
        name: String,
        /// Its columns, when the drop named them.
        columns: Option<Vec<String>>,
    },
}

/// An index or key named by its name or by its columns, as Laravel's `dropIndex('name')` and
/// `dropIndex(['a', 'b'])`: a string is a name, an array or a vector is columns (whose
/// default name is rebuilt: `{table}_{a}_{b}_index`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRef {
    /// By name.
    Name(String),
    /// By columns.
    Columns(Vec<String>),
}

/// What names an index or key: `&str`/`String` (a name), `[&str; N]`, `&[&str]`, `Vec<_>`
/// (columns).
pub trait IntoKeyRef {
    /// The reference.
    fn into_key_ref(self) -> KeyRef;
}

impl IntoKeyRef for &str {
    fn into_key_ref(self) -> KeyRef {
        KeyRef::Name(self.to_owned())
    }
}

impl IntoKeyRef for String {
    fn into_key_ref(self) -> KeyRef {
        KeyRef::Name(self)
    }
}

impl<S: AsRef<str>, const N: usize> IntoKeyRef for [S; N] {
    fn into_key_ref(self) -> KeyRef {
        KeyRef::Columns(self.iter().map(|c| c.as_ref().to_owned()).collect())
    }
}

impl<S: AsRef<str>> IntoKeyRef for &[S] {
    fn into_key_ref(self) -> KeyRef {
        KeyRef::Columns(self.iter().map(|c| c.as_ref().to_owned()).collect())
    }
}

impl<S: AsRef<str>> IntoKeyRef for Vec<S> {
    fn into_key_ref(self) -> KeyRef {
        KeyRef::Columns(self.iter().map(|c| c.as_ref().to_owned()).collect())
    }
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
        /// An 8-bit integer.
        tiny_integer => ColumnType::TinyInteger,
        /// A 24-bit integer (MySQL; an integer elsewhere).
        medium_integer => ColumnType::MediumInteger,
        /// Short text.
        tiny_text => ColumnType::TinyText,
        /// Medium text.
        medium_text => ColumnType::MediumText,
        /// Long text.
        long_text => ColumnType::LongText,
        /// A year.
        year => ColumnType::Year,
        /// A date and time with a time zone (PostgreSQL; UTC elsewhere).
        timestamp_tz => ColumnType::TimestampTz,
        /// As [`timestamp_tz`](Self::timestamp_tz) (Laravel's `dateTimeTz`).
        datetime_tz => ColumnType::TimestampTz,
        /// A ULID.
        ulid => ColumnType::Ulid,
        /// An IP address.
        ip_address => ColumnType::IpAddress,
        /// A MAC address.
        mac_address => ColumnType::MacAddress,
    }

    /// `CHAR(length)`.
    pub fn char(&mut self, name: &str, length: u32) -> &mut ColumnDefinition {
        self.add(name, ColumnType::Char(length))
    }

    /// An unsigned 32-bit integer (`UNSIGNED` on MySQL; the others have no unsigned types).
    pub fn unsigned_integer(&mut self, name: &str) -> &mut ColumnDefinition {
        self.integer(name).unsigned()
    }

    /// An unsigned 64-bit integer.
    pub fn unsigned_big_integer(&mut self, name: &str) -> &mut ColumnDefinition {
        self.big_integer(name).unsigned()
    }

    /// An unsigned 16-bit integer.
    pub fn unsigned_small_integer(&mut self, name: &str) -> &mut ColumnDefinition {
        self.small_integer(name).unsigned()
    }

    /// An unsigned 8-bit integer.
    pub fn unsigned_tiny_integer(&mut self, name: &str) -> &mut ColumnDefinition {
        self.tiny_integer(name).unsigned()
    }

    /// An unsigned 24-bit integer.
    pub fn unsigned_medium_integer(&mut self, name: &str) -> &mut ColumnDefinition {
        self.medium_integer(name).unsigned()
    }

    /// Nullable `created_at` and `updated_at` with a time zone.
    pub fn timestamps_tz(&mut self) {
        self.timestamp_tz("created_at").nullable();
        self.timestamp_tz("updated_at").nullable();
    }

    /// Laravel's `morphs("commentable")`: `commentable_type` (string) and `commentable_id`
    /// (unsigned big integer) and an index on both, the columns a polymorphic relation reads.
    pub fn morphs(&mut self, name: &str) {
        self.string(&format!("{name}_type"), 255);
        self.unsigned_big_integer(&format!("{name}_id"));
        self.index([format!("{name}_type"), format!("{name}_id")]);
    }

    /// [`morphs`](Self::morphs) with both columns nullable.
    pub fn nullable_morphs(&mut self, name: &str) {
        self.string(&format!("{name}_type"), 255).nullable();
        self.unsigned_big_integer(&format!("{name}_id")).nullable();
        self.index([format!("{name}_type"), format!("{name}_id")]);
    }

    /// [`morphs`](Self::morphs) with a UUID key.
    pub fn uuid_morphs(&mut self, name: &str) {
        self.string(&format!("{name}_type"), 255);
        self.uuid(&format!("{name}_id"));
        self.index([format!("{name}_type"), format!("{name}_id")]);
    }

    /// A nullable `remember_token`, 100 characters (Laravel's).
    pub fn remember_token(&mut self) -> &mut ColumnDefinition {
        self.string("remember_token", 100).nullable()
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

    /// A plain index on `columns`, named `{table}_{columns}_index` unless
    /// [`name`](IndexBuilder::name) says otherwise.
    pub fn index<S: AsRef<str>>(&mut self, columns: impl IntoIterator<Item = S>) -> IndexBuilder<'_> {
        let columns = Self::names(columns);
        let name = self.index_name(&columns, "index");
        self.commands.push(Command::Index { name, columns });
        IndexBuilder { command: self.commands.last_mut().expect("just pushed") }
    }

    /// A unique index on `columns`, named `{table}_{columns}_unique` unless
    /// [`name`](IndexBuilder::name) says otherwise.
    pub fn unique<S: AsRef<str>>(&mut self, columns: impl IntoIterator<Item = S>) -> IndexBuilder<'_> {
        let columns = Self::names(columns);
        let name = self.index_name(&columns, "unique");
        self.commands.push(Command::Unique { name, columns });
        IndexBuilder { command: self.commands.last_mut().expect("just pushed") }
    }

    /// A full-text index on `columns`, named `{table}_{columns}_fulltext` unless
    /// [`name`](IndexBuilder::name) says otherwise: MySQL `FULLTEXT`, PostgreSQL a GIN index on
    /// `to_tsvector('english', …)`; SQLite has none (its FTS5 tables are another thing):
    /// [`Error::Unsupported`](crate::Error::Unsupported) there.
    pub fn fulltext<S: AsRef<str>>(&mut self, columns: impl IntoIterator<Item = S>) -> IndexBuilder<'_> {
        let columns = Self::names(columns);
        let name = self.index_name(&columns, "fulltext");
        self.commands.push(Command::Fulltext { name, columns });
        IndexBuilder { command: self.commands.last_mut().expect("just pushed") }
    }

    /// Drops a full-text index by name or by columns.
    pub fn drop_fulltext(&mut self, index: impl IntoKeyRef) {
        let name = self.key_name(index.into_key_ref(), "fulltext");
        self.commands.push(Command::DropIndex(name));
    }

    /// Renames an index (SQLite, which cannot, makes it again under the new name).
    pub fn rename_index(&mut self, from: &str, to: &str) {
        self.commands.push(Command::RenameIndex { from: from.to_owned(), to: to.to_owned() });
    }

    /// Drops the primary key (PostgreSQL by its name, default `{table}_pkey`; SQLite rebuilds the
    /// table, for a key written as a table constraint).
    pub fn drop_primary(&mut self) {
        self.commands.push(Command::DropPrimary(None));
    }

    /// Drops the primary key named `name` (PostgreSQL; the others have one unnamed key).
    pub fn drop_primary_named(&mut self, name: &str) {
        self.commands.push(Command::DropPrimary(Some(name.to_owned())));
    }

    /// A composite primary key (create only).
    pub fn primary<S: AsRef<str>>(&mut self, columns: impl IntoIterator<Item = S>) {
        self.commands.push(Command::Primary(Self::names(columns)));
    }

    /// A foreign key from `column`: chain [`ForeignBuilder::references`].
    pub fn foreign(&mut self, column: &str) -> ForeignBuilder<'_> {
        self.commands.push(Command::Foreign(ForeignKey::on_columns(vec![column.to_owned()])));
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

    /// Drops a plain index by name, or by columns (`drop_index(["a", "b"])` drops
    /// `{table}_a_b_index`).
    pub fn drop_index(&mut self, index: impl IntoKeyRef) {
        let name = self.key_name(index.into_key_ref(), "index");
        self.commands.push(Command::DropIndex(name));
    }

    /// Drops a foreign key by name, or by columns (`drop_foreign(["user_id"])` drops
    /// `{table}_user_id_foreign`; on SQLite it also finds a key made without a name by its
    /// columns). SQLite rebuilds the table for it, keeping everything else.
    pub fn drop_foreign(&mut self, key: impl IntoKeyRef) {
        let key = key.into_key_ref();
        let columns = match &key {
            KeyRef::Columns(columns) => Some(columns.clone()),
            KeyRef::Name(_) => None,
        };
        let name = self.key_name(key, "foreign");
        self.commands.push(Command::DropForeign { name, columns });
    }

    /// Laravel's `dropConstrainedForeignId`: drops the foreign key on `column`, then the
    /// column.
    pub fn drop_constrained_foreign_id(&mut self, column: &str) {
        self.drop_foreign([column]);
        self.drop_column(column);
    }

    fn key_name(&self, key: KeyRef, suffix: &str) -> String {
        match key {
            KeyRef::Name(name) => name,
            KeyRef::Columns(columns) => self.index_name(&columns, suffix),
        }
    }

    /// Splits off what a SQLite rebuild handles: changed columns (their new indexes stay
    /// behind, as commands), dropped columns and foreign keys, added foreign keys, a primary
    /// key.
    pub(crate) fn split_for_rebuild(mut self) -> (Blueprint, RebuildChanges) {
        let mut changes = RebuildChanges::default();
        let (changed, added): (Vec<ColumnDefinition>, Vec<ColumnDefinition>) =
            std::mem::take(&mut self.columns).into_iter().partition(|c| c.change);
        self.columns = added;
        for column in changed {
            let one = std::slice::from_ref(&column.name);
            if column.unique {
                let name = self.index_name(one, "unique");
                self.commands.push(Command::Unique { name, columns: one.to_vec() });
            }
            if column.index {
                let name = self.index_name(one, "index");
                self.commands.push(Command::Index { name, columns: one.to_vec() });
            }
            changes.foreign.extend(column.foreign.clone());
            changes.columns.push(column);
        }
        self.commands.retain(|c| match c {
            Command::DropColumn(name) => {
                changes.drops.push(name.clone());
                false
            }
            Command::Foreign(key) => {
                changes.foreign.push(key.clone());
                false
            }
            Command::Primary(columns) => {
                changes.primary = Some(columns.clone());
                false
            }
            Command::DropForeign { name, columns } => {
                changes.drop_foreign.push((name.clone(), columns.clone()));
                false
            }
            Command::DropPrimary(_) => {
                changes.drop_primary = true;
                false
            }
            _ => true,
        });
        (self, changes)
    }

    /// Takes the index renames out (SQLite makes those indexes again itself).
    pub(crate) fn take_index_renames(&mut self) -> Vec<(String, String)> {
        let mut renames = Vec::new();
        self.commands.retain(|c| match c {
            Command::RenameIndex { from, to } => {
                renames.push((from.clone(), to.clone()));
                false
            }
            _ => true,
        });
        renames
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

    /// Drops a unique index by name, or by columns (`drop_unique(["email"])` drops
    /// `{table}_email_unique`).
    pub fn drop_unique(&mut self, index: impl IntoKeyRef) {
        let name = self.key_name(index.into_key_ref(), "unique");
        self.commands.push(Command::DropIndex(name));
    }
}

/// Names an index of [`Blueprint::index`] or [`Blueprint::unique`].
pub struct IndexBuilder<'a> {
    command: &'a mut Command,
}

impl IndexBuilder<'_> {
    /// The index's name, instead of the default `{table}_{columns}_index` (or `_unique`).
    pub fn name(self, name: &str) -> Self {
        if let Command::Index { name: n, .. } | Command::Unique { name: n, .. } | Command::Fulltext { name: n, .. } =
            self.command
        {
            *n = name.to_owned();
        }
        self
    }
}

/// Completes a table-level foreign key.
pub struct ForeignBuilder<'a> {
    key: &'a mut ForeignKey,
}

impl ForeignBuilder<'_> {
    /// The constraint's name, instead of the default `{table}_{column}_foreign`.
    pub fn name(self, name: &str) -> Self {
        self.key.name = Some(name.to_owned());
        self
    }

    foreign_shortcuts!(owned);

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
