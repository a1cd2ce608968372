//! MySQL/MariaDB DDL: backquoted names, `UNSIGNED`, `AUTO_INCREMENT`, `DATETIME(6)`,
//! backslashes escaped in string literals, `DROP INDEX … ON table`.

use crate::dialect::Dialect;
use crate::error::Result;
use crate::schema::column::{ColumnDefault, ColumnDefinition, ColumnType, Position};
use crate::statement::Statement;
use crate::value::Value;

use super::{is_integer, DropAll, SchemaGrammar};

/// MySQL's schema grammar.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySqlSchemaGrammar;

impl SchemaGrammar for MySqlSchemaGrammar {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    /// Foreign-key checks off for the session while the tables go (MySQL drops a referenced
    /// table only then), and on again after.
    fn compile_drop_all(&self, tables: &[String]) -> DropAll {
        DropAll {
            before: vec![Statement::new("SET FOREIGN_KEY_CHECKS = 0")],
            drops: tables.iter().map(|t| self.compile_drop_catalogued(t)).collect(),
            after: vec![Statement::new("SET FOREIGN_KEY_CHECKS = 1")],
        }
    }

    fn type_sql(&self, column: &ColumnDefinition) -> String {
        let base = match &column.kind {
            ColumnType::Increments => "INT".into(),
            ColumnType::BigIncrements => "BIGINT".into(),
            ColumnType::SmallInteger => "SMALLINT".into(),
            ColumnType::Integer => "INT".into(),
            ColumnType::BigInteger => "BIGINT".into(),
            ColumnType::Float => "FLOAT".into(),
            ColumnType::Double => "DOUBLE".into(),
            ColumnType::Decimal { precision, scale } => format!("DECIMAL({precision}, {scale})"),
            ColumnType::String(n) => format!("VARCHAR({n})"),
            ColumnType::Text => "TEXT".into(),
            ColumnType::Boolean => "TINYINT(1)".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Time => "TIME".into(),
            ColumnType::DateTime | ColumnType::Timestamp => "DATETIME(6)".into(),
            ColumnType::Uuid => "CHAR(36)".into(),
            ColumnType::Json => "JSON".into(),
            ColumnType::Binary => "BLOB".into(),
            ColumnType::Enum(_) => "VARCHAR(255)".into(),
            ColumnType::Char(n) => format!("CHAR({n})"),
            ColumnType::TinyInteger => "TINYINT".into(),
            ColumnType::MediumInteger => "MEDIUMINT".into(),
            ColumnType::TinyText => "TINYTEXT".into(),
            ColumnType::MediumText => "MEDIUMTEXT".into(),
            ColumnType::LongText => "LONGTEXT".into(),
            ColumnType::Year => "YEAR".into(),
            ColumnType::TimestampTz => "DATETIME(6)".into(),
            ColumnType::Ulid => "CHAR(26)".into(),
            ColumnType::IpAddress => "VARCHAR(45)".into(),
            ColumnType::MacAddress => "VARCHAR(17)".into(),
        };
        let unsigned = is_integer(&column.kind) && (column.unsigned || column.kind.is_auto_increment());
        if unsigned {
            format!("{base} UNSIGNED")
        } else {
            base
        }
    }

