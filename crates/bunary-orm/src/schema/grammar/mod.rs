//! Schema grammars: DDL for a [`Blueprint`] in each dialect.
//!
//! The trait's defaults write what the dialects share; `sqlite.rs`, `postgres.rs` and
//! `mysql.rs` give the column types (`type_sql`) and override what differs. Every identifier
//! is validated then quoted; defaults are literals escaped here, never pasted.

pub(crate) mod catalogue;
mod compile;
pub mod migration_lock;
mod mysql;
mod postgres;
mod sqlite;
pub(crate) mod sqlite_catalogue;
pub mod sqlite_ddl;
pub mod sqlite_rebuild;
#[cfg(test)]
mod tests;

use crate::dialect::Dialect;
use crate::error::{Error, Result, SchemaProblem};
use crate::ident::{Ident, TableRef};
use crate::schema::blueprint::Blueprint;
use crate::schema::column::{ColumnDefault, ColumnDefinition, ColumnType, ForeignKey};
use crate::statement::Statement;
use crate::value::{formats, Value};

pub use self::migration_lock::MigrationLock;
pub use self::mysql::MySqlSchemaGrammar;
pub use self::postgres::PostgresSchemaGrammar;
pub use self::sqlite::SqliteSchemaGrammar;

/// The statements of `Schema::drop_all_tables` (see [`SchemaGrammar::compile_drop_all`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DropAll {
    /// Run first.
    pub before: Vec<Statement>,
    /// One drop per table.
    pub drops: Vec<Statement>,
    /// Run last, whatever happened to the drops.
    pub after: Vec<Statement>,
}

/// The schema grammar of `dialect`.
pub fn schema_grammar_for(dialect: Dialect) -> &'static dyn SchemaGrammar {
    match dialect {
        Dialect::Sqlite => &SqliteSchemaGrammar,
        Dialect::Postgres => &PostgresSchemaGrammar,
        Dialect::MySql => &MySqlSchemaGrammar,
    }
}

/// A dialect's DDL.
pub trait SchemaGrammar: Send + Sync {
    /// The dialect.
    fn dialect(&self) -> Dialect;

    /// The SQL type of a column (`type_string`, `type_big_integer`, ... in Laravel's terms).
    fn type_sql(&self, column: &ColumnDefinition) -> String;

