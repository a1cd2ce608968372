//! The catalogue queries of schema introspection (`get_columns`, `get_indexes`,
//! `get_foreign_keys`), one per dialect, each answering with the same column names so that one
//! reader (`schema/introspect.rs`) turns the rows into values. Every name they look for is
//! bound, never written into the SQL; a `schema.table` name looks in that schema (PostgreSQL)
//! or database (MySQL).

use crate::dialect::Dialect;
use crate::statement::Statement;
use crate::value::Value;

/// `schema.table` split, for the servers (SQLite has one schema per file).
fn split(table: &str) -> (Value, Value) {
    match table.rsplit_once('.') {
        Some((schema, name)) => (Value::from(name), Value::from(schema)),
        None => (Value::from(table), Value::Null),
    }
}

/// One row per column, in order: `name`, `type` (as the database writes it), `nullable`,
/// `default` (its expression's text, or NULL), `auto_increment`.
pub(crate) fn columns(dialect: Dialect, table: &str) -> Statement {
    let (name, schema) = split(table);
    match dialect {
        Dialect::Sqlite => Statement::with_bindings(
            "SELECT name, type, \"notnull\" = 0 AND pk = 0 AS nullable, dflt_value AS \"default\", \
             pk = 1 AND lower(type) = 'integer' AND (SELECT COUNT(*) FROM pragma_table_info(?) WHERE pk > 0) = 1 AS auto_increment \
             FROM pragma_table_xinfo(?) ORDER BY cid",
            vec![Value::from(table), Value::from(table)],
        ),
        Dialect::Postgres => Statement::with_bindings(
            "SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable, \
             pg_get_expr(d.adbin, d.adrelid) AS \"default\", \
             (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%') AS auto_increment \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE c.relname = $1::text AND n.nspname = coalesce($2::text, current_schema()) AND c.relkind IN ('r', 'p') \
             AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            vec![name, schema],
        ),
        Dialect::MySql => Statement::with_bindings(
            "SELECT column_name AS name, column_type AS type, is_nullable = 'YES' AS nullable, column_default AS `default`, \
             extra LIKE '%auto_increment%' AS auto_increment FROM information_schema.columns \
             WHERE table_schema = coalesce(?, DATABASE()) AND table_name = ? ORDER BY ordinal_position",
            vec![schema, name],
        ),
    }
}

/// One row per indexed column, by index and position: `name`, `column` (an expression's text
/// for an expression index on PostgreSQL), `unique`, `primary`.
/// SQLite's key of a rowid table, which has no index, is reported as the index `primary`.
pub(crate) fn indexes(dialect: Dialect, table: &str) -> Statement {
    let (name, schema) = split(table);
    match dialect {
        Dialect::Sqlite => Statement::with_bindings(
            "SELECT il.name AS name, ii.name AS \"column\", il.\"unique\" AS \"unique\", il.origin = 'pk' AS \"primary\", ii.seqno AS pos \
             FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii \
             UNION ALL SELECT 'primary', name, 1, 1, pk FROM pragma_table_info(?) \
             WHERE pk > 0 AND NOT EXISTS (SELECT 1 FROM pragma_index_list(?) WHERE origin = 'pk') \
             ORDER BY 1, 5",
            vec![Value::from(table), Value::from(table), Value::from(table)],
        ),
        Dialect::Postgres => Statement::with_bindings(
            "SELECT ic.relname::text AS name, coalesce(a.attname::text, pg_get_indexdef(i.indexrelid, k.ord::int, true)) AS \"column\", \
             i.indisunique AS \"unique\", i.indisprimary AS \"primary\" \
             FROM pg_index i JOIN pg_class tc ON tc.oid = i.indrelid JOIN pg_namespace n ON n.oid = tc.relnamespace \
             JOIN pg_class ic ON ic.oid = i.indexrelid \
             CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) \
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0 \
             WHERE tc.relname = $1::text AND n.nspname = coalesce($2::text, current_schema()) ORDER BY ic.relname, k.ord",
            vec![name, schema],
        ),
        Dialect::MySql => Statement::with_bindings(
            "SELECT index_name AS name, column_name AS `column`, non_unique = 0 AS `unique`, index_name = 'PRIMARY' AS `primary` \
             FROM information_schema.statistics WHERE table_schema = coalesce(?, DATABASE()) AND table_name = ? \
             ORDER BY index_name, seq_in_index",
            vec![schema, name],
        ),
    }
}

/// One row per column pair of each foreign key, by key and position: `name` (SQLite: the
/// key's number; its name is read from the table's definition), `column`, `foreign_table`,
/// `foreign_column`, `on_update`, `on_delete` (the action's SQL words).
pub(crate) fn foreign_keys(dialect: Dialect, table: &str) -> Statement {
    let (name, schema) = split(table);
    match dialect {
        Dialect::Sqlite => Statement::with_bindings(
            "SELECT CAST(id AS TEXT) AS name, \"from\" AS \"column\", \"table\" AS foreign_table, \"to\" AS foreign_column, \
             on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq",
            vec![Value::from(table)],
        ),
        Dialect::Postgres => Statement::with_bindings(
            "SELECT con.conname::text AS name, a.attname::text AS \"column\", fc.relname::text AS foreign_table, \
             fa.attname::text AS foreign_column, \
             CASE con.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END AS on_update, \
             CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END AS on_delete \
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_class fc ON fc.oid = con.confrelid \
             CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord) \
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
             JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.fattnum \
             WHERE con.contype = 'f' AND c.relname = $1::text AND n.nspname = coalesce($2::text, current_schema()) \
             ORDER BY con.conname, k.ord",
            vec![name, schema],
        ),
        Dialect::MySql => Statement::with_bindings(
            "SELECT kcu.constraint_name AS name, kcu.column_name AS `column`, kcu.referenced_table_name AS foreign_table, \
             kcu.referenced_column_name AS foreign_column, rc.update_rule AS on_update, rc.delete_rule AS on_delete \
             FROM information_schema.key_column_usage AS kcu JOIN information_schema.referential_constraints AS rc \
             ON rc.constraint_schema = kcu.constraint_schema AND rc.constraint_name = kcu.constraint_name AND rc.table_name = kcu.table_name \
             WHERE kcu.table_schema = coalesce(?, DATABASE()) AND kcu.table_name = ? AND kcu.referenced_table_name IS NOT NULL \
             ORDER BY kcu.constraint_name, kcu.ordinal_position",
            vec![schema, name],
        ),
    }
}