    /// MariaDB takes no `NULL`/`NOT NULL` on a generated column (its value is the expression's).
    fn modify_nullable(&self, column: &ColumnDefinition) -> &'static str {
        match (column.generated.is_some(), column.nullable) {
            (true, _) => "",
            (false, true) => " NULL",
            (false, false) => " NOT NULL",
        }
    }

    fn modify_on_update(&self, column: &ColumnDefinition) -> Result<String> {
        Ok(match (column.use_current_on_update, &column.kind) {
            (false, _) => String::new(),
            (true, ColumnType::DateTime | ColumnType::Timestamp | ColumnType::TimestampTz) => {
                " ON UPDATE CURRENT_TIMESTAMP(6)".into()
            }
            (true, _) => " ON UPDATE CURRENT_TIMESTAMP".into(),
        })
    }

    fn modify_comment(&self, column: &ColumnDefinition) -> String {
        column.comment.as_ref().map(|c| format!(" COMMENT {}", self.quote_string(c))).unwrap_or_default()
    }

    fn modify_position(&self, column: &ColumnDefinition) -> Result<String> {
        Ok(match &column.position {
            None => String::new(),
            Some(Position::First) => " FIRST".into(),
            Some(Position::After(c)) => format!(" AFTER {}", self.wrap(c, "column")?),
        })
    }

    fn column_comments(&self, _table: &str, _columns: &[ColumnDefinition]) -> Result<Vec<Statement>> {
        Ok(Vec::new())
    }

    fn modify_primary(&self, column: &ColumnDefinition) -> &'static str {
        match (column.primary, column.kind.is_auto_increment()) {
            (true, true) => " AUTO_INCREMENT PRIMARY KEY",
            (true, false) => " PRIMARY KEY",
            _ => "",
        }
    }

    /// MySQL treats `\` as an escape in string literals (unless NO_BACKSLASH_ESCAPES).
    fn quote_string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
    }

    /// A date-time with fractional seconds needs `CURRENT_TIMESTAMP(6)`.
    fn modify_default(&self, column: &ColumnDefinition) -> Result<String> {
        Ok(match &column.default {
            None => String::new(),
            Some(ColumnDefault::Value(v)) => format!(" DEFAULT {}", self.literal(v)?),
            Some(ColumnDefault::Expression(e))
                if e.eq_ignore_ascii_case("CURRENT_TIMESTAMP")
                    && matches!(column.kind, ColumnType::DateTime | ColumnType::Timestamp) =>
            {
                " DEFAULT CURRENT_TIMESTAMP(6)".to_owned()
            }
            Some(ColumnDefault::Expression(e)) => format!(" DEFAULT {e}"),
            // Only a timestamp default stands bare; other expressions go in parentheses.
            Some(ColumnDefault::Current) => match column.kind {
                ColumnType::Date => " DEFAULT (CURRENT_DATE)".to_owned(),
                ColumnType::Time => " DEFAULT (CURRENT_TIME)".to_owned(),
                ColumnType::DateTime | ColumnType::Timestamp => " DEFAULT CURRENT_TIMESTAMP(6)".to_owned(),
                _ => " DEFAULT CURRENT_TIMESTAMP".to_owned(),
            },
        })
    }

    fn compile_drop_index(&self, table: &str, name: &str) -> Result<Statement> {
        Ok(Statement::new(format!("DROP INDEX {} ON {}", self.wrap(name, "index")?, self.wrap_table(table)?)))
    }

    /// `ALTER TABLE … MODIFY` with the column restated whole.
    fn compile_change(&self, table: &str, column: &ColumnDefinition) -> Result<Vec<Statement>> {
        super::refuse_in_change(Dialect::MySql, column)?;
        Ok(vec![Statement::new(format!(
            "ALTER TABLE {} MODIFY {}{}",
            self.wrap_table(table)?,
            self.column_sql(column)?,
            self.modify_position(column)?
        ))])
    }

    fn compile_fulltext(&self, table: &str, name: &str, columns: &[String]) -> Result<Statement> {
        Ok(Statement::new(format!(
            "CREATE FULLTEXT INDEX {} ON {} ({})",
            self.wrap(name, "index")?,
            self.wrap_table(table)?,
            self.columnize(columns)?
        )))
    }

    fn compile_rename_index(&self, table: &str, from: &str, to: &str) -> Result<Statement> {
        Ok(Statement::new(format!(
            "ALTER TABLE {} RENAME INDEX {} TO {}",
            self.wrap_table(table)?,
            self.wrap(from, "index")?,
            self.wrap(to, "index")?
        )))
    }

    fn compile_drop_primary(&self, table: &str, _name: Option<&str>) -> Result<Statement> {
        Ok(Statement::new(format!("ALTER TABLE {} DROP PRIMARY KEY", self.wrap_table(table)?)))
    }

    fn compile_list_views(&self) -> Statement {
        Statement::new("SELECT table_name AS name FROM information_schema.views WHERE table_schema = DATABASE() ORDER BY table_name")
    }

    /// MySQL drops a foreign key with `DROP FOREIGN KEY` (its index stays, as in Laravel).
    fn compile_drop_foreign(&self, table: &str, name: &str) -> Result<Statement> {
        Ok(Statement::new(format!(
            "ALTER TABLE {} DROP FOREIGN KEY {}",
            self.wrap_table(table)?,
            self.wrap(name, "constraint")?
        )))
    }

    fn compile_migration_lock(&self, table: &str, timeout: std::time::Duration) -> super::MigrationLock {
        super::migration_lock::mysql(table, timeout)
    }

    fn compile_has_table(&self, table: &str) -> Statement {
        Statement::with_bindings(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
            vec![Value::from(table)],
        )
    }

    fn compile_has_column(&self, table: &str, column: &str) -> Statement {
        Statement::with_bindings("SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?", vec![Value::from(table), Value::from(column)])
    }

    fn compile_list_tables(&self) -> Statement {
        Statement::new("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name")
    }
}