    /// A quoted identifier, after validation.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn wrap(&self, name: &str, kind: &'static str) -> Result<String> {
        let ident = Ident::new(name, kind)?;
        let mut out = String::new();
        self.dialect().quote_identifier(&mut out, ident.as_str());
        Ok(out)
    }

    /// A quoted table (optionally `schema.table`), after validation.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn wrap_table(&self, name: &str) -> Result<String> {
        let table = TableRef::parse(name)?;
        if table.alias.is_some() {
            return Err(Error::InvalidIdentifier {
                kind: "table",
                value: name.to_owned(),
                reason: "a table to create or alter has no alias".into(),
            });
        }
        let dialect = self.dialect();
        let mut out = String::new();
        if let Some(schema) = &table.schema {
            dialect.quote_identifier(&mut out, schema.as_str());
            out.push('.');
        }
        dialect.quote_identifier(&mut out, table.name.as_str());
        Ok(out)
    }

    /// A comma-separated list of quoted columns.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn columnize(&self, columns: &[String]) -> Result<String> {
        if columns.is_empty() {
            return Err(Error::InvalidSchema { problem: SchemaProblem::EmptyKey });
        }
        Ok(columns.iter().map(|c| self.wrap(c, "column")).collect::<Result<Vec<_>>>()?.join(", "))
    }

    /// A string literal: single quotes, `'` doubled.
    fn quote_string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }

    /// A value as an SQL literal, for defaults and checks.
    ///
    /// # Errors
    /// [`Error::InvalidSchema`] for a float that is not finite.
    fn literal(&self, value: &Value) -> Result<String> {
        base_literal(value, |text| self.quote_string(text))
    }

    /// The default clause of a column.
    ///
    /// # Errors
    /// As [`SchemaGrammar::literal`].
    fn modify_default(&self, column: &ColumnDefinition) -> Result<String> {
        Ok(match &column.default {
            None => String::new(),
            Some(ColumnDefault::Value(v)) => format!(" DEFAULT {}", self.literal(v)?),
            Some(ColumnDefault::Expression(e)) => format!(" DEFAULT {e}"),
            Some(ColumnDefault::Current) => format!(" DEFAULT {}", self.current_sql(&column.kind)),
        })
    }

    /// The expression of "now" for a column of `kind` (the default of `use_current`).
    fn current_sql(&self, kind: &ColumnType) -> &'static str {
        match kind {
            ColumnType::Date => "CURRENT_DATE",
            ColumnType::Time => self.current_time_sql(),
            _ => "CURRENT_TIMESTAMP",
        }
    }

    /// The current time of day without a time zone: `LOCALTIME` (PostgreSQL's
    /// `CURRENT_TIME` carries one); SQLite's is `CURRENT_TIME`.
    fn current_time_sql(&self) -> &'static str {
        "LOCALTIME"
    }

    /// `NULL` / `NOT NULL`.
    fn modify_nullable(&self, column: &ColumnDefinition) -> &'static str {
        if column.nullable {
            " NULL"
        } else {
            " NOT NULL"
        }
    }

    /// What follows the type for an auto-incrementing key (or a single-column primary key).
    fn modify_primary(&self, column: &ColumnDefinition) -> &'static str {
        if column.primary {
            " PRIMARY KEY"
        } else {
            ""
        }
    }

    /// The `CHECK` of an enumeration column.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn modify_check(&self, column: &ColumnDefinition) -> Result<String> {
        match &column.kind {
            ColumnType::Enum(values) => {
                if values.is_empty() {
                    return Err(Error::InvalidSchema {
                        problem: SchemaProblem::EmptyEnum { column: column.name.clone() },
                    });
                }
                let list: Vec<String> = values.iter().map(|v| self.quote_string(v)).collect();
                Ok(format!(" CHECK ({} IN ({}))", self.wrap(&column.name, "column")?, list.join(", ")))
            }
            _ => Ok(String::new()),
        }
    }

    /// A column's full definition: name, type, modifiers.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`], [`Error::InvalidSchema`].
    fn column_sql(&self, column: &ColumnDefinition) -> Result<String> {
        Ok(format!(
            "{} {}{}{}{}{}{}{}{}{}",
            self.wrap(&column.name, "column")?,
            self.type_sql(column),
            self.modify_collation(column)?,
            self.modify_generated(column)?,
            self.modify_nullable(column),
            self.modify_default(column)?,
            self.modify_on_update(column)?,
            self.modify_primary(column),
            self.modify_check(column)?,
            self.modify_comment(column),
        ))
    }

    /// `COLLATE name`.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`] for a name outside letters, digits, `_`, `-`, `.`, `@`.
    fn modify_collation(&self, column: &ColumnDefinition) -> Result<String> {
        match &column.collation {
            Some(name) => Ok(format!(" COLLATE {}", collation_name(name)?)),
            None => Ok(String::new()),
        }
    }

    /// `GENERATED ALWAYS AS (…) STORED|VIRTUAL`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] where the database lacks the kind.
    fn modify_generated(&self, column: &ColumnDefinition) -> Result<String> {
        Ok(match &column.generated {
            Some(g) => {
                format!(" GENERATED ALWAYS AS ({}) {}", g.expression, if g.stored { "STORED" } else { "VIRTUAL" })
            }
            None => String::new(),
        })
    }

    /// MySQL's `ON UPDATE CURRENT_TIMESTAMP`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] on the databases without it.
    fn modify_on_update(&self, column: &ColumnDefinition) -> Result<String> {
        if column.use_current_on_update {
            return Err(Error::Unsupported {
                dialect: self.dialect(),
                feature: format!(
                    "use_current_on_update on `{}` (MySQL only; the model layer's updated_at works everywhere)",
                    column.name
                ),
            });
        }
        Ok(String::new())
    }

    /// An inline comment (MySQL's); the others comment apart or not at all.
    fn modify_comment(&self, _column: &ColumnDefinition) -> String {
        String::new()
    }

    /// MySQL's `FIRST`/`AFTER c` of an added column; nothing elsewhere.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn modify_position(&self, _column: &ColumnDefinition) -> Result<String> {
        Ok(String::new())
    }

    /// The statements that comment `columns` (PostgreSQL's `COMMENT ON COLUMN`).
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn column_comments(&self, table: &str, columns: &[ColumnDefinition]) -> Result<Vec<Statement>>;

    /// `CONSTRAINT name FOREIGN KEY (…) REFERENCES t (…) ON DELETE …`, named as Laravel names
    /// it (`{table}_{columns}_foreign`) unless the key has a name: what `drop_foreign` finds
    /// it by on every database.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`]; [`Error::InvalidSchema`] without a referenced table.
    fn foreign_sql(&self, table: &str, key: &ForeignKey) -> Result<String> {
        let name = key.name.clone().unwrap_or_else(|| self.foreign_name(table, &key.columns));
        Ok(format!(
            "CONSTRAINT {} FOREIGN KEY ({}) {}",
            self.wrap(&name, "constraint")?,
            self.columnize(&key.columns)?,
            self.references_sql(key)?
        ))
    }

    /// `REFERENCES t (…) ON DELETE … ON UPDATE …`.
    ///
    /// # Errors
    /// As [`SchemaGrammar::foreign_sql`].
    fn references_sql(&self, key: &ForeignKey) -> Result<String> {
        if key.on_table.is_empty() || key.references.is_empty() {
            return Err(Error::InvalidSchema {
                problem: SchemaProblem::ForeignWithoutReferences { columns: key.columns.clone() },
            });
        }
        let mut sql = format!("REFERENCES {} ({})", self.wrap_table(&key.on_table)?, self.columnize(&key.references)?);
        if let Some(a) = key.on_delete {
            sql.push_str(" ON DELETE ");
            sql.push_str(a.sql());
        }
        if let Some(a) = key.on_update {
            sql.push_str(" ON UPDATE ");
            sql.push_str(a.sql());
        }
        Ok(sql)
    }

    /// The name of the foreign key constraint on `columns` of `table`.
    fn foreign_name(&self, table: &str, columns: &[String]) -> String {
        format!("{}_{}_foreign", table.replace('.', "_"), columns.join("_"))
    }

    /// `CREATE [UNIQUE] INDEX name ON table (columns)`.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn compile_index(&self, table: &str, name: &str, columns: &[String], unique: bool) -> Result<Statement> {
        Ok(Statement::new(format!(
            "CREATE {}INDEX {} ON {} ({})",
            if unique { "UNIQUE " } else { "" },
            self.wrap(name, "index")?,
            self.wrap_table(table)?,
            self.columnize(columns)?
        )))
    }

    /// The index statements of column modifiers (`.unique()`, `.index()`).
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn column_indexes(&self, table: &str, columns: &[ColumnDefinition]) -> Result<Vec<Statement>> {
        let mut out = Vec::new();
        let prefix = table.replace('.', "_");
        for c in columns {
            if c.unique {
                out.push(self.compile_index(
                    table,
                    &format!("{prefix}_{}_unique", c.name),
                    std::slice::from_ref(&c.name),
                    true,
                )?);
            }
            if c.index {
                out.push(self.compile_index(
                    table,
                    &format!("{prefix}_{}_index", c.name),
                    std::slice::from_ref(&c.name),
                    false,
                )?);
            }
        }
        Ok(out)
    }

    /// `CREATE TABLE …` and its indexes.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`], [`Error::InvalidSchema`] (no columns, two primary keys,
    /// a foreign key without a referenced table).
    fn compile_create(&self, blueprint: &Blueprint) -> Result<Vec<Statement>> {
        compile::create(self, blueprint)
    }

    /// `ALTER TABLE … ADD COLUMN …` for one new column (with its foreign key where the
    /// dialect can add it inline).
    ///
    /// # Errors
    /// As [`SchemaGrammar::column_sql`].
    fn compile_add_column(&self, table: &str, column: &ColumnDefinition) -> Result<Vec<Statement>> {
        let mut out = vec![Statement::new(format!(
            "ALTER TABLE {} ADD COLUMN {}{}",
            self.wrap_table(table)?,
            self.column_sql(column)?,
            self.modify_position(column)?
        ))];
        if let Some(key) = &column.foreign {
            out.push(self.compile_add_foreign(table, key)?);
        }
        Ok(out)
    }

    /// A foreign key on an existing table.
    ///
    /// # Errors
    /// As [`SchemaGrammar::foreign_sql`]; [`Error::Unsupported`] on SQLite.
    fn compile_add_foreign(&self, table: &str, key: &ForeignKey) -> Result<Statement> {
        Ok(Statement::new(format!("ALTER TABLE {} ADD {}", self.wrap_table(table)?, self.foreign_sql(table, key)?)))
    }

    /// Drops the foreign key `name` of `table` (`DROP CONSTRAINT`; MySQL `DROP FOREIGN KEY`).
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`]; [`Error::Unsupported`] on SQLite, which rebuilds the table
    /// instead.
    fn compile_drop_foreign(&self, table: &str, name: &str) -> Result<Statement> {
        Ok(Statement::new(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            self.wrap_table(table)?,
            self.wrap(name, "constraint")?
        )))
    }

    /// Changes `column` of `table` to its new definition
    /// ([`ColumnDefinition::change`]): PostgreSQL's form, `ALTER COLUMN … TYPE … USING`, its
    /// nullability and default, the enumeration's `CHECK` (named `{table}_{column}_check`, as
    /// PostgreSQL names a column's check) dropped and made again.
    ///
    /// # Errors
    /// As [`SchemaGrammar::column_sql`]; [`Error::Unsupported`] for an auto-incrementing type
    /// or `primary()` on a change.
    fn compile_change(&self, table: &str, column: &ColumnDefinition) -> Result<Vec<Statement>> {
        compile::change(self, table, column)
    }

    /// `DROP INDEX …`.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn compile_drop_index(&self, _table: &str, name: &str) -> Result<Statement> {
        Ok(Statement::new(format!("DROP INDEX {}", self.wrap(name, "index")?)))
    }

    /// A full-text index: PostgreSQL's form, a GIN index on `to_tsvector('english', …)` of the
    /// columns joined.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`]; [`Error::Unsupported`] on SQLite.
    fn compile_fulltext(&self, table: &str, name: &str, columns: &[String]) -> Result<Statement> {
        let joined = columns.iter().map(|c| self.wrap(c, "column")).collect::<Result<Vec<_>>>()?.join(" || ' ' || ");
        Ok(Statement::new(format!(
            "CREATE INDEX {} ON {} USING gin ((to_tsvector('english', {joined})))",
            self.wrap(name, "index")?,
            self.wrap_table(table)?
        )))
    }

    /// Renames an index: PostgreSQL's `ALTER INDEX … RENAME TO`.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn compile_rename_index(&self, _table: &str, from: &str, to: &str) -> Result<Statement> {
        Ok(Statement::new(format!("ALTER INDEX {} RENAME TO {}", self.wrap(from, "index")?, self.wrap(to, "index")?)))
    }

    /// Drops the primary key: PostgreSQL's `DROP CONSTRAINT` of its name (`{table}_pkey` unless
    /// given).
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn compile_drop_primary(&self, table: &str, name: Option<&str>) -> Result<Statement> {
        let bare = table.rsplit('.').next().unwrap_or(table);
        let name = name.map_or_else(|| format!("{bare}_pkey"), str::to_owned);
        Ok(Statement::new(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            self.wrap_table(table)?,
            self.wrap(&name, "constraint")?
        )))
    }

    /// The views of the current database or schema (one `name` column).
    fn compile_list_views(&self) -> Statement;

    /// The statements of `Schema::table`: new columns, then commands in order.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`], [`Error::InvalidSchema`], [`Error::Unsupported`].
    fn compile_alter(&self, blueprint: &Blueprint) -> Result<Vec<Statement>> {
        compile::alter(self, blueprint)
    }

    /// `DROP TABLE [IF EXISTS] …`.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn compile_drop(&self, table: &str, if_exists: bool) -> Result<Statement> {
        Ok(Statement::new(format!(
            "DROP TABLE {}{}",
            if if_exists { "IF EXISTS " } else { "" },
            self.wrap_table(table)?
        )))
    }

    /// Dropping every table of `tables` (named by the catalogue) at once: what runs before
    /// (switching foreign-key checks off, where a session setting does that), the drops, and
    /// what runs after, even when a drop failed.
    fn compile_drop_all(&self, tables: &[String]) -> DropAll {
        DropAll {
            before: Vec::new(),
            drops: tables.iter().map(|t| self.compile_drop_catalogued(t)).collect(),
            after: Vec::new(),
        }
    }

    /// `DROP TABLE IF EXISTS` of a table named by the database's own catalogue: the name is
    /// quoted exactly as it is stored (quotes inside doubled), never parsed nor trimmed, so a
    /// table called `name ` is dropped, not `name`.
    fn compile_drop_catalogued(&self, table: &str) -> Statement {
        let mut out = String::from("DROP TABLE IF EXISTS ");
        self.dialect().quote_identifier(&mut out, table);
        Statement::new(out)
    }

    /// `ALTER TABLE … RENAME TO …`.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`].
    fn compile_rename(&self, from: &str, to: &str) -> Result<Statement> {
        Ok(Statement::new(format!("ALTER TABLE {} RENAME TO {}", self.wrap_table(from)?, self.wrap_table(to)?)))
    }

    /// How migrators of the migrations table `table` are kept apart, waiting at most `timeout`
    /// for one another (see [`MigrationLock`]). The default: the schema transaction does it.
    fn compile_migration_lock(&self, _table: &str, _timeout: std::time::Duration) -> MigrationLock {
        MigrationLock::Transaction
    }

    /// Ends the current transaction and keeps its work, where DDL cannot roll back anyway and
    /// each migration is committed as soon as it succeeds.
    fn compile_commit(&self) -> Statement {
        Statement::new("COMMIT")
    }

    /// A catalogue query returning a row when `table` exists (the name bound, never written
    /// into the SQL).
    fn compile_has_table(&self, table: &str) -> Statement;

    /// A catalogue query returning a row when `table` has `column` (both bound).
    fn compile_has_column(&self, table: &str, column: &str) -> Statement;

    /// A catalogue query listing the tables of the current database/schema, one `name` column.
    fn compile_list_tables(&self) -> Statement;
}

