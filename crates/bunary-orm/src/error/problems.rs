//! What exactly is wrong, for the errors that have several causes: [`ConfigProblem`]
//! ([`Error::InvalidConfig`](super::Error::InvalidConfig)), [`QueryProblem`]
//! ([`Error::InvalidQuery`](super::Error::InvalidQuery)), [`SchemaProblem`]
//! ([`Error::InvalidSchema`](super::Error::InvalidSchema)) and [`MigrationProblem`]
//! ([`Error::InvalidMigrations`](super::Error::InvalidMigrations)). A program branches on the
//! variant; the message is for people.

/// What is wrong with a configuration ([`Error::InvalidConfig`](super::Error::InvalidConfig)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigProblem {
    /// The database type is empty.
    #[error("the database type is empty; use \"sqlite\", \"postgres\", \"mysql\" or a registered driver name")]
    EmptyDriver,
    /// The block the database type needs is missing.
    #[error("type is \"{driver}\" but there is no {driver} block: use {hint}")]
    MissingBlock {
        /// The database type.
        driver: String,
        /// How to make one.
        hint: &'static str,
    },
    /// The SQLite path is empty.
    #[error("sqlite.path is empty; use a file path or \":memory:\"")]
    EmptySqlitePath,
    /// A pool size the pool cannot take.
    #[error("{driver}.pool_size {size} is not a valid pool size (at least 1)")]
    BadPoolSize {
        /// The database type.
        driver: String,
        /// The size given.
        size: usize,
    },
    /// A server block with neither a URL nor a host.
    #[error("{driver}: give either url or host")]
    NoHost {
        /// The database type.
        driver: String,
    },
    /// A settings file that does not parse.
    #[error("{file}: {reason}")]
    BadFile {
        /// The file.
        file: String,
        /// Why it does not parse.
        reason: String,
    },
    /// No source names a database (command line, `DATABASE_URL`, `bunary.toml`).
    #[error("no database: pass --database <url>, set DATABASE_URL, or write database_url in bunary.toml")]
    NoDatabase,
    /// A destructive command in production without `--force`.
    #[error("the environment is production: add --force to run this command")]
    Production,
}

