//! The schema builder: [`Schema::create_table`], [`Schema::table`] (alter), drops, renames and
//! introspection, on the global database or an explicit handle ([`Schema::on`]).
//!
//! A closure fills a [`Blueprint`]; the dialect's [`SchemaGrammar`](grammar::SchemaGrammar)
//! turns it into DDL. On SQLite and PostgreSQL the statements of one call run in a
//! transaction (a savepoint when one is open), so a failing index never leaves a half-made
//! table. MySQL commits DDL implicitly: there a failed `create_table` drops the table it made.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::{Db, DatabaseConfig, schema::Schema};
//!
//! let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
//! let schema = Schema::on(&db);
//! schema.create_table("users", |t| {
//!     t.increments("id");
//!     t.text("name");
//!     t.text("email").unique();
//!     t.boolean("active").default(true);
//!     t.timestamps();
//! }).await?;
//! schema.table("users", |t| { t.text("phone").nullable(); }).await?;
//! assert!(schema.has_column("users", "phone").await?);
//! schema.drop_table("users").await?;
//! assert!(!schema.has_table("users").await?);
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```

pub mod blueprint;
pub mod column;
pub mod grammar;
mod introspect;
mod sqlite_rebuild;

use crate::connection::Tx;
use crate::connection::{Connection, Executor};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::statement::Statement;

pub use self::blueprint::{Blueprint, Command, ForeignBuilder, IndexBuilder, IntoKeyRef, KeyRef};
pub use self::column::{ColumnDefault, ColumnDefinition, ColumnType, ForeignAction, ForeignKey};
use self::grammar::schema_grammar_for;
pub use self::introspect::{TableColumn, TableForeignKey, TableIndex};

/// The schema builder on the global database; [`Schema::on`] for an explicit handle.
#[derive(Debug, Clone, Copy)]
pub struct Schema;

/// The schema builder bound to a connection.
#[derive(Debug, Clone, Default)]
pub struct SchemaBuilder {
    connection: Connection,
}

impl Schema {
    /// The schema builder on `connection`: a handle (`Schema::on(&db)`), a transaction
    /// (`Schema::on(&tx)`) or a named connection (`Schema::on("analytics")`).
    pub fn on(connection: impl Into<Connection>) -> SchemaBuilder {
        SchemaBuilder { connection: connection.into() }
    }

    /// Creates a table on the global database. See [`SchemaBuilder::create_table`].
    ///
    /// # Errors
    /// As [`SchemaBuilder::create_table`].
    pub async fn create_table(table: &str, f: impl FnOnce(&mut Blueprint)) -> Result<()> {
        SchemaBuilder::default().create_table(table, f).await
    }

    /// Alters a table on the global database. See [`SchemaBuilder::table`].
    ///
    /// # Errors
    /// As [`SchemaBuilder::table`].
    pub async fn table(table: &str, f: impl FnOnce(&mut Blueprint)) -> Result<()> {
        SchemaBuilder::default().table(table, f).await
    }

    /// Drops a table on the global database.
    ///
    /// # Errors
    /// As [`SchemaBuilder::drop_table`].
    pub async fn drop_table(table: &str) -> Result<()> {
        SchemaBuilder::default().drop_table(table).await
    }

    /// Drops a table on the global database if it exists.
    ///
    /// # Errors
    /// As [`SchemaBuilder::drop_table_if_exists`].
    pub async fn drop_table_if_exists(table: &str) -> Result<()> {
        SchemaBuilder::default().drop_table_if_exists(table).await
    }

    /// Whether the global database has `table`.
    ///
    /// # Errors
    /// The database's error.
    pub async fn has_table(table: &str) -> Result<bool> {
        SchemaBuilder::default().has_table(table).await
    }

    /// Whether `table` has `column` on the global database.
    ///
    /// # Errors
    /// The database's error.
    pub async fn has_column(table: &str, column: &str) -> Result<bool> {
        SchemaBuilder::default().has_column(table, column).await
    }

    /// Renames a table on the global database.
    ///
    /// # Errors
    /// As [`SchemaBuilder::rename_table`].
    pub async fn rename_table(from: &str, to: &str) -> Result<()> {
        SchemaBuilder::default().rename_table(from, to).await
    }
}

impl SchemaBuilder {
    /// Where the statements run.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Runs DDL statements as one unit where the dialect allows (a transaction or savepoint).
    async fn run(&self, exec: &Executor<'_>, statements: Vec<Statement>, undo: Option<Statement>) -> Result<()> {
        if !exec.dialect().capabilities().transactional_ddl {
            for (i, statement) in statements.iter().enumerate() {
                if let Err(e) = ddl(exec, statement).await {
                    if let (Some(undo), true) = (&undo, i > 0) {
                        let _ = ddl(exec, undo).await;
                    }
                    return Err(e);
                }
            }
            return Ok(());
        }
        let work = |tx: Tx| async move {
            for statement in &statements {
                ddl_in(&tx, statement).await?;
            }
            Ok::<_, crate::error::Error>(())
        };
        exec.transaction(work).await
    }

    /// Creates `table` with the columns and indexes declared by `f`.
    ///
    /// # Errors
    /// [`Error::InvalidIdentifier`](crate::Error::InvalidIdentifier) for a bad name,
    /// [`Error::InvalidSchema`](crate::Error::InvalidSchema) for an impossible table (no columns,
    /// two primary keys), the database's error (the table is then not created).
    pub async fn create_table(&self, table: &str, f: impl FnOnce(&mut Blueprint)) -> Result<()> {
        let mut blueprint = Blueprint::new(table);
        f(&mut blueprint);
        let exec = self.connection.executor().await?;
        let grammar = schema_grammar_for(exec.dialect());
        let statements = grammar.compile_create(&blueprint)?;
        let undo = grammar.compile_drop(table, true)?;
        self.run(&exec, statements, Some(undo)).await
    }

    /// The DDL `create_table` would run on `dialect`, without running it.
    ///
    /// # Errors
    /// As [`create_table`](Self::create_table), before any SQL runs.
    pub fn create_table_sql(dialect: Dialect, table: &str, f: impl FnOnce(&mut Blueprint)) -> Result<Vec<Statement>> {
        let mut blueprint = Blueprint::new(table);
        f(&mut blueprint);
        schema_grammar_for(dialect).compile_create(&blueprint)
    }

    /// Alters `table`: adds the columns declared by `f`, then runs its commands (drop or
    /// rename columns, add or drop indexes, add foreign keys) in order.
    ///
    /// On SQLite, the indexes covering a dropped column are dropped first (SQLite refuses to
    /// drop an indexed column); what SQLite cannot alter (a foreign or primary key on existing
    /// columns, dropping a column a key uses) rebuilds the table in the same transaction,
    /// keeping its rows, keys and indexes: new columns, renames and index changes run first,
    /// then the rebuild.
    ///
    /// # Errors
    /// As [`create_table`](Self::create_table).
    pub async fn table(&self, table: &str, f: impl FnOnce(&mut Blueprint)) -> Result<()> {
        let mut blueprint = Blueprint::new(table);
        f(&mut blueprint);
        let exec = self.connection.executor().await?;
        if !exec.dialect().capabilities().alter_constraints {
            return alter_sqlite(&exec, blueprint).await;
        }
        let statements = schema_grammar_for(exec.dialect()).compile_alter(&blueprint)?;
        self.run(&exec, statements, None).await
    }

    /// Drops `table`.
    ///
    /// # Errors
    /// The database's error (for example when the table does not exist).
    pub async fn drop_table(&self, table: &str) -> Result<()> {
        let exec = self.connection.executor().await?;
        let sql = schema_grammar_for(exec.dialect()).compile_drop(table, false)?;
        ddl(&exec, &sql).await
    }

    /// Drops `table` if it exists.
    ///
    /// # Errors
    /// The database's error.
    pub async fn drop_table_if_exists(&self, table: &str) -> Result<()> {
        let exec = self.connection.executor().await?;
        let sql = schema_grammar_for(exec.dialect()).compile_drop(table, true)?;
        ddl(&exec, &sql).await
    }

    /// Renames a table.
    ///
    /// # Errors
    /// The database's error.
    pub async fn rename_table(&self, from: &str, to: &str) -> Result<()> {
        let exec = self.connection.executor().await?;
        let sql = schema_grammar_for(exec.dialect()).compile_rename(from, to)?;
        ddl(&exec, &sql).await
    }

    /// Whether `table` exists (in the current database or schema).
    ///
    /// # Errors
    /// The database's error.
    pub async fn has_table(&self, table: &str) -> Result<bool> {
        crate::ident::TableRef::parse(table)?;
        let exec = self.connection.executor().await?;
        let statement = schema_grammar_for(exec.dialect()).compile_has_table(table);
        Ok(!exec.query(&statement).await?.is_empty())
    }

    /// Whether `table` has `column`.
    ///
    /// # Errors
    /// The database's error.
    pub async fn has_column(&self, table: &str, column: &str) -> Result<bool> {
        let exec = self.connection.executor().await?;
        let statement = schema_grammar_for(exec.dialect()).compile_has_column(table, column);
        Ok(!exec.query(&statement).await?.is_empty())
    }

    /// The tables of the current database or schema, sorted.
    ///
    /// # Errors
    /// The database's error.
    pub async fn tables(&self) -> Result<Vec<String>> {
        let exec = self.connection.executor().await?;
        let statement = schema_grammar_for(exec.dialect()).compile_list_tables();
        exec.query(&statement).await?.iter().map(|r| r.get::<String>("name")).collect()
    }

    /// The views of the current database or schema, sorted.
    ///
    /// # Errors
    /// The database's error.
    pub async fn views(&self) -> Result<Vec<String>> {
        let exec = self.connection.executor().await?;
        let statement = schema_grammar_for(exec.dialect()).compile_list_views();
        exec.query(&statement).await?.iter().map(|r| r.get::<String>("name")).collect()
    }

    /// Drops every view of the current database or schema (Laravel's `dropAllViews`); each name
    /// as the catalogue keeps it, quoted, never parsed.
    ///
    /// # Errors
    /// The database's error.
    pub async fn drop_all_views(&self) -> Result<()> {
        let exec = self.connection.executor().await?;
        let dialect = exec.dialect();
        for view in self.views().await? {
            let mut sql = String::from("DROP VIEW IF EXISTS ");
            dialect.quote_identifier(&mut sql, &view);
            if dialect == Dialect::Postgres {
                // A view another view reads goes with it (PostgreSQL refuses it alone).
                sql.push_str(" CASCADE");
            }
            exec.exec_batch(&sql).await?;
        }
        Ok(())
    }

    /// Drops every table of the current database or schema (what `migrate:fresh` does first).
    ///
    /// # Errors
    /// The database's error.
    pub async fn drop_all_tables(&self) -> Result<()> {
        let exec = self.connection.executor().await?;
        let tables = self.tables().await?;
        let dialect = exec.dialect();
        // Every statement runs on one pinned connection, so that switching foreign keys off
        // (SQLite: before BEGIN, by the schema-change transaction; MySQL: for the session)
        // never leaks to another pooled connection.
        let work = |tx: Tx| async move {
            let plan = schema_grammar_for(dialect).compile_drop_all(&tables);
            for statement in &plan.before {
                ddl_in(&tx, statement).await?;
            }
            let mut result = Ok(());
            for statement in &plan.drops {
                if let Err(e) = ddl_in(&tx, statement).await {
                    result = Err(e);
                    break;
                }
            }
            for statement in &plan.after {
                ddl_in(&tx, statement).await?;
            }
            result
        };
        exec.schema_transaction(work).await
    }
}

/// `Schema::table` on SQLite: plain `ALTER TABLE` where SQLite can, a rebuild where it cannot.
async fn alter_sqlite(exec: &Executor<'_>, blueprint: Blueprint) -> Result<()> {
    let table = blueprint.table().to_owned();
    let mut blueprint = blueprint;
    let renames = blueprint.take_index_renames();
    let work = |tx: Tx| async move {
        alter_sqlite_in(&tx, &table, blueprint).await?;
        for (from, to) in &renames {
            sqlite_rebuild::rename_index(&tx, &table, from, to).await?;
        }
        Ok(())
    };
    exec.schema_transaction(work).await
}

/// The work of [`alter_sqlite`] inside its transaction, index renames apart.
async fn alter_sqlite_in(tx: &Tx, table: &str, blueprint: Blueprint) -> Result<()> {
    let grammar = schema_grammar_for(Dialect::Sqlite);
    let changes_columns = blueprint.columns().iter().any(|c| c.change);
    if changes_columns || sqlite_rebuild::needs_rebuild(tx, table, blueprint.commands()).await? {
        let pragma = grammar::sqlite_catalogue::foreign_keys_enforced();
        let enforced = tx.query(&pragma.sql, &[]).await?.first().map(|r| r.get::<i64>(0)).transpose()?;
        if enforced == Some(1) {
            return Err(crate::error::Error::Unsupported {
                dialect: Dialect::Sqlite,
                feature: format!(
                    "rebuilding `{table}` inside a transaction that enforces foreign keys (run the change on its own, or in a migration)"
                ),
            });
        }
        let (simple, changes) = blueprint.split_for_rebuild();
        for statement in grammar.compile_alter(&simple)? {
            ddl_in(tx, &statement).await?;
        }
        return sqlite_rebuild::rebuild(tx, table, &changes).await;
    }
    let mut blueprint = blueprint;
    let dropped: Vec<String> = blueprint
        .commands()
        .iter()
        .filter_map(|c| match c {
            Command::DropColumn(name) => Some(name.clone()),
            _ => None,
        })
        .collect();
    for column in dropped {
        let indexes = grammar::sqlite_catalogue::indexes_on_column(table, &column);
        let rows = tx.query(&indexes.sql, &indexes.bindings).await?;
        for row in rows {
            blueprint.drop_index_before_column(&row.get::<String>("name")?, &column);
        }
    }
    for statement in grammar.compile_alter(&blueprint)? {
        ddl_in(tx, &statement).await?;
    }
    Ok(())
}

/// Runs one schema statement: as a script when it binds nothing (so that a PostgreSQL
/// connection forgets the plans a schema change may make stale), with its bindings otherwise.
async fn ddl(exec: &Executor<'_>, statement: &Statement) -> Result<()> {
    if statement.bindings.is_empty() {
        exec.exec_batch(&statement.sql).await
    } else {
        exec.exec(statement).await.map(|_| ())
    }
}

/// [`ddl`] inside the transaction `tx`.
async fn ddl_in(tx: &Tx, statement: &Statement) -> Result<()> {
    if statement.bindings.is_empty() {
        tx.exec_batch(&statement.sql).await
    } else {
        tx.exec(&statement.sql, &statement.bindings).await.map(|_| ())
    }
}