/// The literal rules the dialects share; `quote` writes a string literal.
pub(crate) fn base_literal(value: &Value, quote: impl Fn(&str) -> String) -> Result<String> {
    Ok(match value {
        Value::Null => "NULL".to_owned(),
        Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_finite() => format!("{f:?}"),
        Value::Float(f) => {
            return Err(Error::InvalidSchema { problem: SchemaProblem::BadDefault { value: f.to_string() } })
        }
        Value::Text(t) => quote(t),
        Value::Blob(b) => format!("X'{}'", b.iter().map(|x| format!("{x:02X}")).collect::<String>()),
        Value::Json(j) => quote(&j.to_string()),
        Value::Date(d) => quote(&d.format(formats::DATE).to_string()),
        Value::Time(t) => quote(&t.format(formats::TIME).to_string()),
        Value::DateTime(d) => quote(&d.format(formats::DATETIME).to_string()),
        Value::Timestamp(t) => quote(&t.naive_utc().format(formats::DATETIME).to_string()),
        Value::Uuid(u) => quote(&u.to_string()),
    })
}

/// `true` for the integer types (where `UNSIGNED` applies on MySQL).
/// A collation's name: letters, digits, `_`, `-`, `.` and `@` (`utf8mb4_0900_ai_ci`,
/// `en_US.utf8`, `und-x-icu`), at most 64 characters.
///
/// # Errors
/// [`Error::InvalidIdentifier`].
pub(crate) fn collation_name(name: &str) -> Result<&str> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@'));
    if ok {
        Ok(name)
    } else {
        Err(Error::InvalidIdentifier {
            kind: "collation",
            value: name.to_owned(),
            reason: "a collation is letters, digits, _, -, . and @".into(),
        })
    }
}

/// What no database can take as a column change: an auto-incrementing type (a sequence or
/// a key to make, not a type) and `primary()` (say `t.primary([..])`).
///
/// # Errors
/// [`Error::Unsupported`].
pub(crate) fn refuse_in_change(dialect: Dialect, column: &ColumnDefinition) -> Result<()> {
    if column.kind.is_auto_increment() || column.primary {
        return Err(Error::Unsupported {
            dialect,
            feature: format!(
                "change() of `{}` to an auto-incrementing key or with primary() (add a key with t.primary([..]))",
                column.name
            ),
        });
    }
    Ok(())
}

pub(crate) fn is_integer(kind: &ColumnType) -> bool {
    matches!(
        kind,
        ColumnType::Increments
            | ColumnType::BigIncrements
            | ColumnType::SmallInteger
            | ColumnType::Integer
            | ColumnType::BigInteger
            | ColumnType::TinyInteger
            | ColumnType::MediumInteger
    )
}