/// Why a query cannot run as built. Nothing was sent to the database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryProblem {
    /// The query names no table.
    #[error("the query has no table")]
    NoTable,
    /// An `UPDATE` or `DELETE` on a query that reads from a subquery (`from_sub`): it has no
    /// table to write.
    #[error("{statement} needs a table; this query reads from a subquery (from_sub)")]
    WriteFromSubquery {
        /// `UPDATE` or `DELETE`.
        statement: &'static str,
    },
    /// A list that needs at least one column is empty (`what`: `an update`, `an upsert's
    /// unique key`, `an upsert's OnConflict::Update (say OnConflict::DoNothing)`).
    #[error("{what} needs at least one column")]
    NoColumns {
        /// Which list.
        what: &'static str,
    },
    /// An insert's values do not fill whole rows.
    #[error("{values} values do not make whole rows of {columns} columns")]
    RaggedValues {
        /// How many values.
        values: usize,
        /// How many columns a row has.
        columns: usize,
    },
    /// `increment`/`decrement` by something that is not a number.
    #[error("cannot {action} by a {kind} value")]
    NotNumeric {
        /// `increment` or `decrement`.
        action: &'static str,
        /// What was given (`text`, `null`, …).
        kind: &'static str,
    },
    /// `chunk`/`cursor` on an ordered query: they walk the table in key order.
    #[error("chunk and cursor walk the table by its key: remove order_by (they order by the key)")]
    KeysetOrdered,
    /// `chunk`/`cursor` on a query with a limit or offset.
    #[error("chunk and cursor cannot be combined with limit/offset")]
    KeysetLimited,
    /// `chunk`/`cursor` on a select list without the key column.
    #[error("chunk and cursor need the key column `{key}` in the select list")]
    KeyNotSelected {
        /// The key column.
        key: String,
    },
    /// A `cursor_paginate` cursor that this query did not make (tampered with, or from another
    /// order), or a query it cannot page (no plain column order, a NULL in an order column).
    /// Nothing was sent.
    #[error("cursor pagination: {reason}")]
    InvalidCursor {
        /// What is wrong.
        reason: String,
    },
    /// An order direction that is neither `asc` nor `desc` (any case), such as one taken from
    /// a request's query string.
    #[error("`{given}` is not an order direction: say asc or desc")]
    InvalidDirection {
        /// What was given.
        given: String,
    },
    /// `pluck`/`value` of a model's hidden column.
    #[error("`{column}` is a hidden column of {model}")]
    HiddenColumn {
        /// The model.
        model: &'static str,
        /// The column.
        column: String,
    },
    /// `restore` (or another soft-delete call) on a model that does not soft delete.
    #[error("{model} does not soft delete")]
    NoSoftDeletes {
        /// The model.
        model: &'static str,
    },
    /// Mass assignment of a column the model does not have.
    #[error("{model} has no column `{column}`")]
    UnknownColumn {
        /// The model.
        model: &'static str,
        /// The column.
        column: String,
    },
    /// `fill` (or `create`) of a column mass assignment may not set, on a model that is
    /// `strict_fill` or totally guarded (`guarded("*")`).
    #[error(
        "{model}.{column} is not mass assignable: add it to #[orm(fillable(...))], or set it with force_fill or inside bunary_orm::unguarded"
    )]
    NotMassAssignable {
        /// The model.
        model: &'static str,
        /// The column.
        column: String,
    },
    /// An `insert_models` where some auto-increment keys are set and others are empty.
    #[error(
        "model {index} of the insert {} a key while the first {}: give every model a key or none",
        if *has_key { "has" } else { "lacks" },
        if *has_key { "lacks one" } else { "has one" }
    )]
    MixedKeys {
        /// The model's position in the list (from 1).
        index: usize,
        /// Whether that model has a key.
        has_key: bool,
    },
    /// A record made from JSON that is not an object.
    #[error("expected a JSON object, got {found}")]
    NotAnObject {
        /// The JSON given.
        found: String,
    },
    /// `attach`, `detach`, `sync` or `toggle` on a query that is not a many-to-many relation's.
    #[error("attach, detach, sync and toggle need a many-to-many relation's query (a BelongsToMany field of the parent), not {model}'s own")]
    NotManyToMany {
        /// The model queried.
        model: &'static str,
    },
    /// `with_count`, `with_sum`, … of a relation that is not a list (a belongs-to or has-one).
    #[error("`{relation}` of {model} is not a list: with_count and the other aggregates need a HasMany or BelongsToMany relation")]
    NotAList {
        /// The model.
        model: &'static str,
        /// The relation.
        relation: String,
    },
    /// `has` / `where_has` on a `morph_to` relation (it points at several models).
    #[error("has and where_has need a relation to one model; `{relation}` of {model} is a morph_to: use has_morph or where_has_morph")]
    NotForMorphTo {
        /// The model.
        model: &'static str,
        /// The relation.
        relation: String,
    },
    /// `has_morph` / `where_has_morph` on a relation that is not a `morph_to`.
    #[error("has_morph and where_has_morph need a morph_to relation; `{relation}` of {model} is not one")]
    NotMorphTo {
        /// The model.
        model: &'static str,
        /// The relation.
        relation: String,
    },
    /// `without_global_scope` named a scope the model does not have.
    #[error("{model} has no global scope `{scope}`; its scopes: {}", if known.is_empty() { "none".to_owned() } else { known.join(", ") })]
    UnknownScope {
        /// The model.
        model: &'static str,
        /// The name given.
        scope: String,
        /// The model's global scopes (`soft_deletes` among them on a soft-deleting model).
        known: Vec<&'static str>,
    },
    /// A `morph_to` relation met a type its target enum does not list.
    #[error("{model} names a parent of type `{name}`, which its morph_to target does not list")]
    UnknownMorphType {
        /// The model.
        model: &'static str,
        /// The type found in the database.
        name: String,
    },
    /// A driver handed a row to a result before its columns (a driver bug).
    #[error("the driver sent a row before its columns")]
    RowBeforeColumns,
}

