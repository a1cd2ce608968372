//! PostgreSQL DDL: `SERIAL`/`BIGSERIAL` keys, `JSONB`, `BYTEA`, `TRUE`/`FALSE` literals.

use crate::dialect::Dialect;
use crate::error::Result;
use crate::schema::column::{ColumnDefinition, ColumnType};
use crate::statement::Statement;
use crate::value::Value;

use super::{base_literal, DropAll, SchemaGrammar};

/// PostgreSQL's schema grammar.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresSchemaGrammar;

impl SchemaGrammar for PostgresSchemaGrammar {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    /// `CASCADE`: what other tables' keys (and views) hold on a table goes with it.
    fn compile_drop_all(&self, tables: &[String]) -> DropAll {
        let drops =
            tables.iter().map(|t| Statement::new(format!("{} CASCADE", self.compile_drop_catalogued(t).sql))).collect();
        DropAll { drops, ..DropAll::default() }
    }

    fn type_sql(&self, column: &ColumnDefinition) -> String {
        match &column.kind {
            ColumnType::Increments => "SERIAL".into(),
            ColumnType::BigIncrements => "BIGSERIAL".into(),
            ColumnType::SmallInteger => "SMALLINT".into(),
            ColumnType::Integer => "INTEGER".into(),
            ColumnType::BigInteger => "BIGINT".into(),
            ColumnType::Float => "REAL".into(),
            ColumnType::Double => "DOUBLE PRECISION".into(),
            ColumnType::Decimal { precision, scale } => format!("DECIMAL({precision}, {scale})"),
            ColumnType::String(n) => format!("VARCHAR({n})"),
            ColumnType::Text => "TEXT".into(),
            ColumnType::Boolean => "BOOLEAN".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Time => "TIME".into(),
            ColumnType::DateTime | ColumnType::Timestamp => "TIMESTAMP".into(),
            ColumnType::Uuid => "UUID".into(),
            ColumnType::Json => "JSONB".into(),
            ColumnType::Binary => "BYTEA".into(),
            ColumnType::Enum(_) => "VARCHAR(255)".into(),
            ColumnType::Char(n) => format!("CHAR({n})"),
            ColumnType::TinyInteger => "SMALLINT".into(),
            ColumnType::MediumInteger | ColumnType::Year => "INTEGER".into(),
            ColumnType::TinyText => "VARCHAR(255)".into(),
            ColumnType::MediumText | ColumnType::LongText => "TEXT".into(),
            ColumnType::TimestampTz => "TIMESTAMPTZ".into(),
            ColumnType::Ulid => "CHAR(26)".into(),
            ColumnType::IpAddress => "INET".into(),
            ColumnType::MacAddress => "MACADDR".into(),
        }
    }

    /// PostgreSQL (before 18) has stored generated columns only.
    fn modify_generated(&self, column: &ColumnDefinition) -> Result<String> {
        match &column.generated {
            Some(g) if !g.stored => Err(crate::error::Error::Unsupported {
                dialect: Dialect::Postgres,
                feature: format!(
                    "virtual_as on `{}` (PostgreSQL has stored generated columns: stored_as)",
                    column.name
                ),
            }),
            Some(g) => Ok(format!(" GENERATED ALWAYS AS ({}) STORED", g.expression)),
            None => Ok(String::new()),
        }
    }

    /// A collation is a quoted name on PostgreSQL (`"C"`, `"en_US.utf8"`).
    fn modify_collation(&self, column: &ColumnDefinition) -> Result<String> {
        match &column.collation {
            Some(name) => Ok(format!(" COLLATE \"{}\"", super::collation_name(name)?)),
            None => Ok(String::new()),
        }
    }

    fn column_comments(&self, table: &str, columns: &[ColumnDefinition]) -> Result<Vec<Statement>> {
        let mut out = Vec::new();
        for c in columns {
            if let Some(text) = &c.comment {
                out.push(Statement::new(format!(
                    "COMMENT ON COLUMN {}.{} IS {}",
                    self.wrap_table(table)?,
                    self.wrap(&c.name, "column")?,
                    self.quote_string(text)
                )));
            }
        }
        Ok(out)
    }

    fn literal(&self, value: &Value) -> Result<String> {
        Ok(match value {
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Value::Blob(b) => format!("'\\x{}'", b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
            other => return base_literal(other, |text| self.quote_string(text)),
        })
    }

    fn compile_migration_lock(&self, table: &str, timeout: std::time::Duration) -> super::MigrationLock {
        super::migration_lock::postgres(table, timeout)
    }

    fn compile_has_table(&self, table: &str) -> Statement {
        Statement::with_bindings(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
            vec![Value::from(table)],
        )
    }

    fn compile_has_column(&self, table: &str, column: &str) -> Statement {
        Statement::with_bindings("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2", vec![Value::from(table), Value::from(column)])
    }

    fn compile_list_views(&self) -> Statement {
        Statement::new("SELECT table_name AS name FROM information_schema.views WHERE table_schema = current_schema() ORDER BY table_name")
    }

    fn compile_list_tables(&self) -> Statement {
        Statement::new("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
    }
}
