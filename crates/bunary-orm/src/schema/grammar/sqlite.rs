//! SQLite DDL: loose types (kept readable, and read back as hints by the driver),
//! `INTEGER PRIMARY KEY AUTOINCREMENT`, foreign keys inline.

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::schema::column::{ColumnDefault, ColumnDefinition, ColumnType, ForeignKey};
use crate::statement::Statement;
use crate::value::Value;

use super::SchemaGrammar;

/// SQLite's schema grammar.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteSchemaGrammar;

impl SchemaGrammar for SqliteSchemaGrammar {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn type_sql(&self, column: &ColumnDefinition) -> String {
        match &column.kind {
            ColumnType::Increments | ColumnType::BigIncrements => "INTEGER".into(),
            ColumnType::SmallInteger | ColumnType::Integer | ColumnType::BigInteger => "INTEGER".into(),
            ColumnType::Float => "FLOAT".into(),
            ColumnType::Double => "DOUBLE".into(),
            ColumnType::Decimal { .. } => "NUMERIC".into(),
            ColumnType::String(n) => format!("VARCHAR({n})"),
            ColumnType::Text => "TEXT".into(),
            ColumnType::Boolean => "BOOLEAN".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Time => "TIME".into(),
            ColumnType::DateTime | ColumnType::Timestamp => "DATETIME".into(),
            // TEXT affinity (a bare `UUID` has NUMERIC affinity, which turns a 32-digit UUID
            // into a number); the `UUID` word tells the driver to read it back as a Uuid.
            ColumnType::Uuid => "UUID TEXT".into(),
            ColumnType::Json => "JSON".into(),
            ColumnType::Binary => "BLOB".into(),
            ColumnType::Enum(_) => "VARCHAR".into(),
            ColumnType::Char(n) => format!("CHAR({n})"),
            ColumnType::TinyInteger | ColumnType::MediumInteger | ColumnType::Year => "INTEGER".into(),
            ColumnType::TinyText | ColumnType::MediumText | ColumnType::LongText => "TEXT".into(),
            ColumnType::TimestampTz => "DATETIME".into(),
            ColumnType::Ulid => "CHAR(26)".into(),
            ColumnType::IpAddress => "VARCHAR(45)".into(),
            ColumnType::MacAddress => "VARCHAR(17)".into(),
        }
    }

    fn modify_primary(&self, column: &ColumnDefinition) -> &'static str {
        match (column.primary, column.kind.is_auto_increment()) {
            (true, true) => " PRIMARY KEY AUTOINCREMENT",
            (true, false) => " PRIMARY KEY",
            _ => "",
        }
    }

    fn column_comments(&self, _table: &str, _columns: &[ColumnDefinition]) -> Result<Vec<Statement>> {
        Ok(Vec::new())
    }

    /// SQLite takes a default expression in parentheses.
    fn modify_default(&self, column: &ColumnDefinition) -> Result<String> {
        Ok(match &column.default {
            None => String::new(),
            Some(ColumnDefault::Value(v)) => format!(" DEFAULT {}", self.literal(v)?),
            Some(ColumnDefault::Expression(e)) => format!(" DEFAULT ({e})"),
            Some(ColumnDefault::Current) => format!(" DEFAULT ({})", self.current_sql(&column.kind)),
        })
    }

    /// SQLite's time of day (in UTC, as its `CURRENT_DATE` and `CURRENT_TIMESTAMP`).
    fn current_time_sql(&self) -> &'static str {
        "CURRENT_TIME"
    }

    /// SQLite adds a foreign key with the column (`ADD COLUMN … REFERENCES …`).
    fn compile_add_column(&self, table: &str, column: &ColumnDefinition) -> Result<Vec<Statement>> {
        let mut sql = format!("ALTER TABLE {} ADD COLUMN {}", self.wrap_table(table)?, self.column_sql(column)?);
        if let Some(key) = &column.foreign {
            // Named as a table's key would be, so that `drop_foreign` finds it by name too.
            let name = key.name.clone().unwrap_or_else(|| self.foreign_name(table, &key.columns));
            sql.push_str(&format!(" CONSTRAINT {} {}", self.wrap(&name, "constraint")?, self.references_sql(key)?));
        }
        Ok(vec![Statement::new(sql)])
    }

    /// SQLite cannot add a constraint with `ALTER TABLE`: `Schema::table` rebuilds the table
    /// instead, so this statement is never run by it.
    fn compile_add_foreign(&self, _table: &str, _key: &ForeignKey) -> Result<Statement> {
        Err(Error::Unsupported {
            dialect: Dialect::Sqlite,
            feature: "ALTER TABLE … ADD CONSTRAINT (Schema::table rebuilds the table instead)".into(),
        })
    }

    /// SQLite cannot change a column with `ALTER TABLE`: `Schema::table` rebuilds the table
    /// instead, so this statement is never run by it.
    fn compile_change(&self, _table: &str, _column: &ColumnDefinition) -> Result<Vec<Statement>> {
        Err(Error::Unsupported {
            dialect: Dialect::Sqlite,
            feature: "ALTER TABLE … ALTER COLUMN (Schema::table rebuilds the table instead)".into(),
        })
    }

    /// SQLite cannot drop a constraint with `ALTER TABLE`: `Schema::table` rebuilds the table
    /// instead, so this statement is never run by it.
    fn compile_drop_foreign(&self, _table: &str, _name: &str) -> Result<Statement> {
        Err(Error::Unsupported {
            dialect: Dialect::Sqlite,
            feature: "ALTER TABLE … DROP CONSTRAINT (Schema::table rebuilds the table instead)".into(),
        })
    }

    fn compile_has_table(&self, table: &str) -> Statement {
        Statement::with_bindings(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            vec![Value::from(table)],
        )
    }

    fn compile_has_column(&self, table: &str, column: &str) -> Statement {
        Statement::with_bindings(
            "SELECT 1 FROM pragma_table_info(?) WHERE name = ?",
            vec![Value::from(table), Value::from(column)],
        )
    }

    fn compile_list_views(&self) -> Statement {
        Statement::new("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
    }

    /// SQLite has no full-text index (its FTS5 virtual tables are another thing).
    fn compile_fulltext(&self, _table: &str, name: &str, _columns: &[String]) -> Result<Statement> {
        Err(Error::Unsupported {
            dialect: Dialect::Sqlite,
            feature: format!("the full-text index `{name}` (SQLite's full-text search is an FTS5 virtual table)"),
        })
    }

    /// SQLite drops a primary key by rebuilding the table: `Schema::table` does that instead.
    fn compile_drop_primary(&self, _table: &str, _name: Option<&str>) -> Result<Statement> {
        Err(Error::Unsupported {
            dialect: Dialect::Sqlite,
            feature: "ALTER TABLE … DROP PRIMARY KEY (Schema::table rebuilds the table instead)".into(),
        })
    }

    /// SQLite cannot rename an index: `Schema::table` makes it again under the new name.
    fn compile_rename_index(&self, _table: &str, _from: &str, _to: &str) -> Result<Statement> {
        Err(Error::Unsupported {
            dialect: Dialect::Sqlite,
            feature: "ALTER INDEX … RENAME (Schema::table makes the index again instead)".into(),
        })
    }

    fn compile_list_tables(&self) -> Statement {
        Statement::new("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    }
}