/// Why a schema change cannot run as described. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaProblem {
    /// A table created without columns.
    #[error("table `{table}` needs at least one column")]
    NoColumns {
        /// The table.
        table: String,
    },
    /// An index, key or `primary(...)` without columns.
    #[error("an index or key needs at least one column")]
    EmptyKey,
    /// Two primary keys (an inline one and `primary(...)`, or two inline ones).
    #[error("table `{table}` has two primary keys: use t.primary([..]) for a composite key")]
    TwoPrimaryKeys {
        /// The table.
        table: String,
    },
    /// A primary key added to a table that has one.
    #[error("table `{table}` has a primary key already")]
    PrimaryKeyExists {
        /// The table.
        table: String,
    },
    /// The table to alter does not exist.
    #[error("no table `{table}` to alter")]
    NoSuchTable {
        /// The table.
        table: String,
    },
    /// A column to drop or change does not exist.
    #[error("table `{table}` has no column `{column}`")]
    NoSuchColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// Every column of a table dropped.
    #[error("dropping every column of `{table}`")]
    DropsEveryColumn {
        /// The table.
        table: String,
    },
    /// An enumeration column without values.
    #[error("enumeration `{column}` has no values")]
    EmptyEnum {
        /// The column.
        column: String,
    },
    /// A SQLite table rebuild that would lose something or cannot be made safely. Nothing was
    /// changed.
    #[error("table `{table}` cannot be rebuilt: {reason}")]
    RebuildRefused {
        /// The table.
        table: String,
        /// Why.
        reason: String,
    },
    /// A column to drop that another part of the schema reads (a `CHECK`, a generated column,
    /// a trigger or a view): dropping it would break that part or lose it silently. Nothing was
    /// changed.
    #[error("column `{column}` of `{table}` is used by {by}: change or drop that first")]
    ColumnInUse {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// What reads it (`the CHECK constraint CHECK (price > 0)`, `the trigger audit`, …).
        by: String,
    },
    /// An index to rename that the table does not have (on SQLite, or one behind a
    /// constraint, which has no statement to make again).
    #[error("table `{table}` has no index `{index}` to rename")]
    NoSuchIndex {
        /// The table.
        table: String,
        /// The index.
        index: String,
    },
    /// A foreign key to drop that the table does not have (by its name, or the default name of
    /// its columns).
    #[error("table `{table}` has no foreign key `{key}`")]
    NoSuchForeignKey {
        /// The table.
        table: String,
        /// The key's name, or its columns.
        key: String,
    },
    /// A foreign key without `.references(table, column)`.
    #[error("the foreign key on {columns:?} needs .references(table, column)")]
    ForeignWithoutReferences {
        /// Its columns.
        columns: Vec<String>,
    },
    /// A change that belongs in `Schema::table` given to `create_table`.
    #[error("{command} belongs in Schema::table, not create_table")]
    AlterInCreate {
        /// The change.
        command: String,
    },
    /// A default that SQL cannot write (a float that is not finite).
    #[error("{value} cannot be a default")]
    BadDefault {
        /// The value.
        value: String,
    },
}

/// Why the migrations found are not usable as they are ([`Error::InvalidMigrations`](super::Error::InvalidMigrations)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationProblem {
    /// Two migrations have one name.
    #[error("two migrations are named {name}")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A migration (or a file in the migrations folder) is not named
    /// `<YYYYMMDDHHMMSS>_<name>` (`.up.sql` / `.down.sql` for SQL files).
    #[error("`{name}` is not <YYYYMMDDHHMMSS>_<name> (letters, digits, _; SQL files end in .up.sql or .down.sql)")]
    BadName {
        /// The name or file name.
        name: String,
    },
    /// A name given to `migration:make` is not snake_case letters, digits and `_`.
    #[error("`{name}` is not a migration name: use snake_case letters, digits and _ (create_users_table)")]
    BadNewName {
        /// The name.
        name: String,
    },
    /// A migration of that name (or its file) exists already.
    #[error("a migration named {name} exists already: {file}")]
    Exists {
        /// The migration's name.
        name: String,
        /// The file that has it.
        file: String,
    },
    /// A `.down.sql` file has no `.up.sql`.
    #[error("{name}.down.sql has no {name}.up.sql")]
    OrphanDown {
        /// The migration.
        name: String,
    },
    /// An applied migration's file changed since it ran, and the run is strict
    /// (`migrate --strict`). Accept the change with `migrate:accept`
    /// ([`Migrator::accept_changes`](crate::migrations::Migrator::accept_changes)).
    #[error(
        "{name} changed since it ran (its checksum differs): put it back, or accept the change with migrate:accept"
    )]
    ChangedSinceApplied {
        /// The migration.
        name: String,
    },
    /// An applied migration's source is gone, so it cannot be rolled back.
    #[error("{name} ran, but its migration is gone: it cannot be rolled back")]
    MissingSource {
        /// The migration.
        name: String,
    },
    /// An SQL migration has no `.down.sql` file to roll back with.
    #[error("{name} has no .down.sql file to roll back with")]
    NoDown {
        /// The migration.
        name: String,
    },
}
