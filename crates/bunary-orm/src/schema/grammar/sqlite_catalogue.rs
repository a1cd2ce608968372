//! The catalogue queries of SQLite's table rebuild (`schema/sqlite_rebuild.rs` runs them):
//! what a table's columns, keys, unique constraints and indexes are. Every name they look for
//! is bound, never written into the SQL.

use crate::statement::Statement;
use crate::value::Value;

fn on(sql: &str, name: &str) -> Statement {
    Statement::with_bindings(sql, vec![Value::from(name)])
}

/// The columns of `table`'s primary key (one `name` column).
pub(crate) fn primary_key_columns(table: &str) -> Statement {
    on("SELECT name FROM pragma_table_info(?) WHERE pk > 0", table)
}

/// The columns of `table`'s foreign keys (one `name` column).
pub(crate) fn foreign_key_columns(table: &str) -> Statement {
    on("SELECT \"from\" AS name FROM pragma_foreign_key_list(?)", table)
}

/// The columns of `table`'s unique constraints (one `name` column).
pub(crate) fn unique_columns(table: &str) -> Statement {
    on(
        "SELECT ii.name AS name FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii WHERE il.origin = 'u'",
        table,
    )
}

/// The `CREATE TABLE` text of `table` (one `sql` column; no row when there is no such table).
pub(crate) fn table_sql(table: &str) -> Statement {
    on("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table)
}

/// `table`'s columns in order, generated ones included: `name`, `hidden` (2 or 3 for a
/// generated column), `pk`.
pub(crate) fn columns(table: &str) -> Statement {
    on("SELECT name, hidden, pk FROM pragma_table_xinfo(?) ORDER BY cid", table)
}

/// The foreign keys of every table that reference `table`: `child` and the referenced
/// `col` (NULL for the parent's key).
pub(crate) fn referencing_keys(table: &str) -> Statement {
    on(
        "SELECT m.name AS child, f.\"to\" AS col FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f \
         WHERE m.type = 'table' AND f.\"table\" = ? COLLATE NOCASE",
        table,
    )
}

/// Every trigger and view of the database: `type`, `name`, `tbl_name`, `sql`.
pub(crate) fn triggers_and_views() -> Statement {
    Statement::new(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') AND sql IS NOT NULL",
    )
}

/// `table`'s created indexes: `name` and their `sql`.
pub(crate) fn indexes(table: &str) -> Statement {
    on("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", table)
}

/// The `sql` of the created index `index` of `table` (no row for another table's, or a
/// constraint's, which has no SQL).
pub(crate) fn index_sql(table: &str, index: &str) -> Statement {
    Statement::with_bindings(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name = ? AND sql IS NOT NULL",
        vec![Value::from(table), Value::from(index)],
    )
}

/// The columns of `index`, in order (one `name` column; NULL for an expression).
pub(crate) fn index_columns(index: &str) -> Statement {
    on("SELECT name FROM pragma_index_info(?) ORDER BY seqno", index)
}

/// The created indexes of `table` that hold `column` (one `name` column).
pub(crate) fn indexes_on_column(table: &str, column: &str) -> Statement {
    Statement::with_bindings(
        "SELECT il.name AS name FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii \
         WHERE ii.name = ? AND il.origin = 'c'",
        vec![Value::from(table), Value::from(column)],
    )
}

/// The rows of `table` that break a foreign key.
pub(crate) fn foreign_key_check(table: &str) -> Statement {
    on("SELECT * FROM pragma_foreign_key_check(?)", table)
}

/// Whether this connection enforces foreign keys (one column, 1 or 0).
pub(crate) fn foreign_keys_enforced() -> Statement {
    Statement::new("PRAGMA foreign_keys")
}
